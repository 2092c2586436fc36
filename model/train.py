"""Read a training CSV under the contract, and fit a model to it: the one-command path (``modelgate train``).

The estimator is named (``--estimator``): ``linear`` (the bundled example's least-squares line), ``ridge``,
``random-forest``, ``gradient-boosting`` or ``hist-gradient-boosting``. Numbers go in as they are; a number that
may be missing is imputed by its training median, and categories and yes/no inputs are one-hot encoded after
filling a missing one with the most frequent value, all in one scikit-learn Pipeline that
:mod:`.package` then packages like any model brought from elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from modelgate.contracts.contract import Contract
from modelgate.contracts.errors import ContractViolation, ModelgateError
from modelgate.contracts.schemas import training
from modelgate.contracts.validation import Failures, parse_column, parse_numbers, run_schema

MIN_ROWS = 3
SEED = 20261126  # every estimator that draws at random is seeded: the same data gives the same model


@dataclass
class TrainingData:
    """A validated training file: each input as the scorer takes it, and the agreed answers."""

    path: Path
    columns: dict[str, np.ndarray]
    target: np.ndarray
    rows: int


def read_training(path: Path, contract: Contract) -> TrainingData:
    """Read and validate a training CSV (every input and the output as columns); one line naming the bad rows."""
    path = Path(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise ModelgateError(f"{path}: training data not found") from None
    except (pd.errors.EmptyDataError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise ContractViolation(f"{path}: not a readable CSV ({str(exc).splitlines()[0]})") from None
    needed = [*contract.names, contract.output.name]
    missing = [c for c in needed if c not in raw.columns]
    if missing:
        raise ContractViolation(f"{path}: header must name columns {needed}; missing {missing}, found {list(raw.columns)}")
    failures, frame = Failures(), {}
    for spec in contract.inputs:
        frame[spec.name], bad = parse_column(spec, raw[spec.name])
        failures.extend(bad)
    answer = contract.output.name
    if contract.output.is_class:  # a class as written; the schema judges it one of the stated classes
        frame[answer], bad = raw[answer].str.strip().astype(object), []
    else:
        frame[answer], bad = parse_numbers(raw[answer], answer)
    failures.extend(bad)
    table = pd.DataFrame(frame)
    # A cell that could not be read is already a failure: the schema judges the rows whose every cell was read (else
    # the same cell would be counted again, as a missing value).
    read = raw.index
    for values in frame.values():
        read = read.intersection(values.index)
    failures.extend(run_schema(training(contract), table.loc[read]))
    if failures:
        raise ContractViolation(
            f"{path}: {failures.total} bad value(s): " + "; ".join(f.describe() for f in failures.examples[:5])
        )
    if len(table) < MIN_ROWS:
        raise ContractViolation(f"{path}: needs at least {MIN_ROWS} rows to fit a model, found {len(table)}")
    columns = {spec.name: table[spec.name].to_numpy(dtype="float64" if spec.numeric else object) for spec in contract.inputs}
    for spec in contract.inputs:
        if not spec.numeric:
            values = columns[spec.name]
            columns[spec.name] = np.array([None if isinstance(v, float) else v for v in values.tolist()], dtype=object)
    target = table[answer].to_numpy(dtype=object if contract.output.is_class else "float64")
    return TrainingData(path, columns, target, len(table))


def estimator_for(contract: Contract, name: str = "linear"):
    """An unfitted estimator of kind ``name`` for the contract's inputs: bare when the inputs are numbers that are never
    missing, else a Pipeline that imputes and one-hot encodes first."""
    from sklearn import ensemble, linear_model

    regressors = {
        "linear": lambda: linear_model.LinearRegression(),
        "ridge": lambda: linear_model.Ridge(),
        "random-forest": lambda: ensemble.RandomForestRegressor(n_estimators=200, random_state=SEED),
        "gradient-boosting": lambda: ensemble.GradientBoostingRegressor(random_state=SEED),
        "hist-gradient-boosting": lambda: ensemble.HistGradientBoostingRegressor(random_state=SEED),
    }
    # A classifier's "linear" is a logistic regression (its probabilities and its serving form are linear in the inputs).
    classifiers = {
        "linear": lambda: linear_model.LogisticRegression(max_iter=5000),
        "random-forest": lambda: ensemble.RandomForestClassifier(n_estimators=200, random_state=SEED),
        "gradient-boosting": lambda: ensemble.GradientBoostingClassifier(random_state=SEED),
        "hist-gradient-boosting": lambda: ensemble.HistGradientBoostingClassifier(random_state=SEED),
    }
    makers = classifiers if contract.output.is_class else regressors
    if name not in makers:
        kind = "a classifier" if contract.output.is_class else "a regression"
        raise ModelgateError(f"unknown estimator {name!r} for {kind}; choose one of {', '.join(makers)}")
    model = makers[name]()
    numbers = [i.name for i in contract.inputs if i.numeric]
    if len(numbers) == len(contract.inputs) and not any(i.missing for i in contract.inputs) and not contract.output.is_class:
        return model
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.pipeline import Pipeline
    from sklearn.preprocessing import OneHotEncoder

    others = [i.name for i in contract.inputs if not i.numeric]
    parts = []
    if numbers:
        from sklearn.preprocessing import StandardScaler

        # Scaled for a classifier: a logistic regression's penalty treats every input alike only on one scale.
        scale = [("scale", StandardScaler())] if contract.output.is_class else []
        parts.append(("numbers", Pipeline([("fill", SimpleImputer(strategy="median")), *scale]), numbers))
    if others:
        encode = Pipeline([("fill", SimpleImputer(strategy="most_frequent")), ("onehot", OneHotEncoder(handle_unknown="ignore"))])
        parts.append(("categories", encode, others))
    return Pipeline([("prepare", ColumnTransformer(parts)), ("model", model)])


def fit(estimator, data: TrainingData, contract: Contract):
    """``estimator`` fitted on the training data, as a frame with the contract's column names."""
    from modelgate.model.scorer import fitting_frame

    return estimator.fit(fitting_frame(contract, contract.names, data.columns), data.target)
