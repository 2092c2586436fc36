"""model.artifact (and model.served, the service's loader): loading refuses anything it cannot verify (every file the
manifest signs, every type in the skops file), with one line that says what is wrong."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
import skops.io as sio
from modelgate.contracts.contract import Contract
from modelgate.contracts.reader import read_contract
from modelgate.model import ESTIMATORS, artifact, served
from modelgate.model.artifact import loads_trusted, trusted
from modelgate.model.manifest import CONTRACT_FILE, MANIFEST_FILE, MODEL_FILE, SERVING_FILE, ArtifactError
from modelgate.model.scorer import to_frame
from modelgate.model.train import estimator_for, fit, read_training
from modelgate.steps.support import ROOT
from sklearn.compose import TransformedTargetRegressor
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from modelgate.cli import main

LOADERS = {"artifact.load": artifact.load, "served.load": served.load}
SIGNED = {MODEL_FILE: ("model", "model file"), CONTRACT_FILE: ("contract", "contract"), SERVING_FILE: ("serving", "serving form")}


@pytest.fixture
def model_copy(trained_model, tmp_path) -> Path:
    return shutil.copytree(trained_model, tmp_path / "model")


class Impostor:
    """A type skops does not trust: loading it could run code a model file should never run."""

    n_features_in_ = 1

    def predict(self, x):
        return x


class Accomplice(Impostor):
    """A second untrusted type, so the refusal must name both."""


def _manifest(directory: Path) -> dict:
    return json.loads((directory / MANIFEST_FILE).read_text())


def _rewrite(directory: Path, **fields) -> None:
    (directory / MANIFEST_FILE).write_text(json.dumps(_manifest(directory) | fields))


def _sign(directory: Path, name: str = MODEL_FILE) -> None:
    """Record the file's current digest in the manifest, as an attacker with write access would."""
    key, _ = SIGNED[name]
    _rewrite(directory, **{key: {"file": name, "sha256": hashlib.sha256((directory / name).read_bytes()).hexdigest()}})


def _fitted(estimator):
    x = np.array([[60.0], [65.0], [70.0], [75.0]])
    return estimator.fit(x, -190.0 + 5.0 * x[:, 0])


def test_load_verifies_and_returns_the_estimator_its_contract_and_its_folder(trained_model):
    loaded = artifact.load(str(trained_model))
    assert type(loaded.estimator) is LinearRegression and loaded.estimator.n_features_in_ == 1
    assert loaded.directory == trained_model and loaded.warnings == []
    assert loaded.version == _manifest(trained_model)["model_version"]
    assert loaded.contract == Contract.loads((trained_model / CONTRACT_FILE).read_bytes())
    assert loaded.manifest.inputs == ["height"] and loaded.scorer().order == ["height"]


@pytest.mark.parametrize("how", ["a byte appended", "a prefix-equal digest", "a digest written in capitals"])
@pytest.mark.parametrize("name", SIGNED)
@pytest.mark.parametrize("loader", LOADERS)
def test_loading_verifies_every_signed_file(model_copy, loader, name, how):
    path = model_copy / name
    key, what = SIGNED[name]
    actual = hashlib.sha256(path.read_bytes()).hexdigest()
    if how == "a byte appended":
        path.write_bytes(path.read_bytes() + b" ")
    else:
        _rewrite(model_copy, **{key: {"file": name, "sha256": actual[:40] if how == "a prefix-equal digest" else actual.upper()}})
    with pytest.raises(ArtifactError, match=rf"^{path}: SHA-256 mismatch, the {what} was modified or replaced"):
        LOADERS[loader](model_copy)


@pytest.mark.parametrize("loader", LOADERS)
def test_a_manifest_naming_a_file_outside_its_folder_is_refused(model_copy, loader):
    (model_copy.parent / "other.skops").write_bytes((model_copy / MODEL_FILE).read_bytes())
    _rewrite(model_copy, model={"file": "../other.skops", "sha256": _manifest(model_copy)["model"]["sha256"]})
    with pytest.raises(ArtifactError, match=r"the model file '\.\./other\.skops' must be a file in the model directory"):
        LOADERS[loader](model_copy)


@pytest.mark.parametrize("loader", LOADERS)
def test_an_old_format_manifest_is_refused_in_one_line(model_copy, loader):
    sha = _manifest(model_copy)["model"]["sha256"]
    old = {
        "manifest_version": 1,
        "model_version": "3f2a1b0c9d8e",
        "model_file": MODEL_FILE,
        "model_sha256": sha,
        "features": ["height"],
    }
    (model_copy / MANIFEST_FILE).write_text(json.dumps(old))
    with pytest.raises(ArtifactError) as raised:
        LOADERS[loader](model_copy)
    assert "\n" not in str(raised.value) and "manifest format 1 is not 2" in str(raised.value)


@pytest.mark.parametrize("loader", LOADERS)
def test_a_contract_changed_after_packaging_is_refused_on_load(model_copy, loader):
    path = model_copy / CONTRACT_FILE
    found = json.loads(path.read_text())
    found["inputs"][0]["range"]["high"] = 300.0
    path.write_bytes(Contract.from_dict(found).dumps())
    with pytest.raises(ArtifactError, match="SHA-256 mismatch, the contract was modified or replaced"):
        LOADERS[loader](model_copy)
    _sign(model_copy, CONTRACT_FILE)
    with pytest.raises(ArtifactError, match="was not packaged with this contract"):
        LOADERS[loader](model_copy)


def test_a_serving_form_with_a_changed_coefficient_fails_its_sha_check(model_copy):
    path = model_copy / SERVING_FILE
    body = json.loads(path.read_text())
    body["columns"][0]["coefficient"] += 0.001
    path.write_text(json.dumps(body, indent=2) + "\n")
    for loader in LOADERS.values():
        with pytest.raises(ArtifactError, match=rf"^{path}: SHA-256 mismatch, the serving form was modified or replaced"):
            loader(model_copy)


# How a skops file names one of numpy's ufuncs: numpy.log1p, or where older numpy (2.1) defines it.
UFUNC = r"numpy(?:\._core\._multiarray_umath)?\."

# What is refused, as a pattern of the names the line gives.
UNTRUSTED = {
    "a type of another package": (
        lambda: [Impostor(), Accomplice()],
        re.escape(f"{__name__}.Accomplice, {__name__}.Impostor"),
    ),
    "a FunctionTransformer calling a function": (
        lambda: _fitted(Pipeline([("log", FunctionTransformer(np.log1p)), ("line", LinearRegression())])),
        UFUNC + "log1p",
    ),
    "functions a trusted type would call": (
        lambda: TransformedTargetRegressor(LinearRegression(), func=np.float_power, inverse_func=np.interp, check_inverse=False),
        UFUNC + r"float_power, numpy\.interp",
    ),
}


@pytest.mark.parametrize("case", UNTRUSTED)
def test_an_untrusted_type_is_refused_in_one_line_naming_it_even_with_a_matching_digest(model_copy, case):
    make, named = UNTRUSTED[case]
    path = model_copy / MODEL_FILE
    sio.dump(make(), path)
    _sign(model_copy)
    with pytest.raises(ArtifactError) as raised:
        artifact.load(model_copy)
    assert re.fullmatch(
        re.escape(f"{path}: refusing to load type(s) ")
        + named
        + re.escape(
            ": not on modelgate's trusted list "
            "(linear models, trees and ensembles, Pipeline, ColumnTransformer, imputers, scalers, encoders)"
        ),
        str(raised.value),
    ), str(raised.value)


def test_the_trusted_list_names_numpys_scalar_types_not_its_functions():
    assert [
        n for n in ("numpy.float64", "numpy.int64", "numpy.uint8", "numpy.bool", "numpy.bool_", "numpy.str_") if not trusted(n)
    ] == []
    assert [
        n
        for n in (
            "numpy.interp",
            "numpy.float_power",
            "numpy.integer",
            "numpy.intersect1d",
            "os.system",
            "builtins.eval",
            "_loss.system",
            "_loss.CyHalfSquaredError.__reduce__",
        )
        if trusted(n)
    ] == []


def test_loads_trusted_takes_a_trusted_pipeline():
    pipeline = _fitted(Pipeline([("scale", StandardScaler()), ("line", LinearRegression())]))
    loaded = loads_trusted(sio.dumps(pipeline), "here")
    x = np.array([[62.5], [138.0]])
    assert loaded.predict(x).tobytes() == pipeline.predict(x).tobytes()


@pytest.mark.parametrize("estimator", ESTIMATORS)
def test_every_estimator_modelgate_trains_is_made_of_trusted_types(estimator):
    """Fitted on the diabetes example (numbers and a category: a Pipeline), written by skops and read back."""
    example = ROOT / "examples" / "diabetes"
    contract = read_contract(example / "features")
    data = read_training(example / "data" / "diabetes.csv", contract)
    fitted = fit(estimator_for(contract, estimator), data, contract)
    loaded = loads_trusted(sio.dumps(fitted), "here")
    frame = to_frame(contract, contract.names, data.columns)
    assert type(loaded) is type(fitted) and loaded.predict(frame).tobytes() == fitted.predict(frame).tobytes()


def test_a_corrupt_model_file_with_a_matching_digest_is_refused(model_copy):
    (model_copy / MODEL_FILE).write_bytes(b"PK\x03\x04 not really a skops zip")
    _sign(model_copy)
    with pytest.raises(ArtifactError, match=rf"^{model_copy / MODEL_FILE}: not a readable skops model"):
        artifact.load(model_copy)


@pytest.mark.parametrize(
    ("stored", "problem"),
    [
        (lambda: [1.0, 2.0], r"a list is not a fitted model \(it has no predict\)"),
        (
            lambda: LinearRegression().fit(np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 3.0]]), [1.0, 2.0, 3.0]),
            r"the model takes \?, the manifest says \['height'\]",
        ),
    ],
    ids=["no model", "two inputs"],
)
def test_a_model_file_that_is_not_the_model_the_manifest_describes_is_refused(model_copy, stored, problem):
    sio.dump(stored(), model_copy / MODEL_FILE)
    _sign(model_copy)
    with pytest.raises(ArtifactError, match=problem):
        artifact.load(model_copy)


def test_a_different_scikit_learn_major_version_warns_with_both_versions(model_copy):
    _rewrite(model_copy, libraries=_manifest(model_copy)["libraries"] | {"scikit-learn": "0.24.2"})
    (warning,) = artifact.load(model_copy).warnings
    assert "0.24.2" in warning and artifact.sklearn.__version__ in warning


def test_the_same_major_version_does_not_warn(model_copy):
    major = artifact.sklearn.__version__.split(".")[0]
    _rewrite(model_copy, libraries=_manifest(model_copy)["libraries"] | {"scikit-learn": f"{major}.0.0"})
    assert artifact.load(model_copy).warnings == []


def test_the_version_warning_reaches_the_batch_user(model_copy, tmp_path, capsys):
    _rewrite(model_copy, libraries=_manifest(model_copy)["libraries"] | {"scikit-learn": "0.24.2"})
    source = tmp_path / "in.csv"
    source.write_text("height\n72\n")
    assert main(["score", str(source), str(tmp_path / "out.csv"), "--model", str(model_copy), "--no-progress"]) == 0
    err = capsys.readouterr().err
    assert "modelgate: warning: model was trained with scikit-learn 0.24.2" in err and artifact.sklearn.__version__ in err
