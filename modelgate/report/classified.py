"""A classifier's answers the report judges, each set with the rows it came from in words: the agreed rows, the training
rows as the cross-validation answers them (each by a model fitted without it, recomputed here as packaging computes
them, ``model.metrics.cross_validated``) and the evaluation rows as this model answers them.

Every answer is as served: probabilities rounded to the contract's decimals, the class the decision rule picks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from modelgate.contracts.contract import Contract
from modelgate.contracts.errors import ModelgateError

if TYPE_CHECKING:
    from modelgate.model.artifact import Artifact
    from modelgate.model.scorer import Scorer
    from modelgate.model.train import TrainingData


@dataclass
class Answers:
    """A classifier's answers to rows whose class is known, and its metrics on them (``model.metrics.classification``:
    by name, with ``confusion``: rows the true class, columns the class answered, in the contract's order)."""

    rows: str  # which rows, in words, for the page
    truth: np.ndarray
    answered: np.ndarray
    probabilities: np.ndarray  # one column per class, in the contract's order
    metrics: dict = field(default_factory=dict)

    @property
    def count(self) -> int:
        return len(self.truth)


def answers(contract: Contract, rows: str, truth: np.ndarray, probabilities: np.ndarray) -> Answers:
    """The answers as served to rows of ``truth`` whose raw probabilities are ``probabilities``, with their metrics."""
    from modelgate.model.metrics import classification
    from modelgate.model.scorer import decide

    output = contract.output
    rounded = np.round(probabilities, output.decimals)
    answered = decide(output, rounded)
    truth = np.asarray(truth, dtype=object)
    return Answers(rows, truth, answered, rounded, classification(output, truth, rounded, answered))


def agreed(scorer: Scorer, contract: Contract) -> list[tuple[str, dict[str, float]]]:
    """The model's answer to each agreed row: its class and the probability of each class by name."""
    from modelgate.model.scorer import columns_of

    rows = [dict(zip(contract.names, case.values)) for case in contract.golden]
    labels, probabilities = scorer.classify(columns_of(scorer.contract, rows))
    classes = scorer.contract.output.classes
    return [(str(label), dict(zip(classes, map(float, found)))) for label, found in zip(labels.tolist(), probabilities)]


def unseen(scorer: Scorer, training: TrainingData, folds: int) -> Answers:
    """The training rows, each answered by the fold's model fitted without it (the cross-validation packaging records)."""
    from modelgate.model.metrics import CV_SEED, cross_validated

    predicted, _ = cross_validated(scorer.estimator, scorer.contract, scorer.order, training)
    rows = (
        f"the {training.rows} training rows, each answered by a model fitted without it "
        f"({folds}-fold cross-validation, seed {CV_SEED})"
    )
    return answers(scorer.contract, rows, training.target, predicted)


def evaluated(scorer: Scorer, path: Path) -> Answers:
    """The rows of the evaluation file, as this model answers them."""
    from modelgate.model.train import read_training

    found = read_training(Path(path), scorer.contract)
    rows = f"the {found.rows} evaluation rows ({Path(path).name}), as this model answers them"
    return answers(scorer.contract, rows, found.target, scorer.raw_probabilities(found.columns))


def gather(
    model: Artifact, training: TrainingData | None, matches: bool | None, evaluation: Path, missing: list[str]
) -> tuple[Answers | None, Answers | None]:
    """(the cross-validated answers, the evaluation answers); either None, with the reason in ``missing``."""
    scorer, recorded = model.scorer(), model.manifest.metrics.get("cv")
    cv = None
    if training is None:
        pass  # the report already names why it has no training data
    elif not matches:
        missing.append("the cross-validated answers: the training data is not the file the model's record names")
    elif not recorded:
        missing.append("the cross-validated answers: the model's record has no cross-validation (package it again)")
    else:
        try:
            cv = unseen(scorer, training, recorded["folds"])
        except Exception as exc:  # an estimator that cannot be refitted here: named, not fatal
            missing.append(f"the cross-validated answers: {type(exc).__name__}: {exc}")
    found = None
    if Path(evaluation).is_file():  # without one, the page says what is not measured (and the risk section why)
        try:
            found = evaluated(scorer, evaluation)
        except ModelgateError as exc:
            missing.append(f"the answers on evaluation data: {exc}")
    return cv, found
