"""The facts reviewers agree for a model, each with the one comparison every consumer calls (the steps, the
self-test, the report, the gate, the fuzz checks), so no two of them can judge the same answer differently.

The numbers come from the model's features (:mod:`.reader`) and travel inside the model (:mod:`.contract`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal


def exact(number: float) -> Decimal:
    """A float as the decimal number it is written as (``repr``): 0.0001 is exactly 1E-4, not 1.00000000000000005E-4."""
    return Decimal(repr(float(number)))


def _finite(*numbers: float) -> bool:
    return all(isinstance(n, int | float) and not isinstance(n, bool) and math.isfinite(n) for n in numbers)


@dataclass(frozen=True)
class GoldenCase:
    """An agreed answer for one row of inputs, and how far from it an answer may be. ``values`` are the inputs in the
    contract's order (``None`` for a missing one); ``line`` is where the row is written (not part of the fact)."""

    values: tuple[object, ...]
    expected: float
    tolerance: float
    line: int = field(default=0, compare=False)

    def met_by(self, answer: float) -> bool:
        """Is ``answer`` within the tolerance of the agreed answer? Compared as the decimals written, so a difference
        of exactly the tolerance meets it, and nothing beyond it does."""
        if not _finite(answer):
            return False
        return abs(exact(answer) - exact(self.expected)) <= exact(self.tolerance)

    def to_dict(self) -> dict:
        return {"values": list(self.values), "expected": self.expected, "tolerance": self.tolerance}

    @classmethod
    def from_dict(cls, found: dict) -> GoldenCase:
        return cls(tuple(found["values"]), float(found["expected"]), float(found["tolerance"]))


@dataclass(frozen=True)
class Band:
    """The agreed two-sided band a metric must lie in (both ends included)."""

    low: float
    high: float

    def contains(self, value: float) -> bool:
        return _finite(value) and self.low <= value <= self.high


@dataclass(frozen=True)
class TypicalError:
    """The most a model's typical error (mean absolute error, in the output's unit) on unseen rows may be."""

    limit: float

    def met_by(self, error: float) -> bool:
        return _finite(error) and 0 <= error <= self.limit


MISSING_GROUP = "missing"  # the group of the rows whose grouping input is missing


@dataclass(frozen=True)
class GroupLimit:
    """The most a model's typical error (in the output's unit) may be in each group of one input, and, where agreed,
    the most the typical errors of its best and its worst group may differ. A number input's groups are bands cut at
    ``cuts`` (each cut opens the band above it); a category's or a yes/no's are its values."""

    input: str
    limit: float
    cuts: tuple[float, ...] = ()
    gap: float | None = None

    def group_of(self, value: object) -> str:
        """The group a row with this value of the input falls in, named as the report and the messages name it."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return MISSING_GROUP
        if not self.cuts:
            return str(value)
        below = [c for c in self.cuts if float(value) < c]  # type: ignore[arg-type]
        if len(below) == len(self.cuts):
            return f"below {self.cuts[0]:g}"
        if not below:
            return f"{self.cuts[-1]:g} and over"
        return f"{self.cuts[len(self.cuts) - len(below) - 1]:g} up to {below[0]:g}"

    def labels(self, values: tuple = ()) -> list[str]:
        """Every group in order: a number's bands from the lowest, or a category's declared ``values``; missing last."""
        if self.cuts:
            inner = [f"{a:g} up to {b:g}" for a, b in zip(self.cuts, self.cuts[1:])]
            return [f"below {self.cuts[0]:g}", *inner, f"{self.cuts[-1]:g} and over", MISSING_GROUP]
        return [*(str(v) for v in values), MISSING_GROUP]

    def problems(self, errors: dict[str, float]) -> list[str]:
        """One line per group whose typical error is over the limit, and one if best and worst differ by more than
        the gap; empty when every group meets the contract."""
        found = [
            f"{self.input} {group}: typical error {error:.4g}, agreed at most {self.limit:g}"
            for group, error in errors.items()
            if not (_finite(error) and 0 <= error <= self.limit)
        ]
        if self.gap is not None and errors:
            best, worst = min(errors, key=errors.__getitem__), max(errors, key=errors.__getitem__)
            spread = errors[worst] - errors[best]
            if not (_finite(spread) and spread <= self.gap):
                found.append(
                    f"{self.input}: best group ({best}) and worst ({worst}) differ by {spread:.4g}, agreed at most {self.gap:g}"
                )
        return found

    def to_dict(self) -> dict:
        return {"input": self.input, "limit": self.limit, "cuts": list(self.cuts), "gap": self.gap}

    @classmethod
    def from_dict(cls, found: dict) -> GroupLimit:
        gap = found.get("gap")
        return cls(
            found["input"],
            float(found["limit"]),
            tuple(float(c) for c in found.get("cuts", ())),
            None if gap is None else float(gap),
        )


@dataclass(frozen=True)
class Coverage:
    """How sure an answer is: the range it states for ``level`` in 100 (the answer give or take the miss that ``level``
    in 100 rows the model was not trained on stay within, :func:`interval_rank`) must hold the real answer of at least
    ``coverage`` in 100 evaluation rows."""

    level: int
    coverage: float
    who: str = "rows"  # whom the rows describe, in the features' word ("people"): for the report's sentence

    def met_by(self, held: int, rows: int) -> bool:
        """Do ``held`` of ``rows`` inside their range meet the agreed coverage? Counted exactly: 72 of 100 meets 72."""
        return rows > 0 and 0 <= held <= rows and Decimal(held) * 100 >= exact(self.coverage) * rows

    @property
    def key(self) -> str:
        """The level as the manifest, the service and the batch columns name it: ``80``."""
        return str(self.level)

    def to_dict(self) -> dict:
        return {"level": self.level, "coverage": self.coverage, "who": self.who}

    @classmethod
    def from_dict(cls, found: dict) -> Coverage:
        return cls(int(found["level"]), float(found["coverage"]), str(found.get("who", "rows")))

    @property
    def share(self) -> str:
        """The level in the fewest words: ``4 in 5`` for 80 in 100, ``19 in 20`` for 95."""
        from fractions import Fraction

        found = Fraction(self.level, 100)
        return f"{found.numerator} in {found.denominator}"


def interval_rank(rows: int, level: int) -> int | None:
    """Which of ``rows`` misses, sorted from the smallest (the first being 1), is the half-width of the range for
    ``level`` in 100: the one at place (rows + 1) × level / 100, rounded up (split conformal, on the safe side: among 240
    rows, the 193rd for 80 in 100). None when there are too few rows to state that level."""
    rank = -(-(rows + 1) * level // 100)
    return rank if 1 <= rank <= rows else None


@dataclass(frozen=True)
class ChampionMargin:
    """How much typical error (in the output's unit) a new model may give up against the model in production."""

    margin: float

    def allows(self, production_error: float, new_error: float) -> bool:
        return _finite(production_error, new_error) and new_error - production_error <= self.margin


@dataclass(frozen=True)
class OutputBounds:
    """The answers (both ends included) a model may ever give for accepted inputs."""

    low: float
    high: float

    def contains(self, answer: float) -> bool:
        return _finite(answer) and self.low <= answer <= self.high


RISES, FALLS = "rises", "falls"  # with more of the input, the answer never falls (rises) / never rises (falls)


@dataclass(frozen=True)
class Monotonic:
    """The answer moves one way only as one input grows, all else held: ``rises`` (never lower) or ``falls``."""

    input: str
    direction: str

    def holds(self, before: float, after: float) -> bool:
        """For two answers where ``after`` is for more of the input than ``before``."""
        return after >= before if self.direction == RISES else after <= before


WARNING, REFUSED, STABLE, TOO_FEW = "warning", "refused", "stable", "too few rows"


@dataclass(frozen=True)
class DriftLimits:
    """Population stability index levels of a file's inputs against the training data; each input judged."""

    warn: float
    refuse: float
    min_rows: int
    # A smaller file, of at least ``small_rows`` and fewer than ``min_rows``, is judged on wider bands and refused at
    # ``small_refuse`` (no warning: by chance alone a small file's index is too spread for one).
    small_rows: int | None = None
    small_refuse: float | None = None

    def wide(self, rows: int) -> bool:
        """Is a file of ``rows`` judged on the wider bands (a smaller file the contract still judges)?"""
        return self.small_rows is not None and self.small_rows <= rows < self.min_rows

    def refusal(self, rows: int) -> str:
        """The level a file of ``rows`` is refused at, in words: ``refused at 0.25``, or a smaller file's ``refused on
        five bands at 1``."""
        return f"refused on five bands at {self.small_refuse:g}" if self.wide(rows) else f"refused at {self.refuse:g}"

    def verdict(self, psi: float, rows: int) -> str:
        """``stable``, ``warning``, ``refused``; ``too few rows`` to judge below ``min_rows`` (or, for a contract that
        judges smaller files on wider bands, below ``small_rows``: those are refused at their own level or stable)."""
        if self.wide(rows):
            assert self.small_refuse is not None
            return REFUSED if not math.isfinite(psi) or psi >= self.small_refuse else STABLE
        if rows < self.min_rows:
            return TOO_FEW
        if not math.isfinite(psi) or psi >= self.refuse:
            return REFUSED
        return WARNING if psi >= self.warn else STABLE


FLAG, REFUSE = "flag", "refuse"  # an answer outside the training data: given and marked, or refused


# -- classifiers ---------------------------------------------------------------------------------------------------
# The metrics a classifier's quality is stated in, and whether more of each is better.
HIGHER_IS_BETTER = {
    "accuracy": True,
    "balanced accuracy": True,
    "macro F1": True,
    "ROC AUC": True,
    "log loss": False,
    "Brier score": False,
}
METRICS = tuple(HIGHER_IS_BETTER)
F1_OF = "F1 for "  # and a class: the F1 score of one class


def f1_of(label: str) -> str:
    """The name of one class's F1 score, as a contract states it and the manifest records it."""
    return f"{F1_OF}{label}"


def higher_is_better(metric: str) -> bool:
    return True if metric.startswith(F1_OF) else HIGHER_IS_BETTER[metric]


UNSEEN, EVALUATION = "unseen", "evaluation"  # where a metric is measured: cross-validation, or the evaluation rows


@dataclass(frozen=True)
class AgreedLabel:
    """An agreed class for one row of inputs and, where the reviewer agreed one, the probability of that class with
    its tolerance. ``values`` are the inputs in the contract's order; ``line`` is where the row is written."""

    values: tuple[object, ...]
    label: str
    probability: float | None = None
    tolerance: float = 0.0
    line: int = field(default=0, compare=False)

    def met_by(self, label: object, probabilities: dict) -> bool:
        """Is ``label`` the agreed class and, if one was agreed, its probability within the tolerance of it?"""
        if label != self.label:
            return False
        if self.probability is None:
            return True
        found = probabilities.get(self.label)
        if not isinstance(found, float | int) or isinstance(found, bool) or not _finite(found):
            return False
        return abs(exact(found) - exact(self.probability)) <= exact(self.tolerance)

    def to_dict(self) -> dict:
        return {"values": list(self.values), "label": self.label, "probability": self.probability, "tolerance": self.tolerance}

    @classmethod
    def from_dict(cls, found: dict) -> AgreedLabel:
        probability = found.get("probability")
        return cls(
            tuple(found["values"]), found["label"], None if probability is None else float(probability), float(found["tolerance"])
        )


@dataclass(frozen=True)
class MetricBand:
    """The agreed band of one metric (both ends included), measured on rows the model was not trained on
    (``unseen``: the cross-validation) or on the ``evaluation`` rows."""

    metric: str
    low: float
    high: float
    on: str = UNSEEN

    def contains(self, value: float) -> bool:
        return _finite(value) and self.low <= value <= self.high


@dataclass(frozen=True)
class BaselineMargin:
    """How much better than always answering the most frequent class the model must be, in one metric."""

    metric: str
    margin: float

    def beats(self, model: float, baseline: float) -> bool:
        if not _finite(model, baseline):
            return False
        gain = model - baseline if higher_is_better(self.metric) else baseline - model
        return gain >= self.margin


@dataclass(frozen=True)
class CalibrationLimit:
    """The most the expected calibration error (10 equal bins of the answered class's probability) may be."""

    limit: float

    def met_by(self, error: float) -> bool:
        return _finite(error) and 0 <= error <= self.limit


@dataclass(frozen=True)
class ChampionMetric:
    """How much of one metric a new classifier may give up against the model in production."""

    metric: str
    margin: float

    def allows(self, production: float, new: float) -> bool:
        if not _finite(production, new):
            return False
        loss = production - new if higher_is_better(self.metric) else new - production
        return loss <= self.margin
