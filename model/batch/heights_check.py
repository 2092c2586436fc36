"""The heights of a batch file against the heights the model was trained on: the population stability
index (drift) and the heights outside the training heights (extrapolations).

The pandas engine folds the check into its scoring pass (:class:`FoldedCheck`, fed by
:func:`.stream.score_chunks` with the heights it parsed), so the file is read once; the Spark engine
checks the local file before it is scored (:func:`check`, a read of its own). A file the guard will
reject anyway (unreadable, no height column) is left to the guard: nothing is judged here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from modelgate.contracts.ranges import FEATURE, HEIGHT
from modelgate.contracts.risk import REFUSED, DriftLimits
from modelgate.contracts.validation import FILE_CHECKS, Failure, Failures
from modelgate.model import drift
from modelgate.model.batch.stream import BLOCK_SIZE

DRIFT_CHECK = "input drift"
EXTRAPOLATION_CHECK = "outside the training heights"
LISTED = 100  # extrapolated lines listed in the report (all are counted)


def read_heights(path) -> np.ndarray | None:
    try:
        raw = pd.read_csv(path, usecols=[FEATURE], dtype=str, keep_default_na=False, skip_blank_lines=False, encoding="utf-8-sig")
    except Exception:
        return None
    return pd.to_numeric(raw[FEATURE].str.strip(), errors="coerce").to_numpy(dtype="float64")


BLOCK_ROWS = 1 << 20  # heights read per block: memory stays flat whatever the file's size


def _arrow_blocks(path):
    """The file's heights, block by block, as float64 (NaN for a blank line). Raises on a cell that is no number."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    reader = pacsv.open_csv(
        path,
        read_options=pacsv.ReadOptions(block_size=BLOCK_SIZE),
        parse_options=pacsv.ParseOptions(ignore_empty_lines=False),
        convert_options=pacsv.ConvertOptions(include_columns=[FEATURE], column_types={FEATURE: pa.float64()}),
    )
    for batch in reader:
        yield batch.column(0).to_numpy(zero_copy_only=False)


def _text_blocks(path):
    """The same, read as text by pandas: NaN for whatever is no number (the guard reports those rows)."""
    chunks = pd.read_csv(
        path,
        usecols=[FEATURE],
        dtype=str,
        keep_default_na=False,
        skip_blank_lines=False,
        encoding="utf-8-sig",
        chunksize=BLOCK_ROWS,
    )
    for chunk in chunks:
        yield pd.to_numeric(chunk[FEATURE].str.strip(), errors="coerce").to_numpy(dtype="float64")


@dataclass
class HeightsTally:
    """What the check keeps of a file, whatever its size: bin counts, the extrapolations' count and first lines.
    Fed block by block, in file order, by the scoring pass or by :func:`check`'s own read."""

    profile: dict
    refuse_extrapolation: bool = False
    found: np.ndarray | None = None
    extrapolations: list = field(default_factory=list)  # Failures when refusing, else the first LISTED lines
    extrapolated: int = 0
    judged: int = 0

    def add(self, heights: np.ndarray, first_row: int) -> None:
        """Tally one block: ``heights`` as float64 (NaN where a cell is blank or no number), ``first_row`` the
        data row (from 1) of ``heights[0]``."""
        # Judged: every number above the lowest accepted height. Below it no unit makes it a person's height (the
        # guard rejects those rows); above the highest it may well be a height in another unit, the drift to catch.
        good = np.isfinite(heights) & (heights > HEIGHT.low)
        outside = np.flatnonzero(drift.outside(heights, self.profile) & good)
        self.extrapolated += len(outside)
        if self.refuse_extrapolation:
            self.extrapolations += [
                Failure(FEATURE, EXTRAPOLATION_CHECK, repr(float(heights[i])), first_row + i) for i in outside.tolist()
            ]
        elif len(self.extrapolations) < LISTED:
            # data row r is file line r + 1 (the header is line 1)
            self.extrapolations += (outside[: LISTED - len(self.extrapolations)] + first_row + 1).tolist()
        counted = drift.counts(heights[good], self.profile["deciles"])
        self.found = counted if self.found is None else self.found + counted
        self.judged += int(np.count_nonzero(good))

    def judge(self, limits: DriftLimits | None) -> tuple[dict | None, list[Failure]]:
        """(the report's ``heights`` section, failures that refuse the file); (None, []) if no row was tallied."""
        if self.found is None:
            return None, []
        profile, refusing = self.profile, self.refuse_extrapolation
        failures = list(self.extrapolations) if refusing else []
        lines = [f.line for f in self.extrapolations[:LISTED]] if refusing else self.extrapolations
        report = {
            "training_min": profile["min"],
            "training_max": profile["max"],
            "extrapolated": {"count": self.extrapolated, "lines": lines},
            "histogram": {
                "deciles": profile["deciles"],
                "training": profile["shares"],
                "file": (self.found / max(self.judged, 1)).tolist(),
            },
        }
        if limits is not None:
            psi = drift.psi_of_counts(self.found, profile["shares"])
            verdict = limits.verdict(psi, self.judged)
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


def _tally(blocks, profile: dict, refuse_extrapolation: bool) -> HeightsTally:
    tally, rows = HeightsTally(profile, refuse_extrapolation), 0
    for heights in blocks:
        tally.add(heights, rows + 1)
        rows += len(heights)
    return tally


def _read(path, profile: dict, refuse_extrapolation: bool) -> HeightsTally | None:
    try:
        return _tally(_arrow_blocks(path), profile, refuse_extrapolation)
    except Exception:  # a cell pyarrow cannot read as a number, a BOM or encoding it rejects: read it as text
        pass
    try:
        return _tally(_text_blocks(path), profile, refuse_extrapolation)
    except Exception:  # unreadable, no height column: the guard says what is wrong
        return None


def check(
    path, profile: dict | None, limits: DriftLimits | None, refuse_extrapolation: bool = False
) -> tuple[dict | None, list[Failure]]:
    """(the report's ``heights`` section, failures that refuse the file) for the file at ``path``, read in blocks."""
    tally = _read(path, profile, refuse_extrapolation) if profile is not None else None
    return (None, []) if tally is None else tally.judge(limits)


class FoldedCheck:
    """The check folded into the pandas engine's scoring pass: :func:`.stream.score_chunks` feeds :meth:`add`
    with every block's heights, and :meth:`judge` is asked once the pass has read the file, before anything is
    published. In a file whose structure the guard rejected (header, encoding, CSV, field count) the pass
    stopped early or dropped rows, so such a file is judged as :func:`check` judges it, by a read of its own."""

    def __init__(self, path, profile: dict, limits: DriftLimits | None, refuse_extrapolation: bool = False):
        self.path, self.limits = path, limits
        self.tally = HeightsTally(profile, refuse_extrapolation)

    def add(self, heights: np.ndarray, first_row: int) -> None:
        self.tally.add(heights, first_row)

    def judge(self, found: Failures) -> tuple[dict | None, list[Failure]]:
        """(the report's ``heights`` section, failures that refuse the file), after the guard found ``found``."""
        if any(name in FILE_CHECKS for _, name in found.counts):
            return check(self.path, self.tally.profile, self.limits, self.tally.refuse_extrapolation)
        return self.tally.judge(self.limits)
