"""Where each agreed number comes from and who answers for it: a limit's rationale, in the reviewer's words.

Every step that states an agreed number (a band, a limit, a margin, a level, the rows judged for drift, the accepted
range, the tolerance of the agreed answers: :data:`LIMITS`) carries it as a table of two rows right under the step::

    Then on patients it was not trained on, its typical error is at most 50 points
      | source | A linear model misses by about 44 points on average on patients it was not trained on: ... |
      | owner  | The modelgate maintainers                                                                   |

The number stays in its one home, the step; the table says only why it is that number and whose it is. The reader
compiles the rationales into the contract (so they travel in the model folder and the report shows them) and refuses a
table that is not one; the release gate fails on each limit that states no source (:func:`unsourced`), one line each.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, fields

from modelgate.contracts import sentences as say
from modelgate.contracts.card import read_rows
from modelgate.contracts.places import beside

# The rows of a rationale, as the features write them, and the field each fills.
ROWS = {"source": "source", "owner": "owner"}
HOW = "under the step, a table: | source | where the number comes from | and | owner | who answers for it |"
# The sentences that state an agreed number, each with the part that holds it where the sentence may leave it out: the
# agreed classes state one only with a probability's tolerance, a classifier's answer only with its threshold.
LIMITS = {
    "ACCEPTS": None, "R2_BAND": None, "TYPICAL_ERROR": None, "MARGIN": None, "OUTPUT_BOUNDS": None,
    "GROUP_ERROR": None, "GROUP_GAP": None, "INTERVAL": None,
    "DRIFT_WARN": None, "DRIFT_REFUSE": None, "DRIFT_ROWS": None, "DRIFT_SMALL": None,
    "METRIC_UNSEEN": None, "METRIC_EVALUATION": None, "BASELINE": None, "CALIBRATION": None, "CHAMPION_METRIC": None,
    "GOLDEN_OUTLINE": None, "GOLDEN_TABLE": None, "GOLDEN_LABEL_OUTLINE": "tolerance", "GOLDEN_LABEL_TABLE": "tolerance",
    "OUTPUT_CLASSES": "threshold",
}  # fmt: skip


@dataclass(frozen=True)
class Rationale:
    """Why the number a step states is that number (``source``), and who answers for it (``owner``)."""

    stated: str  # the step's text, the number in it
    source: str
    owner: str

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, found: dict) -> Rationale:
        return cls(**{f.name: str(found.get(f.name, "")) for f in fields(cls)})


def is_limit(text: str) -> bool:
    """Does a step of this text state an agreed number?"""
    for key, part in LIMITS.items():
        match = getattr(say, key).fullmatch(text)
        if match and (part is None or match[part]):
            return True
    return False


def read(text: str, table: list[list[tuple[str, int]]] | None, where: str, problems: list[str]) -> Rationale | None:
    """The rationale of the limit a step states, from the table under it; None if it has none (the gate's concern, not
    the reader's), or with one line per problem (naming file and line) if the table is not a rationale."""
    if not table:
        return None
    found = read_rows(table, where, ROWS, "limit", "the limit", problems)
    return None if found is None else Rationale(text, **{ROWS[what]: says for what, says in found.items()})


# An accepted range written in the inputs table states its source and owner in the table's own columns.
TABLE_HOW = "in the inputs table's source and owner columns"
NUMBER_KINDS = ("number", "whole number", "integer")


def table_ranges(step) -> list[tuple[str, str, str, str]]:
    """(where, what is stated, source, owner) of each accepted range written in an inputs table (``step`` states the
    inputs): a number input's row with its ``accepted`` cell filled; source and owner as written ("" if not)."""
    if not step.table or not say.INPUTS.fullmatch(step.text):
        return []
    header = [cell.strip().lower() for cell, _ in step.table[0]]
    found = []
    for row in step.table[1:]:
        cells = {h: cell.strip() for h, (cell, _) in zip(header, row)}
        if cells.get("kind", "").lower() in NUMBER_KINDS and cells.get("accepted"):
            unit = f" {cells['unit']}" if cells.get("unit") else ""
            where = beside(step.where, row[0][1])
            found.append((where, f"{cells['input']}: {cells['accepted']}{unit}", cells.get("source", ""), cells.get("owner", "")))
    return found


def table_rationales(step) -> list[Rationale]:
    """The rationale of each accepted range of an inputs table that states both its source and its owner."""
    return [Rationale(stated, source, owner) for _, stated, source, owner in table_ranges(step) if source and owner]


def unsourced(steps) -> list[str]:
    """``<file>, line <n>: '<step>' states no source and owner ...`` for each step (of :func:`reader.read_steps`) that
    states an agreed number without a table under it, and each accepted range of an inputs table without both."""
    return [f"{where}: {_quoted(stated)} states no source and owner ({how})" for where, stated, how in unsourced_items(steps)]


def unsourced_items(steps) -> list[tuple[str, str, str]]:
    """(where, what is stated, how to state its source) of each agreed number without a source, in the features' order."""
    found = []
    for step in steps:
        if step.table is None and is_limit(step.text):
            found.append((step.where, step.text, HOW))
        found += [(where, stated, TABLE_HOW) for where, stated, source, owner in table_ranges(step) if not (source and owner)]
    return found


def changes(old: tuple[Rationale, ...], new: tuple[Rationale, ...], to: str = "→") -> list[str]:
    """What moved between two contracts' rationales, one line per number: its source or owner, old ``to`` new. A step
    whose number changed keeps its source and owner: that is the number's change (named as its fact), not theirs."""
    before, after = {r.stated: r for r in old}, {r.stated: r for r in new}
    said = {(r.source, r.owner) for r in old if r.stated not in after} & {
        (r.source, r.owner) for r in new if r.stated not in before
    }
    lines = []
    for stated in dict.fromkeys([*before, *after]):
        a, b = before.get(stated), after.get(stated)
        alone = b if a is None else a if b is None else None  # the number's step on one side only
        if alone is not None and (alone.source, alone.owner) in said:
            continue
        for what in ROWS.values():
            was, now = (getattr(r, what) if r else None for r in (a, b))
            if was != now:
                lines.append(f"the {what} of {_quoted(stated)}: {_said(was)} {to} {_said(now)}")
    return lines


def _said(text: str | None) -> str:
    return "none stated" if text is None else repr(text)


def _quoted(text: str) -> str:
    return repr(re.sub(r"\s+", " ", text.strip()))
