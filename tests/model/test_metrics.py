"""model.metrics: each classifier metric against plain-Python arithmetic written here (and worked by hand on a small
example in the comments), ROC AUC by the rank formula; and what packaging records for the binary example (its
training metrics, its cross-validated ones with folds made here and clones refitted here, and the baseline that always
answers the most frequent class) against the same arithmetic."""

from __future__ import annotations

import math

import numpy as np
import pytest
from modelgate.contracts.contract import CLASS_OUTPUT, Output
from modelgate.model import artifact, metrics
from modelgate.model.train import read_training
from modelgate.steps.support import ROOT
from sklearn.base import clone

from tests.app.support import own_classes
from tests.model.support import cv_folds

DIAGNOSIS = Output("diagnosis", "", 4, CLASS_OUTPUT, ("malignant", "benign"), "malignant", 0.3)
SPECIES = Output("species", "", 4, CLASS_OUTPUT, ("Gentoo", "Adelie", "Chinstrap"))


# -- the arithmetic of this test -----------------------------------------------------------------------------------
def _f1(truth: list[str], answered: list[str], label: str) -> float:
    hit = sum(t == a == label for t, a in zip(truth, answered))
    wrong = sum(a == label != t for t, a in zip(truth, answered))
    missed = sum(t == label != a for t, a in zip(truth, answered))
    return 0.0 if hit == 0 else 2 * hit / (2 * hit + wrong + missed)


def _auc(scores: list[float], positive: list[bool]) -> float:
    """The rank formula: (the sum of the positives' ranks - n₊(n₊+1)/2) / (n₊ n₋), tied scores sharing their mean rank."""
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    ranks = [0.0] * len(scores)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and scores[order[j + 1]] == scores[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    count, others = sum(positive), len(positive) - sum(positive)
    return (math.fsum(r for r, p in zip(ranks, positive) if p) - count * (count + 1) / 2) / (count * others)


def _ece(output: Output, truth: list[str], probabilities: list[list[float]], answered: list[str]) -> float:
    bins: dict[int, list[tuple[float, bool]]] = {}
    for t, p, a in zip(truth, probabilities, answered):
        confidence = p[output.classes.index(a)]
        bins.setdefault(min(max(math.ceil(confidence * 10) - 1, 0), 9), []).append((confidence, t == a))
    return math.fsum(
        len(rows) / len(truth) * abs(sum(r for _, r in rows) / len(rows) - math.fsum(c for c, _ in rows) / len(rows))
        for rows in bins.values()
    )


def plain(output: Output, truth: list[str], probabilities: list[list[float]], answered: list[str]) -> dict:
    """Every metric packaging records, by this test's own arithmetic."""
    classes = list(output.classes)
    recall = [sum(t == a == c for t, a in zip(truth, answered)) / sum(t == c for t in truth) for c in classes if c in truth]
    onehot = [[1.0 if t == c else 0.0 for c in classes] for t in truth]
    if len(classes) == 2:
        k = classes.index(output.positive or classes[1])
        brier = math.fsum((p[k] - y[k]) ** 2 for p, y in zip(probabilities, onehot)) / len(truth)
        auc = _auc([p[k] for p in probabilities], [t == classes[k] for t in truth])
    else:
        brier = math.fsum(math.fsum((a - b) ** 2 for a, b in zip(p, y)) for p, y in zip(probabilities, onehot)) / len(truth)
        auc = math.fsum(_auc([p[k] for p in probabilities], [t == c for t in truth]) for k, c in enumerate(classes)) / len(
            classes
        )
    found = {
        "accuracy": sum(t == a for t, a in zip(truth, answered)) / len(truth),
        "balanced accuracy": math.fsum(recall) / len(recall),
        "macro F1": math.fsum(_f1(truth, answered, c) for c in classes) / len(classes),
        "log loss": math.fsum(-math.log(max(p[classes.index(t)], 1e-15)) for t, p in zip(truth, probabilities)) / len(truth),
        "Brier score": brier,
        "ROC AUC": auc,
        "expected calibration error": _ece(output, truth, probabilities, answered),
        "confusion": [[sum(t == r and a == c for t, a in zip(truth, answered)) for c in classes] for r in classes],
    }
    return found | {f"F1 for {c}": _f1(truth, answered, c) for c in classes}


def _recorded(output, truth, probabilities, answered) -> dict:
    return metrics.classification(
        output, np.array(truth, dtype=object), np.array(probabilities), np.array(answered, dtype=object)
    )


def _same(recorded: dict, computed: dict) -> None:
    assert set(recorded) >= set(computed), set(computed) - set(recorded)
    for key, value in computed.items():
        assert recorded[key] == (value if key == "confusion" else pytest.approx(value, rel=1e-12, abs=1e-15)), key


# -- a binary example, worked by hand --------------------------------------------------------------------------------
# Six masses; the threshold 0.3 answers malignant for the first three and the fifth.
TRUTH = ["malignant", "malignant", "benign", "benign", "benign", "malignant"]
MALIGNANT = [0.9, 0.4, 0.35, 0.1, 0.6, 0.2]
ANSWERED = ["malignant", "malignant", "malignant", "benign", "malignant", "benign"]
BY_HAND = {
    "accuracy": 3 / 6,
    "balanced accuracy": (2 / 3 + 1 / 3) / 2,
    "F1 for malignant": 2 * 2 / (2 * 2 + 2 + 1),  # 2 found, 2 false alarms, 1 missed
    "F1 for benign": 2 * 1 / (2 * 1 + 1 + 2),
    "macro F1": (4 / 7 + 2 / 5) / 2,
    # positives' ranks among the six scores 6, 4 and 2: (12 - 3·4/2) / (3·3)
    "ROC AUC": 6 / 9,
    "Brier score": (0.1**2 + 0.6**2 + 0.35**2 + 0.1**2 + 0.6**2 + 0.8**2) / 6,
    "log loss": -(math.log(0.9) + math.log(0.4) + math.log(0.65) + math.log(0.9) + math.log(0.4) + math.log(0.2)) / 6,
    # the answered class's probability 0.9, 0.4, 0.35, 0.9, 0.6, 0.8: bins (0.8, 0.9] right twice, (0.3, 0.4] once
    # right once wrong, (0.5, 0.6] and (0.7, 0.8] wrong
    "expected calibration error": (2 * 0.1 + 2 * 0.125 + 0.6 + 0.8) / 6,
    "confusion": [[2, 1], [2, 1]],
}


def test_the_binary_metrics_are_those_worked_by_hand():
    probabilities = [[p, 1 - p] for p in MALIGNANT]
    assert _decided(DIAGNOSIS, probabilities) == ANSWERED  # the batch scorer's rule, vectorised
    computed = plain(DIAGNOSIS, TRUTH, probabilities, ANSWERED)
    for key, value in BY_HAND.items():
        assert computed[key] == (value if key == "confusion" else pytest.approx(value, rel=1e-12)), key
    _same(_recorded(DIAGNOSIS, TRUTH, probabilities, ANSWERED), computed)


def _decided(output: Output, probabilities: list[list[float]]) -> list[str]:
    from modelgate.model.scorer import decide

    return decide(output, np.array(probabilities)).tolist()


# -- three classes, with ties in the scores -----------------------------------------------------------------------
SPECIES_TRUTH = ["Gentoo", "Adelie", "Chinstrap", "Adelie", "Gentoo", "Chinstrap", "Adelie"]
SPECIES_PROBABILITIES = [
    [0.7, 0.2, 0.1],
    [0.2, 0.5, 0.3],
    [0.1, 0.5, 0.4],  # a Chinstrap answered Adelie
    [0.3, 0.3, 0.4],
    [0.5, 0.5, 0.0],  # a tie: the first stated, Gentoo
    [0.0, 0.2, 0.8],
    [0.3, 0.4, 0.3],
]


def test_the_metrics_of_three_classes_are_those_computed_here():
    answered = _decided(SPECIES, SPECIES_PROBABILITIES)
    assert answered == ["Gentoo", "Adelie", "Adelie", "Chinstrap", "Gentoo", "Chinstrap", "Adelie"]
    computed = plain(SPECIES, SPECIES_TRUTH, SPECIES_PROBABILITIES, answered)
    assert computed["accuracy"] == 5 / 7 and computed["confusion"] == [[2, 0, 0], [0, 2, 1], [0, 1, 1]]
    _same(_recorded(SPECIES, SPECIES_TRUTH, SPECIES_PROBABILITIES, answered), computed)


def test_a_zero_for_the_true_class_costs_the_floor_of_the_log_loss():
    found = metrics.log_loss(DIAGNOSIS, np.array(["malignant", "benign"], dtype=object), np.array([[0.0, 1.0], [0.0, 1.0]]))
    assert found == pytest.approx((-math.log(1e-15) + 0.0) / 2)


def test_roc_auc_is_not_defined_when_a_class_is_absent():
    only = np.array(["benign", "benign"], dtype=object)
    assert metrics.roc_auc(DIAGNOSIS, only, np.array([[0.1, 0.9], [0.2, 0.8]])) is None
    assert metrics.roc_auc(SPECIES, np.array(["Gentoo", "Adelie"], dtype=object), np.array([[0.5, 0.5, 0.0]] * 2)) is None


def test_the_binary_roc_auc_is_that_of_the_positive_class_whatever_its_place():
    """With the positive class second the area is the same: it is the positive class's, found by name."""
    swapped = Output("diagnosis", "", 4, CLASS_OUTPUT, ("benign", "malignant"), "malignant", 0.3)
    probabilities = np.array([[1 - p, p] for p in MALIGNANT])
    assert metrics.roc_auc(swapped, np.array(TRUTH, dtype=object), probabilities) == pytest.approx(6 / 9)


def test_the_baseline_answers_the_most_frequent_training_class_with_its_shares():
    training = np.array(["benign", "malignant", "benign"], dtype=object)
    assert metrics.shares(DIAGNOSIS, training) == pytest.approx([1 / 3, 2 / 3])
    found = metrics.baseline(DIAGNOSIS, training, np.array(TRUTH, dtype=object))
    # benign, although a threshold of 0.3 on the malignant share (1/3) would answer malignant
    assert found["answers"] == "benign"
    _same(found, plain(DIAGNOSIS, TRUTH, [[1 / 3, 2 / 3]] * 6, ["benign"] * 6))
    tied = metrics.baseline(SPECIES, np.array(["Adelie", "Gentoo"], dtype=object), np.array(SPECIES_TRUTH, dtype=object))
    assert tied["answers"] == "Gentoo"  # a tie: the first stated


# -- what packaging records for the binary example ------------------------------------------------------------------
CANCER = ROOT / "examples" / "cancer"


@pytest.fixture(scope="module")
def recorded(cancer_model):
    """(the loaded example, its training rows, their diagnoses)."""
    loaded = artifact.load(cancer_model)
    data = read_training(CANCER / "data" / "training.csv", loaded.contract)
    rows = [{n: float(data.columns[n][i]) for n in loaded.contract.names} for i in range(data.rows)]
    return loaded, rows, data.target.tolist()


def test_the_recorded_training_metrics_are_those_of_its_answers(recorded):
    loaded, rows, truth = recorded
    labels, probabilities = own_classes(loaded, rows)
    found = loaded.manifest.metrics
    _same(found["train"], plain(DIAGNOSIS, truth, [list(p.values()) for p in probabilities], labels))
    assert found["classes"]["training"] == pytest.approx([truth.count(c) / len(truth) for c in DIAGNOSIS.classes])
    assert found["classes"]["answered"] == pytest.approx([labels.count(c) / len(labels) for c in DIAGNOSIS.classes])


def test_the_recorded_cross_validation_and_its_baseline_are_computed_again_here(recorded):
    loaded, rows, truth = recorded
    frame = _frame(loaded, rows)
    names = [str(c) for c in loaded.estimator.classes_]
    probabilities: list[list[float]] = [[] for _ in rows]
    base: list[list[float]] = [[] for _ in rows]
    most: list[str] = [""] * len(rows)
    for held in cv_folds(len(rows)):
        kept = np.setdiff1d(np.arange(len(rows)), held)
        fold = clone(loaded.estimator).fit(frame.iloc[kept], np.array(truth, dtype=object)[kept])
        found = np.round(fold.predict_proba(frame.iloc[held]), 4)
        fitted = [truth[i] for i in kept]
        shares = [fitted.count(c) / len(fitted) for c in DIAGNOSIS.classes]
        for i, row in zip(held, found.tolist()):
            probabilities[i] = [row[names.index(c)] for c in DIAGNOSIS.classes]
            base[i], most[i] = shares, max(DIAGNOSIS.classes, key=fitted.count)
    answered = [
        "malignant" if p[DIAGNOSIS.classes.index("malignant")] >= DIAGNOSIS.threshold else "benign" for p in probabilities
    ]
    cv = loaded.manifest.metrics["cv"]
    _same(cv, plain(DIAGNOSIS, truth, probabilities, answered))
    assert set(most) == {"benign"}  # the most frequent diagnosis of every fold's training rows
    _same(cv["baseline"], plain(DIAGNOSIS, truth, base, most))
    assert cv["baseline"]["accuracy"] == pytest.approx(truth.count("benign") / len(truth))


def _frame(loaded, rows):
    import pandas as pd

    return pd.DataFrame({n: [r[n] for r in rows] for n in loaded.manifest.inputs}, dtype="float64")
