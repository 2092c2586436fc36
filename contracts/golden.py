"""Read the facts reviewers own from the Gherkin features: the agreed (golden) weights and the R² band.

The ``.feature`` files are the one home of these numbers; the self-test, the report and the
steps read them from there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

GOLDEN_SCENARIO = "Scenario Outline: An agreed height scores to its agreed weight"
_TOLERANCE = re.compile(r"give or take (?P<tol>[0-9.]+) pounds")
_BAND = re.compile(r"R² on the training data is between (?P<low>[0-9.]+) and (?P<high>[0-9.]+)")


@dataclass(frozen=True)
class GoldenCase:
    height: float
    weight: float


def _scenario_lines(feature: Path, title: str) -> list[str]:
    lines = feature.read_text(encoding="utf-8").splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == title)
    except StopIteration:
        raise LookupError(f"{feature}: no scenario {title!r}") from None
    end = next((i for i in range(start + 1, len(lines)) if lines[i].strip().startswith("Scenario")), len(lines))
    return lines[start:end]


def golden_cases(features: Path) -> tuple[list[GoldenCase], float]:
    """The agreed (height, weight) pairs and the tolerance from ``scoring.feature``."""
    lines = _scenario_lines(features / "scoring.feature", GOLDEN_SCENARIO)
    tolerance = next(float(m["tol"]) for line in lines if (m := _TOLERANCE.search(line)))
    rows = [[cell.strip() for cell in line.strip().strip("|").split("|")] for line in lines if line.strip().startswith("|")]
    header, body = rows[0], rows[1:]
    cases = [GoldenCase(float(r[header.index("height")]), float(r[header.index("weight")])) for r in body]
    return cases, tolerance


def r2_band(features: Path) -> tuple[float, float]:
    """The two-sided R² band from ``quality.feature``."""
    text = (features / "quality.feature").read_text(encoding="utf-8")
    found = _BAND.search(text)
    if not found:
        raise LookupError(f"{features / 'quality.feature'}: no R² band step")
    return float(found["low"]), float(found["high"])
