"""Gather what the report shows, noting each input that is missing instead of stopping at it.

The model's side is its verified folder: the contract it carries, its manifest and its answers. The reviewers' side
is the features folder: its scenarios and the contract they state (``read_contract``). The data files default to
the ``data/`` folder beside the features: the training file the model's record names, ``evaluation.csv`` and
``sample_input.csv``, so one model's report needs only its model and its features.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from modelgate.contracts.contract import Contract, differences
from modelgate.contracts.errors import ModelgateError
from modelgate.contracts.facts import AgreedLabel, GoldenCase
from modelgate.gate import Verdict, evaluate
from modelgate.junit import read_suite
from modelgate.report.risk import Risk, gather_risk
from modelgate.report.scenarios import Feature, apply_results, load_results, parse_features

if TYPE_CHECKING:
    from modelgate.model.artifact import Artifact
    from modelgate.model.manifest import Manifest
    from modelgate.model.scorer import Scorer
    from modelgate.model.train import TrainingData
    from modelgate.report.classified import Answers
    from modelgate.signoff import Standing

DATA_FOLDER = "data"  # beside the features folder: where the report looks for the model's data files
EVALUATION_FILE = "evaluation.csv"  # rows no model was trained on, for the champion/challenger comparison
BATCH_FILE = "sample_input.csv"  # an example batch, for the extrapolation and drift figures
CURVE_POINTS = 200  # the model's answers drawn across a one-input model's training span


def beside(features: Path, name: str) -> Path:
    """``name`` in the data folder beside the features folder (``features/`` -> ``data/name``)."""
    return Path(features).parent / DATA_FOLDER / name


def evaluation_file(sources: Sources) -> Path:
    return Path(sources.evaluation or beside(sources.features, EVALUATION_FILE))


@dataclass
class Sources:
    """Where each input is read from (the command's options); a data file left None is looked up beside the features."""

    features: Path
    cucumber: list[Path]
    junit: Path
    gate: Path
    model: Path
    data: Path | None = None  # the training data; None: the file the model's record names
    production: str | None = None  # the model in production (folder or URL), for the risk section
    evaluation: Path | None = None
    batch: Path | None = None
    monitor: Path | None = None  # what modelgate monitor --out wrote: the outcomes since release, per period


@dataclass
class Inputs:
    sources: Sources
    features: list[Feature] = field(default_factory=list)
    stated: Contract | None = None  # the contract the features state
    model: Artifact | None = None  # the verified model
    contract_differences: list[str] = field(default_factory=list)  # the model's contract against the features'
    predicted_golden: list[float] | None = None
    answered_golden: list[tuple[str, dict[str, float]]] | None = None  # a classifier's: its class, each class's probability
    training: TrainingData | None = None
    fitted: np.ndarray | None = None  # the model's answers to the training rows
    curve: tuple[np.ndarray, np.ndarray] | None = None  # a one-number-input model's answers across its training span
    data_matches_manifest: bool | None = None
    tests: Verdict | None = None
    gate_passed: bool | None = None
    gate_reasons: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    risk: Risk | None = None
    unseen: Answers | None = None  # a classifier's answers to its training rows, each by a fold's model fitted without it
    evaluated: Answers | None = None  # a classifier's answers to the evaluation rows
    signoff: Standing | None = None  # the features' last sign-off and what moved since
    unsourced: list[tuple[str, str]] = field(default_factory=list)  # (where, step) of each agreed number with no source
    monitor: dict | None = None  # the outcomes since release (modelgate monitor --out)

    @property
    def contract(self) -> Contract | None:
        """The contract the model carries; the features' when there is no model."""
        return self.model.contract if self.model is not None else self.stated

    @property
    def manifest(self) -> Manifest | None:
        return self.model.manifest if self.model is not None else None

    @property
    def golden_contract(self) -> Contract | None:
        """Whose agreed answers the page lists: the features' (what reviewers signed), else the model's."""
        return self.stated or self.contract

    @property
    def golden(self) -> tuple[GoldenCase | AgreedLabel, ...]:
        return self.golden_contract.golden if self.golden_contract else ()

    @property
    def profiles(self) -> dict:
        return (self.manifest.training_data.get("profile") or {}) if self.manifest else {}

    @property
    def title(self) -> str:
        contract = self.contract
        return (contract.title or contract.name) if contract else "Model"


def gather(sources: Sources) -> Inputs:
    inputs = Inputs(sources)
    _features(inputs)
    _model(inputs)
    _tests(inputs)
    from modelgate.report import monitor  # its section draws with the quality section's helpers, which import this

    try:
        inputs.monitor = monitor.read(sources.monitor)
    except ValueError as exc:
        inputs.missing.append(f"outcomes since release: {exc}")
    if inputs.model is not None:
        src = sources
        evaluation = evaluation_file(src)
        inputs.risk = gather_risk(inputs.model, src.production, evaluation, src.batch or beside(src.features, BATCH_FILE))
    return inputs


def _features(inputs: Inputs) -> None:
    from modelgate.contracts import rationale
    from modelgate.contracts.reader import read_contract, read_steps

    src = inputs.sources
    inputs.features, problems = parse_features(src.features)
    inputs.missing += problems
    if not inputs.features:
        inputs.missing.append(f"features: no *.feature files under {src.features}")
        return
    try:
        inputs.stated = read_contract(src.features)
    except ModelgateError as exc:
        inputs.missing.append(f"the features' contract: {str(exc).splitlines()[0]}")
    else:
        _signoff(inputs)
        inputs.unsourced = [(where, stated) for where, stated, _ in rationale.unsourced_items(read_steps(src.features).steps)]
    found = [p for p in src.cucumber if p.is_file()]
    if not found:
        names = ", ".join(str(p) for p in src.cucumber) or "reports/cucumber*.json"
        inputs.missing.append(
            f"BDD results: no cucumber JSON ({names}); run: modelgate check (tox -e bdd here). Scenarios show as not run"
        )
        return
    results, problems = load_results(found)
    inputs.missing += problems
    apply_results(inputs.features, results)


def _signoff(inputs: Inputs) -> None:
    from modelgate.signoff import standing

    try:
        inputs.signoff = standing(inputs.sources.features)
    except ModelgateError as exc:
        inputs.missing.append(f"sign-off: {exc}")


def _model(inputs: Inputs) -> None:
    from modelgate.files import sha256_file
    from modelgate.model import artifact
    from modelgate.model.train import read_training
    from modelgate.report import classified

    src = inputs.sources
    try:
        inputs.model = loaded = artifact.load(src.model)
    except ModelgateError as exc:
        inputs.missing.append(f"model: {exc}")
        return
    if inputs.stated is not None:
        inputs.contract_differences = [line.strip() for line in differences(loaded.contract, inputs.stated)]
    scorer, classifier = loaded.scorer(), loaded.contract.output.is_class
    _agreed(inputs, scorer)
    named = loaded.manifest.training_data.get("file")
    data = src.data or (beside(src.features, Path(named).name) if named else None)
    if data is None:
        inputs.missing.append("training data for the plots: the model's record names no training file; give --data")
    else:
        try:
            inputs.training = read_training(data, loaded.contract)
        except ModelgateError as exc:
            inputs.missing.append(f"training data for the plots: {exc}")
        else:
            inputs.data_matches_manifest = sha256_file(data) == loaded.manifest.training_data.get("sha256")
    if classifier:
        found = classified.gather(loaded, inputs.training, inputs.data_matches_manifest, evaluation_file(src), inputs.missing)
        inputs.unseen, inputs.evaluated = found
        return
    if inputs.training is None:
        return
    inputs.fitted = scorer.predict(inputs.training.columns)
    (spec, *others) = loaded.contract.inputs
    if not others and spec.numeric:
        seen = inputs.training.columns[spec.name]
        xs = np.linspace(float(np.nanmin(seen)), float(np.nanmax(seen)), CURVE_POINTS)
        inputs.curve = xs, scorer.raw({spec.name: xs})


def _agreed(inputs: Inputs, scorer: Scorer) -> None:
    """The model's answers to the agreed rows the page lists (a classifier's: its class and each class's probability)."""
    from modelgate.report import classified

    golden_contract = inputs.golden_contract
    if golden_contract is None or not golden_contract.golden:  # inputs.golden
        return
    rows = [dict(zip(golden_contract.names, case.values)) for case in golden_contract.golden]
    try:
        if scorer.contract.output.is_class:
            inputs.answered_golden = classified.agreed(scorer, golden_contract)
        else:
            inputs.predicted_golden = scorer.predict_rows(rows).tolist()
    except Exception as exc:  # a contract the model does not answer under (the record shows the differences)
        inputs.missing.append(f"the model's answers to the agreed rows: {type(exc).__name__}: {exc}")


def _tests(inputs: Inputs) -> None:
    src = inputs.sources
    if not src.junit.is_dir() or not any(src.junit.rglob("*.xml")):
        inputs.missing.append(f"test results: no JUnit XML under {src.junit}; run: tox -m chain")
    else:
        inputs.tests = evaluate(src.junit, exclude=(src.gate,))
    if not src.gate.is_file():
        inputs.missing.append(f"gate verdict: {src.gate} not found; run: modelgate gate --junit {src.gate} (tox -e gate here)")
        return
    verdict = read_suite(src.gate, src.gate.parent)
    if verdict.problem:
        inputs.missing.append(f"gate verdict: {verdict.problem}")
        return
    inputs.gate_passed = not verdict.failed and verdict.tests > 0
    inputs.gate_reasons = [case.message for case in verdict.failed]
