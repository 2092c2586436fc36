"""The valid ranges of the model's input: the single home of every bound the code enforces."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class Range:
    """An open-below, closed-above interval ``low < x <= high`` with a unit for messages."""

    name: str
    low: float
    high: float
    unit: str

    def contains(self, value: float) -> bool:
        return math.isfinite(value) and self.low < value <= self.high

    def describe(self) -> str:
        return f"a finite number greater than {self.low:g} and at most {self.high:g} {self.unit}"

    def message(self, got: object) -> str:
        return f"{self.name} must be {self.describe()}; got {got!r}"


# The model's one input column and its output column, by name, in every channel.
FEATURE = "height"
TARGET = "weight"

# Heights in inches, as features/risk.feature states them (a test holds the two equal). The classic
# example scores heights from 50 to 140. Below 45 inches the line answers implausible weights (under
# 36 pounds, and negative below 38 inches); above 150 inches (12.5 feet) is no person, and a height in
# centimetres (170 for an adult) lands there and is refused rather than scored as 650 pounds.
HEIGHT = Range(name=FEATURE, low=45.0, high=150.0, unit="inches")

# The most heights one POST /weight request may carry.
MAX_HEIGHTS_PER_REQUEST = 10_000

# Weights the model answers are rounded to this many decimals, in every channel.
WEIGHT_DECIMALS = 4

# A height written as text (a query value) must be a plain decimal number. Python's float() also
# takes "1_0", "١٢" or "infinity"; the batch reader does not, so neither does the service.
NUMBER_TEXT = r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?"
