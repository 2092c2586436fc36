"""``modelgate init``: a draft features folder (the contract) written from the training data, for a reviewer to edit,
in the contract language the reader reads (:mod:`modelgate.contracts.sentences`).

What the data shows is written as observed: each input's kind, its categories or yes/no spelling, whether it may be
missing, a classifier's classes (:mod:`.observed`). What the data only suggests is proposed and marked ``(to be
agreed)``: the accepted ranges (the observed ones rounded outward), the tolerance of the agreed answers and the limits
of the quality and risk features (:mod:`.limits`). What only a person knows is left as ``to be agreed``: the units and
the agreed answers of golden rows spread over the data, and, under every step that states a number, where that number
comes from and who owns it (:mod:`modelgate.contracts.rationale`). The reader refuses the contract and the gate fails,
one line per value, until none is left (:mod:`modelgate.contracts.unagreed`). An existing file is never written over.
"""

from __future__ import annotations

import re
from pathlib import Path

from modelgate.contracts import card, rationale
from modelgate.contracts.inputs import CATEGORY, WHOLE, YES_NO
from modelgate.contracts.unagreed import PROPOSED, UNAGREED
from modelgate.draft import limits
from modelgate.draft.observed import REGRESSION, Data, DraftError, outward, written

GOLDEN_ROWS = 8  # a regression's agreed rows, at evenly spaced quantiles of its answer
PER_CLASS = 2  # a classifier's agreed rows for each class


def draft(data: Data) -> dict[str, str]:
    """The draft features: file name -> text."""
    regression = data.task == REGRESSION
    drafted = {
        "model.feature": _model(data),
        "scoring.feature": _scoring(data),
        "quality.feature": limits.quality(data) if regression else limits.class_quality(data),
        "risk.feature": limits.risk(data),
    }
    return {name: _sourced(text) for name, text in drafted.items()}


_STEP = re.compile(r"(?P<indent> *)(?:Given|When|Then|And|But) (?P<text>.+)")


def _sourced(text: str) -> str:
    """``text`` with a table under every step that states a number: its source and owner, to be agreed."""
    lines = []
    for line in text.split("\n"):
        lines.append(line)
        step = _STEP.fullmatch(line)
        if step and rationale.is_limit(step["text"].replace(PROPOSED, "")):
            lines += _table([[what, UNAGREED] for what in rationale.ROWS], step["indent"] + "  ")
    return "\n".join(lines)


def write(data: Data, out: Path) -> list[str]:
    """Write the draft into ``out``, keeping every file already there; one line per file written or kept."""
    said = []
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DraftError(f"{out}: cannot make the features folder ({exc.strerror})") from None
    for name, text in draft(data).items():
        path = out / name
        try:
            with open(path, "x", encoding="utf-8") as handle:  # "x": an existing file is never opened for writing
                handle.write(text)
        except FileExistsError:
            said.append(f"kept {path}: it exists, and init never writes over a file")
            continue
        except OSError as exc:
            raise DraftError(f"{path}: cannot write it ({exc.strerror})") from None
        said.append(f"wrote {path}: {text.count(UNAGREED)} value(s) {UNAGREED}")
    return said


def _table(rows: list[list[str]], indent: str = "      ") -> list[str]:
    cells = [[cell.replace("\\", "\\\\").replace("|", "\\|") for cell in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(cells[0]))]
    return [indent + "| " + " | ".join(c.ljust(w) for c, w in zip(row, widths)) + " |" for row in cells]


def _accepted(column) -> str:
    if column.kind == CATEGORY:
        return ", ".join(column.values[:-1]) + f" or {column.values[-1]}" if len(column.values) > 1 else column.values[0]
    if column.kind == YES_NO:
        return f"{column.values[0]} or {column.values[1]}"
    low, high = outward(column.low, column.high, column.kind == WHOLE)
    return f"from {written(low)} to {written(high)}{PROPOSED}"


def _decimals(data: Data) -> int:
    written_ = [v.partition(".")[2] for v in data.answers()]
    return min(6, max(2, *(len(d) for d in written_)))


def _output(data: Data) -> str:
    if data.task == REGRESSION:
        return f"it answers the {data.target} in {UNAGREED}, rounded to {_decimals(data)} decimals"
    classes = data.classes()
    listed = ", ".join(classes[:-1]) + f" or {classes[-1]}"
    return f"it answers the {data.target}, one of {listed}, with the probability of each rounded to 4 decimals"


def _card(data: Data) -> list[list[str]]:
    """The model's card (``contracts.card``): only the training rows are known here; a reviewer writes the rest."""
    says = {"trained on": f"{len(data.rows)} rows of {data.path.name}: who or what they describe {UNAGREED}"}
    return [[what, says.get(what, UNAGREED)] for what in card.ROWS]


def _model(data: Data) -> str:
    header = ["input", "meaning", "unit", "kind", "accepted", "may be missing", "source", "owner"]
    # A range is an agreed number: its source and owner are proposed beside it, for the reviewer to agree or rewrite.
    source = f"the range of the {len(data.rows)} rows of {data.path.name}, rounded outward{PROPOSED}"
    owner = f"the owner the card names{PROPOSED}"
    rows = [header] + [
        [c.name, c.name.replace("_", " "), UNAGREED if c.kind not in (CATEGORY, YES_NO) else "", c.kind, _accepted(c),
         "yes" if c.missing else "no", *((source, owner) if c.kind not in (CATEGORY, YES_NO) else ("", ""))]
        for c in data.inputs
    ]  # fmt: skip
    return "\n".join([
        "@model",
        f"Feature: The {data.target} model",
        f"  Drafted by modelgate init from {data.path.name} ({len(data.rows)} rows) for a reviewer to edit. The inputs",
        "  are the data's columns, each with the kind, the values and the gaps the data shows; each range is the",
        "  data's, rounded outward. Write each input's meaning and unit, and agree each marked value.",
        "",
        "  Scenario: The model's card: what it is for, what it was trained on and who owns it",
        "    Given the model under test",
        "    Then its card reads",
        *_table(_card(data)),
        "",
        f"  Scenario: The model is told a row's inputs and answers its {data.target}",
        "    Given the model under test",
        "    Then it takes these inputs",
        *_table(rows),
        f"    And {_output(data)}",
        "",
    ])  # fmt: skip


def golden_rows(data: Data) -> list[dict[str, str]]:
    """Rows of the data spread over its answers: a regression's at evenly spaced quantiles, a classifier's first and
    middle rows of each class (in the file's order), each row once."""
    if data.task == REGRESSION:
        answers = data.numbers()
        ranked = sorted(range(len(data.rows)), key=lambda i: answers[i])
        count = min(GOLDEN_ROWS, len(ranked))
        picked = [ranked[round(k * (len(ranked) - 1) / max(1, count - 1))] for k in range(count)]
    else:
        picked = []
        for label in data.classes():
            members = [i for i, value in enumerate(data.answers()) if value == label]
            picked += [members[0], members[len(members) // 2]][:PER_CLASS]
    chosen: dict[tuple, dict[str, str]] = {}
    for index in picked:
        row = {c.name: data.rows[index][c.name].strip() for c in data.inputs}
        chosen.setdefault(tuple(row.values()), row)
    return list(chosen.values())


def _scoring(data: Data) -> str:
    names = [c.name for c in data.inputs]
    regression = data.task == REGRESSION
    header = [*names, data.target] if regression else [*names, data.target, "probability"]
    filled = [UNAGREED] if regression else [UNAGREED, UNAGREED]
    rows = [header] + [[row[n] for n in names] + filled for row in golden_rows(data)]
    if regression:
        then = f"each answer is the agreed {data.target}, give or take {written(10 ** -_decimals(data))}{PROPOSED}"
        spread = f"at evenly spaced quantiles of the {data.target}"
    else:
        then = f"each answer is the agreed {data.target}, its probability give or take 0.01{PROPOSED}"
        spread = f"the first and the middle row of each {data.target} in the file"
    return "\n".join([
        "@api",
        f"Feature: Agreed {data.target}",
        f"  Rows of {data.path.name} spread over the data ({spread}): a reviewer agrees the {data.target} the",
        "  model gives each. A model that answers another one needs a new sign-off before it is released.",
        "",
        "  Background:",
        "    Given the scoring service is running",
        "",
        f"  Scenario: The agreed rows are answered their agreed {data.target}",
        f"    When a client asks for the {data.target} of each row below",
        *_table(rows),
        f"    Then {then}",
        "",
    ])  # fmt: skip
