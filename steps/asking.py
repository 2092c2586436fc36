"""How a scenario asks about one row in the features' own words.

The features' agreed-answers outline (of numbers or of classes) says how a row is asked (``When a client asks for
the weight of a person <height> inches tall``). Any step written the same way with the placeholders filled in
(``… a person 138 inches tall``, or ``it answers the weight of a person 138 inches tall``) is read back to its row of
inputs by turning that template into a pattern: so no step definition names an input of any one model.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from modelgate.contracts import sentences
from modelgate.contracts.reader import read_steps
from pytest_bdd.parsers import StepParser

ASK = "a client asks for the "
ANSWERS = "it answers the "
_PLACEHOLDER = re.compile(r"<([^<>]+)>")
# The Then steps that make an outline the agreed answers: a regression's numbers, a classifier's classes.
AGREED_OUTLINES = (sentences.GOLDEN_OUTLINE, sentences.GOLDEN_LABEL_OUTLINE)


@cache
def templates(features: Path) -> tuple[re.Pattern, ...]:
    """The patterns of the When steps of every agreed-answers outline, each without its ``a client asks for the``."""
    found = []
    for step in read_steps(features).steps:
        if not (step.text.startswith(ASK) and _PLACEHOLDER.search(step.text)):
            continue
        golden = [s for s in step.scenario.get("steps", []) if any(o.fullmatch(s["text"]) for o in AGREED_OUTLINES)]
        if not golden:
            continue
        body, pattern, last = step.text[len(ASK) :], "", 0
        for match in _PLACEHOLDER.finditer(body):
            pattern += re.escape(body[last : match.start()]) + f"(?P<{_group(match[1])}>.*?)"
            last = match.end()
        found.append(re.compile(pattern + re.escape(body[last:])))
    return tuple(dict.fromkeys(found))


def _group(name: str) -> str:
    return re.sub(r"\W", "_", name)


class Asked(StepParser):
    """Matches ``<prefix><template with values>``; the step gets ``asked``: {input: the value's text}."""

    def __init__(self, prefix: str = ASK):
        super().__init__(prefix + "<a row in the words of the agreed-answers outline>")
        self.prefix = prefix

    def _match(self, name: str):
        from modelgate.steps.plugin import current_features

        if not name.startswith(self.prefix):
            return None
        rest = name[len(self.prefix) :]
        for pattern in templates(current_features()):
            found = pattern.fullmatch(rest)
            if found:
                return found
        return None

    def is_matching(self, name: str) -> bool:
        return self._match(name) is not None

    def parse_arguments(self, name: str) -> dict:
        found = self._match(name)
        return {"asked": found.groupdict() if found else {}}


def row_of(contract, asked: dict[str, str]) -> dict:
    """The row a step asked about, its values read as the contract reads them (every input must be named)."""
    missing = [n for n in contract.names if _group(n) not in asked]
    assert not missing, f"the step names no value for {missing}: its words must follow the agreed-answers outline"
    return {spec.name: spec.from_text(asked[_group(spec.name)].strip()) for spec in contract.inputs}


def query_of(contract, rows: list[dict]) -> list[tuple[str, str]]:
    """The query pairs that ask for ``rows`` (each input once per row)."""
    return [(spec.name, spec.to_text(row[spec.name])) for row in rows for spec in contract.inputs]
