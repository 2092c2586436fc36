"""Steps for the model-quality feature: the model under test's record against the agreed band and
against the least-squares line computed here from its training data (``steps/least_squares.py``)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from modelgate.contracts.golden import Band
from modelgate.contracts.risk import TypicalError
from modelgate.model import artifact
from modelgate.model.scorer import Scorer
from modelgate.model.train import train
from pytest_bdd import given, parsers, scenarios, then, when

from steps.least_squares import Line, fit_line, read_pairs, sha256

scenarios("quality.feature")

PROBE = np.linspace(1, 300, 600)
# Two computations of the same least-squares line in float64 agree far closer than this; √R² for R²
# (0.9 for 0.81) or another fit is off by orders of magnitude more.
CLOSE = 1e-9


@dataclass
class UnderTest:
    directory: Path
    manifest: dict
    data: Path
    line: Line


@given("the model under test and the training data its record names", target_fixture="under_test")
def under_test(model_under_test, manifest_on_disk, request) -> UnderTest:
    data = request.config.getoption("--training-data")
    named = manifest_on_disk["training_data"]
    assert data.name == named["file"], f"the model was trained on {named['file']}, --training-data is {data}"
    assert sha256(data) == named["sha256"], f"{data} is not the file the model was trained on (SHA-256 differs)"
    return UnderTest(model_under_test, manifest_on_disk, data, fit_line(read_pairs(data)))


@then(parsers.parse("its recorded R² on the training data is between {low:g} and {high:g}"))
def r2_in_band(under_test, low, high):
    r2 = under_test.manifest["metrics"]["r2_train"]
    assert Band(low, high).contains(r2), f"R² {r2:.4f} is outside the agreed band [{low}, {high}]"


@then("its record names the training data with its row count and fingerprint")
def record_names_data(under_test):
    data = under_test.manifest["training_data"]
    assert data["file"] == under_test.data.name
    assert data["sha256"] == sha256(under_test.data)
    assert data["rows"] == under_test.line.rows


@then("the R² in its record matches the R² of the least-squares line through the training data")
def r2_recomputed(under_test):
    recorded, expected = under_test.manifest["metrics"]["r2_train"], under_test.line.r2
    assert math.isclose(recorded, expected, rel_tol=CLOSE), f"recorded R² {recorded!r}, least squares gives {expected!r}"


@then("its coefficients are those of the least-squares line through the training data")
def coefficients(under_test):
    line = under_test.line
    estimator = artifact.load(under_test.directory).estimator
    found = {
        "recorded": (under_test.manifest["coefficients"]["intercept"], under_test.manifest["coefficients"]["slope"]),
        "model file": (float(estimator.intercept_), float(estimator.coef_[0])),
    }
    for where, (intercept, slope) in found.items():
        problem = f"{where} (intercept, slope) {(intercept, slope)}, least squares {(line.intercept, line.slope)}"
        assert math.isclose(intercept, line.intercept, rel_tol=CLOSE), problem
        assert math.isclose(slope, line.slope, rel_tol=CLOSE), problem


@when("the model is trained again on the same data", target_fixture="retrained")
def retrain(under_test, tmp_path):
    train(under_test.data, tmp_path)
    return tmp_path


@then("both models give the same weights and carry the same version")
def same_models(under_test, retrained):
    first, second = artifact.load(under_test.directory), artifact.load(retrained)
    assert first.version == second.version
    assert np.array_equal(Scorer(first.estimator).predict(PROBE), Scorer(second.estimator).predict(PROBE))


@when("each fifth of the training people is predicted by a line fitted on the other four fifths", target_fixture="held_out")
def held_out(under_test) -> dict:
    """The cross-validation recomputed here: the folds scikit-learn's seeded ``KFold(shuffle=True)`` makes (numpy's
    ``RandomState(seed).shuffle`` of the row numbers, cut into folds of n // k, the first n % k one larger), each
    predicted by the least-squares line of the others (``steps.least_squares``)."""
    cv = under_test.manifest["metrics"].get("cv")
    assert cv, f"{under_test.directory}: the model's record has no cross-validation; retrain it"
    pairs = read_pairs(under_test.data)
    order = np.arange(len(pairs))
    np.random.RandomState(cv["seed"]).shuffle(order)
    sizes = [len(pairs) // cv["folds"] + (1 if i < len(pairs) % cv["folds"] else 0) for i in range(cv["folds"])]
    misses, start = [], 0
    for size in sizes:
        held = set(order[start : start + size].tolist())
        start += size
        line = fit_line([p for i, p in enumerate(pairs) if i not in held])
        misses += [y - (line.intercept + line.slope * x) for i, (x, y) in enumerate(pairs) if i in held]
    weights = [y for _, y in pairs]
    mean = math.fsum(weights) / len(weights)
    return {
        "mae": math.fsum(abs(m) for m in misses) / len(misses),
        "rmse": math.sqrt(math.fsum(m * m for m in misses) / len(misses)),
        "r2": 1 - math.fsum(m * m for m in misses) / math.fsum((y - mean) ** 2 for y in weights),
    }


@then(parsers.parse("on people it was not trained on, its typical error is at most {limit:g} pounds"))
def typical_error_small(held_out, limit):
    assert TypicalError(limit).met_by(held_out["mae"]), (
        f"typical error on unseen people {held_out['mae']:.2f} pounds, agreed at most {limit:g}"
    )


@then("its record states that typical error, the spread of its errors and its R² on those people")
def cv_recorded(under_test, held_out):
    cv = under_test.manifest["metrics"]["cv"]
    for key in ("mae", "rmse", "r2"):
        assert math.isclose(cv[key], held_out[key], rel_tol=1e-9), f"recorded {key} {cv[key]!r}, recomputed {held_out[key]!r}"
