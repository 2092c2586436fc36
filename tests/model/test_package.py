"""model.package (and model.train's reader): a model is packaged only if it takes exactly the contract's inputs,
answers every accepted row with a number, and was trained on data the contract accepts; each problem is one line
naming the feature file and line, or the data's row, and nothing is written. What the manifest records is checked
against an independent computation: the metrics by hand over the model's own answers, the cross-validation with folds
made here, clones refitted here."""

from __future__ import annotations

import csv
import hashlib
import math
import platform
import re
import shutil
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sklearn
import skops
import skops.io as sio
from modelgate.contracts.errors import ContractViolation
from modelgate.contracts.reader import read_contract
from modelgate.model import artifact, checks
from modelgate.model.manifest import SERVING_FILE, ArtifactError, read_manifest
from modelgate.model.metrics import CV_FOLDS, CV_SEED
from modelgate.model.package import PackagingError, package
from modelgate.model.train import fit, read_training
from modelgate.steps.support import FEATURES, ROOT, TRAINING_DATA, load_script, train_into
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder

from modelgate.cli import main
from tests.contracts.folders import agreed, declaration, write_features
from tests.model import penguins
from tests.model.support import cv_folds


def _declared_at(features: Path, name: str) -> str:
    """``<file>, line N`` of the inputs table's row for ``name``, found in the feature file's text."""
    path = features / "model.feature"
    (line,) = [i for i, text in enumerate(path.read_text().splitlines(), start=1) if text.strip().startswith(f"| {name} ")]
    return f"{path}, line {line}"


@pytest.fixture(scope="module")
def penguin(tmp_path_factory):
    """(contract, training data, features) of the penguin model."""
    folder = tmp_path_factory.mktemp("penguin")
    features = penguins.features(folder / "features")
    contract = read_contract(features)
    return contract, read_training(penguins.data(folder / "penguins.csv"), contract), features


@pytest.fixture(scope="module")
def bundled():
    contract = read_contract(FEATURES)
    return contract, read_training(TRAINING_DATA, contract)


def test_a_model_taking_an_input_the_contract_does_not_declare_is_refused(bundled, tmp_path):
    contract, data = bundled
    frame = pd.DataFrame({"height": data.columns["height"], "age": np.arange(data.rows, dtype="float64")})
    estimator = LinearRegression().fit(frame, data.target)
    with pytest.raises(PackagingError) as raised:
        package(estimator, data, contract, tmp_path / "model")
    assert raised.value.problems == [
        f"{_declared_at(FEATURES, 'height')}: the model needs input 'age', which the contract does not declare"
    ]
    assert not (tmp_path / "model").exists()


def test_a_model_lacking_inputs_the_contract_declares_is_refused_naming_each(penguin, tmp_path):
    contract, data, features = penguin
    kept = ["flipper_length_mm", "year"]
    estimator = LinearRegression().fit(pd.DataFrame({n: data.columns[n] for n in kept}), data.target)
    with pytest.raises(PackagingError) as raised:
        package(estimator, data, contract, tmp_path / "model")
    assert raised.value.problems == [
        f"{_declared_at(features, n)}: the contract declares input {n!r}, which the model does not take"
        for n in penguins.NAMES
        if n not in kept
    ]
    assert str(raised.value).splitlines() == ["the model cannot be packaged:", *(f"  {p}" for p in raised.value.problems)]
    assert not (tmp_path / "model").exists()


def test_a_model_fitted_on_unnamed_columns_must_take_as_many_as_the_contract_declares(penguin, tmp_path):
    contract, data, features = penguin
    estimator = LinearRegression().fit(np.c_[data.columns["flipper_length_mm"], data.columns["year"]], data.target)
    with pytest.raises(PackagingError) as raised:
        package(estimator, data, contract, tmp_path / "model")
    assert raised.value.problems == [
        f"{_declared_at(features, 'island')}: the contract declares 5 inputs, the model takes 2 (unnamed)"
    ]


def _copy_with(tmp_path: Path, source: Path, changes: dict[int, dict[str, str]]) -> Path:
    """``source`` with the cells of some data rows (1-based) changed."""
    with source.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row, cells in changes.items():
        rows[row - 1].update(cells)
    path = tmp_path / source.name
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_training_data_outside_the_declared_values_stops_naming_each_row(tmp_path):
    contract = read_contract(FEATURES)
    path = _copy_with(tmp_path, TRAINING_DATA, {3: {"height": "45"}, 7: {"weight": "heavy"}, 9: {"height": ""}})
    with pytest.raises(ContractViolation) as raised:
        read_training(path, contract)
    message = str(raised.value)
    assert "\n" not in message and message.startswith(f"{path}: 3 bad value(s): ")
    assert "line 4 (row 3), column 'height': greater than 45 inches, got 45.0" in message
    assert "line 8 (row 7), column 'weight': is_number, got 'heavy'" in message
    assert "line 10 (row 9), column 'height': not_nullable, got nan" in message


def test_penguin_data_outside_the_declared_categories_and_years_stops_naming_each_row(tmp_path):
    features = penguins.features(tmp_path / "features")
    path = _copy_with(
        tmp_path, penguins.data(tmp_path / "source.csv"), {2: {"island": "Mars"}, 5: {"year": "2010"}, 6: {"year": "2008.5"}}
    )
    with pytest.raises(ContractViolation) as raised:
        read_training(path, read_contract(features))
    message = str(raised.value)
    assert "line 3 (row 2), column 'island': one of Biscoe, Dream, Torgersen, got 'Mars'" in message
    assert "line 6 (row 5), column 'year': at most 2009, got 2010.0" in message
    assert "line 7 (row 6), column 'year': a whole number, got 2008.5" in message


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("height,weight\n60,110\n70,160\n", "needs at least 3 rows to fit a model, found 2"),
        ("height\n60\n70\n80\n", "header must name columns ['height', 'weight']; missing ['weight'], found ['height']"),
        ("", "not a readable CSV"),
    ],
)
def test_training_data_the_model_cannot_be_fitted_on_is_named(tmp_path, text, problem):
    path = tmp_path / "data.csv"
    path.write_text(text)
    with pytest.raises(ContractViolation) as raised:
        read_training(path, read_contract(FEATURES))
    assert str(raised.value).startswith(f"{path}: ") and problem in str(raised.value)


def test_a_model_that_cannot_answer_an_accepted_missing_value_stops(penguin, tmp_path):
    """A LinearRegression with no imputer, for an input that may be missing: scikit-learn refuses such a row."""
    _, data, _ = penguin
    contract = read_contract(_numbers_only(tmp_path))
    training = read_training(_numbers_data(tmp_path, data), contract)
    known = ~np.isnan(training.columns["bill_length_mm"])
    frame = pd.DataFrame({n: training.columns[n][known] for n in contract.names})
    estimator = LinearRegression().fit(frame, training.target[known])
    with pytest.raises(PackagingError) as raised:
        package(estimator, training, contract, tmp_path / "model")
    (problem,) = raised.value.problems
    assert problem.startswith("the model cannot answer every row the contract accepts: ") and "NaN" in problem
    assert not (tmp_path / "model").exists()


def _numbers_only(tmp_path: Path) -> Path:
    """The penguin features without the categories: every input a number, the bill's length possibly missing."""
    inputs = [row for row in penguins.INPUTS if row[3] != "category"]
    names = [row[0] for row in inputs]
    golden = [(*names, penguins.OUTPUT), ("45.2", "215", "2008", "4750")]
    return write_features(
        tmp_path / "numbers",
        {
            "model.feature": declaration(inputs, penguins.OUTPUT, penguins.UNIT, 1),
            "scoring.feature": agreed(golden, penguins.OUTPUT, "grams", "0.5"),
        },
    )


def _numbers_data(tmp_path: Path, data) -> Path:
    path = tmp_path / "numbers.csv"
    frame = pd.DataFrame({n: data.columns[n] for n in ("bill_length_mm", "flipper_length_mm", "year")})
    frame[penguins.OUTPUT] = data.target
    frame.to_csv(path, index=False, na_rep="", lineterminator="\n")
    return path


def test_a_model_that_answers_no_number_for_an_accepted_row_stops_naming_the_row(bundled, tmp_path):
    contract, data = bundled
    estimator = fit(LinearRegression(), data, contract)
    estimator.coef_ = np.array([math.inf])
    with pytest.raises(PackagingError) as raised:
        package(estimator, data, contract, tmp_path / "model")
    (problem,) = raised.value.problems
    first = contract.golden[0].values[0]
    rows = len(checks.check_rows(contract, _profiles(data, contract)))
    assert problem == f"the model answers inf for {{'height': {first!r}}} ({rows} accepted rows)"
    assert not (tmp_path / "model").exists()


def _profiles(data, contract):
    from modelgate.model.profile import profiles

    return profiles(contract, data.columns)


def test_a_passthrough_column_is_the_identity_and_keeps_the_linear_form(penguin, tmp_path):
    """A ColumnTransformer's "passthrough" is a FunctionTransformer calling nothing once fitted: trusted, and linear."""
    contract, data, _ = penguin
    prepare = ColumnTransformer(
        [("numbers", "passthrough", ["flipper_length_mm", "year"]), ("island", OneHotEncoder(), ["island"])]
    )
    estimator = fit(Pipeline([("prepare", prepare), ("model", LinearRegression())]), data, contract)
    manifest = package(estimator, data, contract, tmp_path / "model")
    assert manifest.form == "linear", manifest.form_note
    assert {c for c in manifest.coefficients} == {
        "intercept",
        "flipper_length_mm",
        "year",
        "island=Biscoe",
        "island=Dream",
        "island=Torgersen",
    }


def test_a_model_holding_an_untrusted_type_is_not_packaged(penguin, tmp_path):
    """A FunctionTransformer that calls a function: the function is a type of its own in the skops file, refused."""
    contract, data, _ = penguin
    prepare = ColumnTransformer([("numbers", FunctionTransformer(np.log1p), ["flipper_length_mm", "year"])])
    estimator = fit(Pipeline([("prepare", prepare), ("model", LinearRegression())]), data, contract)
    with pytest.raises(ArtifactError) as raised:
        package(estimator, data, contract, tmp_path / "model")
    # numpy.log1p, or where older numpy (2.1) defines it
    refused = r"the Pipeline to package: refusing to load type\(s\) numpy(\._core\._multiarray_umath)?\.log1p: "
    assert re.match(refused, str(raised.value)), str(raised.value)
    assert list((tmp_path / "model").glob("*")) == []


# -- what the manifest records --------------------------------------------------------------------------------------
def _training_frame(path: Path, contract) -> tuple[pd.DataFrame, np.ndarray]:
    """The training CSV as scikit-learn takes it, read here: numbers as floats, blank cells as NaN."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame = pd.DataFrame(
        {
            i.name: raw[i.name].replace("", np.nan).astype("float64")
            if i.numeric
            else raw[i.name].replace("", np.nan).astype(object)
            for i in contract.inputs
        }
    )
    return frame, raw[contract.output.name].astype("float64").to_numpy()


def _errors(actual: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    misses = [float(a - p) for a, p in zip(actual, predicted)]
    mean = math.fsum(actual) / len(actual)
    return {
        "r2": 1 - math.fsum(m * m for m in misses) / math.fsum((a - mean) ** 2 for a in actual),
        "rmse": math.sqrt(math.fsum(m * m for m in misses) / len(misses)),
        "mae": math.fsum(abs(m) for m in misses) / len(misses),
    }


@pytest.fixture(scope="module")
def penguin_model(tmp_path_factory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("penguin-model")
    features, data = penguins.features(folder / "features"), penguins.data(folder / "penguins.csv")
    contract = read_contract(features)
    training = read_training(data, contract)
    package(fit(penguins.pipeline(), training, contract), training, contract, folder / "model")
    return folder / "model", data


@pytest.mark.parametrize("which", ["bundled", "penguin"])
def test_the_recorded_metrics_are_those_computed_here(trained_model, penguin_model, which):
    model_dir, data = (trained_model, TRAINING_DATA) if which == "bundled" else penguin_model
    loaded = artifact.load(model_dir)
    frame, target = _training_frame(data, loaded.contract)
    frame = frame[loaded.manifest.inputs]
    recorded = loaded.manifest.metrics
    train = _errors(target, loaded.estimator.predict(frame))
    assert {k: recorded[f"{k}_train"] for k in train} == pytest.approx(train, rel=1e-9)
    predicted = np.empty(len(target))
    for held in cv_folds(len(target)):
        kept = np.setdiff1d(np.arange(len(target)), held)
        predicted[held] = clone(loaded.estimator).fit(frame.iloc[kept], target[kept]).predict(frame.iloc[held])
    cv = recorded["cv"]
    assert (cv["folds"], cv["seed"]) == (CV_FOLDS, CV_SEED)
    assert {k: cv[k] for k in ("r2", "rmse", "mae")} == pytest.approx(_errors(target, predicted), rel=1e-9)
    assert cv["mae"] > recorded["mae_train"]  # rows a fold's model never saw are answered worse


def test_the_manifest_records_what_was_packaged_from_what_and_when(bundled, tmp_path):
    contract, data = bundled
    before = datetime.now(UTC).replace(microsecond=0)
    estimator = fit(LinearRegression(), data, contract)
    manifest = package(estimator, data, contract, tmp_path / "not" / "yet" / "there")
    after = datetime.now(UTC)
    assert read_manifest(tmp_path / "not" / "yet" / "there") == manifest
    assert manifest.model_type == "sklearn.linear_model._base.LinearRegression" and manifest.inputs == ["height"]
    assert manifest.output == "weight" and manifest.form == "linear" and manifest.serving.file == SERVING_FILE
    with TRAINING_DATA.open(encoding="utf-8") as handle:
        rows = sum(1 for _ in handle) - 1
    recorded = manifest.training_data
    assert (recorded["file"], recorded["sha256"], recorded["rows"]) == (
        TRAINING_DATA.name,
        hashlib.sha256(TRAINING_DATA.read_bytes()).hexdigest(),
        rows,
    )
    assert manifest.features == {
        p.relative_to(FEATURES).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in FEATURES.rglob("*.feature")
    }
    assert manifest.libraries == {
        "scikit-learn": sklearn.__version__,
        "skops": skops.__version__,
        "python": platform.python_version(),
    }
    created = datetime.fromisoformat(manifest.created_at)
    assert created.tzinfo is not None and before <= created <= after
    rows_checked = checks.check_rows(contract, recorded["profile"])
    answers = np.round(estimator.predict(pd.DataFrame({"height": [r["height"] for r in rows_checked]})), 4)
    assert manifest.answers_sha256 == hashlib.sha256(answers.tobytes()).hexdigest()
    assert manifest.coefficients == {"intercept": float(estimator.intercept_), "height": float(estimator.coef_[0])}


def _version(tmp_path: Path, name: str, features: Path = FEATURES, data: Path = TRAINING_DATA, estimator: str = "linear") -> str:
    return read_manifest(train_into(tmp_path / name, features, data, estimator)).model_version


def test_the_model_version_is_what_the_model_computes_under_its_contract(tmp_path):
    same = _version(tmp_path, "a")
    assert _version(tmp_path, "b") == same
    shutil.copytree(FEATURES, tmp_path / "elsewhere")
    assert _version(tmp_path, "c", features=tmp_path / "elsewhere") == same  # where the features are is no fact
    quality = tmp_path / "elsewhere" / "quality.feature"
    quality.write_text(quality.read_text().replace("is between 0.60 and 0.95", "is between 0.50 and 0.95"))
    assert _version(tmp_path, "d", features=tmp_path / "elsewhere") != same
    fewer = tmp_path / "fewer.csv"
    fewer.write_text("".join(TRAINING_DATA.read_text().splitlines(keepends=True)[:-1]))
    assert _version(tmp_path, "e", data=fewer) != same
    assert _version(tmp_path, "f", estimator="ridge") != same


def test_packaging_a_model_with_no_form_over_one_with_a_form_removes_the_old_form(tmp_path):
    model = train_into(tmp_path / "model", FEATURES, TRAINING_DATA)
    assert (model / SERVING_FILE).exists()
    train_into(model, FEATURES, TRAINING_DATA, "gradient-boosting")
    assert not (model / SERVING_FILE).exists() and read_manifest(model).serving is None
    assert artifact.load(model).manifest.form == "skops"


def test_a_model_fitted_outside_modelgate_is_packaged_by_the_command(tmp_path, capsys):
    example = ROOT / "examples" / "diabetes"
    fitted = load_script(example / "train_model.py").fit(example / "data" / "diabetes.csv")
    sio.dump(fitted, tmp_path / "fitted.skops")
    args = ["package", str(tmp_path / "fitted.skops"), "--data", str(example / "data" / "diabetes.csv")]
    assert main([*args, "--features", str(example / "features"), "--out", str(tmp_path / "model")]) == 0
    manifest = read_manifest(tmp_path / "model")
    assert f"wrote {tmp_path / 'model'}/ (model {manifest.model_version})" in capsys.readouterr().out
    assert manifest.model_type == "sklearn.pipeline.Pipeline" and manifest.form == "linear"
    assert manifest.inputs == read_contract(example / "features").names


@pytest.mark.parametrize("estimator", ["linear", "random-forest"])
def test_a_yes_no_input_that_is_never_missing_is_trained_and_packaged(tmp_path, estimator):
    """Found by fuzz/test_differential.py: a Pipeline imputes a yes/no input, and scikit-learn's imputer refuses to be
    fitted on a boolean column, which a yes/no column with no missing value is."""
    inputs = [("size", "", "cm", "number", "from 0 to 10", "no"), ("wild", "", "", "yes/no", "yes or no", "no")]
    folder = write_features(
        tmp_path / "features",
        {
            "model.feature": declaration(inputs, "mass", "grams", 1),
            "scoring.feature": agreed([("size", "wild", "mass"), ("2", "yes", "40")], "mass", "grams", "1000"),
        },
    )
    rows = [(size, wild, 3 * size + (5 if wild == "yes" else 0)) for size in range(1, 10) for wild in ("yes", "no")]
    data = tmp_path / "train.csv"
    data.write_text("size,wild,mass\n" + "".join(f"{s},{w},{m}\n" for s, w, m in rows), encoding="utf-8")
    model = train_into(tmp_path / "model", folder, data, estimator)
    scorer = artifact.load(model).scorer()
    answers = scorer.predict_rows([{"size": 2.0, "wild": True}, {"size": 2.0, "wild": False}]).tolist()
    assert answers[0] > answers[1]  # the wild ones are heavier, as in every training row
