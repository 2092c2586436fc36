"""Run a pandera schema over a frame and turn what fails into plain, countable failure records.

Row numbers are 1-based data rows (the header is not a row); ``line`` is the file line, which
is what an editor shows (row + 1, as the header is line 1).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

import numpy as np
import pandas as pd
import pandera.pandas as pa
from modelgate.contracts.inputs import MISSING_NUMBER_TEXTS, YES_NO, Input
from pandera.errors import SchemaErrors

# The names a failure's ``check`` carries, besides the schemas' own checks. A file fails these before
# any value is judged: no usable header, not UTF-8, not CSV, a row with the wrong number of fields.
HEADER, UTF8, CSV, FIELD_COUNT = "header", "utf8", "csv", "field_count"
FILE_CHECKS = (HEADER, UTF8, CSV, FIELD_COUNT)
NOT_A_NUMBER = "is_number"
NOT_YES_NO = "is_yes_no"
NOT_NULL = "not_nullable"  # pandera's name for a missing value in a column that must have one


@dataclass(frozen=True)
class Failure:
    column: str | None
    check: str
    value: str
    row: int | None  # 1-based data row; None for a whole-file problem (e.g. the header)

    @property
    def line(self) -> int | None:
        return None if self.row is None else self.row + 1

    def describe(self) -> str:
        if self.row is None:
            return f"{self.check}: {self.value}"
        column = f", column {self.column!r}" if self.column else ""
        return f"line {self.line} (row {self.row}){column}: {self.check}, got {self.value}"


@dataclass
class Failures:
    """All failures of one validation run: exact counts per check, examples capped at ``cap``."""

    cap: int = 100
    counts: Counter = field(default_factory=Counter)
    examples: list[Failure] = field(default_factory=list)

    def add(self, failure: Failure) -> None:
        self.counts[(failure.column, failure.check)] += 1
        if len(self.examples) < self.cap:
            self.examples.append(failure)

    def extend(self, failures) -> None:
        for failure in failures:
            self.add(failure)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def __bool__(self) -> bool:
        return self.total > 0

    def summary(self, limit: int = 10) -> list[str]:
        lines = [f"{n} × column {col!r}: {check}" if col else f"{n} × {check}" for (col, check), n in self.counts.most_common()]
        lines += [f"  {f.describe()}" for f in self.examples[:limit]]
        if self.total > limit:
            lines.append(f"  … and {self.total - limit} more (see the failure report)")
        return lines

    def to_dict(self) -> dict:
        return {
            "total": self.total,
            "by_check": [{"column": col, "check": check, "count": n} for (col, check), n in self.counts.most_common()],
            "examples": [dict(asdict(f), line=f.line) for f in self.examples],
            "examples_capped_at": self.cap,
        }


def parse_numbers(text: pd.Series, column: str) -> tuple[pd.Series, list[Failure]]:
    """Strings -> float64. Blanks become NaN (for the schema's null check); non-numbers are failures
    and are dropped from the returned series. The index (data row - 1) is kept."""
    stripped = text.str.strip()
    numbers = pd.to_numeric(stripped, errors="coerce")
    bad = numbers.isna() & stripped.ne("") & ~stripped.str.lower().isin(MISSING_NUMBER_TEXTS)
    failures = [Failure(column, NOT_A_NUMBER, repr(v), int(i) + 1) for i, v in text[bad].items()]
    return numbers[~bad].astype(float), failures


def parse_column(spec: Input, text: pd.Series) -> tuple[pd.Series, list[Failure]]:
    """One input's text cells as the values its kind holds: numbers as float64 (:func:`parse_numbers`), categories as
    the text itself (compared exactly, never stripped or lower-cased), yes/no as booleans; an empty cell is a
    missing value (NaN, for the schema's null check). Cells that cannot be read are failures and are dropped."""
    if spec.numeric:
        return parse_numbers(text, spec.name)
    blank = text.eq("")
    if spec.kind == YES_NO:
        known = text.isin(spec.values) | blank
        failures = [Failure(spec.name, NOT_YES_NO, repr(v), int(i) + 1) for i, v in text[~known].items()]
        values = text[known].map({spec.values[0]: True, spec.values[1]: False})  # a blank, absent here, maps to NaN
        return values.astype(object), failures
    return text.astype(object).where(~blank, np.nan), []


def run_schema(schema: pa.DataFrameSchema, frame: pd.DataFrame) -> list[Failure]:
    """Validate lazily; return every row-level failure (empty when the frame passes)."""
    try:
        schema.validate(frame, lazy=True, inplace=True)  # no defensive copy: frames here are ours
    except SchemaErrors as exc:
        return [to_failure(rec) for rec in exc.failure_cases.to_dict("records")]
    return []


def to_failure(record: dict) -> Failure:
    """One of pandera's failure-case records as a :class:`Failure`: its data row from the frame's index (None for a
    whole-column failure, whose index pandas holds as None, or as NaN among the float row numbers of the others)."""
    index = record.get("index")
    row = None if index is None or (isinstance(index, float) and np.isnan(index)) else int(index) + 1
    check = str(record.get("check"))
    return Failure(record.get("column"), check, repr(record.get("failure_case")), row)
