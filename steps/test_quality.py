"""Steps for the model-quality feature: the R² band and the manifest's record."""

from __future__ import annotations

import json

import numpy as np
from pytest_bdd import given, parsers, scenarios, then, when

from model import artifact
from model.files import sha256_file
from model.scorer import Scorer
from model.train import fit, read_training, train
from modelgate.settings import DEFAULT_TRAINING_DATA

scenarios("quality.feature")

PROBE = np.linspace(1, 300, 600)


@given("the model trained on the bundled training data", target_fixture="manifest")
def manifest(trained_model):
    return json.loads((trained_model / artifact.MANIFEST_FILE).read_text())


@then(parsers.parse("its R² on the training data is between {low:g} and {high:g}"))
def r2_in_band(manifest, low, high):
    r2 = manifest["metrics"]["r2_train"]
    assert low <= r2 <= high, f"R² {r2:.4f} is outside the agreed band [{low}, {high}]"


@then("its record names the training data with its row count and fingerprint")
def record_names_data(manifest):
    data = manifest["training_data"]
    assert data["file"] == DEFAULT_TRAINING_DATA.name
    assert data["sha256"] == sha256_file(DEFAULT_TRAINING_DATA)
    assert data["rows"] == len(read_training(DEFAULT_TRAINING_DATA))


@then("the R² in its record matches the R² recomputed from the training data")
def r2_recomputed(manifest):
    _, metrics = fit(read_training(DEFAULT_TRAINING_DATA))
    assert abs(manifest["metrics"]["r2_train"] - metrics["r2_train"]) < 1e-12


@when("the model is trained again on the same data", target_fixture="retrained")
def retrain(tmp_path):
    train(DEFAULT_TRAINING_DATA, tmp_path)
    return tmp_path


@then("both models give the same weights and carry the same version")
def same_models(trained_model, retrained):
    first, second = artifact.load(trained_model), artifact.load(retrained)
    assert first.version == second.version
    assert np.array_equal(Scorer(first.estimator).predict(PROBE), Scorer(second.estimator).predict(PROBE))
