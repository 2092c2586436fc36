"""Turn heights into rounded weights: the one prediction function every channel uses."""

from __future__ import annotations

import math

import numpy as np
from modelgate.contracts.ranges import WEIGHT_DECIMALS
from sklearn.linear_model import LinearRegression

_SCALE = 10.0**WEIGHT_DECIMALS


class Scorer:
    """Wraps a fitted estimator. For a one-feature ``LinearRegression`` it evaluates
    ``intercept + slope * height`` directly: the same float operations as
    ``LinearRegression.predict`` without its per-call input checking, which dominates the
    cost of scoring one height."""

    def __init__(self, estimator):
        self.estimator = estimator
        self._linear = type(estimator) is LinearRegression and np.ndim(estimator.coef_) == 1
        if self._linear:
            self.slope = float(estimator.coef_[0])
            self.intercept = float(estimator.intercept_)

    def predict(self, heights: np.ndarray) -> np.ndarray:
        """float64 heights (already validated) -> weights rounded to the contract's decimals."""
        heights = np.asarray(heights, dtype="float64")
        if self._linear:
            raw = heights * self.slope + self.intercept
        else:
            raw = self.estimator.predict(heights.reshape(-1, 1))
        return np.round(raw, WEIGHT_DECIMALS)

    def predict_list(self, heights: list[float]) -> list[float]:
        """The same answers as :meth:`predict` for a few heights (one REST request). For the linear
        model this stays in Python floats: numpy's per-call overhead is most of the cost of one
        request. The float operations are numpy's, in numpy's order: ``h * slope + intercept``, then
        ``np.round``'s multiply, round-half-even, divide (sign of zero kept). A test holds the two
        paths equal bit for bit."""
        if not self._linear:
            return self.predict(np.array(heights, dtype="float64")).tolist()
        slope, intercept, scale = self.slope, self.intercept, _SCALE
        return [math.copysign(round(y) / scale, y) for y in ((h * slope + intercept) * scale for h in heights)]
