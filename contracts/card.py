"""The model's card: what the model is for, the population and the period its training data describe, what it must
not be used for, its known limitations and its owner, in the reviewer's words.

Stated once, in the features that open the model's contract (``Then its card reads`` with a table of two columns,
what and what it says; :data:`ROWS`), compiled into the contract, so it travels in the model folder and the report and
the service show it. Every row is required: a card without its owner (or any other row) is refused in one line, and
features without a card cannot be packaged or released (:func:`card_problem`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, fields

from modelgate.contracts.places import beside

# The rows of the card, as the features write them, and the field each fills.
ROWS = {
    "what it is for": "purpose",
    "trained on": "population",
    "period": "period",
    "not to be used for": "not_for",
    "known limitations": "limitations",
    "owner": "owner",
}
HOW = "'Then its card reads' with a table of two columns, one row each: " + ", ".join(ROWS)


@dataclass(frozen=True)
class Card:
    purpose: str
    population: str
    period: str
    not_for: str
    limitations: str
    owner: str

    def rows(self) -> list[tuple[str, str]]:
        """(what, what it says) in the features' order and words."""
        return [(what, getattr(self, name)) for what, name in ROWS.items()]

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_dict(cls, found: dict) -> Card:
        return cls(**{f.name: str(found.get(f.name, "")) for f in fields(cls)})


def read_card(table: list[list[tuple[str, int]]] | None, where: str, problems: list[str]) -> Card | None:
    """The card a ``its card reads`` table states; None, with one line per problem (naming file and line), otherwise."""
    if not table:
        problems.append(f"{where}: the model's card needs its table ({HOW})")
        return None
    found = read_rows(table, where, ROWS, "card", "the model's card", problems)
    return None if found is None else Card(**{ROWS[what]: text for what, text in found.items()})


def read_rows(
    table: list[list[tuple[str, int]]], where: str, rows: Iterable[str], of: str, whole: str, problems: list[str]
) -> dict[str, str] | None:
    """A table of two columns, what and what it says, one row for each of ``rows``: {what: says}; None, with one line
    per problem (naming file and line), otherwise. ``of`` names the table in a row's problem (``the card's 'period'
    is empty``), ``whole`` in the problem of a missing row (``the model's card states no owner``)."""
    rows = list(rows)
    found: dict[str, str] = {}
    before = len(problems)
    for row in table:
        cells = [cell.strip() for cell, _ in row]
        line = beside(where, row[0][1])
        what = cells[0].lower().removesuffix(":")
        if len(cells) != 2 or what not in rows:
            problems.append(f"{line}: the {of} has a row {cells[0]!r}; its rows are {', '.join(rows)}, each with what it says")
        elif what in found:
            problems.append(f"{line}: the {of} states {what!r} twice")
        elif not cells[1]:
            problems.append(f"{line}: the {of}'s {what!r} is empty")
        else:
            found[what] = cells[1]
    # A row missing is named only when every row was read: a misspelt or repeated row is the missing one, said once.
    missing = [what for what in rows if what not in found]
    if missing and len(problems) == before:
        problems.append(f"{where}: {whole} states no {' and no '.join(missing)} (a row '| {missing[0]} | … |')")
    return None if len(problems) > before else found


def card_problem(card: Card | None, folder: object) -> str | None:
    """Why features whose contract has this card cannot be packaged or released (none stated), or None."""
    if card is None:
        return f"{folder}: no model's card ({', '.join(ROWS)}): {HOW}"
    return None
