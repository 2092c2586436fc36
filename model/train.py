"""Fit the height -> weight linear regression on a ``height,weight`` CSV and write the artifact."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from modelgate.contracts.errors import ContractViolation, ModelgateError
from modelgate.contracts.ranges import FEATURE, TARGET
from modelgate.contracts.schemas import TRAINING
from modelgate.contracts.validation import Failures, parse_numbers, run_schema
from modelgate.model import artifact, drift
from modelgate.model.files import sha256_file
from sklearn.linear_model import LinearRegression
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score
from sklearn.model_selection import KFold, cross_val_predict

MIN_ROWS = 3
# Cross-validation: each person's weight is predicted by a line fitted without them (5 folds, seeded, so the
# numbers in the manifest are repeatable and a test can recompute them).
CV_FOLDS = 5
CV_SEED = 20261126


def read_training(path: Path) -> pd.DataFrame:
    """Read and validate a training CSV; raise a one-line error naming the bad rows."""
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise ModelgateError(f"{path}: training data not found") from None
    except (pd.errors.EmptyDataError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise ContractViolation(f"{path}: not a readable CSV ({str(exc).splitlines()[0]})") from None
    missing = [c for c in (FEATURE, TARGET) if c not in raw.columns]
    if missing:
        raise ContractViolation(
            f"{path}: header must name columns {FEATURE!r} and {TARGET!r}; missing {missing}, found {list(raw.columns)}"
        )
    failures = Failures()
    frame = {}
    for column in (FEATURE, TARGET):
        frame[column], bad = parse_numbers(raw[column], column)
        failures.extend(bad)
    frame = pd.DataFrame(frame).dropna(how="all") if failures else pd.DataFrame(frame)
    failures.extend(run_schema(TRAINING, frame))
    if failures:
        raise ContractViolation(
            f"{path}: {failures.total} bad value(s): " + "; ".join(f.describe() for f in failures.examples[:5])
        )
    if len(frame) < MIN_ROWS:
        raise ContractViolation(f"{path}: needs at least {MIN_ROWS} rows to fit a line, found {len(frame)}")
    return frame


def fit(frame: pd.DataFrame) -> tuple[LinearRegression, dict]:
    x = frame[[FEATURE]].to_numpy(dtype="float64")
    y = frame[TARGET].to_numpy(dtype="float64")
    estimator = LinearRegression().fit(x, y)
    fitted = estimator.predict(x)
    metrics = {
        # R² on the full training data, as the classic notebook computes it.
        "r2_train": float(r2_score(y, fitted)),
        "rmse_train": float(np.sqrt(mean_squared_error(y, fitted))),
        "mae_train": float(mean_absolute_error(y, fitted)),
    }
    if len(y) >= CV_FOLDS:
        metrics["cv"] = cross_validate(x, y)
    return estimator, metrics


def cross_validate(x: np.ndarray, y: np.ndarray) -> dict:
    """Errors in pounds (and R²) on people each fold's line was not fitted on, pooled over the folds."""
    folds = KFold(n_splits=CV_FOLDS, shuffle=True, random_state=CV_SEED)
    predicted = cross_val_predict(LinearRegression(), x, y, cv=folds)
    return {
        "folds": CV_FOLDS,
        "seed": CV_SEED,
        "rmse": float(np.sqrt(mean_squared_error(y, predicted))),
        "mae": float(mean_absolute_error(y, predicted)),
        "r2": float(r2_score(y, predicted)),
    }


def train(data: Path, out: Path) -> dict:
    """Train on ``data`` and write the artifact to ``out``; return the manifest."""
    data, out = Path(data), Path(out)
    frame = read_training(data)
    estimator, metrics = fit(frame)
    training = {"file": data.name, "sha256": sha256_file(data), "rows": len(frame)}
    training[drift.PROFILE_KEY] = drift.profile(frame[FEATURE].to_numpy(dtype="float64"))
    return artifact.save(estimator, out, training=training, metrics=metrics)
