"""Helpers the model room's tests share."""

from __future__ import annotations

import itertools

import numpy as np
from modelgate.model.metrics import CV_FOLDS, CV_SEED


def cv_folds(rows: int) -> list[np.ndarray]:
    """KFold(5, shuffle=True, random_state=CV_SEED)'s held-out rows, made here: the rows shuffled once by the seed,
    then cut in order into folds, the first ``rows % 5`` one row longer."""
    order = np.arange(rows)
    np.random.RandomState(CV_SEED).shuffle(order)
    sizes = [rows // CV_FOLDS + (1 if i < rows % CV_FOLDS else 0) for i in range(CV_FOLDS)]
    cuts = np.cumsum([0, *sizes])
    return [order[a:b] for a, b in itertools.pairwise(cuts)]
