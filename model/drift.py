"""How the heights a model meets compare with the heights it was trained on.

Training records the training heights' domain (min, max), deciles and the share of training heights
in each of the ten bins the deciles cut (``profile``); scoring compares a file's heights with them by
the population stability index (``psi``) and counts the heights outside the domain (extrapolations).
"""

from __future__ import annotations

import math

import numpy as np
from modelgate.model.manifest import PROFILE_KEY, training_heights  # noqa: F401 (one home: the manifest's reader)

# An empty bin would make the index infinite; the usual floor for a share (0.01 %).
_FLOOR = 1e-4


def profile(heights) -> dict:
    """The training heights' domain, deciles and bin shares, as the manifest records them."""
    heights = np.asarray(heights, dtype="float64")
    cuts = np.quantile(heights, np.linspace(0.1, 0.9, 9)).tolist()
    return {
        "min": float(heights.min()),
        "max": float(heights.max()),
        "deciles": [float(c) for c in cuts],
        "shares": shares(heights, cuts),
    }


def counts(heights, cuts) -> np.ndarray:
    """Heights per bin of the ascending ``cuts``: bin 0 is ``h <= cuts[0]``, bin i is ``cuts[i-1] < h <= cuts[i]``,
    the last ``h > cuts[-1]`` (and NaN)."""
    heights = np.asarray(heights, dtype="float64")
    # One pass per cut, counting the heights at or below it: a binary search per height (searchsorted) over a
    # batch's unsorted heights took 20 times as long, most of the drift check's cost on a large file.
    at_most = [np.count_nonzero(heights <= cut) for cut in cuts]
    return np.diff(np.array([0, *at_most, heights.size], dtype="int64"))


def shares(heights, cuts) -> list[float]:
    found = counts(heights, cuts)
    return (found / max(int(found.sum()), 1)).tolist()


def psi_of_counts(found, expected_shares) -> float:
    """Σ (actual − expected) · ln(actual / expected) over the bins, shares floored at 0.01 %."""
    found = np.asarray(found, dtype="float64")
    if found.sum() == 0:
        return math.nan
    actual = np.maximum(found / found.sum(), _FLOOR)
    expected = np.maximum(np.asarray(expected_shares, dtype="float64"), _FLOOR)
    return float(np.sum((actual - expected) * np.log(actual / expected)))


def psi(heights, reference: dict) -> float:
    """The population stability index of ``heights`` against a training profile (see :func:`profile`)."""
    return psi_of_counts(counts(heights, reference["deciles"]), reference["shares"])


def outside(heights, reference: dict) -> np.ndarray:
    """Which heights lie outside the training heights (extrapolations): a boolean mask."""
    heights = np.asarray(heights, dtype="float64")
    return (heights < reference["min"]) | (heights > reference["max"])
