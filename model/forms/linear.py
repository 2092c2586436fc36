"""The linear serving form, ``serving.json``: a linear model over numbers and one-hot categories in plain JSON,
written when the model is packaged, signed by the manifest, and evaluated here in plain Python.

The form lists the columns the model's own preprocessing makes, in its order: a number after its imputation,
centring and scaling, or one category's indicator; each with its coefficient. An answer is the sum of the columns
times their coefficients, in that order, plus the intercept, rounded as numpy rounds (``np.round``: multiply,
round half to even, divide, the sign of zero kept). For a model of one number this is exactly scikit-learn's
arithmetic; with more columns scikit-learn's sum (BLAS) may add in another order, so packaging checks the
rounded answers on the contract's check rows (``model.forms.derive``) and writes no form that differs on any.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass

FORMAT = "modelgate.linear/2"
NAME = "linear"  # the form's kind, as the manifest and /ready name it


def rounded(y: float, decimals: int) -> float:
    """``y`` rounded to ``decimals`` as ``np.round`` rounds it (multiply, round half to even, divide, the sign of zero
    kept), in plain Python: the serving forms' answers and the ends of the ranges the service states."""
    scale = 10.0**decimals
    return math.copysign(round(y * scale) / scale, y)


# The steps a number goes through before it meets its coefficient, as scikit-learn's transformers apply them.
_OPS: dict[str, Callable[[float, float], float]] = {
    "sub": lambda x, a: x - a,  # StandardScaler: centre
    "div": lambda x, a: x / a,  # StandardScaler: scale
    "mul": lambda x, a: x * a,  # MinMaxScaler: scale
    "add": lambda x, a: x + a,  # MinMaxScaler: shift
}


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


@dataclass(frozen=True)
class Column:
    """One column the model's preprocessing makes from one input, and its coefficient."""

    input: str
    coefficient: float
    impute: object = None  # the value a missing input is replaced with (SimpleImputer); None: not imputed
    ops: tuple[tuple[str, float], ...] = ()  # numbers: the transformations in order
    equals: object = None  # categories: the category this indicator column is 1 for
    indicator: bool = False

    def value(self, raw) -> float:
        if _missing(raw):
            raw = self.impute
        if self.indicator:
            return 1.0 if (raw == self.equals and not _missing(raw)) or (_missing(raw) and _missing(self.equals)) else 0.0
        if _missing(raw):
            return math.nan  # scikit-learn would refuse it; packaging checks that no accepted row gets here
        x = float(raw)
        for op, a in self.ops:
            x = _OPS[op](x, a)
        return x

    def to_dict(self) -> dict:
        found = {"input": self.input, "coefficient": self.coefficient}
        if self.impute is not None:
            found["impute"] = self.impute
        if self.indicator:
            found["equals"] = self.equals
        else:
            found["ops"] = [list(op) for op in self.ops]
        return found

    @classmethod
    def from_dict(cls, found: dict) -> Column:
        indicator = "equals" in found
        return cls(
            input=found["input"],
            coefficient=float(found["coefficient"]),
            impute=found.get("impute"),
            ops=tuple((str(op), float(a)) for op, a in found.get("ops", [])),
            equals=found.get("equals"),
            indicator=indicator,
        )


@dataclass(frozen=True)
class LinearForm:
    """``answer = Σ column(row) × coefficient + intercept``, rounded to ``decimals``."""

    intercept: float
    columns: tuple[Column, ...]
    decimals: int = 4

    @property
    def inputs(self) -> list[str]:
        return list(dict.fromkeys(c.input for c in self.columns))

    def raw(self, row: dict) -> float:
        total = 0.0
        for column in self.columns:
            total += column.value(row[column.input]) * column.coefficient
        return total + self.intercept

    def answer_rows(self, rows: list[dict]) -> list[float]:
        """Rounded answers for validated rows ({input: value}), in plain Python: for a few rows numpy's per-call
        overhead would be most of the cost."""
        return [rounded(y, self.decimals) for y in map(self.raw, rows)]

    def answer_single(self, values: list[float]) -> list[float]:
        """The same answers for a model of one number with no preprocessing (the hot path: one multiply-add)."""
        (column,) = self.columns
        slope, intercept, scale = column.coefficient, self.intercept, 10.0**self.decimals
        return [math.copysign(round(y) / scale, y) for y in ((h * slope + intercept) * scale for h in values)]

    @property
    def single(self) -> bool:
        """One number straight into its coefficient (never missing: nothing fills it in): :meth:`answer_single` applies."""
        (column, *more) = self.columns
        return not more and not column.indicator and not column.ops and column.impute is None

    @property
    def coefficients(self) -> dict:
        """The fitted numbers, for the report and the training notebook."""
        return {"intercept": self.intercept, **{_label(c): c.coefficient for c in self.columns}}


def _label(column: Column) -> str:
    return f"{column.input}={column.equals}" if column.indicator else column.input


def _numbers(form: LinearForm) -> dict:
    return {"decimals": form.decimals, "intercept": form.intercept, "columns": [c.to_dict() for c in form.columns]}


# The serving file of either form (this one, :mod:`.logistic`): its format, the model version and output it answers
# for, and the form's numbers; its digest is of the numbers alone.


def numbers_digest(numbers: dict) -> str:
    """The SHA-256 of a form's numbers (its file also names the model version, which this is part of)."""
    import hashlib

    return hashlib.sha256(json.dumps(numbers, sort_keys=True).encode()).hexdigest()


def file_bytes(file_format: str, numbers: dict, version: str, output: str) -> bytes:
    """A serving file's bytes. JSON writes a float with ``repr``, which reads back as the same float."""
    body = {"format": file_format, "model_version": version, "output": output, **numbers}
    return (json.dumps(body, indent=2) + "\n").encode()


def file_body(data: bytes, where: str, file_format: str) -> dict:
    """A serving file's JSON object, if it is of ``file_format``; :class:`ValueError` naming ``where``."""
    try:
        body = json.loads(data)
    except ValueError as exc:
        raise ValueError(f"{where}: not a readable serving form ({exc})") from None
    if not isinstance(body, dict) or body.get("format") != file_format:
        raise ValueError(f"{where}: not a serving form of format {file_format}")
    return body


def digest(form: LinearForm) -> str:
    return numbers_digest(_numbers(form))


def dumps(form: LinearForm, version: str, output: str) -> bytes:
    return file_bytes(FORMAT, _numbers(form), version, output)


def loads(data: bytes, where: str) -> tuple[LinearForm, str, str]:
    """(the form, its model_version, its output) from the serving file's bytes; :class:`ValueError` naming ``where``."""
    body = file_body(data, where, FORMAT)
    try:
        form = LinearForm(float(body["intercept"]), tuple(Column.from_dict(c) for c in body["columns"]), int(body["decimals"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{where}: the serving form lacks or misstates a field ({exc})") from None
    numbers = [form.intercept, *(c.coefficient for c in form.columns), *(a for c in form.columns for _, a in c.ops)]
    if (
        not form.columns
        or not all(math.isfinite(n) for n in numbers)
        or any(op not in _OPS for c in form.columns for op, _ in c.ops)
    ):
        raise ValueError(f"{where}: the serving form's numbers must be finite and its steps known")
    return form, str(body.get("model_version")), str(body.get("output"))
