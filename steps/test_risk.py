"""Steps for the model-risk feature. Expected values come from outside the code under test: the feature's
numbers, the training and evaluation files read here (``steps.least_squares.read_pairs``), the stability
index recomputed here from the model's recorded deciles, and the service answering over HTTP."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from modelgate.contracts.golden import GoldenCase
from modelgate.contracts.risk import ChampionMargin, DriftLimits, WeightBounds
from modelgate.model import artifact
from modelgate.model.batch.champion import production_model
from modelgate.model.batch.engines import score
from modelgate.model.scorer import Scorer
from pytest_bdd import given, parsers, scenarios, then, when

from modelgate.commands import PRODUCTION_ENV
from steps.least_squares import read_pairs
from steps.support import ROOT, drift_bin, psi_by_definition

scenarios("risk.feature")

EVALUATION = ROOT / "data" / "evaluation.csv"
GRID = 210_001  # heights checked across the accepted range (every 0.0005 inches)


def _weights(model_dir: Path, heights: np.ndarray) -> np.ndarray:
    return Scorer(artifact.load(model_dir).estimator).predict(heights)


def _accepted_grid(low: float, high: float) -> np.ndarray:
    """Every accepted height to a fine step, both edges included (the lower one is open: just above it)."""
    return np.unique(np.concatenate([[np.nextafter(low, math.inf), high], np.linspace(low, high, GRID)[1:]]))


@then(parsers.parse("the service accepts heights greater than {low:g} and at most {high:g} inches, and no others"))
def accepted_range(service, low, high):
    for height, accepted in ((low, False), (low + 0.0001, True), (high, True), (high + 0.0001, False)):
        answer = service.get("/weight", f"height={height!r}")
        assert (answer.status_code == 200) is accepted, f"height {height!r}: answered {answer.status_code} {answer.text[:200]}"


@given("the model under test", target_fixture="risk_model")
def risk_model(model_under_test) -> Path:
    return model_under_test


@then(parsers.parse("every weight it gives for an accepted height is at least {low:g} and at most {high:g} pounds"))
def weights_bounded(risk_model, low, high):
    from modelgate.contracts.ranges import HEIGHT

    heights = _accepted_grid(HEIGHT.low, HEIGHT.high)
    weights = _weights(risk_model, heights)
    bounds = WeightBounds(low, high)
    bad = [(h, w) for h, w in zip(heights.tolist(), weights.tolist()) if not bounds.contains(w)]
    assert not bad, f"{len(bad)} accepted heights get a weight outside [{low:g}, {high:g}] pounds, e.g. {bad[:3]}"


@then("over all accepted heights a taller person never gets a lower weight")
def monotonic(risk_model):
    from modelgate.contracts.ranges import HEIGHT

    heights = _accepted_grid(HEIGHT.low, HEIGHT.high)
    weights = _weights(risk_model, heights)
    drops = np.flatnonzero(np.diff(weights) < 0)
    if drops.size:
        i = drops[0]
        example = f"{heights[i]:g} in -> {weights[i]:g} lb, {heights[i + 1]:g} in -> {weights[i + 1]:g} lb"
        pytest.fail(f"{drops.size} places where taller is lighter, e.g. {example}")


@when(
    parsers.parse("a client asks for the weights of people {first:g}, {second:g} and {third:g} inches tall"),
    target_fixture="answer",
)
def ask_three(service, first, second, third):
    asked = [first, second, third]
    return asked, service.get("/weight", "&".join(f"height={h:g}" for h in asked))


@then(parsers.parse("there are {count:d} weights, each the agreed weight for its height"))
def three_agreed(answer, golden, count):
    asked, response = answer
    assert response.status_code == 200, response.text
    weights = response.json()["response"]
    assert len(weights) == count == len(asked)
    for height, weight in zip(asked, weights):
        assert golden[height].met_by(weight), f"height {height:g}: got {weight}, agreed {golden[height].weight}"


@then("the answer marks as extrapolations exactly the heights outside those the model was trained on")
def marks_extrapolations(answer, request):
    asked, response = answer
    trained = [h for h, _ in read_pairs(request.config.getoption("--training-data"))]
    expected = sum(1 for h in asked if h < min(trained) or h > max(trained))
    assert response.headers.get("X-Modelgate-Extrapolated") == str(expected), dict(response.headers)
    assert list(response.json()) == ["response"]


@dataclass
class Pair:
    new: Path
    production: Path | None
    errors: dict | None = None


@given("the model under test and the model in production", target_fixture="pair")
def pair(model_under_test, request, record_property, tmp_path):
    source = request.config.getoption("--production-model") or os.environ.get(PRODUCTION_ENV)
    with production_model(source) as found:
        if found is None:
            # Said in the result, not silently passed: the JUnit property and the output name the missing model.
            note = f"no production model {'at ' + source if source else 'given (--production-model)'}: nothing to compare against"
            record_property("production_model", f"none: {note}")
            print(note)
            return Pair(model_under_test, None)
        copy = tmp_path / "production"
        copy.mkdir()
        for item in found.iterdir():
            (copy / item.name).write_bytes(item.read_bytes())
    record_property("production_model", artifact.read_manifest(copy)["model_version"])
    return Pair(model_under_test, copy)


@when("both score the evaluation people, whom neither was trained on")
def both_score(pair):
    people = np.array(read_pairs(EVALUATION))
    for directory in (pair.new, pair.production):
        if directory is not None:
            assert artifact.read_manifest(directory)["training_data"]["sha256"] != _sha(EVALUATION), (
                f"{directory} was trained on the evaluation data"
            )
    if pair.production is not None:
        pair.errors = {
            name: float(np.mean(np.abs(_weights(d, people[:, 0]) - people[:, 1])))
            for name, d in (("new", pair.new), ("production", pair.production))
        }


def _sha(path: Path) -> str:
    from steps.least_squares import sha256

    return sha256(path)


@then(parsers.parse("the new model's typical error is at most {margin:g} pounds worse than the production model's"))
def not_worse(pair, margin, record_property):
    if pair.production is None:
        return  # the Given step recorded that there is no production model
    new, production = pair.errors["new"], pair.errors["production"]
    record_property("typical_error_pounds", f"new {new:.2f}, production {production:.2f}")
    assert ChampionMargin(margin).allows(production, new), (
        f"the new model's typical error is {new:.2f} pounds, the production model's {production:.2f} pounds: "
        f"worse by {new - production:.2f}, more than the agreed {margin:g}"
    )


@then("no agreed weight moved from the production model's by more than the agreed tolerance")
def unmoved(pair, golden):
    if pair.production is None:
        return
    heights = np.array(list(golden), dtype="float64")
    old, new = _weights(pair.production, heights), _weights(pair.new, heights)
    moved = [
        f"{h:g} in: {o:g} -> {n:g} pounds"
        for h, o, n in zip(heights.tolist(), old.tolist(), new.tolist())
        if not GoldenCase(h, o, golden[h].tolerance).met_by(n)
    ]
    assert not moved, "agreed weights moved: " + "; ".join(moved)


@dataclass
class Batch:
    source: Path
    heights: np.ndarray
    limits: DriftLimits | None = None
    result: object = None


def _write(tmp_path: Path, heights: np.ndarray) -> Batch:
    source = tmp_path / "heights.csv"
    source.write_text("height\n" + "".join(f"{h:g}\n" for h in heights.tolist()))
    return Batch(source, heights)


@given("a file of the heights of the evaluation people", target_fixture="batch")
def evaluation_heights(tmp_path):
    return _write(tmp_path, np.array([h for h, _ in read_pairs(EVALUATION)]))


@given("a file of the heights of the evaluation people, in centimetres", target_fixture="batch")
def evaluation_centimetres(tmp_path):
    return _write(tmp_path, np.round(np.array([h for h, _ in read_pairs(EVALUATION)]) * 2.54, 1))


@given(parsers.parse("a file of {rows:d} or more heights is judged for drift"))
def judged(batch, rows):
    assert len(batch.heights) >= rows, f"the file holds {len(batch.heights)} heights, fewer than the {rows} judged"


@when("the file is scored with the drift check")
def scored_with_drift(batch, model_under_test, features_dir):
    from modelgate.contracts.risk import drift_limits
    from modelgate.model import drift

    loaded = artifact.load(model_under_test)
    batch.limits = drift_limits(features_dir)
    profile = drift.training_heights(loaded.manifest)
    assert profile is not None, f"{model_under_test}: the model records no training heights; retrain it"
    batch.result = score(
        batch.source, batch.source.with_name("out.csv"), Scorer(loaded.estimator), profile=profile, drift_limits=batch.limits
    )
    batch.expected_psi = _psi(batch.heights, profile["deciles"], profile["shares"])


def _psi(heights, cuts, expected) -> float:
    counts = [0] * (len(cuts) + 1)
    for h in heights.tolist():
        counts[drift_bin(h, cuts)] += 1
    return psi_by_definition(counts, expected)


@then(parsers.parse("its heights' stability index against the training heights is below the warning level of {warn:g}"))
def stable(batch, warn):
    reported = batch.result.heights["drift"]["psi"]
    assert math.isclose(reported, batch.expected_psi, rel_tol=1e-9), f"reported {reported}, computed {batch.expected_psi}"
    assert reported < warn, f"stability index {reported:.3f} is not below {warn:g}"


@then("the file is scored")
def is_scored(batch):
    assert batch.result.ok, batch.result.failures.summary()
    assert batch.source.with_name("out.csv").is_file()


@then(parsers.parse("the file is refused, its heights' stability index being at least {refuse:g}"))
def refused(batch, refuse):
    assert not batch.result.ok, "the file was scored"
    assert batch.expected_psi >= refuse, f"stability index {batch.expected_psi:.3f} is below {refuse:g}"
    assert math.isclose(batch.result.heights["drift"]["psi"], batch.expected_psi, rel_tol=1e-9)
    assert any(check == "input drift" for _, check in batch.result.failures.counts), batch.result.failures.summary()


@then("nothing is written for it")
def nothing_written(batch):
    assert not batch.source.with_name("out.csv").exists()


if not EVALUATION.is_file():  # pragma: no cover - a checkout always has it (data/generate.py)
    pytest.fail(f"{EVALUATION} missing: run data/generate.py", pytrace=False)
