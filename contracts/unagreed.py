"""What nobody has agreed yet: the one marker a draft contract (``modelgate init``) writes wherever a value awaits a
reviewer, and every place it remains in a features folder, one line each naming the file, the line and the value.

The reader refuses a contract that still holds one, and the release gate fails on each, so no model is packaged or
released on a number nobody signed.
"""

from __future__ import annotations

from pathlib import Path

from gherkin.errors import CompositeParserException
from gherkin.parser import Parser
from modelgate.contracts import card, rationale
from modelgate.contracts.places import at

UNAGREED = "to be agreed"
# After a value the draft proposes (a range, a limit): delete it to agree the value, or write another value instead.
PROPOSED = f" ({UNAGREED})"
COLUMNS = {"accepted": "accepted values"}  # a column of the inputs table as a line names it


def find(folder: str | Path) -> list[str]:
    """``<file>, line <n>: <what> is to be agreed`` for every marker in the ``*.feature`` files below ``folder``: one
    per table cell, one per step, one per other line (a description, a comment)."""
    folder = Path(folder)
    files = sorted(folder.rglob("*.feature")) if folder.is_dir() else []
    found: list[str] = []
    for path in files:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # the reader reports a file it cannot read
        if UNAGREED not in text:
            continue
        places = _places(text)
        for number, line in enumerate(text.splitlines(), start=1):
            if UNAGREED in line:
                found += [f"{at(path, number)}: {what} is {UNAGREED}" for what in places.get(number, [_quoted(line)])]
    return found


def _quoted(text: str) -> str:
    return repr(text.strip().replace(PROPOSED, "").replace(UNAGREED, "…"))


def _places(text: str) -> dict[int, list[str]]:
    """What each marked line of a feature states: a step, or the cells of a table row, by their column."""
    try:
        document = Parser().parse(text)
    except CompositeParserException:
        return {}
    places: dict[int, list[str]] = {}
    children = (document.get("feature") or {}).get("children", [])
    for child in children:
        for item in child["rule"]["children"] if "rule" in child else [child]:
            scenario = item.get("scenario") or item.get("background") or {}
            for step in scenario.get("steps", []):
                if UNAGREED in step["text"]:
                    places[step["location"]["line"]] = [f"the step {_quoted(step['keyword'] + step['text'])}"]
                _cells(step.get("dataTable", {}).get("rows", []), places, step["text"])
            for examples in scenario.get("examples", []):
                _cells([examples["tableHeader"], *examples.get("tableBody", [])] if examples.get("tableHeader") else [], places)
    return places


def _cells(rows: list[dict], places: dict[int, list[str]], stated: str = "") -> None:
    if not rows:
        return
    header = [cell["value"] for cell in rows[0]["cells"]]
    # Tables of no header, each row what is said and the saying: the model's card, and a number's source and owner.
    number = stated.replace(PROPOSED, "")
    if header[0].strip() in card.ROWS:
        of = "the card's {!r}".format
    elif header[0].strip() in rationale.ROWS and rationale.is_limit(number):
        of = ("the {} of " + _quoted(number).replace("{", "{{").replace("}", "}}")).format
    else:
        of = None
    if of is not None:
        for row in rows:
            what, says = (cell["value"] for cell in row["cells"][:2])
            if UNAGREED in says:
                places[row["location"]["line"]] = [of(what.strip())]
        return
    for row in rows[1:]:
        values = [cell["value"] for cell in row["cells"]]
        marked = [(column, value) for column, value in zip(header, values) if UNAGREED in value]
        if not marked:
            continue
        inputs = header[0].strip().lower() == "input"  # the declaration's table, a row per input
        places[row["location"]["line"]] = [
            (f"the {COLUMNS.get(column, column)} of {values[0]}" if inputs else f"the {column} agreed for this row")
            + (f" (proposed: {value.replace(PROPOSED, '')})" if value != UNAGREED else "")
            for column, value in marked
        ]
