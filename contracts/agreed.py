"""The agreed answers of a model's features: the rows a reviewer signed, each with the number agreed (a regression)
or the class and, where agreed, its probability (a classifier).

They are written as the examples of a Scenario Outline whose Then step states them, or as the data table of a step
in a scenario whose Then step states them (:mod:`.sentences`: GOLDEN_OUTLINE / GOLDEN_TABLE, and GOLDEN_LABEL_* for
a classifier). A table's columns are exactly the inputs and the answer (a classifier's may add ``probability``).
"""

from __future__ import annotations

import math
import re

from modelgate.contracts import rationale
from modelgate.contracts import sentences as say
from modelgate.contracts.contract import Output
from modelgate.contracts.facts import AgreedLabel, GoldenCase
from modelgate.contracts.inputs import NUMBER_TEXT, Input
from modelgate.contracts.places import beside

Table = list[list[tuple[str, int]]]  # rows of (cell, line)


def _tables(step, outline: bool) -> list[Table]:
    """An outline's examples tables, or the first data table of rows among the scenario's steps (the table under a step
    that states a number is where that number comes from: :mod:`.rationale`)."""
    if outline:
        return [
            [[(c["value"], r["location"]["line"]) for c in r["cells"]] for r in [e["tableHeader"], *e.get("tableBody", [])]]
            for e in step.scenario.get("examples", [])
            if e.get("tableHeader")
        ]
    tabled = [s for s in step.scenario["steps"] if s.get("dataTable") and not rationale.is_limit(s["text"])]
    return [[[(c["value"], r["location"]["line"]) for c in r["cells"]] for r in t["dataTable"]["rows"]] for t in tabled[:1]]


def _rows(tables: list[Table], step, inputs: list[Input], needed: list[str], optional: list[str], problems: list[str]):
    """(line, {column: cell}) of every row whose table has exactly the needed columns (and perhaps the optional ones)."""
    for table in tables:
        header = [cell for cell, _ in table[0]]
        lacking = [n for n in needed if n not in header]
        extra = [h for h in header if h not in needed and h not in optional]
        if lacking or extra:
            problems.append(
                f"{beside(step.where, table[0][0][1])}: the agreed answers' columns are {header}; "
                f"they must be exactly the inputs and {needed[-1]!r}"
                + (f" (missing {lacking})" if lacking else "")
                + (f" (not declared: {extra})" if extra else "")
            )
            continue
        for row in table[1:]:
            yield beside(step.where, row[0][1]), row[0][1], dict(zip(header, (c for c, _ in row)))


def agreed_value(spec: Input, cell: str) -> object:
    value = spec.from_text(cell.strip())
    if not spec.accepts(value):
        raise ValueError(f"the agreed row's {spec.message(cell.strip())}")
    return value


def agreed_number(what: str, cell: str) -> float:
    """An agreed number as a reviewer writes it: a plain finite decimal number (not a word, not ``nan``)."""
    text = cell.strip()
    if not re.fullmatch(NUMBER_TEXT, text) or not math.isfinite(float(text)):
        raise ValueError(f"the agreed {what} {text!r} is not a number")
    return float(text)


def _of(match: re.Match, step, output: Output, problems: list[str]) -> bool:
    if match["output"] != output.name:
        problems.append(f"{step.where}: the agreed answers are of {match['output']!r}, but the model answers {output.name!r}")
        return False
    return True


def numbers(stated: dict, inputs: list[Input], output: Output, problems: list[str]) -> list[GoldenCase]:
    """The agreed numbers of a regression."""
    cases: list[GoldenCase] = []
    found = [(m, s, True) for m, s in stated.get("GOLDEN_OUTLINE", [])] + [
        (m, s, False) for m, s in stated.get("GOLDEN_TABLE", [])
    ]
    for match, step, outline in found:
        if not _of(match, step, output, problems):
            continue
        tables = _tables(step, outline)
        if not tables:
            problems.append(f"{step.where}: the agreed answers need a table: one column per input and one for {output.name}")
        needed = [i.name for i in inputs] + [output.name]
        for where, line, cells in _rows(tables, step, inputs, needed, [], problems):
            try:
                values = tuple(agreed_value(i, cells[i.name]) for i in inputs)
                cases.append(GoldenCase(values, agreed_number(output.name, cells[output.name]), float(match["tolerance"]), line))
            except ValueError as exc:
                problems.append(f"{where}: {exc}")
    return cases


def labels(stated: dict, inputs: list[Input], output: Output, problems: list[str]) -> list[AgreedLabel]:
    """The agreed classes of a classifier, each with its agreed probability where the table has one."""
    cases: list[AgreedLabel] = []
    found = [(m, s, True) for m, s in stated.get("GOLDEN_LABEL_OUTLINE", [])]
    found += [(m, s, False) for m, s in stated.get("GOLDEN_LABEL_TABLE", [])]
    for key in ("GOLDEN_OUTLINE", "GOLDEN_TABLE"):
        problems += [
            f"{s.where}: a classifier's agreed answers are classes, stated without 'give or take'" for _, s in stated.get(key, [])
        ]
    for match, step, outline in found:
        if not _of(match, step, output, problems):
            continue
        probability = match["probability"] if outline else (say.PROBABILITY_COLUMN if match["tolerance"] else None)
        tolerance = float(match["tolerance"] or 0)
        tables = _tables(step, outline)
        if not tables:
            problems.append(f"{step.where}: the agreed classes need a table: one column per input and one for {output.name}")
        needed = [i.name for i in inputs] + [output.name]
        for where, line, cells in _rows(tables, step, inputs, needed, [probability] if probability else [], problems):
            try:
                values = tuple(agreed_value(i, cells[i.name]) for i in inputs)
                label = cells[output.name].strip()
                if label not in output.classes:
                    raise ValueError(f"the agreed {output.name} {label!r} is not one of {', '.join(output.classes)}")
                agreed = _probability(cells.get(probability, "") if probability else "")
                cases.append(AgreedLabel(values, label, agreed, tolerance, line))
            except ValueError as exc:
                problems.append(f"{where}: {exc}")
    return cases


def _probability(cell: str) -> float | None:
    if not cell.strip():
        return None
    value = agreed_number("probability", cell)
    if not 0 <= value <= 1:
        raise ValueError(f"the agreed probability {cell.strip()} is not between 0 and 1")
    return value
