"""Write a fitted scikit-learn estimator as a serving form, where one can be written exactly: a linear regressor,
bare or at the end of a Pipeline whose preprocessing is a ColumnTransformer (or one transformer for every column)
of imputers, standard or min-max scalers, one-hot encoders and passthrough. Anything else gets no form, with the
reason, and is answered by its skops file in the full image.

:func:`check` holds a form to the estimator: the same rounded answers, bit for bit, on every check row.
"""

from __future__ import annotations

import numpy as np
from modelgate.model.forms.linear import Column, LinearForm
from modelgate.model.forms.logistic import LogisticForm
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import ElasticNet, Lasso, LinearRegression, LogisticRegression, Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, MinMaxScaler, OneHotEncoder, StandardScaler

LINEAR = (LinearRegression, Ridge, Lasso, ElasticNet)


class NoForm(Exception):
    """The estimator cannot be written as a linear form; the message says why."""


def derive(estimator, inputs: list[str], decimals: int) -> LinearForm | LogisticForm:
    """The form of ``estimator`` (taking ``inputs`` in this order); :class:`NoForm` if it has none."""
    steps = [step for _, step in estimator.steps] if isinstance(estimator, Pipeline) else [estimator]
    final = steps[-1]
    if type(final) not in (*LINEAR, LogisticRegression):
        raise NoForm(f"a {type(final).__name__} is not a linear regressor or a logistic regression")
    # Each column the preprocessing makes: (input, its steps, NUMBER or the category it indicates).
    made: list[tuple[str, list, object]] = [(name, [], NUMBER) for name in inputs]
    for step in steps[:-1]:
        made = _through(step, made)
    # One row of coefficients and one intercept per decision (a regressor's one; a classifier's for each class).
    coefficients, intercepts = np.atleast_2d(final.coef_), np.reshape(final.intercept_, -1)
    if len(made) != coefficients.shape[1]:
        raise NoForm(f"the preprocessing makes {len(made)} columns, the model has {coefficients.shape[1]} coefficients")
    rows = tuple(LinearForm(float(b), _columns(made, w.tolist()), decimals) for w, b in zip(coefficients, intercepts))
    if type(final) is not LogisticRegression:
        if len(rows) != 1:
            raise NoForm("a regressor of several outputs has no form")
        return rows[0]
    return LogisticForm(tuple(final.classes_.tolist()), rows, decimals)


def _columns(made: list, coefficients: list[float]) -> tuple[Column, ...]:
    found = []
    for (name, ops, category), coefficient in zip(made, coefficients):
        impute = next((a for op, a in ops if op == "impute"), None)
        steps_ = tuple((op, a) for op, a in ops if op != "impute")
        if category is NUMBER:
            found.append(Column(name, coefficient, impute=impute, ops=steps_))
        else:
            found.append(Column(name, coefficient, impute=impute, equals=category, indicator=True))
    return tuple(found)


NUMBER = object()  # a column that is the number itself, not a category's indicator


def _identity(step) -> bool:
    """``passthrough``, or what scikit-learn makes of it once fitted: a FunctionTransformer calling nothing."""
    if isinstance(step, str) or step is None:
        return step in ("passthrough", None)
    return isinstance(step, FunctionTransformer) and step.func is None and step.inverse_func is None


def _through(step, made: list) -> list:
    if _identity(step):
        return made
    if isinstance(step, ColumnTransformer):
        return _column_transformer(step, made)
    if isinstance(step, Pipeline):
        for _, inner in step.steps:
            made = _through(inner, made)
        return made
    return _elementwise(step, made)


def _column_transformer(step: ColumnTransformer, made: list) -> list:
    if any(c[1] or c[2] is not NUMBER for c in made):
        raise NoForm("a ColumnTransformer after other preprocessing has no form")
    # It sees the inputs it is given (all of them, or those an outer one picked), by their names and in their order.
    names = [name for name, _, _ in made]
    out: list = []
    for _, transformer, columns in step.transformers_:
        if transformer == "drop":
            continue
        out += _through(transformer, [made[i] for i in _indices(columns, names)])  # "passthrough" too
    return out


def _indices(columns, names: list[str]) -> list[int]:
    if isinstance(columns, slice):
        return list(range(len(names)))[columns]
    found = []
    for column in np.atleast_1d(columns).tolist():
        if isinstance(column, bool):
            raise NoForm("a boolean column mask has no form")
        found.append(column if isinstance(column, int) else names.index(column))
    return found


def _elementwise(step, made: list) -> list:
    if isinstance(step, SimpleImputer):
        if step.add_indicator:
            raise NoForm("an imputer that adds indicator columns has no form")
        # tolist(): the fitted values as Python's own (float, str, bool), which JSON carries as they are.
        return [(n, [*ops, ("impute", v)], c) for (n, ops, c), v in zip(made, step.statistics_.tolist())]
    if any(c is not NUMBER for _, _, c in made):
        raise NoForm(f"a {type(step).__name__} after a one-hot encoder has no form")
    if isinstance(step, StandardScaler):
        centre = step.mean_.tolist() if step.with_mean else [None] * len(made)
        scale = step.scale_.tolist() if step.with_std else [None] * len(made)
        return [
            (n, [*ops, *([("sub", m)] if m is not None else []), *([("div", s)] if s is not None else [])], c)
            for (n, ops, c), m, s in zip(made, centre, scale)
        ]
    if isinstance(step, MinMaxScaler):
        if step.clip:
            raise NoForm("a clipping MinMaxScaler has no form")
        return [
            (n, [*ops, ("mul", s), ("add", m)], c) for (n, ops, c), s, m in zip(made, step.scale_.tolist(), step.min_.tolist())
        ]
    if isinstance(step, OneHotEncoder):
        return _one_hot(step, made)
    raise NoForm(f"a {type(step).__name__} in the preprocessing has no form")


def _one_hot(step: OneHotEncoder, made: list) -> list:
    if step.min_frequency is not None or step.max_categories is not None:
        raise NoForm("a one-hot encoder grouping infrequent categories has no form")
    if any(op != "impute" for _, ops, _ in made for op, _ in ops):
        raise NoForm("a one-hot encoder after scaling has no form")
    drops = step.drop_idx_ if step.drop_idx_ is not None else [None] * len(made)
    out = []
    for (name, ops, _), categories, drop in zip(made, step.categories_, drops):
        for index, category in enumerate(categories.tolist()):
            if drop is not None and index == drop:
                continue
            missing = category is None or (isinstance(category, float) and np.isnan(category))
            out.append((name, ops, None if missing else category))  # None: the encoder's "missing" category
    return out


def check(form: LinearForm | LogisticForm, answers: np.ndarray, rows: list[dict], order: list[str]) -> None:
    """:class:`NoForm` unless ``form`` gives ``answers`` (the estimator's, rounded: numbers, or a classifier's
    probabilities in the class ``order``, the contract's) on every row, bit for bit."""
    if isinstance(form, LogisticForm):
        got = np.array(form.probabilities(rows, order)).reshape(-1)  # row by row, a probability per class
        rows = [row for row in rows for _ in order]
    else:
        got = np.array(form.answer_rows(rows))
    expected = np.asarray(answers, dtype="float64").reshape(-1)  # an estimator may answer in single precision
    if got.tobytes() != expected.tobytes():
        first = int(np.flatnonzero(got.view("u8") != expected.view("u8"))[0])
        raise NoForm(f"the form answers {rows[first]} with {float(got[first])!r}, the model with {float(expected[first])!r}")
