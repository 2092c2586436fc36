"""Turn validated inputs into rounded answers: the one prediction function batch scoring, packaging, the report and
the champion/challenger comparison use.

Inputs arrive as columns ({input: array}): numbers as float64 with NaN for a missing value, categories as objects
(``str``, None for missing), yes/no as objects (``bool``, None). The estimator gets them as the pandas frame it was
fitted on: its own column order, categories as objects with NaN for missing (what scikit-learn's imputers look for).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd
from modelgate.contracts.contract import Contract
from modelgate.contracts.inputs import YES_NO
from modelgate.model.forms.linear import LinearForm


def _linear_single(estimator: Any) -> tuple[float, float] | None:
    """(slope, intercept) of a bare linear regression of one number; None for any other estimator."""
    from sklearn.linear_model import LinearRegression

    if type(estimator) is LinearRegression and np.ndim(estimator.coef_) == 1 and estimator.coef_.size == 1:
        return float(estimator.coef_[0]), float(estimator.intercept_)
    return None


class Scorer:
    """Wraps a fitted estimator. For a bare one-number ``LinearRegression`` it evaluates ``x * slope + intercept``
    directly: the same float operations as ``LinearRegression.predict`` without its per-call input checking and frame
    building, which dominate the cost of scoring a batch of one column."""

    def __init__(self, estimator: Any, contract: Contract, order: list[str], widths: Mapping[str, float] | None = None):
        self.estimator, self.contract, self.order = estimator, contract, list(order)
        self.decimals = contract.output.decimals
        # The ranges to state with each answer: level ("80") -> half-width (``Manifest.widths``); none by default.
        self.widths = dict(widths or {})
        self._line = _linear_single(estimator) if len(order) == 1 and contract.inputs[0].numeric else None

    def frame(self, columns: Mapping[str, np.ndarray]) -> pd.DataFrame:
        return to_frame(self.contract, self.order, columns)

    def raw(self, columns: Mapping[str, np.ndarray]) -> np.ndarray:
        if self._line is not None:
            slope, intercept = self._line
            return np.asarray(columns[self.order[0]], dtype="float64") * slope + intercept
        return np.asarray(self.estimator.predict(self.frame(columns)), dtype="float64")

    def predict(self, columns: Mapping[str, np.ndarray]) -> np.ndarray:
        """Validated inputs -> answers rounded to the contract's decimals (a regression)."""
        return np.round(self.raw(columns), self.decimals)

    def predict_rows(self, rows: list[dict]) -> np.ndarray:
        """The same for rows ({input: value}, None for missing)."""
        return self.predict(columns_of(self.contract, rows))

    # -- classifiers -----------------------------------------------------------------------------------------------
    def raw_probabilities(self, columns: Mapping[str, np.ndarray]) -> np.ndarray:
        """The estimator's probability of each class, one row per input row, its columns in the contract's class order."""
        found = np.asarray(self.estimator.predict_proba(self.frame(columns)), dtype="float64")
        return found[:, class_order(self.estimator, self.contract)]

    def classify(self, columns: Mapping[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
        """(the answered classes, their probabilities rounded to the contract's decimals): the class is the one the
        contract's decision rule picks from the rounded probabilities (what the answer shows)."""
        probabilities = np.round(self.raw_probabilities(columns), self.decimals)
        return decide(self.contract.output, probabilities), probabilities

    @property
    def columns(self) -> list[str]:
        """The names of :meth:`answer_columns`, in order."""
        output = self.contract.output
        return [*output.columns, *(name for level in self.widths for name in output.interval_columns(level))]

    def answer_columns(self, columns: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
        """The columns scoring adds to a batch file, by name: the answer, and a classifier's probability of each class;
        with :attr:`widths`, the low and high end of each range (the answer give or take the level's half-width)."""
        output = self.contract.output
        if not output.is_class:
            answers = self.predict(columns)
            found = {output.name: answers}
            for level, width in self.widths.items():
                low, high = output.interval_columns(level)
                found[low], found[high] = np.round(answers - width, self.decimals), np.round(answers + width, self.decimals)
            return found
        labels, probabilities = self.classify(columns)
        return {output.name: labels} | {output.probability_column(c): probabilities[:, i] for i, c in enumerate(output.classes)}

    def fingerprint(self, columns: Mapping[str, np.ndarray]) -> bytes:
        """The answers as bytes (what the model version is computed from)."""
        if not self.contract.output.is_class:
            return self.predict(columns).tobytes()
        labels, probabilities = self.classify(columns)
        return probabilities.tobytes() + "\n".join(labels.tolist()).encode()

    @property
    def form(self) -> LinearForm | None:
        """The serving form of a bare one-number line (the others are derived at packaging)."""
        if self._line is None:
            return None
        from modelgate.model.forms.linear import Column

        slope, intercept = self._line
        return LinearForm(intercept, (Column(self.order[0], slope),), self.decimals)


def class_order(estimator: Any, contract: Contract) -> list[int]:
    """Where each of the contract's classes is among the estimator's ``classes_`` (compared as text)."""
    known = [str(c) for c in getattr(estimator, "classes_", [])]
    return [known.index(c) for c in contract.output.classes]


def decide(output, probabilities: np.ndarray) -> np.ndarray:
    """The declared decision rule on rows of probabilities (columns in the output's class order), vectorised:
    ``Output.decide`` for every row."""
    classes = np.array(output.classes, dtype=object)
    if output.threshold is not None and output.positive is not None:
        positive = output.classes.index(output.positive)
        other = 1 - positive
        return np.where(probabilities[:, positive] >= output.threshold, classes[positive], classes[other])
    return classes[np.argmax(probabilities, axis=1)]


def to_frame(contract: Contract, order: list[str], columns: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """The inputs as an estimator is fitted on them, in its ``order``: numbers float64, categories and yes/no as objects
    with NaN for a missing value (a yes/no column with none missing as booleans)."""
    data = {}
    for spec in (contract.input(name) for name in order):
        values = columns[spec.name]
        if spec.numeric:
            data[spec.name] = np.asarray(values, dtype="float64")
            continue
        found = np.asarray(values, dtype=object)
        blank = pd.isna(found)
        if spec.kind == YES_NO and not blank.any():
            data[spec.name] = found.astype(bool)
        else:
            found = found.copy()
            found[blank] = np.nan
            data[spec.name] = found
    return pd.DataFrame(data, columns=order, copy=False)


def fitting_frame(contract: Contract, order: list[str], columns: Mapping[str, np.ndarray]) -> pd.DataFrame:
    """:func:`to_frame` for fitting: a yes/no column with no missing value as objects, not booleans. scikit-learn's
    imputer refuses to be fitted on a boolean column (it transforms one all the same), so a Pipeline that imputes a
    yes/no input is fitted on its values as they are when some are missing."""
    frame = to_frame(contract, order, columns)
    flags = {name: object for name in frame.columns if frame[name].dtype == bool}
    return frame.astype(flags) if flags else frame


def columns_of(contract: Contract, rows: list[dict]) -> dict[str, np.ndarray]:
    """Rows ({input: value}) as columns, each in the representation :class:`Scorer` takes."""
    columns = {}
    for spec in contract.inputs:
        values = [row.get(spec.name) for row in rows]
        if spec.numeric:
            columns[spec.name] = np.array([np.nan if v is None else v for v in values], dtype="float64")
        else:
            columns[spec.name] = np.array(values, dtype=object)
    return columns
