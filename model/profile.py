"""How the inputs a model meets compare with the inputs it was trained on, input by input.

Packaging records each input's training profile in the manifest (``training_data.profile``): for a number its
domain (min, max), its deciles and the share of training rows in each of the ten bins the deciles cut; for a
category or a yes/no the share of each value. Where the input may be missing, the share of missing values is one
more bin. Scoring compares a file's inputs with them by the population stability index (:func:`psi_of_counts`)
and counts the values the training data never had (extrapolations: :func:`outside`).
"""

from __future__ import annotations

import math

import numpy as np
from modelgate.contracts.contract import Contract
from modelgate.contracts.inputs import YES_NO, Input
from modelgate.model import stability


def categories(spec: Input) -> list:
    """The values a category or yes/no input is tallied by, in the contract's order."""
    return [True, False] if spec.kind == YES_NO else list(spec.values)


def profile(spec: Input, values) -> dict:
    """The training profile of one input, as the manifest records it."""
    found: dict = {"kind": "number" if spec.numeric else "category", "missing": spec.missing}
    if spec.numeric:
        numbers = np.asarray(values, dtype="float64")  # a missing number (None or NaN) is NaN here
        present = numbers[~np.isnan(numbers)]
        cuts = np.quantile(present, np.linspace(0.1, 0.9, 9)).tolist()
        found |= {"min": float(present.min()), "max": float(present.max()), "deciles": [float(c) for c in cuts]}
    else:
        found["values"] = categories(spec)
    found["shares"] = shares(counts(found, values))
    return found


def profiles(contract: Contract, columns: dict) -> dict[str, dict]:
    return {spec.name: profile(spec, columns[spec.name]) for spec in contract.inputs}


def bins(found: dict) -> int:
    size = len(found["deciles"]) + 1 if found["kind"] == "number" else len(found["values"])
    return size + (1 if found["missing"] else 0)


def counts(found: dict, values) -> np.ndarray:
    """Values per bin of a profile, vectorised for a large file: the bins of :func:`.stability.bin_of` (numbers by
    the deciles, categories by value, values outside the list not counted, the missing last where they may be)."""
    if found["kind"] == "number":
        numbers = np.asarray(values, dtype="float64")
        present = numbers[~np.isnan(numbers)]
        # One pass per cut, counting the values at or below it: a binary search per value (searchsorted) over a
        # batch's unsorted values took 20 times as long, most of the drift check's cost on a large file.
        at_most = [np.count_nonzero(present <= cut) for cut in found["deciles"]]
        tallied = np.diff(np.array([0, *at_most, present.size], dtype="int64"))
        blank = numbers.size - present.size
    else:
        objects = np.asarray(values, dtype=object)
        tallied = np.array([int(np.count_nonzero(objects == v)) for v in found["values"]], dtype="int64")
        blank = int(np.count_nonzero(_blank(objects)))
    return np.append(tallied, blank) if found["missing"] else tallied


def _blank(objects: np.ndarray) -> np.ndarray:
    """Which of a category's values are missing: None, or a float NaN (pandas' missing value in an object column)."""
    return np.array([v is None or (isinstance(v, float) and math.isnan(v)) for v in objects.tolist()], dtype=bool)


def shares(counted) -> list[float]:
    """Each bin's share of the values counted (all 0 when none were)."""
    counted = np.asarray(counted, dtype="float64")
    return (counted / max(float(counted.sum()), 1.0)).tolist()


def psi_of_counts(counted, expected_shares) -> float:
    """Σ (actual − expected) · ln(actual / expected) over the bins, shares floored at 0.01 % (:func:`.stability.index`)."""
    return stability.index(counted, expected_shares)  # which takes each count and share as a float itself


def psi(found: dict, values) -> float:
    """The population stability index of ``values`` against one input's training profile."""
    return psi_of_counts(counts(found, values), found["shares"])


def outside(found: dict, values) -> np.ndarray:
    """Which values the training data never had (extrapolations): a number outside its training domain, a category
    with no training row. Missing values are not extrapolations."""
    if found["kind"] == "number":
        numbers = np.asarray(values, dtype="float64")
        return (numbers < found["min"]) | (numbers > found["max"])
    unseen = [v for v, share in zip(found["values"], found["shares"]) if share == 0]
    objects = np.asarray(values, dtype=object)
    mask = np.zeros(objects.shape, dtype=bool)
    for value in unseen:
        mask |= objects == value
    return mask
