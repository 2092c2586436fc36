"""What a CSV of training data shows about a model's contract: each input's kind, its categories, yes/no spelling or
range, whether it may be missing, and the answer (a number, or a classifier's classes), read as the text it is
written in, the way pandera's ``infer_schema`` infers a schema for a person to edit.

A mistake in the data or the arguments is one line (:class:`DraftError`), never a traceback.
"""

from __future__ import annotations

import csv
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from modelgate.contracts import sentences as say
from modelgate.contracts.errors import ModelgateError
from modelgate.contracts.inputs import CATEGORY, NUMBER, WHOLE, YES_NO

REGRESSION, CLASSIFICATION = "regression", "classification"
TASKS = (REGRESSION, CLASSIFICATION)
MAX_CLASSES = 20  # a numeric answer with more distinct values than this is a regression's, not classes
YES_NO_SPELLINGS = (("yes", "no"), ("true", "false"), ("1", "0"))
INTEGER = re.compile(r"[+-]?[0-9]+")


class DraftError(ModelgateError):
    """The data or the arguments cannot give a draft contract; the message is the one line to show."""


@dataclass(frozen=True)
class Column:
    """One input as the data shows it. ``values``: a category's values or a yes/no input's two spellings (yes
    first); ``low``/``high``: a number's observed range."""

    name: str
    kind: str
    missing: bool
    values: tuple[str, ...] = ()
    low: float = 0.0
    high: float = 0.0


@dataclass(frozen=True)
class Data:
    """The CSV: its file, its header, its rows as text, the inputs, the answer's column and the task."""

    path: Path
    header: list[str]
    rows: list[dict[str, str]]
    inputs: tuple[Column, ...]
    target: str
    task: str

    def answers(self) -> list[str]:
        return [row[self.target].strip() for row in self.rows]

    def numbers(self) -> list[float]:
        return [float(v) for v in self.answers()]

    def classes(self) -> list[str]:
        return sorted(set(self.answers()), key=_order)


def read(path: Path, target: str, task: str | None = None) -> Data:
    """The data of ``path``, its inputs every column but ``target``; the task is inferred when not given (an answer
    that is a number in every row with more than :data:`MAX_CLASSES` values is a regression's)."""
    header, rows = _table(path)
    if target not in header:
        raise DraftError(f"{path}: no column {target!r} to answer; the columns are {', '.join(header)}")
    bad = [name for name in header if not re.fullmatch(say.WORD, name)]
    if bad:
        raise DraftError(f"{path}: column {bad[0]!r} is not a name the contract can use (letters, digits and _)")
    answers = [row[target].strip() for row in rows]
    empty = [line for line, value in enumerate(answers, start=2) if not value]
    if empty:
        raise DraftError(
            f"{path}, line {empty[0]}: no {target} ({len(empty)} row(s) without one); every training row needs its answer"
        )
    numeric = all(_number(v) is not None for v in answers)
    task = task or (REGRESSION if numeric and _measured(answers) else CLASSIFICATION)
    if task == REGRESSION and not numeric:
        line, value = next((n, v) for n, v in enumerate(answers, start=2) if _number(v) is None)
        raise DraftError(
            f"{path}, line {line}: {target} is {value!r}, not a number: a regression answers numbers (--task classification?)"
        )
    if task == CLASSIFICATION:
        _check_classes(path, target, answers, numeric)
    inputs = tuple(_column(path, name, [row[name] for row in rows]) for name in header if name != target)
    if not inputs:
        raise DraftError(f"{path}: no column besides {target!r}: the model needs at least one input")
    return Data(path, header, rows, inputs, target, task)


def _table(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            lines = list(csv.reader(handle))
    except FileNotFoundError:
        raise DraftError(f"{path}: no such file (--data names the CSV of the training data)") from None
    except IsADirectoryError:
        raise DraftError(f"{path}: a folder, not a CSV file") from None
    except UnicodeDecodeError as exc:
        raise DraftError(f"{path}: not UTF-8 text (byte {exc.start}); save the file as UTF-8") from None
    except csv.Error as exc:
        raise DraftError(f"{path}: not a readable CSV file ({exc})") from None
    if not lines or not lines[0]:
        raise DraftError(f"{path}: empty: a CSV file with a header and one row per training row is needed")
    header = [name.strip() for name in lines[0]]
    doubled = sorted({n for n in header if header.count(n) > 1})
    if doubled:
        raise DraftError(f"{path}: column {doubled[0]!r} appears more than once in the header")
    rows = []
    for line, cells in enumerate(lines[1:], start=2):
        if not cells:
            continue
        if len(cells) != len(header):
            raise DraftError(f"{path}, line {line}: {len(cells)} fields, but the header has {len(header)}")
        rows.append(dict(zip(header, cells)))
    if not rows:
        raise DraftError(f"{path}: a header and no rows")
    return header, rows


def _measured(answers: list[str]) -> bool:
    """Whether numeric answers are a measurement (a regression's) rather than class codes: more distinct values than
    classes could be, a fraction among them, or more than two distinct values making up over half the rows (twenty
    patients' progressions in points are no seventeen classes)."""
    distinct = {_number(v) for v in answers}
    fraction = any(not float(v).is_integer() for v in distinct if v is not None)
    return len(distinct) > MAX_CLASSES or fraction or (len(distinct) > 2 and len(distinct) > len(answers) / 2)


def _check_classes(path: Path, target: str, answers: list[str], numeric: bool) -> None:
    found = set(answers)
    if len(found) < 2:
        raise DraftError(f"{path}: {target} is {answers[0]!r} in every row: a classifier needs two or more classes")
    if numeric and len(found) > MAX_CLASSES:
        raise DraftError(f"{path}: {target} has {len(found)} different numbers: too many to be classes (--task regression?)")
    bad = [c for c in sorted(found) if not _writable(c)]
    if bad:
        raise DraftError(f"{path}: the class {bad[0]!r} cannot be written in the contract (no ',', '|' or ' or ')")


def _column(path: Path, name: str, cells: list[str]) -> Column:
    values = [c.strip() for c in cells]
    given = sorted({v for v in values if v}, key=_order)
    missing = len(given) < len(set(values))
    if not given:
        raise DraftError(f"{path}: column {name!r} is empty in every row: drop it or fill it")
    spelling = next((pair for pair in YES_NO_SPELLINGS if {v.lower() for v in given} == set(pair)), None)
    if spelling is not None:
        yes, no = (next(v for v in given if v.lower() == word) for word in spelling)
        return Column(name, YES_NO, missing, (yes, no))
    numbers = [_number(v) for v in given]
    if any(n is None for n in numbers):
        bad = [v for v in given if not _writable(v)]
        if bad:
            raise DraftError(
                f"{path}: column {name!r} has the value {bad[0]!r}, which a category cannot be (no ',', '|' or ' or ')"
            )
        return Column(name, CATEGORY, missing, tuple(given))
    whole = all(INTEGER.fullmatch(v) for v in given)
    if whole and len(given) <= 2:  # two whole numbers only: a code (a study's sex, 1 or 2), not a quantity
        return Column(name, CATEGORY, missing, tuple(given))
    found = [n for n in numbers if n is not None]
    return Column(name, WHOLE if whole else NUMBER, missing, low=min(found), high=max(found))


def _number(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) and "_" not in text else None


def _order(text: str) -> tuple:
    number = _number(text)
    return (0, number, text) if number is not None else (1, 0.0, text)


def _writable(value: str) -> bool:
    return not re.search(r",|\|| or | and ", f" {value} ")


def outward(low: float, high: float, whole: bool = False) -> tuple[float, float]:
    """``low`` and ``high`` rounded outward to half a power of ten of their span (18.2 to 42.1: 15 to 45; a whole
    number's to a step of at least 1)."""
    span = high - low or abs(high) or 1.0
    step = 10 ** math.floor(math.log10(span)) / 2
    if whole:
        step = max(1.0, float(round(step)))
    return math.floor(low / step) * step, math.ceil(high / step) * step


def written(number: float) -> str:
    """A number as a reviewer writes it: no exponent, no trailing zeros (15, 6.5, 0.05)."""
    text = format(Decimal(repr(round(float(number), 10))).normalize(), "f")
    return "0" if text in ("-0", "") else text
