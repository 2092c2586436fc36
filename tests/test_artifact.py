"""The artifact refuses anything it cannot verify, with a message that says what is wrong."""

from __future__ import annotations

import json
import shutil

import pytest
import skops.io as sio

from model import artifact
from model.artifact import ArtifactError


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
    manifest = _manifest(model_copy)
    manifest["model_file"] = "../other.skops"
    _write_manifest(model_copy, manifest)
    with pytest.raises(ArtifactError, match="must be a file in the model directory"):
        artifact.load(model_copy)


def test_an_untrusted_type_is_refused_even_with_a_matching_digest(model_copy):
    path = model_copy / artifact.MODEL_FILE
    sio.dump(Impostor(), path)
    manifest = _manifest(model_copy)
    manifest["model_sha256"] = artifact.sha256_file(path)
    _write_manifest(model_copy, manifest)
    with pytest.raises(ArtifactError, match="untrusted type"):
        artifact.load(model_copy)


def test_a_different_sklearn_major_version_warns_with_both_versions(model_copy):
    manifest = _manifest(model_copy)
    manifest["sklearn_version"] = "0.24.2"
    _write_manifest(model_copy, manifest)
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
