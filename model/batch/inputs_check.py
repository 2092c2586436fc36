"""A batch file's inputs against the inputs the model was trained on, input by input: the population stability
index of each (drift) and the values the training data never had (extrapolations). For a classifier, also the shares
of the classes it answers for the file against the shares it answered for its training rows (the manifest's
``metrics.classes.answered``), judged by the same drift levels: a file of other people shifts what the model answers.

The pandas engine folds the check into its scoring pass (:class:`FoldedCheck`, fed by :func:`.stream.score_chunks`
with the columns it parsed), so the file is read once; the Spark engine checks the local file before it is scored
(:func:`check`, a read of its own). A file the guard will reject anyway (unreadable, an input column missing) is
left to the guard: nothing is judged here; nor are the answers of a file the guard rejects (not every row was
answered, so both engines leave them out: :func:`guarded`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from modelgate.contracts.contract import Contract
from modelgate.contracts.facts import REFUSE, REFUSED, DriftLimits
from modelgate.contracts.validation import FILE_CHECKS, Failure, Failures
from modelgate.model import profile, stability

if TYPE_CHECKING:
    from modelgate.model.artifact import Artifact
    from modelgate.model.scorer import Scorer

DRIFT_CHECK = "input drift"
ANSWER_DRIFT_CHECK = "predicted class drift"
ANSWERS = "answers"  # the section of the predicted class shares
EXTRAPOLATION_CHECK = "outside the training data"
LISTED = 100  # extrapolated lines listed in the report (all are counted)
BLOCK_ROWS = 1 << 20  # rows read per block by the check's own read: memory stays flat whatever the file's size


@dataclass(frozen=True)
class Policy:
    """What a batch run checks a file's inputs against: the model's training profiles, the contract's drift levels
    and its extrapolation policy (or the operator's ``MODELGATE_EXTRAPOLATION``, which overrides it)."""

    contract: Contract
    profiles: dict[str, dict]
    limits: DriftLimits | None
    refuse_extrapolation: bool
    answered: tuple[float, ...] | None = None  # a classifier's class shares among its answers to its training rows

    @classmethod
    def of(
        cls, contract: Contract, profiles: dict | None, setting: str | None = None, answered: list[float] | None = None
    ) -> Policy | None:
        """None when the model records no training profile (nothing to compare with)."""
        if not profiles:
            return None
        shares = tuple(answered) if answered is not None and contract.output.is_class else None
        return cls(contract, profiles, contract.drift, (setting or contract.extrapolation) == REFUSE, shares)

    @classmethod
    def of_model(cls, loaded: Artifact, setting: str | None = None) -> Policy | None:
        """The policy of a loaded model: its training profiles and, for a classifier, the class shares it answered."""
        answered = (loaded.manifest.metrics or {}).get("classes", {}).get("answered")
        return cls.of(loaded.contract, loaded.manifest.training_data.get("profile"), setting, answered)

    def describe(self) -> str:
        return "refused" if self.refuse_extrapolation else "answered and flagged"


def read_columns(path, contract: Contract):
    """The file's inputs, block by block, read leniently as text (a cell that is no value of its kind counts as
    missing: the guard reports those rows). Raises when the file cannot be read as CSV with these columns."""
    chunks = pd.read_csv(
        path,
        usecols=contract.names,
        dtype=str,
        keep_default_na=False,
        skip_blank_lines=False,
        encoding="utf-8-sig",
        chunksize=BLOCK_ROWS,
    )
    for chunk in chunks:
        columns = {}
        for spec in contract.inputs:
            text = chunk[spec.name].fillna("")
            if spec.numeric:
                columns[spec.name] = pd.to_numeric(text.str.strip(), errors="coerce").to_numpy(dtype="float64")
            elif spec.kind == "yes/no":
                spelled = {spec.values[0]: True, spec.values[1]: False}
                columns[spec.name] = np.array([spelled.get(v) for v in text.tolist()], dtype=object)
            else:
                columns[spec.name] = np.array([v or None for v in text.tolist()], dtype=object)
        yield columns


@dataclass
class Tally:
    """What the check keeps of a file, whatever its size: bin counts per input, the extrapolations' count and first
    lines. Fed block by block, in file order, by the scoring pass or by :func:`check`'s own read."""

    policy: Policy
    found: dict[str, np.ndarray] = field(default_factory=dict)
    extrapolations: list = field(default_factory=list)  # Failures when refusing, else the first LISTED lines
    extrapolated: int = 0  # rows with a value the training data never had
    by_input: dict[str, int] = field(default_factory=dict)
    rows: int = 0
    classes: np.ndarray | None = None  # a classifier's answers per class, in the contract's order
    answered_rows: int = 0

    def add(self, columns: dict[str, np.ndarray], first_row: int) -> None:
        """Tally one block: each input's parsed values (NaN / None where a cell is blank or unreadable),
        ``first_row`` the data row (from 1) of the block's first row."""
        size = len(next(iter(columns.values())))
        unseen = np.zeros(size, dtype=bool)
        for spec in self.policy.contract.inputs:
            seen = self.policy.profiles.get(spec.name)
            if seen is None:
                continue
            values = columns[spec.name]
            mask = profile.outside(seen, values)
            self.by_input[spec.name] = self.by_input.get(spec.name, 0) + int(np.count_nonzero(mask))
            unseen |= mask
            if self.policy.refuse_extrapolation:
                self.extrapolations += [
                    Failure(spec.name, EXTRAPOLATION_CHECK, repr(_plain(values[i])), first_row + i)
                    for i in np.flatnonzero(mask).tolist()
                ]
            counted = profile.counts(seen, values)
            self.found[spec.name] = counted if spec.name not in self.found else self.found[spec.name] + counted
        outside = np.flatnonzero(unseen)
        self.extrapolated += len(outside)
        if not self.policy.refuse_extrapolation and len(self.extrapolations) < LISTED:
            # data row r is file line r + 1 (the header is line 1)
            self.extrapolations += (outside[: LISTED - len(self.extrapolations)] + first_row + 1).tolist()
        self.rows += size

    def answered(self, answers: dict[str, np.ndarray]) -> None:
        """Tally one block's answers (the columns scoring adds, by name), in file order, after :meth:`add`."""
        if self.policy.answered is None:
            return
        output = self.policy.contract.output
        labels = np.asarray(answers[output.name], dtype=object)
        counted = np.array([np.count_nonzero(labels == c) for c in output.classes], dtype="int64")
        self.classes = counted if self.classes is None else self.classes + counted
        self.answered_rows += len(labels)

    def judge(self) -> tuple[dict | None, list[Failure]]:
        """(the report's ``inputs`` section, failures that refuse the file); (None, []) if no row was tallied."""
        if not self.found:
            return None, []
        policy, refusing = self.policy, self.policy.refuse_extrapolation
        failures = sorted(self.extrapolations, key=lambda f: (f.row, f.column)) if refusing else []
        lines = sorted({f.line for f in self.extrapolations})[:LISTED] if refusing else self.extrapolations
        report: dict = {
            "extrapolation": policy.describe(),
            "extrapolated": {"count": self.extrapolated, "lines": lines, "by_input": dict(self.by_input)},
            "training": {name: _domain(seen) for name, seen in policy.profiles.items()},
            "histograms": {
                name: {"training": policy.profiles[name]["shares"], "file": profile.shares(counted)}
                for name, counted in self.found.items()
            },
        }
        if policy.limits is not None:
            limits = policy.limits
            by_input: dict[str, dict] = {}
            for name, counted in self.found.items():
                psi, bins = stability.judged(policy.profiles[name], np.asarray(counted).tolist(), limits, self.rows)
                by_input[name] = {"psi": psi, "verdict": limits.verdict(psi, self.rows)}
                if limits.wide(self.rows):  # a smaller file, judged on the wider bands
                    by_input[name]["bins"] = bins
                if by_input[name]["verdict"] == REFUSED:
                    failures.append(Failure(name, DRIFT_CHECK, f"stability index {psi:.3f}, {limits.refusal(self.rows)}", None))
            # No index (no value of the file is one the input is tallied by) is a refusal: the worst there is.
            worst = max(by_input.values(), key=lambda v: math.inf if math.isnan(v["psi"]) else float(v["psi"]))
            report["drift"] = {
                "verdict": worst["verdict"],
                "psi": worst["psi"],
                "by_input": by_input,
                "warn": limits.warn,
                "refuse": limits.refuse,
                "min_rows": limits.min_rows,
                **({"small_rows": limits.small_rows, "small_refuse": limits.small_refuse} if limits.small_rows else {}),
                "rows": self.rows,
            }
        if self.classes is not None and self.answered_rows == self.rows:
            report[ANSWERS] = self._answers(self.classes, failures)
        return report, failures

    def _answers(self, counted: np.ndarray, failures: list[Failure]) -> dict:
        """The predicted class shares against the training answers' (``answered``), judged by the drift levels."""
        output, expected, limits = self.policy.contract.output, self.policy.answered or (), self.policy.limits
        psi = profile.psi_of_counts(counted, expected)
        found: dict = {
            "classes": list(output.classes),
            "training": list(expected),
            "file": (counted / max(int(counted.sum()), 1)).tolist(),
            "psi": psi,
            "rows": self.rows,
        }
        if limits is not None:
            found |= {"verdict": limits.verdict(psi, self.rows), "warn": limits.warn, "refuse": limits.refuse}
            if found["verdict"] == REFUSED:
                what = f"stability index {psi:.3f} of the predicted {output.name} shares, {limits.refusal(self.rows)}"
                failures.append(Failure(output.name, ANSWER_DRIFT_CHECK, what, None))
        return found


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value


def _domain(seen: dict) -> dict:
    if seen["kind"] == "number":
        return {"min": seen["min"], "max": seen["max"]}
    return {"values": [v for v, s in zip(seen["values"], seen["shares"]) if s > 0]}


def check(path, policy: Policy | None, scorer: Scorer | None = None) -> tuple[dict | None, list[Failure]]:
    """(the report's ``inputs`` section, failures that refuse the file) for the file at ``path``, read in blocks. With
    a ``scorer`` a classifier's answers are tallied too, each block scored as read (the Spark engine's own read)."""
    if policy is None:
        return None, []
    tally, rows = Tally(policy), 0
    try:
        for columns in read_columns(path, policy.contract):
            tally.add(columns, rows + 1)
            rows += len(next(iter(columns.values())))
            if scorer is not None and policy.answered is not None:
                _answer(tally, scorer, columns)
    except Exception:  # unreadable, an input column missing: the guard says what is wrong
        return None, []
    return tally.judge()


def _answer(tally: Tally, scorer: Scorer, columns: dict[str, np.ndarray]) -> None:
    try:
        answers = scorer.answer_columns(columns)
    except Exception:  # a value the guard refuses (read here as missing) the model cannot answer: the guard says so
        return
    tally.answered(answers)


def guarded(found: dict | None, refusals: list[Failure], guard: Failures) -> tuple[dict | None, list[Failure]]:
    """The check's findings for a file the guard judged (``guard``, its failures): a file it rejected has not had every
    row answered (the pandas engine stops answering at the first failure), so its answers are not judged."""
    if not guard or not found or ANSWERS not in found:
        return found, refusals
    return {k: v for k, v in found.items() if k != ANSWERS}, [f for f in refusals if f.check != ANSWER_DRIFT_CHECK]


class FoldedCheck:
    """The check folded into the pandas engine's scoring pass: :func:`.stream.score_chunks` feeds :meth:`add`
    with every block's parsed columns, and :meth:`judge` is asked once the pass has read the file, before anything is
    published. In a file whose structure the guard rejected (header, encoding, CSV, field count) the pass
    stopped early or dropped rows, so such a file is judged as :func:`check` judges it, by a read of its own."""

    def __init__(self, path, policy: Policy):
        self.path, self.policy = path, policy
        self.tally = Tally(policy)

    def add(self, columns: dict[str, np.ndarray], first_row: int) -> None:
        self.tally.add(columns, first_row)

    def answered(self, answers: dict[str, np.ndarray]) -> None:
        self.tally.answered(answers)

    def judge(self, found: Failures) -> tuple[dict | None, list[Failure]]:
        """(the report's ``inputs`` section, failures that refuse the file), after the guard found ``found``."""
        if any(name in FILE_CHECKS for _, name in found.counts):
            return check(self.path, self.policy)
        return guarded(*self.tally.judge(), found)
