"""The quality numbers packaging records in the manifest, and champion/challenger compares: for a regression the
errors and R²; for a classifier the metrics its contract may state (``contracts.facts.METRICS``), the expected
calibration error, and the same metrics of the baseline that always answers the most frequent training class.

The metrics are scikit-learn's where it has them; the steps recompute them with their own arithmetic.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from modelgate.contracts.contract import Contract, Output
from modelgate.contracts.facts import GroupLimit, f1_of, interval_rank
from sklearn import metrics as sk
from sklearn.base import clone
from sklearn.model_selection import KFold

ECE_BINS = 10  # equal bins of the answered class's probability
# Cross-validation: each row is answered by a model fitted without it (5 folds, seeded, so the numbers in the
# manifest are repeatable and a test can recompute them).
CV_FOLDS = 5
CV_SEED = 20261126


def regression(actual: np.ndarray, predicted: np.ndarray, suffix: str = "") -> dict:
    return {
        f"r2{suffix}": float(sk.r2_score(actual, predicted)),
        f"rmse{suffix}": float(np.sqrt(sk.mean_squared_error(actual, predicted))),
        f"mae{suffix}": float(sk.mean_absolute_error(actual, predicted)),
    }


def _onehot(output: Output, labels: np.ndarray) -> np.ndarray:
    return (np.asarray(labels, dtype=object)[:, None] == np.array(output.classes, dtype=object)[None, :]).astype("float64")


LOG_LOSS_FLOOR = 1e-15  # the least probability the log loss takes: an answer of 0 for the true class costs -ln(1e-15)


def log_loss(output: Output, labels: np.ndarray, probabilities: np.ndarray) -> float:
    """The mean of -ln(the answered probability of each row's true class), as answered (rounded, not renormalised)."""
    truth = np.array([output.classes.index(label) for label in labels.tolist()])
    found = probabilities[np.arange(len(truth)), truth]
    return float(np.mean(-np.log(np.maximum(found, LOG_LOSS_FLOOR))))


def brier(output: Output, labels: np.ndarray, probabilities: np.ndarray) -> float:
    """Binary: the mean squared distance of the positive class's probability from the outcome; more classes: the mean
    over rows of the squared distances summed over the classes."""
    truth = _onehot(output, labels)
    if len(output.classes) == 2:
        positive = output.classes.index(output.positive or output.classes[1])
        return float(np.mean((probabilities[:, positive] - truth[:, positive]) ** 2))
    return float(np.mean(np.sum((probabilities - truth) ** 2, axis=1)))


def calibration_bins(
    output: Output, labels: np.ndarray, probabilities: np.ndarray, answered: np.ndarray
) -> list[tuple[int, float, float]]:
    """The 10 equal bins of the answered class's probability (a probability p in bin ceil(10 p) - 1, 0 in the first):
    per bin, its rows, their mean probability of the class answered and the share of them answered right (NaN for an
    empty bin). What the expected calibration error sums and a reliability diagram draws."""
    chosen = np.array([output.classes.index(a) for a in answered.tolist()], dtype=int)
    confidence = probabilities[np.arange(len(chosen)), chosen]
    right = (np.asarray(labels, dtype=object) == answered).astype("float64")
    bins = np.minimum(np.maximum(np.ceil(confidence * ECE_BINS) - 1, 0), ECE_BINS - 1).astype(int)
    found = []
    for b in range(ECE_BINS):
        inside = bins == b
        if inside.any():
            found.append((int(np.count_nonzero(inside)), float(confidence[inside].mean()), float(right[inside].mean())))
        else:
            found.append((0, float("nan"), float("nan")))
    return found


def calibration_error(output: Output, labels: np.ndarray, probabilities: np.ndarray, answered: np.ndarray) -> float:
    """The expected calibration error: over 10 equal bins of the answered class's probability, the share of rows in
    a bin times how far the bin's accuracy is from its mean probability."""
    total, rows = 0.0, len(answered)
    for count, confidence, accuracy in calibration_bins(output, labels, probabilities, answered):
        if count:
            total += count / rows * abs(accuracy - confidence)
    return float(total)


def classification(output: Output, labels: np.ndarray, probabilities: np.ndarray, answered: np.ndarray) -> dict:
    """Every metric of :data:`contracts.facts.METRICS` and the calibration error, by name."""
    labels = np.asarray(labels, dtype=object)
    classes = list(output.classes)
    found: dict = {
        "accuracy": float(sk.accuracy_score(labels, answered)),
        "balanced accuracy": float(sk.balanced_accuracy_score(labels, answered)),
        "macro F1": float(sk.f1_score(labels, answered, labels=classes, average="macro", zero_division=0)),
        "log loss": log_loss(output, labels, probabilities),
        "Brier score": brier(output, labels, probabilities),
        "expected calibration error": calibration_error(output, labels, probabilities, answered),
    }
    found["ROC AUC"] = roc_auc(output, labels, probabilities)
    each = sk.f1_score(labels, answered, labels=classes, average=None, zero_division=0)
    found |= {f1_of(label): float(value) for label, value in zip(classes, each)}
    # rows: the true class, columns: the class answered, both in the contract's order
    found["confusion"] = sk.confusion_matrix(labels, answered, labels=classes).tolist()
    return found


def roc_auc(output: Output, labels: np.ndarray, probabilities: np.ndarray) -> float | None:
    """Binary: the area under the ROC curve of the positive class's probability; more classes: the mean of each
    class's area against the rest. None where a class is absent from ``labels`` (the area is not defined)."""
    classes = list(output.classes)
    judged = [output.positive or classes[1]] if len(classes) == 2 else classes
    areas = []
    for label in judged:
        truth = labels == label
        if truth.all() or not truth.any():
            return None
        areas.append(float(sk.roc_auc_score(truth, probabilities[:, classes.index(label)])))
    return float(np.mean(areas))


def shares(output: Output, labels: np.ndarray) -> list[float]:
    """Each class's share of ``labels``, in the contract's order."""
    counted = _onehot(output, labels).sum(axis=0)
    return (counted / max(float(counted.sum()), 1.0)).tolist()


def baseline(output: Output, training_labels: np.ndarray, labels: np.ndarray) -> dict:
    """The metrics of always answering the most frequent training class (ties: the first stated), with the training
    shares as its probabilities, on ``labels``."""
    training = shares(output, training_labels)
    most = output.classes[int(np.argmax(training))]
    probabilities = np.tile(np.array(training), (len(labels), 1))
    answered = np.array([most] * len(labels), dtype=object)
    return {"answers": most, **classification(output, labels, probabilities, answered)}


def record(estimator: Any, contract: Contract, order: list[str], data) -> dict:
    """What the manifest records of a model's quality: on its training data, and on rows each fold's model (a clone of
    the estimator refitted without them) was not fitted on. A classifier's also has the most-frequent-class baseline
    on the same rows and the class shares of the training data and of the model's answers to it."""
    from modelgate.model.scorer import decide, to_frame

    output = contract.output
    fitted = _answer(estimator, contract, to_frame(contract, order, data.columns))
    found = _quality(output, data.target, fitted, "_train")
    if output.is_class:
        found["classes"] = {
            "training": shares(output, data.target),
            "answered": shares(output, decide(output, np.round(fitted, output.decimals))),
        }
    if data.rows < CV_FOLDS:
        return found
    predicted, base = cross_validated(estimator, contract, order, data)
    cv = _quality(output, data.target, predicted, "")
    found["cv"] = {"folds": CV_FOLDS, "seed": CV_SEED, **(cv if not output.is_class else cv["train"])}
    if contract.groups and not output.is_class:
        found["cv"]["groups"] = {
            g.input: by_group(g, contract.input(g.input).values, data.columns[g.input], data.target - predicted)
            for g in contract.groups
        }
    if contract.intervals and not output.is_class:
        found["cv"]["intervals"] = interval_widths(contract, data.target - predicted)
    if base is not None:
        # Always the most frequent class of the rows each fold was fitted on (ties: the first stated), whatever the
        # decision rule: a threshold below that class's share would make the rule answer the rarer class instead.
        answered = np.array(output.classes, dtype=object)[np.argmax(base, axis=1)]
        found["cv"]["baseline"] = classification(output, data.target, base, answered)
    return found


def interval_widths(contract: Contract, misses: np.ndarray) -> dict[str, float]:
    """The half-width of the range answers state at each of the contract's levels: of the misses on rows the model was
    not fitted on, sorted by size, the one at :func:`~modelgate.contracts.facts.interval_rank` (packaging has checked
    there are rows enough for every level)."""
    ordered = np.sort(np.abs(np.asarray(misses, dtype="float64")))
    found = {}
    for coverage in contract.intervals:
        rank = interval_rank(len(ordered), coverage.level)
        assert rank is not None, f"{len(ordered)} rows state no range for {coverage.level} in 100"
        found[coverage.key] = float(ordered[rank - 1])
    return found


def by_group(limit: GroupLimit, declared: tuple, values: np.ndarray, misses: np.ndarray) -> dict[str, dict]:
    """Each group's rows and typical error (mean absolute miss), in the groups' order (:meth:`GroupLimit.labels` of
    the input's ``declared`` values), those with no row left out."""
    found: dict[str, list[float]] = {name: [] for name in limit.labels(declared)}
    for value, miss in zip(values.tolist(), np.abs(misses).tolist()):
        found.setdefault(limit.group_of(value), []).append(miss)
    return {name: {"rows": len(m), "mae": math.fsum(m) / len(m)} for name, m in found.items() if m}


def _answer(model: Any, contract: Contract, rows) -> np.ndarray:
    """A fitted model's raw answers to a frame: a classifier's probabilities in the contract's class order."""
    from modelgate.model.scorer import class_order

    if contract.output.is_class:
        return np.asarray(model.predict_proba(rows), dtype="float64")[:, class_order(model, contract)]
    return np.asarray(model.predict(rows), dtype="float64")


def cross_validated(estimator: Any, contract: Contract, order: list[str], data) -> tuple[np.ndarray, np.ndarray | None]:
    """Each training row answered by the fold's model fitted without it (``CV_FOLDS`` seeded folds, each a clone of
    the estimator refitted): the raw answers (a classifier's probabilities in class order, not yet rounded) and, for
    a classifier, the baseline's probabilities (the class shares of the rows each fold was fitted on); None else."""
    from modelgate.model.scorer import fitting_frame

    output, frame = contract.output, fitting_frame(contract, order, data.columns)
    folds = KFold(n_splits=CV_FOLDS, shuffle=True, random_state=CV_SEED)
    predicted = np.empty((data.rows, len(output.classes))) if output.is_class else np.empty(data.rows)
    base = np.empty((data.rows, len(output.classes))) if output.is_class else None
    for kept, held in folds.split(frame):
        fold = clone(estimator).fit(frame.iloc[kept], data.target[kept])
        predicted[held] = _answer(fold, contract, frame.iloc[held])
        if base is not None:  # the baseline of this fold: the shares of the rows it was fitted on
            base[held] = shares(output, data.target[kept])
    return predicted, base


def _quality(output: Output, actual: np.ndarray, answered: np.ndarray, suffix: str) -> dict:
    """A regression's errors (keys with ``suffix``); a classifier's metrics under ``train``, as answered (rounded)."""
    if not output.is_class:
        return regression(actual, answered, suffix)
    from modelgate.model.scorer import decide

    rounded = np.round(answered, output.decimals)
    return {"train": classification(output, actual, rounded, decide(output, rounded))}
