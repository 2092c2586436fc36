"""The logistic serving form, ``serving.json`` of a classifier: a logistic regression's decision functions over the
columns its preprocessing makes (each a :class:`.linear.LinearForm`), and the link that turns them into
probabilities, evaluated in plain Python as scikit-learn does: for two classes the logistic function of the one
decision, for more the softmax of one decision per class (the largest subtracted first). Probabilities are rounded
as numpy rounds; the class answered is the contract's decision rule on them. Packaging writes the form only if it
answers every check row bit for bit as the estimator's ``predict_proba`` does, after rounding (``derive.check``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from modelgate.model.forms.linear import Column, LinearForm, file_body, file_bytes, numbers_digest, rounded

FORMAT = "modelgate.logistic/1"
NAME = "logistic"


def _expit(z: float) -> float:
    """scipy's ``expit``, which scikit-learn's ``predict_proba`` of two classes applies, bit for bit: 1 / (1 + e^-z), and 0
    where e^-z is beyond the largest float (scipy's 1 / (1 + inf); Python raises instead)."""
    try:
        return 1.0 / (1.0 + math.exp(-z))
    except OverflowError:
        return 0.0


@dataclass(frozen=True)
class LogisticForm:
    classes: tuple[str, ...]  # the estimator's classes_, in its order (as text)
    rows: tuple[LinearForm, ...]  # one decision function (two classes) or one per class
    decimals: int = 4

    @property
    def inputs(self) -> list[str]:
        return list(dict.fromkeys(c.input for row in self.rows for c in row.columns))

    def raw(self, row: dict) -> list[float]:
        """The probability of each class, in the estimator's class order."""
        decisions = [form.raw(row) for form in self.rows]
        if len(self.rows) == 1:
            positive = _expit(decisions[0])
            return [1.0 - positive, positive]
        top = max(decisions)
        powers = [math.exp(z - top) for z in decisions]
        total = sum(powers)  # numpy sums so short a row left to right too
        return [p / total for p in powers]

    def probabilities(self, rows: list[dict], order: list[str]) -> list[list[float]]:
        """Rounded probabilities for validated rows, in the class ``order`` given (the contract's)."""
        where = [self.classes.index(c) for c in order]
        found = []
        for row in rows:
            raw = self.raw(row)
            found.append([rounded(raw[i], self.decimals) for i in where])
        return found

    @property
    def coefficients(self) -> dict:
        if len(self.rows) == 1:
            return {f"{self.classes[1]}: {k}": v for k, v in self.rows[0].coefficients.items()}
        return {f"{label}: {k}": v for label, row in zip(self.classes, self.rows) for k, v in row.coefficients.items()}


def _numbers(form: LogisticForm) -> dict:
    rows = [{"intercept": r.intercept, "columns": [c.to_dict() for c in r.columns]} for r in form.rows]
    return {"decimals": form.decimals, "classes": list(form.classes), "rows": rows}


def digest(form: LogisticForm) -> str:
    return numbers_digest(_numbers(form))


def dumps(form: LogisticForm, version: str, output: str) -> bytes:
    return file_bytes(FORMAT, _numbers(form), version, output)


def loads(data: bytes, where: str) -> tuple[LogisticForm, str, str]:
    """(the form, its model_version, its output); :class:`ValueError` naming ``where``."""
    body = file_body(data, where, FORMAT)
    try:
        decimals = int(body["decimals"])
        # A row's own decimals are not read: the form rounds its probabilities, never its decisions.
        rows = tuple(LinearForm(float(r["intercept"]), tuple(Column.from_dict(c) for c in r["columns"])) for r in body["rows"])
        form = LogisticForm(tuple(str(c) for c in body["classes"]), rows, decimals)
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{where}: the serving form lacks or misstates a field ({exc})") from None
    numbers = [
        n for r in rows for n in (r.intercept, *(c.coefficient for c in r.columns), *(a for c in r.columns for _, a in c.ops))
    ]
    shape = (len(rows) == 1 and len(form.classes) == 2) or len(rows) == len(form.classes) > 2
    if not shape or not all(math.isfinite(n) for n in numbers):
        raise ValueError(f"{where}: the serving form's numbers must be finite, one decision per class (or one for two)")
    return form, str(body.get("model_version")), str(body.get("output"))
