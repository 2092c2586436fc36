"""Gather what the report shows, noting each input that is missing instead of stopping at it.

The numbers reviewers agreed (golden weights, tolerance, R² band) are read from the features by
``modelgate.contracts.golden``; the model's side comes from its verified artifact and the training data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from modelgate.contracts.errors import ModelgateError
from modelgate.contracts.golden import Band, GoldenCase, golden_cases, r2_band
from modelgate.contracts.ranges import FEATURE, TARGET
from modelgate.gate import Verdict, evaluate
from modelgate.junit import read_suite
from modelgate.report.risk import Risk, gather_risk
from modelgate.report.scenarios import Feature, apply_results, load_results, parse_features
from modelgate.settings import DEFAULT_EVALUATION_DATA

DEFAULT_BATCH_EXAMPLE = Path("data/sample_input.csv")  # the example batch: the heights the drift plot shows


@dataclass
class Sources:
    """Where each input is read from (the command's options)."""

    features: Path
    cucumber: list[Path]
    junit: Path
    gate: Path
    model: Path
    data: Path
    production: str | None = None  # the model in production (folder or URL), for the risk section
    evaluation: Path = DEFAULT_EVALUATION_DATA
    batch: Path = DEFAULT_BATCH_EXAMPLE


@dataclass
class Inputs:
    sources: Sources
    features: list[Feature] = field(default_factory=list)
    golden: list[GoldenCase] = field(default_factory=list)
    band: Band | None = None
    manifest: dict | None = None
    predicted_golden: list[float] | None = None
    heights: np.ndarray | None = None
    weights: np.ndarray | None = None
    fitted: np.ndarray | None = None
    data_matches_manifest: bool | None = None
    tests: Verdict | None = None
    gate_passed: bool | None = None
    gate_reasons: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    risk: Risk | None = None

    @property
    def tolerance(self) -> float | None:
        """The agreed tolerance (one step states it for every case), for the page's text."""
        return self.golden[0].tolerance if self.golden else None


def gather(sources: Sources) -> Inputs:
    inputs = Inputs(sources)
    _features(inputs)
    _model(inputs)
    _tests(inputs)
    src = sources
    inputs.risk = gather_risk(src.model, src.features, src.production, src.evaluation, src.batch)
    return inputs


def _features(inputs: Inputs) -> None:
    src = inputs.sources
    inputs.features, problems = parse_features(src.features)
    inputs.missing += problems
    if not inputs.features:
        inputs.missing.append(f"features: no *.feature files under {src.features}")
        return
    try:
        inputs.golden = golden_cases(src.features)
    except (LookupError, OSError, ValueError) as exc:
        inputs.missing.append(f"agreed weights: {exc}")
    try:
        inputs.band = r2_band(src.features)
    except (LookupError, OSError, ValueError) as exc:
        inputs.missing.append(f"R² band: {exc}")
    found = [p for p in src.cucumber if p.is_file()]
    if not found:
        names = ", ".join(str(p) for p in src.cucumber) or "reports/cucumber*.json"
        inputs.missing.append(f"BDD results: no cucumber JSON ({names}); run: tox -e bdd. Scenarios show as not run")
        return
    results, problems = load_results(found)
    inputs.missing += problems
    apply_results(inputs.features, results)


def _model(inputs: Inputs) -> None:
    from modelgate.model import artifact
    from modelgate.model.files import sha256_file
    from modelgate.model.scorer import Scorer
    from modelgate.model.train import read_training

    src = inputs.sources
    try:
        loaded = artifact.load(src.model)
    except ModelgateError as exc:
        inputs.missing.append(f"model: {exc}")
        return
    inputs.manifest = loaded.manifest
    scorer = Scorer(loaded.estimator)
    if inputs.golden:
        inputs.predicted_golden = scorer.predict([c.height for c in inputs.golden]).tolist()
    try:
        frame = read_training(src.data)
    except ModelgateError as exc:
        inputs.missing.append(f"training data for the plots: {exc}")
        return
    inputs.heights = frame[FEATURE].to_numpy(dtype="float64")
    inputs.weights = frame[TARGET].to_numpy(dtype="float64")
    inputs.fitted = scorer.predict(inputs.heights)
    inputs.data_matches_manifest = sha256_file(src.data) == loaded.manifest.get("training_data", {}).get("sha256")


def _tests(inputs: Inputs) -> None:
    src = inputs.sources
    if not src.junit.is_dir() or not any(src.junit.rglob("*.xml")):
        inputs.missing.append(f"test results: no JUnit XML under {src.junit}; run: tox -m chain")
    else:
        inputs.tests = evaluate(src.junit, exclude=(src.gate,))
    if not src.gate.is_file():
        inputs.missing.append(f"gate verdict: {src.gate} not found; run: tox -e gate")
        return
    verdict = read_suite(src.gate, src.gate.parent)
    if verdict.problem:
        inputs.missing.append(f"gate verdict: {verdict.problem}")
        return
    inputs.gate_passed = not verdict.failed and verdict.tests > 0
    inputs.gate_reasons = [case.message for case in verdict.failed]
