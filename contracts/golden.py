"""The facts reviewers own, read from the Gherkin features: the agreed (golden) weights with their
tolerance, and the R² band; each with the one comparison every consumer uses.

The ``.feature`` files are the one home of these numbers. They are read with the Gherkin parser
(the features' own grammar), and a step is recognised by its whole text. Steps, the self-test, the
report and the property tests call :meth:`GoldenCase.met_by` and :meth:`Band.contains`, so no two
of them can give a different verdict on the same answer.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from gherkin.errors import CompositeParserException
from gherkin.parser import Parser
from modelgate.contracts.ranges import FEATURE, TARGET

SCORING_FEATURE = "scoring.feature"
QUALITY_FEATURE = "quality.feature"
GOLDEN_SCENARIO = "An agreed height scores to its agreed weight"
_NUMBER = r"[0-9]+(?:\.[0-9]+)?"
# The whole text of the steps that state the facts (as written in the features, placeholders included).
GOLDEN_STEP = re.compile(rf"the answer is <weight> pounds, give or take (?P<tolerance>{_NUMBER}) pounds")
BAND_STEP = re.compile(rf"its recorded R² on the training data is between (?P<low>{_NUMBER}) and (?P<high>{_NUMBER})")


def _exact(number: float) -> Decimal:
    """A float as the decimal number it is written as (``repr``): 0.0001 is exactly 1E-4, not 1.00000000000000005E-4."""
    return Decimal(repr(float(number)))


@dataclass(frozen=True)
class GoldenCase:
    """An agreed weight for a height, and how far from it an answer may be."""

    height: float
    weight: float
    tolerance: float

    def met_by(self, answer: float) -> bool:
        """Is ``answer`` within the tolerance of the agreed weight? Compared as the decimals written, so a
        difference of exactly the tolerance meets it, and nothing beyond it does."""
        if not math.isfinite(answer):
            return False
        return abs(_exact(answer) - _exact(self.weight)) <= _exact(self.tolerance)


@dataclass(frozen=True)
class Band:
    """The agreed two-sided band an R² must lie in (both ends included)."""

    low: float
    high: float

    def contains(self, r2: float) -> bool:
        return math.isfinite(r2) and self.low <= r2 <= self.high


def _scenarios(feature: Path) -> Iterator[dict]:
    try:
        document = Parser().parse(feature.read_text(encoding="utf-8"))
    except CompositeParserException as exc:
        # The first error, with its (line:column); the exception's own first line is only "Parser errors:".
        raise ValueError(f"{feature}: not a readable feature {exc.errors[0].args[0]}") from None
    for child in (document.get("feature") or {}).get("children", []):
        for item in child["rule"]["children"] if "rule" in child else [child]:
            if "scenario" in item:
                yield item["scenario"]


def _step(feature: Path, scenario: dict, pattern: re.Pattern) -> re.Match:
    found = [m for step in scenario["steps"] if (m := pattern.fullmatch(step["text"]))]
    if len(found) != 1:
        raise LookupError(f"{feature}: scenario {scenario['name']!r} needs exactly one step {pattern.pattern!r}")
    return found[0]


def golden_cases(features: Path) -> list[GoldenCase]:
    """The agreed cases of ``scoring.feature``: the outline's examples, each with the step's tolerance."""
    feature = Path(features) / SCORING_FEATURE
    scenario = next((s for s in _scenarios(feature) if s["name"] == GOLDEN_SCENARIO), None)
    if scenario is None:
        raise LookupError(f"{feature}: no scenario {GOLDEN_SCENARIO!r}")
    tolerance = float(_step(feature, scenario, GOLDEN_STEP)["tolerance"])
    cases = []
    for table in scenario.get("examples", []):
        header = [cell["value"] for cell in table["tableHeader"]["cells"]]
        if not {FEATURE, TARGET} <= set(header):
            raise LookupError(f"{feature}: the examples of {GOLDEN_SCENARIO!r} need columns {FEATURE} and {TARGET}, got {header}")
        for row in table.get("tableBody", []):
            values = dict(zip(header, (cell["value"] for cell in row["cells"])))
            try:
                cases.append(GoldenCase(float(values[FEATURE]), float(values[TARGET]), tolerance))
            except ValueError:
                raise ValueError(f"{feature}, line {row['location']['line']}: not a number in {values}") from None
    if not cases:
        raise LookupError(f"{feature}: {GOLDEN_SCENARIO!r} has no examples")
    return cases


def stated(feature: Path, pattern: re.Pattern, what: str) -> re.Match:
    """The one step of ``feature`` whose whole text matches ``pattern``: where a reviewer states ``what``."""
    found = [m for s in _scenarios(feature) for step in s["steps"] if (m := pattern.fullmatch(step["text"]))]
    if len(found) != 1:
        raise LookupError(f"{feature}: needs exactly one {what} step {pattern.pattern!r}, found {len(found)}")
    return found[0]


def r2_band(features: Path) -> Band:
    """The R² band of ``quality.feature``: the one scenario step that states it."""
    found = stated(Path(features) / QUALITY_FEATURE, BAND_STEP, "R² band")
    return Band(float(found["low"]), float(found["high"]))
