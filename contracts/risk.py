"""The model-risk facts reviewers own, read from the features like the agreed weights
(:mod:`modelgate.contracts.golden`): the typical error on unseen people, the margin by which a new model
may trail the one in production, the range of heights accepted, the weights it may ever answer, and the
stability-index levels at which a file of heights is flagged or refused.

Each fact is a small object with the one comparison every consumer (steps, commands, report) calls.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from modelgate.contracts.golden import QUALITY_FEATURE, stated
from modelgate.contracts.ranges import Range

RISK_FEATURE = "risk.feature"
_N = r"[0-9]+(?:\.[0-9]+)?"
TYPICAL_ERROR_STEP = re.compile(rf"on people it was not trained on, its typical error is at most (?P<limit>{_N}) pounds")
MARGIN_STEP = re.compile(rf"the new model's typical error is at most (?P<margin>{_N}) pounds worse than the production model's")
ACCEPTED_STEP = re.compile(
    rf"the service accepts heights greater than (?P<low>{_N}) and at most (?P<high>{_N}) inches, and no others"
)
WEIGHTS_STEP = re.compile(
    rf"every weight it gives for an accepted height is at least (?P<low>{_N}) and at most (?P<high>{_N}) pounds"
)
WARN_STEP = re.compile(rf"its heights' stability index against the training heights is below the warning level of (?P<warn>{_N})")
REFUSE_STEP = re.compile(rf"the file is refused, its heights' stability index being at least (?P<refuse>{_N})")
MIN_ROWS_STEP = re.compile(r"a file of (?P<rows>[0-9]+) or more heights is judged for drift")


def _finite(*numbers: float) -> bool:
    return all(math.isfinite(n) for n in numbers)


@dataclass(frozen=True)
class TypicalError:
    """The most a model's typical error (mean absolute error, pounds) on unseen people may be."""

    limit: float

    def met_by(self, error: float) -> bool:
        return _finite(error) and 0 <= error <= self.limit


@dataclass(frozen=True)
class ChampionMargin:
    """How many pounds of typical error a new model may give up against the model in production."""

    margin: float

    def allows(self, production_error: float, new_error: float) -> bool:
        return _finite(production_error, new_error) and new_error - production_error <= self.margin


@dataclass(frozen=True)
class WeightBounds:
    """The weights (pounds, both ends included) a model may ever answer for an accepted height."""

    low: float
    high: float

    def contains(self, weight: float) -> bool:
        return _finite(weight) and self.low <= weight <= self.high


WARNING, REFUSED, STABLE, TOO_FEW = "warning", "refused", "stable", "too few heights"


@dataclass(frozen=True)
class DriftLimits:
    """Population stability index levels of a file's heights against the training heights."""

    warn: float
    refuse: float
    min_rows: int

    def verdict(self, psi: float, rows: int) -> str:
        """``stable``, ``warning``, ``refused``; ``too few heights`` to judge below ``min_rows``."""
        if rows < self.min_rows:
            return TOO_FEW
        if not math.isfinite(psi) or psi >= self.refuse:
            return REFUSED
        return WARNING if psi >= self.warn else STABLE


def typical_error(features: Path) -> TypicalError:
    return TypicalError(float(stated(Path(features) / QUALITY_FEATURE, TYPICAL_ERROR_STEP, "typical error")["limit"]))


def champion_margin(features: Path) -> ChampionMargin:
    return ChampionMargin(float(stated(Path(features) / RISK_FEATURE, MARGIN_STEP, "champion margin")["margin"]))


def accepted_heights(features: Path) -> Range:
    """The accepted heights as the feature states them (a test holds them equal to ``ranges.HEIGHT``)."""
    found = stated(Path(features) / RISK_FEATURE, ACCEPTED_STEP, "accepted heights")
    return Range(name="height", low=float(found["low"]), high=float(found["high"]), unit="inches")


def weight_bounds(features: Path) -> WeightBounds:
    found = stated(Path(features) / RISK_FEATURE, WEIGHTS_STEP, "weight bounds")
    return WeightBounds(float(found["low"]), float(found["high"]))


def drift_limits(features: Path) -> DriftLimits:
    feature = Path(features) / RISK_FEATURE
    warn = float(stated(feature, WARN_STEP, "drift warning")["warn"])
    refuse = float(stated(feature, REFUSE_STEP, "drift refusal")["refuse"])
    rows = int(stated(feature, MIN_ROWS_STEP, "drift sample size")["rows"])
    if not warn < refuse:
        raise ValueError(f"{feature}: the warning level {warn} must be below the refusal level {refuse}")
    return DriftLimits(warn, refuse, rows)
