"""The expected values of the quality scenarios, computed here without the code under test.

The line through the training data by the closed form of ordinary least squares, and its R², in
plain arithmetic over the CSV (the standard library's ``csv``, ``hashlib`` and ``math.fsum``): no
scikit-learn, no pandas, nothing from ``model/``. A model whose record or coefficients disagree with
these numbers was not fitted as it says, or its record was written wrong.
"""

from __future__ import annotations

import csv
import hashlib
import math
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Line:
    intercept: float
    slope: float
    r2: float
    rows: int


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_rows(path: Path, contract) -> tuple[list[dict], list[float]]:
    """Every row of a CSV as the contract's inputs ({input: value}, None where a cell is empty) and the answers of its
    output column, read here with ``csv`` and ``float`` (a byte-order mark allowed)."""

    def value(spec, cell: str):
        if cell == "":
            return None
        if spec.numeric:
            return float(cell)
        return cell == spec.values[0] if spec.kind == "yes/no" else cell

    with open(path, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    inputs = [{spec.name: value(spec, row[spec.name]) for spec in contract.inputs} for row in rows]
    return inputs, [float(row[contract.output.name]) for row in rows]


def fit_line(pairs: list[tuple[float, float]]) -> Line:
    """slope = Σ(x−x̄)(y−ȳ) / Σ(x−x̄)², intercept = ȳ − slope·x̄, R² = 1 − SS_res / SS_tot."""
    n = len(pairs)
    mean_x = math.fsum(x for x, _ in pairs) / n
    mean_y = math.fsum(y for _, y in pairs) / n
    sxy = math.fsum((x - mean_x) * (y - mean_y) for x, y in pairs)
    sxx = math.fsum((x - mean_x) ** 2 for x, _ in pairs)
    slope = sxy / sxx
    intercept = mean_y - slope * mean_x
    ss_res = math.fsum((y - (intercept + slope * x)) ** 2 for x, y in pairs)
    ss_tot = math.fsum((y - mean_y) ** 2 for _, y in pairs)
    return Line(intercept, slope, 1 - ss_res / ss_tot, n)
