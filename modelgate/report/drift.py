"""A batch file's inputs against the model's training data, input by input, for the risk section: the values the
training data never had (extrapolations), each input's population stability index and its verdict, and the shares
per bin a drift plot shows.

The file is read as a batch run reads it (``inputs_check.read_columns``, block by block, so memory stays flat) and
judged by the same functions (``model.profile``, ``DriftLimits.verdict``): the page says what the run would say.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from modelgate.contracts.contract import Contract
from modelgate.contracts.inputs import YES_NO, Input
from modelgate.model import profile as profiles
from modelgate.model import stability
from modelgate.model.batch.inputs_check import read_columns

if TYPE_CHECKING:
    from modelgate.model.artifact import Artifact

MISSING = "missing"


@dataclass
class InputDrift:
    spec: Input
    labels: list[str]  # one per bin of the training profile
    training: list[float]  # the training rows' share per bin
    batch: list[float]  # the batch rows' share per bin
    outside: int  # values the training data never had
    psi: float
    verdict: str  # the contract's verdict; "" when it states no drift levels


@dataclass
class AnswerDrift:
    """A classifier's answers to a batch against its answers to its training rows (the shares its record holds):
    each class's share of both, their stability index and the contract's verdict ("" when it states no levels)."""

    labels: list[str]
    training: list[float]
    batch: list[float]
    psi: float
    verdict: str


@dataclass
class BatchDrift:
    file: Path
    rows: int = 0
    extrapolated: int = 0  # rows with at least one value the training data never had
    inputs: list[InputDrift] = field(default_factory=list)
    answers: AnswerDrift | None = None  # a classifier's


def cut(number: float) -> str:
    """A decile cut as a bin label: four significant digits, whole numbers as they are."""
    return f"{number:.4g}" if abs(number) < 1e4 else f"{number:.0f}"


def bin_labels(spec: Input, seen: dict) -> list[str]:
    """The bins of a training profile in words: ``≤36.6`` … ``>50.8`` for a number, the values of a category, the
    spellings of a yes/no, and ``missing`` last where the input may be missing."""
    if seen["kind"] == "number":
        cuts = seen["deciles"]
        labels = [f"≤{cut(c)}" for c in cuts] + [f">{cut(cuts[-1])}"]
    elif spec.kind == YES_NO:
        labels = [spec.values[0] if value else spec.values[1] for value in seen["values"]]
    else:
        labels = [str(value) for value in seen["values"]]
    return labels + ([MISSING] if seen["missing"] else [])


def batch_drift(contract: Contract, training: dict[str, dict], path: Path) -> BatchDrift:
    """The batch at ``path`` judged against the ``training`` profiles (per input) of a model under ``contract``."""
    found = BatchDrift(Path(path))
    judged = [spec for spec in contract.inputs if spec.name in training]
    counts = {spec.name: np.zeros(profiles.bins(training[spec.name]), dtype="int64") for spec in judged}
    outside = dict.fromkeys(counts, 0)
    for columns in read_columns(path, contract):
        size = len(next(iter(columns.values())))
        unseen = np.zeros(size, dtype=bool)
        for spec in judged:
            seen, values = training[spec.name], columns[spec.name]
            mask = profiles.outside(seen, values)
            outside[spec.name] += int(np.count_nonzero(mask))
            unseen |= mask
            counts[spec.name] += profiles.counts(seen, values)
        found.rows += size
        found.extrapolated += int(np.count_nonzero(unseen))
    for spec in judged:
        seen = training[spec.name]
        psi, _ = stability.judged(seen, np.asarray(counts[spec.name]).tolist(), contract.drift, found.rows)
        verdict = contract.drift.verdict(psi, found.rows) if contract.drift else ""
        shares = profiles.shares(counts[spec.name])
        kept = shown_bins(seen)
        labels = bin_labels(spec, seen)
        training_shares = [seen["shares"][i] for i in kept]
        found.inputs.append(
            InputDrift(
                spec, [labels[i] for i in kept], training_shares, [shares[i] for i in kept], outside[spec.name], psi, verdict
            )
        )
    return found


def shown_bins(seen: dict) -> list[int]:
    """The bins a drift plot shows: all but a number's bins between two equal cuts (a whole number's deciles repeat),
    which no value can fall in."""
    cuts = seen.get("deciles", [])
    return [i for i in range(profiles.bins(seen)) if not (0 < i < len(cuts) and cuts[i - 1] == cuts[i])]


def psi_text(psi: float) -> str:
    return "–" if math.isnan(psi) else f"{psi:.3f}"


def answer_drift(model: Artifact, path: Path) -> AnswerDrift | None:
    """The classes ``model`` answers for the batch at ``path`` against those it answers for its training rows; None for
    a regression or a record without the training answers' shares."""
    output = model.contract.output
    recorded = (model.manifest.metrics.get("classes") or {}).get("answered")
    if not output.is_class or not recorded:
        return None
    scorer, counted = model.scorer(), np.zeros(len(output.classes), dtype="int64")
    for columns in read_columns(path, model.contract):
        labels, _ = scorer.classify(columns)
        counted += np.array([np.count_nonzero(labels == c) for c in output.classes], dtype="int64")
    psi = profiles.psi_of_counts(counted, recorded)
    verdict = model.contract.drift.verdict(psi, int(counted.sum())) if model.contract.drift else ""
    shares = (counted / max(int(counted.sum()), 1)).tolist()
    return AnswerDrift(list(output.classes), list(recorded), shares, psi, verdict)
