"""The expected values of a classifier's quality scenarios, computed here without the code under test.

Plain Python over the true classes and the answers (each a class and the probability of every class, in the
contract's order, as answered: rounded): the standard library's ``math`` and ``csv``, no scikit-learn, no numpy,
nothing from ``model/``. The definitions are the ones the features' sentences name:

- accuracy: the share of rows answered their true class; balanced accuracy: the mean over the classes present of
  the share of that class's rows answered it; F1 of a class: 2·TP / (2·TP + FP + FN) (0 where nothing is counted);
  macro F1: their mean over every declared class;
- log loss: the mean of −ln(max(p_true, 1e-15)), on the probabilities as answered (not renormalised);
- Brier score: two classes, the mean squared distance of the positive class's probability from the outcome; more,
  the mean over rows of the squared distances summed over the classes;
- ROC AUC: by ranks (Mann–Whitney), tied scores counted half; two classes on the positive class's probability,
  more the mean of each class's area against the rest (undefined where a class has no rows, or all);
- expected calibration error: 10 equal bins of the answered class's probability (bin ⌈10·p⌉ − 1, from 0 to 9),
  the sum of each bin's share of rows times |its accuracy − its mean probability|.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

FLOOR = 1e-15  # the least probability the log loss takes
BINS = 10


def read_labelled(path: Path, contract) -> tuple[list[dict], list[str]]:
    """Every row of a CSV as the contract's inputs ({input: value}, None where a cell is empty) and its true classes."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    inputs = [{spec.name: spec.from_text(row[spec.name]) for spec in contract.inputs} for row in rows]
    return inputs, [row[contract.output.name].strip() for row in rows]


def decide(output, probabilities: list[float]) -> str:
    """The declared rule: a binary model with a threshold answers its positive class at that probability or more;
    otherwise the most probable class, the first stated on a tie."""
    classes = list(output.classes)
    if output.positive is not None and output.threshold is not None:
        other = classes[1 - classes.index(output.positive)]
        return output.positive if probabilities[classes.index(output.positive)] >= output.threshold else other
    best = 0
    for i, p in enumerate(probabilities):
        if p > probabilities[best]:
            best = i
    return classes[best]


def most_frequent(output, labels: list[str]) -> str:
    """The class most rows have (the first stated on a tie)."""
    counts = [labels.count(c) for c in output.classes]
    return output.classes[counts.index(max(counts))]


def shares(output, labels: list[str]) -> list[float]:
    return [labels.count(c) / len(labels) for c in output.classes]


def f1(truth: list[str], answered: list[str], label: str) -> float:
    tp = sum(t == label and a == label for t, a in zip(truth, answered))
    fp = sum(t != label and a == label for t, a in zip(truth, answered))
    fn = sum(t == label and a != label for t, a in zip(truth, answered))
    return 0.0 if tp + fp + fn == 0 else 2 * tp / (2 * tp + fp + fn)


def area(scores: list[float], positive: list[bool]) -> float | None:
    """The area under the ROC curve by the Mann–Whitney rank sum: ranks from 1, tied scores their mean rank."""
    ups, downs = sum(positive), len(positive) - sum(positive)
    if ups == 0 or downs == 0:
        return None
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    ranks = [0.0] * len(scores)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and scores[order[end + 1]] == scores[order[start]]:
            end += 1
        for k in range(start, end + 1):
            ranks[order[k]] = (start + end) / 2 + 1
        start = end + 1
    rank_sum = math.fsum(r for r, up in zip(ranks, positive) if up)
    return (rank_sum - ups * (ups + 1) / 2) / (ups * downs)


def calibration_error(truth: list[str], answered: list[str], confidence: list[float]) -> float:
    bins: dict[int, list[tuple[float, bool]]] = {}
    for p, t, a in zip(confidence, truth, answered):
        bins.setdefault(min(max(math.ceil(p * BINS) - 1, 0), BINS - 1), []).append((p, t == a))
    n = len(truth)
    return math.fsum(
        len(inside) / n * abs(sum(right for _, right in inside) / len(inside) - math.fsum(p for p, _ in inside) / len(inside))
        for inside in bins.values()
    )


def metrics(output, truth: list[str], probabilities: list[list[float]], answered: list[str] | None = None) -> dict:
    """Every metric a classifier's features may state, its calibration error, each class's F1 and the confusion
    (rows: the true class, columns: the class answered, in the contract's order), computed from the answers."""
    classes, n = list(output.classes), len(truth)
    answered = answered if answered is not None else [decide(output, p) for p in probabilities]
    index = {c: i for i, c in enumerate(classes)}
    present = [c for c in classes if c in truth]
    found: dict = {
        "accuracy": sum(t == a for t, a in zip(truth, answered)) / n,
        "balanced accuracy": math.fsum(sum(t == a == c for t, a in zip(truth, answered)) / truth.count(c) for c in present)
        / len(present),
        "log loss": math.fsum(-math.log(max(p[index[t]], FLOOR)) for t, p in zip(truth, probabilities)) / n,
        "expected calibration error": calibration_error(truth, answered, [p[index[a]] for a, p in zip(answered, probabilities)]),
    }
    each = {c: f1(truth, answered, c) for c in classes}
    found["macro F1"] = math.fsum(each.values()) / len(classes)
    found |= {f"F1 for {c}": v for c, v in each.items()}
    if len(classes) == 2:
        positive = output.positive or classes[1]
        at = index[positive]
        found["Brier score"] = math.fsum((p[at] - (t == positive)) ** 2 for t, p in zip(truth, probabilities)) / n
        found["ROC AUC"] = area([p[at] for p in probabilities], [t == positive for t in truth])
    else:
        found["Brier score"] = (
            math.fsum(math.fsum((p[i] - (t == c)) ** 2 for i, c in enumerate(classes)) for t, p in zip(truth, probabilities)) / n
        )
        areas = [area([p[i] for p in probabilities], [t == c for t in truth]) for i, c in enumerate(classes)]
        found["ROC AUC"] = None if None in areas else math.fsum(a for a in areas if a is not None) / len(areas)
    found["confusion"] = [[sum(t == row and a == col for t, a in zip(truth, answered)) for col in classes] for row in classes]
    return found


def unseen(output, truth: list[str], probabilities: list[list[float]], folds: list[tuple[list[int], list[int]]]) -> dict:
    """The metrics of the answers each row got from a model fitted without it (``folds``: the rows each fold's model
    was fitted on, and those it answered), with ``baseline``: the metrics of answering every row of a fold the most
    frequent class of the rows fitted on, those rows' class shares being its probabilities."""
    base: list[list[float]] = [[] for _ in truth]
    answered = [""] * len(truth)
    for kept, held in folds:
        fitted = [truth[i] for i in kept]
        for i in held:
            base[i], answered[i] = shares(output, fitted), most_frequent(output, fitted)
    return metrics(output, truth, probabilities) | {"baseline": metrics(output, truth, base, answered)}
