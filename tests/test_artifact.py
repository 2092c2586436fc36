"""The artifact refuses anything it cannot verify, with a message that says what is wrong."""

from __future__ import annotations

import csv
import importlib
import json
import platform
import shutil
from datetime import UTC, datetime

import numpy as np
import pytest
import skops
import skops.io as sio
from modelgate.model import artifact
from modelgate.model.artifact import ArtifactError
from modelgate.model.train import train
from sklearn.linear_model import LinearRegression

from steps.support import TRAINING_DATA


@pytest.fixture
def model_copy(trained_model, tmp_path):
    target = tmp_path / "model"
    shutil.copytree(trained_model, target)
    return target


class Impostor:
    """A type skops does not trust: loading it could run code a model file should never run."""

    n_features_in_ = 1

    def predict(self, x):
        return x


def _manifest(directory):
    return json.loads((directory / artifact.MANIFEST_FILE).read_text())


def _write_manifest(directory, manifest):
    (directory / artifact.MANIFEST_FILE).write_text(json.dumps(manifest))


def _set_in_manifest(directory, **fields):
    """Change fields of the manifest on disk, as anyone with write access could."""
    manifest = _manifest(directory)
    manifest.update(fields)
    _write_manifest(directory, manifest)


def _sign(directory):
    """Record the model file's current digest in the manifest, as an attacker with write access would."""
    _set_in_manifest(directory, model_sha256=artifact.sha256_file(directory / artifact.MODEL_FILE))


def test_load_verifies_and_returns_the_estimator(trained_model):
    loaded = artifact.load(trained_model)
    assert loaded.estimator.n_features_in_ == 1
    assert loaded.warnings == []
    assert loaded.manifest["model_file"] == artifact.MODEL_FILE


def test_manifest_records_what_the_contract_requires(trained_model):
    manifest = _manifest(trained_model)
    for key in ("model_sha256", "sklearn_version", "python_version", "created_at", "model_version"):
        assert manifest[key]
    assert set(manifest["training_data"]) >= {"sha256", "rows"}
    assert 0 < manifest["metrics"]["r2_train"] < 1


def test_a_tampered_model_file_is_refused(model_copy):
    path = model_copy / artifact.MODEL_FILE
    path.write_bytes(path.read_bytes() + b"\0")
    with pytest.raises(ArtifactError, match="SHA-256 mismatch"):
        artifact.load(model_copy)


def test_a_manifest_pointing_elsewhere_is_refused(model_copy):
    _set_in_manifest(model_copy, model_file="../other.skops")
    with pytest.raises(ArtifactError, match="must be a file in the model directory"):
        artifact.load(model_copy)


class Accomplice(Impostor):
    """A second untrusted type, so the refusal must name both."""


def test_every_untrusted_type_is_named(model_copy):
    sio.dump([Impostor(), Accomplice()], model_copy / artifact.MODEL_FILE)
    _sign(model_copy)
    named = r"untrusted type\(s\) tests\.test_artifact\.Accomplice, tests\.test_artifact\.Impostor;"
    with pytest.raises(ArtifactError, match=named):
        artifact.load(model_copy)


def test_an_untrusted_type_is_refused_even_with_a_matching_digest(model_copy):
    path = model_copy / artifact.MODEL_FILE
    sio.dump(Impostor(), path)
    _sign(model_copy)
    with pytest.raises(ArtifactError, match="untrusted type"):
        artifact.load(model_copy)


def test_a_different_sklearn_major_version_warns_with_both_versions(model_copy):
    _set_in_manifest(model_copy, sklearn_version="0.24.2")
    (warning,) = artifact.load(model_copy).warnings
    assert "0.24.2" in warning and artifact.sklearn.__version__ in warning


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: shutil.rmtree(d), "no model directory"),
        (lambda d: (d / artifact.MANIFEST_FILE).unlink(), "manifest missing"),
        (lambda d: (d / artifact.MANIFEST_FILE).write_text("{not json"), "not valid JSON"),
        (lambda d: (d / artifact.MODEL_FILE).unlink(), "model file named by the manifest is missing"),
    ],
)
def test_a_broken_model_directory_says_what_is_broken(model_copy, damage, message):
    damage(model_copy)
    with pytest.raises(ArtifactError, match=message):
        artifact.load(model_copy)


def test_an_unreadable_manifest_is_an_artifact_error_not_a_traceback(model_copy):
    # A directory where the file should be stands in for a file the user may not read (root reads any file).
    (model_copy / artifact.MANIFEST_FILE).unlink()
    (model_copy / artifact.MANIFEST_FILE).mkdir()
    with pytest.raises(ArtifactError, match="cannot read the manifest"):
        artifact.load(model_copy)


# Added for issue 6 (supply chain): the remaining ways a model directory can lie.


@pytest.mark.parametrize("elsewhere", ["/etc/passwd", "sub/model.skops", "..", ""])
def test_every_model_file_outside_the_folder_is_refused(model_copy, elsewhere):
    _set_in_manifest(model_copy, model_file=elsewhere)
    with pytest.raises(ArtifactError, match=r"must be a file in the model directory|model file named by the manifest is missing"):
        artifact.load(model_copy)


@pytest.mark.parametrize("text", ["null", "[]", '"model_file"', "42"])
def test_a_manifest_that_is_not_an_object_is_refused(model_copy, text):
    (model_copy / artifact.MANIFEST_FILE).write_text(text)
    with pytest.raises(ArtifactError, match="manifest"):
        artifact.load(model_copy)


def test_a_corrupt_model_file_with_a_matching_digest_is_refused(model_copy):
    path = model_copy / artifact.MODEL_FILE
    path.write_bytes(b"PK\x03\x04 not really a skops zip")
    _sign(model_copy)
    with pytest.raises(ArtifactError, match="not a readable skops model"):
        artifact.load(model_copy)


def test_the_same_major_version_does_not_warn(model_copy):
    _set_in_manifest(model_copy, sklearn_version=artifact.sklearn.__version__.split(".")[0] + ".0.0")
    assert artifact.load(model_copy).warnings == []


def test_the_version_warning_reaches_the_batch_user(model_copy, tmp_path, capsys):
    from modelgate.cli import main

    _set_in_manifest(model_copy, sklearn_version="0.24.2")
    source = tmp_path / "in.csv"
    source.write_text("height\n72\n")
    assert main(["score", str(source), str(tmp_path / "out.csv"), "--model", str(model_copy)]) == 0
    err = capsys.readouterr().err
    assert "modelgate: warning: model was trained with scikit-learn 0.24.2" in err and artifact.sklearn.__version__ in err


# Added for issue 9 (mutation testing): what save writes, checked against facts computed here.


def _least_squares(path):
    """Slope and intercept of the training CSV by the closed form, independently of model/train.py."""
    with path.open(newline="", encoding="utf-8") as handle:
        rows = [(float(r["height"]), float(r["weight"])) for r in csv.DictReader(handle)]
    x, y = np.array(rows).T
    slope = ((x - x.mean()) * (y - y.mean())).sum() / ((x - x.mean()) ** 2).sum()
    return slope, y.mean() - slope * x.mean()


def test_a_saved_manifest_says_what_was_trained_with_what_and_when(tmp_path):
    out = tmp_path / "not" / "yet" / "there"
    before = datetime.now(UTC).replace(microsecond=0)
    manifest = train(TRAINING_DATA, out)
    after = datetime.now(UTC)
    assert _manifest(out) == manifest
    assert set(manifest) == {
        "manifest_version", "model_version", "model_file", "model_sha256", "serving_file", "serving_sha256",
        "model_type", "features", "target",
        "coefficients", "metrics", "training_data", "sklearn_version", "skops_version", "python_version", "created_at",
    }  # fmt: skip
    assert manifest["manifest_version"] == 1
    header = TRAINING_DATA.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert [*manifest["features"], manifest["target"]] == header
    slope, intercept = _least_squares(TRAINING_DATA)
    assert manifest["coefficients"] == pytest.approx({"slope": slope, "intercept": intercept}, rel=1e-9)
    module, _, name = manifest["model_type"].rpartition(".")
    assert type(artifact.load(out).estimator) is getattr(importlib.import_module(module), name)
    assert (manifest["skops_version"], manifest["python_version"]) == (skops.__version__, platform.python_version())
    created = datetime.fromisoformat(manifest["created_at"])
    assert created.tzinfo is not None and before <= created <= after


def test_the_model_version_names_what_the_model_computes(tmp_path):
    training = {"file": "w.csv", "sha256": "0" * 64, "rows": 3}
    heights = [[60.0], [70.0], [80.0]]
    line = LinearRegression().fit(heights, [100.0, 150.0, 200.0])
    steeper = LinearRegression().fit(heights, [100.0, 150.0, 201.0])

    def version(estimator, name, data=training):
        return artifact.save(estimator, tmp_path / name, training=data, metrics={})["model_version"]

    same = version(line, "a")
    assert version(line, "b") == same
    assert len({same, version(steeper, "c"), version(line, "d", {**training, "sha256": "1" * 64})}) == 3


def test_load_returns_the_directory_it_verified(trained_model):
    assert artifact.load(str(trained_model)).directory == trained_model


UNFITTED = LinearRegression()
TWO_FEATURES = LinearRegression().fit([[1.0, 2.0], [2.0, 1.0], [3.0, 3.0]], [1.0, 2.0, 3.0])


@pytest.mark.parametrize("estimator", [UNFITTED, TWO_FEATURES], ids=["unfitted", "two features"])
def test_a_model_that_is_not_a_fitted_one_feature_regressor_is_refused(model_copy, estimator):
    sio.dump(estimator, model_copy / artifact.MODEL_FILE)
    _sign(model_copy)
    with pytest.raises(ArtifactError, match="not a fitted one-feature scikit-learn regressor"):
        artifact.load(model_copy)


@pytest.mark.parametrize("keys", [["model_file"], ["model_sha256"], ["sklearn_version"], ["model_sha256", "sklearn_version"]])
def test_a_manifest_without_a_required_field_names_each(model_copy, keys):
    manifest = _manifest(model_copy)
    for key in keys:
        del manifest[key]
    _write_manifest(model_copy, manifest)
    with pytest.raises(ArtifactError, match=f"manifest lacks {', '.join(keys)}$"):
        artifact.load(model_copy)


def test_a_manifest_that_is_a_list_says_so(model_copy):
    (model_copy / artifact.MANIFEST_FILE).write_text("[]")
    with pytest.raises(ArtifactError, match="must be a JSON object, got list"):
        artifact.load(model_copy)
