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


def _sign(directory):
    """Record the model file's current digest in the manifest, as an attacker with write access would."""
    manifest = _manifest(directory)
    manifest["model_sha256"] = artifact.sha256_file(directory / artifact.MODEL_FILE)
    _write_manifest(directory, manifest)


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
    _sign(model_copy)
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


# Added for issue 6 (supply chain): the remaining ways a model directory can lie.


@pytest.mark.parametrize("elsewhere", ["/etc/passwd", "sub/model.skops", "..", ""])
def test_every_model_file_outside_the_folder_is_refused(model_copy, elsewhere):
    manifest = _manifest(model_copy)
    manifest["model_file"] = elsewhere
    _write_manifest(model_copy, manifest)
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
    manifest = _manifest(model_copy)
    manifest["sklearn_version"] = artifact.sklearn.__version__.split(".")[0] + ".0.0"
    _write_manifest(model_copy, manifest)
    assert artifact.load(model_copy).warnings == []


def test_the_version_warning_reaches_the_batch_user(model_copy, tmp_path, capsys):
    from modelgate.cli import main

    manifest = _manifest(model_copy)
    manifest["sklearn_version"] = "0.24.2"
    _write_manifest(model_copy, manifest)
    source = tmp_path / "in.csv"
    source.write_text("height\n72\n")
    assert main(["score", str(source), str(tmp_path / "out.csv"), "--model", str(model_copy)]) == 0
    err = capsys.readouterr().err
    assert "modelgate: warning: model was trained with scikit-learn 0.24.2" in err and artifact.sklearn.__version__ in err
