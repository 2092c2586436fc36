"""Turn heights into rounded weights: the one prediction function every channel uses."""

from __future__ import annotations

import numpy as np
from modelgate.contracts.ranges import WEIGHT_DECIMALS
from modelgate.model.serving import LinearForm
from sklearn.linear_model import LinearRegression


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
            self.form = LinearForm(self.intercept, self.slope)

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
        model this is the serving form's arithmetic (Python floats, numpy's operations in numpy's
        order); a test holds the two paths equal bit for bit."""
        if not self._linear:
            return self.predict(np.array(heights, dtype="float64")).tolist()
        return self.form.predict_list(heights)
