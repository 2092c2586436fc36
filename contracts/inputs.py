"""One input of a model as its contract declares it: its name, meaning, unit, kind, the values it accepts and whether
it may be missing; and the one verdict every layer asks of a value (the fast path, the request models, the batch
schemas, the self-test).

Values are plain Python: a number is a ``float`` (a whole number one with no fraction), a category a ``str``, a yes/no
a ``bool``, a missing value ``None``. Nothing here needs numpy, so the service's start-up does not load it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import cast

NUMBER, WHOLE, CATEGORY, YES_NO = "number", "whole number", "category", "yes/no"
KINDS = (NUMBER, WHOLE, CATEGORY, YES_NO)

# A number written as text (a CSV cell, a query value) must be a plain decimal number. Python's float() also takes
# "1_0", "١٢" or "infinity"; the batch reader does not, so neither does any other layer. ASCII digits only: a str
# pattern's \d would also match "١٢", which the fast path (a bytes pattern) refuses.
NUMBER_TEXT = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_NUMBER = re.compile(NUMBER_TEXT)
# How a missing number may be written (besides an empty cell), by every reader: pandas writes NaN for one.
MISSING_NUMBER_TEXTS = ("nan", "+nan", "-nan")


def _g(number: float) -> str:
    return f"{number:g}"


@dataclass(frozen=True)
class Range:
    """The numbers an input accepts: a lower and an upper bound (either may be absent), each open or closed."""

    low: float | None = None
    high: float | None = None
    low_closed: bool = False
    high_closed: bool = True

    def contains(self, value: float) -> bool:
        if not math.isfinite(value):
            return False
        if self.low is not None and (value < self.low or (value == self.low and not self.low_closed)):
            return False
        return self.high is None or value < self.high or (value == self.high and self.high_closed)

    def low_words(self) -> str | None:
        if self.low is None:
            return None
        return f"{'at least' if self.low_closed else 'greater than'} {_g(self.low)}"

    def high_words(self) -> str | None:
        if self.high is None:
            return None
        return f"{'at most' if self.high_closed else 'less than'} {_g(self.high)}"

    def words(self) -> str:
        """The range as a reviewer writes it: ``greater than 45 and at most 150``."""
        parts = [p for p in (self.low_words(), self.high_words()) if p]
        return " and ".join(parts) if parts else "any"

    def to_dict(self) -> dict:
        return {"low": self.low, "high": self.high, "low_closed": self.low_closed, "high_closed": self.high_closed}


@dataclass(frozen=True)
class Input:
    """One input column: what it is, and what it accepts."""

    name: str
    kind: str
    meaning: str = ""
    unit: str = ""
    range: Range | None = None  # numbers and whole numbers
    values: tuple[str, ...] = ()  # the categories in the order stated; for yes/no the spellings of yes and of no
    missing: bool = False  # may a value be missing?
    where: str = field(default="", compare=False)  # the feature file and line declaring it (not part of the contract)

    @property
    def numeric(self) -> bool:
        return self.kind in (NUMBER, WHOLE)

    def describe(self) -> str:
        """What a good value is, in words: ``a finite number greater than 150 and at most 250 mm``."""
        unit = f" {self.unit}" if self.unit else ""
        if self.numeric:
            what = "a finite number" if self.kind == NUMBER else "a whole number"
            bounds = self.range.words() if self.range else "any"
            return f"{what}{unit}" if bounds == "any" else f"{what} {bounds}{unit}"
        if self.kind == YES_NO:
            return f"{self.values[0]} or {self.values[1]}"
        return "one of " + ", ".join(self.values)

    def message(self, got: object) -> str:
        missing = " (it may be missing)" if self.missing else ""
        return f"{self.name} must be {self.describe()}{missing}; got {got!r}"

    def missing_message(self) -> str:
        return f"{self.name} is required and may not be missing; it must be {self.describe()}"

    def accepts(self, value: object) -> bool:
        """The verdict on a parsed value (``None`` is a missing value)."""
        if value is None:
            return self.missing
        if self.numeric:
            if not (type(value) is int or type(value) is float):
                return False
            number = float(value)
            if self.kind == WHOLE and math.isfinite(number) and number != math.floor(number):
                return False
            return self.range.contains(number) if self.range else math.isfinite(number)
        if self.kind == YES_NO:
            return type(value) is bool
        return type(value) is str and value in self.values

    def from_text(self, text: str) -> object:
        """A value written as text (a CSV cell, a query value): the value it stands for, ``None`` for an empty
        text, or :class:`ValueError` if it cannot stand for a value of this kind (the range is not judged here). A
        number written as blanks or as ``NaN`` is a missing one, as the batch reader reads it."""
        if text == "":
            return None
        if self.numeric:
            stripped = text.strip()
            if stripped == "" or stripped.lower() in MISSING_NUMBER_TEXTS:
                return None
            if not _NUMBER.fullmatch(stripped):
                raise ValueError(self.message(text))
            return float(stripped)
        if self.kind == YES_NO:
            if text not in self.values:
                raise ValueError(self.message(text))
            return text == self.values[0]
        return text

    def from_json(self, value: object) -> object:
        """A value as JSON carries it: numbers as JSON numbers (not ``"72"``, not ``true``), categories as strings,
        yes/no as ``true``/``false`` or its spellings, ``null`` for missing."""
        if value is None:
            return None
        if self.numeric:
            if not (type(value) is int or type(value) is float):
                raise ValueError(self.message(value))
            return float(value)
        if self.kind == YES_NO:
            if type(value) is bool:
                return value
            if type(value) is str and value in self.values:
                return value == self.values[0]
            raise ValueError(self.message(value))
        if type(value) is not str:
            raise ValueError(self.message(value))
        return value

    def to_text(self, value: object) -> str:
        """How a value is written in a CSV cell or a query: the inverse of :meth:`from_text`."""
        if value is None:
            return ""
        if self.kind == YES_NO:
            return self.values[0] if value else self.values[1]
        # A number input's value is a number (from_text, from_json, the agreed rows): float() takes it as it always did.
        return repr(float(cast(float, value))) if self.numeric else str(value)

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "kind": self.kind,
            "meaning": self.meaning,
            "unit": self.unit,
            "range": self.range.to_dict() if self.range else None,
            "values": list(self.values),
            "missing": self.missing,
        }

    @classmethod
    def from_dict(cls, found: dict) -> Input:
        accepted = found.get("range")
        return cls(
            name=found["name"],
            kind=found["kind"],
            meaning=found.get("meaning", ""),
            unit=found.get("unit", ""),
            range=Range(**accepted) if accepted else None,
            values=tuple(found.get("values", ())),
            missing=bool(found.get("missing", False)),
        )


def parse_range(text: str, whole: bool = False) -> Range:
    """A range as a reviewer writes it: ``greater than 45 and at most 150``, ``from 18 to 90`` (both ends included),
    ``at least 0``, ``less than 10``, ``any``; for a ``whole`` number it must hold one. :class:`ValueError` says what
    is wrong."""
    found = _parse_range(text)
    if whole and found.low is not None and found.high is not None:
        first = math.floor(found.low) + 1 if found.low == math.floor(found.low) and not found.low_closed else math.ceil(found.low)
        last = (
            math.ceil(found.high) - 1 if found.high == math.ceil(found.high) and not found.high_closed else math.floor(found.high)
        )
        if first > last:
            raise ValueError(f"{text!r} accepts no whole number")
    return found


def _parse_range(text: str) -> Range:
    words = " ".join(text.split()).lower()
    if words in ("", "any", "any number"):
        return Range(None, None, False, False)
    number = r"([+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)"
    span = re.fullmatch(rf"(?:from|between) {number} (?:to|and) {number}", words)
    if span:
        return _checked(Range(float(span[1]), float(span[2]), True, True), text)
    low = high = None
    low_closed, high_closed = False, True
    for part in words.split(" and "):
        bound = re.fullmatch(rf"(greater than|more than|above|at least|less than|below|at most) {number}", part)
        if bound is None:
            raise ValueError(f"{text!r} is not a range: write e.g. 'greater than 45 and at most 150' or 'from 18 to 90'")
        value = float(bound[2])
        if bound[1] in ("greater than", "more than", "above", "at least"):
            if low is not None:
                raise ValueError(f"{text!r} states a lower bound twice")
            low, low_closed = value, bound[1] == "at least"
        else:
            if high is not None:
                raise ValueError(f"{text!r} states an upper bound twice")
            high, high_closed = value, bound[1] == "at most"
    return _checked(Range(low, high, low_closed, high_closed), text)


def _checked(found: Range, text: str) -> Range:
    for end in (found.low, found.high):
        if end is not None and not math.isfinite(end):
            raise ValueError(f"{text!r}: a bound must be a finite number")
    if found.low is not None and found.high is not None:
        empty = found.low > found.high or (found.low == found.high and not (found.low_closed and found.high_closed))
        if empty:
            raise ValueError(f"{text!r} accepts no number: its low end is not below its high end")
    return found


def parse_values(text: str) -> tuple[str, ...]:
    """Categories as a reviewer lists them: ``Biscoe, Dream or Torgersen`` (also ``and``); each stated once."""
    cells = [c.strip() for c in re.split(r",| or | and ", f" {text.strip()} ") if c.strip()]
    if not cells:
        raise ValueError("a category input needs its allowed values, e.g. 'Biscoe, Dream or Torgersen'")
    repeated = sorted({c for c in cells if cells.count(c) > 1})
    if repeated:
        raise ValueError(f"the allowed values name {', '.join(repeated)} more than once")
    return tuple(cells)


def parse_yes_no(text: str) -> tuple[str, str]:
    """The two spellings of a yes/no input, yes first: ``yes or no`` (the default), ``true or false``, ``1 or 0``."""
    words = text.strip() or "yes or no"
    found = re.fullmatch(r"\s*(\S+)\s+or\s+(\S+)\s*", words)
    if found is None or found[1] == found[2]:
        raise ValueError(f"{text!r}: a yes/no input is written '<yes> or <no>', e.g. 'yes or no'")
    return found[1], found[2]
