"""The heights of a batch file against the heights the model was trained on, before it is scored: the
population stability index (drift) and the heights outside the training heights (extrapolations).

Run on the local file by :func:`modelgate.model.batch.engines.score`, whatever the engine. A file the
guard will reject anyway (unreadable, no height column) is left to the guard: nothing is judged here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from modelgate.contracts.ranges import FEATURE, HEIGHT
from modelgate.contracts.risk import REFUSED, DriftLimits
from modelgate.contracts.validation import Failure
from modelgate.model import drift

DRIFT_CHECK = "input drift"
EXTRAPOLATION_CHECK = "outside the training heights"
LISTED = 100  # extrapolated lines listed in the report (all are counted)


def read_heights(path) -> np.ndarray | None:
    try:
        raw = pd.read_csv(path, usecols=[FEATURE], dtype=str, keep_default_na=False, skip_blank_lines=False, encoding="utf-8-sig")
    except Exception:
        return None
    return pd.to_numeric(raw[FEATURE].str.strip(), errors="coerce").to_numpy(dtype="float64")


def check(
    path, profile: dict | None, limits: DriftLimits | None, refuse_extrapolation: bool = False
) -> tuple[dict | None, list[Failure]]:
    """(the report's ``heights`` section, failures that refuse the file) for the file at ``path``."""
    heights = read_heights(path) if profile is not None else None
    if heights is None:
        return None, []
    # Judged: every number above the lowest accepted height. Below it no unit makes it a person's height (the
    # guard rejects those rows); above the highest it may well be a height in another unit, the drift to catch.
    good = np.isfinite(heights) & (heights > HEIGHT.low)
    outside = drift.outside(np.where(good, heights, np.nan), profile) & good
    lines = (np.flatnonzero(outside) + 2).tolist()  # row i (from 0) is file line i + 2
    report = {
        "training_min": profile["min"],
        "training_max": profile["max"],
        "extrapolated": {"count": len(lines), "lines": lines[:LISTED]},
        "histogram": {
            "deciles": profile["deciles"],
            "training": profile["shares"],
            "file": drift.shares(heights[good], profile["deciles"]),
        },
    }
    failures = []
    if refuse_extrapolation:
        failures += [Failure(FEATURE, EXTRAPOLATION_CHECK, repr(float(heights[line - 2])), line - 1) for line in lines]
    if limits is not None:
        psi = drift.psi(heights[good], profile)
        verdict = limits.verdict(psi, int(good.sum()))
        report["drift"] = {
            "psi": psi,
            "verdict": verdict,
            "warn": limits.warn,
            "refuse": limits.refuse,
            "min_rows": limits.min_rows,
        }
        if verdict == REFUSED:
            failures.append(Failure(FEATURE, DRIFT_CHECK, f"stability index {psi:.3f}, refused at {limits.refuse:g}", None))
    return report, failures
