"""model.package for a classifier: a model is packaged only if its classes are the declared ones and it gives
probabilities that are probabilities (one line each, nothing written); and the model folder then answers every row as
the model's own skops file does, by class name, whatever order the contract states the classes in. The expected
answers are scikit-learn's ``predict_proba`` on frames built here, its columns named by the estimator's own
``classes_`` (``tests.app.support.own_classes``), never by the code under test."""

from __future__ import annotations

import json
import math
import re
import shutil
from pathlib import Path

import numpy as np
import pytest
from modelgate.contracts.reader import read_contract
from modelgate.model import artifact, checks, served
from modelgate.model.artifact import trusted
from modelgate.model.forms import logistic
from modelgate.model.forms.linear import Column, LinearForm
from modelgate.model.manifest import SERVING_FILE
from modelgate.model.package import PackagingError, package
from modelgate.model.scorer import columns_of
from modelgate.model.train import fit, read_training
from modelgate.steps.support import ROOT, load_script
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression, RidgeClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.tree import DecisionTreeClassifier

from tests.app.support import drawn_rows, own_classes

PENGUINS, CANCER = ROOT / "examples" / "penguins", ROOT / "examples" / "cancer"
DATA = {PENGUINS: PENGUINS / "data" / "penguins.csv", CANCER: CANCER / "data" / "training.csv"}
CATEGORIES = ["island", "sex"]


@pytest.fixture(scope="module")
def penguin():
    """(contract, training data) of the penguins example."""
    contract = read_contract(PENGUINS / "features")
    return contract, read_training(DATA[PENGUINS], contract)


def _prepare(contract) -> ColumnTransformer:
    numbers = [n for n in contract.names if n not in CATEGORIES]
    categories = Pipeline([("fill", SimpleImputer(strategy="most_frequent")), ("onehot", OneHotEncoder(handle_unknown="ignore"))])
    measurements = Pipeline([("fill", SimpleImputer(strategy="median")), ("scale", StandardScaler())])
    return ColumnTransformer([("categories", categories, CATEGORIES), ("measurements", measurements, numbers)])


def _refused(estimator, data, contract, out: Path) -> list[str]:
    with pytest.raises(PackagingError) as raised:
        package(estimator, data, contract, out)
    assert str(raised.value).splitlines() == ["the model cannot be packaged:", *(f"  {p}" for p in raised.value.problems)]
    assert not out.exists() or list(out.iterdir()) == []
    return raised.value.problems


def test_a_model_of_other_classes_than_the_declared_ones_is_refused_naming_both(penguin, tmp_path):
    contract, data = penguin
    two = data.target != "Chinstrap"
    frame = _frame(contract, data, two)
    estimator = Pipeline([("prepare", _prepare(contract)), ("model", LogisticRegression(max_iter=5000))]).fit(
        frame, data.target[two]
    )
    declared = re.search(r"one of (\w+), (\w+) or (\w+)", (PENGUINS / "features" / "model.feature").read_text()).groups()
    assert _refused(estimator, data, contract, tmp_path / "model") == [
        f"the model's classes are Adelie, Gentoo, the contract declares {', '.join(declared)}"
    ]


def test_a_model_whose_classes_are_spelled_otherwise_is_refused(penguin, tmp_path):
    contract, data = penguin
    estimator = Pipeline([("prepare", _prepare(contract)), ("model", LogisticRegression(max_iter=5000))])
    estimator.fit(_frame(contract, data), np.array([label.lower() for label in data.target], dtype=object))
    (problem,) = _refused(estimator, data, contract, tmp_path / "model")
    assert problem == "the model's classes are adelie, chinstrap, gentoo, the contract declares Adelie, Chinstrap, Gentoo"


def test_a_classifier_that_gives_no_probabilities_is_refused(penguin, tmp_path):
    """scikit-learn's LinearSVC is not on the trusted list (sklearn.svm); RidgeClassifier is, and has no predict_proba."""
    assert not trusted("sklearn.svm._classes.LinearSVC") and trusted("sklearn.linear_model._ridge.RidgeClassifier")
    contract, data = penguin
    estimator = Pipeline([("prepare", _prepare(contract)), ("model", RidgeClassifier())]).fit(_frame(contract, data), data.target)
    assert _refused(estimator, data, contract, tmp_path / "pipeline") == [
        "the Pipeline gives no probabilities (predict_proba), which a classifier's contract answers"
    ]
    cancer = read_contract(CANCER / "features")
    training = read_training(DATA[CANCER], cancer)
    bare = RidgeClassifier().fit(_frame(cancer, training), training.target)
    assert _refused(bare, training, cancer, tmp_path / "bare") == [
        "the RidgeClassifier gives no probabilities (predict_proba), which a classifier's contract answers"
    ]


def _tree(contract, data, change) -> Pipeline:
    """A decision tree on the penguins whose leaves' class fractions are changed by ``change`` (in place)."""
    estimator = Pipeline([("prepare", _prepare(contract)), ("model", DecisionTreeClassifier(max_depth=3, random_state=1))])
    estimator.fit(_frame(contract, data), data.target)
    change(estimator.named_steps["model"].tree_.value)  # the tree's own array: predict_proba reads it as it is
    return estimator


@pytest.mark.parametrize(
    "change",
    [
        lambda value: value.__imul__(0.9),
        lambda value: value.__isub__(0.5),
        lambda value: value.__setitem__((slice(None), 0, 0), 1.5),
    ],
    ids=["leaves summing to 0.9", "negative probabilities", "a probability above 1"],
)
def test_a_model_whose_probabilities_are_not_probabilities_is_refused_naming_a_row(penguin, tmp_path, change):
    contract, data = penguin
    estimator = _tree(contract, data, change)
    (problem,) = _refused(estimator, data, contract, tmp_path / "model")
    rows = checks.check_rows(contract, _profiles(contract, data))
    found = estimator.predict_proba(_rows_frame(contract, rows))
    bad = ~np.all((found >= 0) & (found <= 1), axis=1) | (np.abs(found.sum(axis=1) - 1) > 1e-9)
    first = int(np.flatnonzero(bad)[0])
    assert problem == (
        f"the model's probabilities for {rows[first]} are {found[first].tolist()}, not probabilities summing to 1 "
        f"({int(bad.sum())} rows)"
    )


def test_a_model_whose_probabilities_are_not_numbers_is_refused(penguin, tmp_path):
    contract, data = penguin
    estimator = Pipeline([("prepare", _prepare(contract)), ("model", LogisticRegression(max_iter=5000))])
    estimator.fit(_frame(contract, data), data.target)
    estimator.named_steps["model"].coef_[0, 0] = np.nan
    (problem,) = _refused(estimator, data, contract, tmp_path / "model")
    assert problem.startswith("the model's probabilities for {") and "[nan, nan, nan]" in problem, problem


# -- the packaged classifier answers as its skops file does -------------------------------------------------------
def _frame(contract, data, keep=None):
    """The training data's inputs as a frame built here (``keep``: a mask of the rows wanted)."""
    rows = [{n: _value(data.columns[n][i]) for n in contract.names} for i in range(data.rows)]
    return _rows_frame(contract, rows if keep is None else [r for r, k in zip(rows, keep) if k])


def _rows_frame(contract, rows):
    import pandas as pd

    return pd.DataFrame(
        {
            n: np.array(
                [np.nan if r[n] is None else r[n] for r in rows], dtype="float64" if contract.input(n).numeric else object
            )
            for n in contract.names
        },
        columns=contract.names,
    )


def _profiles(contract, data):
    from modelgate.model.profile import profiles

    return profiles(contract, data.columns)


ROWS = 20_000  # drawn here, besides every training and evaluation row of the example


def _asked(model_dir: Path, example: Path) -> list[dict]:
    contract = artifact.load(model_dir).contract
    rows = drawn_rows(contract, ROWS, seed=19)
    for name in (DATA[example], example / "data" / "evaluation.csv"):
        written = read_training(name, contract)
        rows += [{n: _value(written.columns[n][i]) for n in contract.names} for i in range(written.rows)]
    return rows


def _value(found):
    if isinstance(found, float) and np.isnan(found):
        return None
    return float(found) if isinstance(found, int | float | np.floating) else found


def _served_alike(model_dir: Path, rows: list[dict]) -> None:
    """The model folder's every path (the service's loaded form, the batch scorer) answers ``rows`` with the classes
    and the probabilities by name that the skops file itself gives, bit for bit."""
    labels, probabilities = own_classes(artifact.load(model_dir), rows)
    model = served.load(model_dir)
    classes = list(model.contract.output.classes)
    got_labels, got = model.classify_rows(rows)
    assert [dict(zip(classes, p)) for p in got] == probabilities
    assert model.answer_rows(rows) == labels  # the answers alone: the classes
    assert np.array(got, dtype="float64").tobytes() == np.array([list(p.values()) for p in probabilities]).tobytes()
    assert got_labels == labels
    batch = artifact.load(model_dir).scorer().answer_columns(columns_of(model.contract, rows))
    assert batch[model.contract.output.name].tolist() == labels
    for label in classes:
        assert batch[f"probability_{label}"].tolist() == [p[label] for p in probabilities], label


@pytest.mark.parametrize("example", [PENGUINS, CANCER], ids=["penguins", "cancer"])
def test_the_logistic_form_answers_as_predict_proba_bit_for_bit(request, example):
    model_dir = request.getfixturevalue(f"{example.name}_model")
    model = served.load(model_dir)
    assert (model.form, artifact.load(model_dir).manifest.form_note) == (logistic.NAME, "")
    rows = _asked(model_dir, example)
    for spec in model.contract.inputs:  # every category and missing value is among the rows asked
        seen = {row[spec.name] for row in rows}
        assert (None in seen) == spec.missing and (spec.numeric or set(spec.values) <= seen), spec.name
    _served_alike(model_dir, rows)


def test_the_logistic_link_of_two_classes_is_scipys_expit_bit_for_bit():
    # scikit-learn answers two classes with scipy.special.expit of the decision: the form's link must be that function,
    # not one equal to it after rounding (the other side's e^z / (1 + e^z) differs in the last bit at 1 z in 5).
    from scipy.special import expit

    link = logistic.LogisticForm(("no", "yes"), (LinearForm(0.0, (Column("z", 1.0),)),))
    decisions = [*np.linspace(-800.0, 800.0, 160_001).tolist(), -1e308, 1e308, -709.8, 709.8, -5e-324, 5e-324]
    assert np.array([link.raw({"z": z})[1] for z in decisions]).tobytes() == expit(np.array(decisions)).tobytes()
    assert link.raw({"z": -1e308}) == [1.0, 0.0]


def test_the_softmax_of_decisions_far_apart_is_scikit_learns():
    # scikit-learn subtracts the largest decision before exponentiating (sklearn.utils.extmath.softmax): decisions
    # hundreds apart then give 1 and next to nothing, where e to a decision itself would overflow.
    from sklearn.utils.extmath import softmax

    intercepts = [400.0, 0.0, -400.0]
    form = logistic.LogisticForm(("a", "b", "c"), tuple(LinearForm(b, (Column("x", 0.0),)) for b in intercepts))
    assert form.raw({"x": 1.0}) == softmax(np.array([intercepts])).tolist()[0]


def test_a_classifier_contract_of_other_decimals_is_answered_to_them_on_every_path(tmp_path):
    # The features state the decimals; every worked example states 4, so this contract is the cancer example's at 2.
    features = shutil.copytree(CANCER / "features", tmp_path / "features")
    stated = features / "model.feature"
    assert "with the probability of each rounded to 4 decimals" in stated.read_text()
    stated.write_text(stated.read_text().replace("rounded to 4 decimals", "rounded to 2 decimals"))
    contract = read_contract(features)
    package(load_script(CANCER / "train_model.py").fit(), read_training(DATA[CANCER], contract), contract, tmp_path / "model")
    assert json.loads((tmp_path / "model" / SERVING_FILE).read_text())["decimals"] == 2
    assert served.load(tmp_path / "model").form == logistic.NAME
    rows = drawn_rows(contract, 200, seed=2)
    _served_alike(tmp_path / "model", rows)
    _, probabilities = served.load(tmp_path / "model").classify_rows(rows)
    assert all(round(p * 100) / 100 == p for row in probabilities for p in row)  # two decimals, not four


def test_the_binary_example_answers_malignant_from_its_threshold_not_from_a_half(cancer_model):
    rows = _asked(cancer_model, CANCER)
    labels, probabilities = own_classes(artifact.load(cancer_model), rows)
    between = [i for i, p in enumerate(probabilities) if 0.3 <= p["malignant"] < 0.5]
    assert len(between) >= 100, len(between)  # rows a rule of "the most probable" would answer benign
    got_labels, _ = served.load(cancer_model).classify_rows([rows[i] for i in between])
    assert got_labels == ["malignant"] * len(between) == [labels[i] for i in between]


# The classes in another order than scikit-learn's (sorted): each probability must still be that of the class it names.
REORDERED = "one of Gentoo, Adelie or Chinstrap"


@pytest.fixture(scope="module")
def reordered(tmp_path_factory) -> Path:
    """The penguins example packaged under features declaring its classes as Gentoo, Adelie, Chinstrap."""
    folder = tmp_path_factory.mktemp("reordered")
    features = folder / "features"
    shutil.copytree(PENGUINS / "features", features)
    declaring = features / "model.feature"
    text = declaring.read_text()
    assert "one of Adelie, Chinstrap or Gentoo" in text
    declaring.write_text(text.replace("one of Adelie, Chinstrap or Gentoo", REORDERED))
    contract = read_contract(features)
    package(load_script(PENGUINS / "train_model.py").fit(), read_training(DATA[PENGUINS], contract), contract, folder / "model")
    return folder / "model"


def test_classes_declared_in_another_order_are_answered_by_name(reordered):
    """Breaking the class order (probabilities written in the estimator's order, not the contract's) fails here."""
    loaded = artifact.load(reordered)
    assert loaded.contract.output.classes == ("Gentoo", "Adelie", "Chinstrap")
    assert [str(c) for c in loaded.estimator.classes_] == ["Adelie", "Chinstrap", "Gentoo"]
    assert served.load(reordered).form == logistic.NAME
    rows = _asked(reordered, PENGUINS)
    _served_alike(reordered, rows)
    # The rows include penguins of each species as the model answers them, so a swap of any two classes shows.
    labels, _ = own_classes(loaded, rows)
    assert set(labels) == {"Gentoo", "Adelie", "Chinstrap"}


def test_a_model_without_a_form_answers_classes_declared_in_another_order_by_name(reordered, tmp_path):
    """The same through the skops file: a tree has no serving form."""
    contract = artifact.load(reordered).contract
    data = read_training(DATA[PENGUINS], contract)
    tree = Pipeline([("prepare", _prepare(contract)), ("model", DecisionTreeClassifier(max_depth=4, random_state=1))])
    manifest = package(fit(tree, data, contract), data, contract, tmp_path / "model")
    assert manifest.form == "skops" and not (tmp_path / "model" / SERVING_FILE).exists()
    assert served.load(tmp_path / "model").form == served.SKOPS
    _served_alike(tmp_path / "model", drawn_rows(contract, 5_000, seed=20))


def test_the_logistic_form_file_reads_back_as_written(penguins_model, cancer_model):
    for model_dir in (penguins_model, cancer_model):
        data = (model_dir / SERVING_FILE).read_bytes()
        form, version, output = logistic.loads(data, "here")
        written = json.loads(data)
        assert (version, output, written["format"]) == (written["model_version"], written["output"], logistic.FORMAT)
        assert logistic.dumps(form, version, output) == data
        # The probabilities' decimals are the file's, whatever they are.
        assert logistic.loads(json.dumps(written | {"decimals": 6}).encode(), "here")[0].decimals == 6


def _first_column(row: dict, **change) -> dict:
    """A decision row with its first number column changed."""
    first = next(i for i, c in enumerate(row["columns"]) if "ops" in c)
    return row | {"columns": [c | change if i == first else c for i, c in enumerate(row["columns"])]}


def _dropped(key: str):
    return lambda body: {k: v for k, v in body.items() if k != key}


@pytest.mark.parametrize(
    ("example", "change", "problem"),
    [
        ("penguins", lambda body: "{not json", "not a readable serving form \\("),
        ("penguins", lambda body: [body], f"not a serving form of format {re.escape(logistic.FORMAT)}$"),
        (
            "penguins",
            lambda body: body | {"format": "modelgate.logistic/0"},
            f"not a serving form of format {re.escape(logistic.FORMAT)}$",
        ),
        ("penguins", _dropped("decimals"), "the serving form lacks or misstates a field \\('decimals'\\)$"),
        (
            "penguins",
            lambda body: body | {"rows": [{"columns": []}]},
            "the serving form lacks or misstates a field \\('intercept'\\)$",
        ),
        (
            "penguins",
            lambda body: body | {"rows": body["rows"][:1]},
            "the serving form.s numbers must be finite, one decision per class \\(or one for two\\)$",
        ),
        (
            "cancer",
            lambda body: body | {"rows": body["rows"] * 2},
            "the serving form.s numbers must be finite, one decision per class \\(or one for two\\)$",
        ),
        (
            "cancer",
            lambda body: body | {"rows": [body["rows"][0] | {"intercept": math.nan}]},
            "the serving form.s numbers must be finite",
        ),
        (
            "cancer",
            lambda body: body | {"rows": [_first_column(body["rows"][0], coefficient=-math.inf)]},
            "the serving form.s numbers must be finite",
        ),
        (
            "penguins",
            lambda body: body | {"rows": [_first_column(body["rows"][0], ops=[["sub", math.nan]]), *body["rows"][1:]]},
            "the serving form.s numbers must be finite",
        ),
    ],
    ids=[
        "not JSON",
        "not an object",
        "another format",
        "no decimals",
        "no intercept",
        "one decision for three classes",
        "two decisions for two classes",
        "a NaN",
        "an infinite coefficient",
        "a NaN step",
    ],
)
def test_a_logistic_form_file_that_is_not_one_is_refused_naming_it(request, example, change, problem):
    model_dir = request.getfixturevalue(f"{example}_model")
    body = json.loads((model_dir / SERVING_FILE).read_bytes())
    changed = change(body)
    data = changed.encode() if isinstance(changed, str) else json.dumps(changed).encode()
    with pytest.raises(ValueError, match=rf"^here: {problem}"):
        logistic.loads(data, "here")


@pytest.mark.parametrize("model", ["penguins_model", "cancer_model"])
def test_a_classifiers_recorded_coefficients_are_its_logistic_regressions_by_class(request, model):
    """What the manifest records for people to read: each decision function's intercept and coefficients as scikit-learn
    fitted them, labelled by class (for two classes the one decision, of the second class) and by the column the
    preprocessing makes (its own names, ``island_Dream`` for ``island=Dream``)."""
    from modelgate.model.manifest import read_manifest

    folder = request.getfixturevalue(model)
    estimator = artifact.load(folder).estimator
    final, made = estimator[-1], estimator[:-1].get_feature_names_out().tolist()
    columns = [name.split("__", 1)[-1] for name in made]
    classes = [str(c) for c in final.classes_]
    expected = {}
    for label, intercept, weights in zip(classes[1:] if len(classes) == 2 else classes, final.intercept_, final.coef_):
        expected[f"{label}: intercept"] = float(intercept)
        expected |= {f"{label}: {column}": float(w) for column, w in zip(columns, weights)}
    recorded = read_manifest(folder).coefficients
    assert {key.replace("=", "_"): value for key, value in recorded.items()} == expected


@pytest.mark.parametrize("model", ["penguins_model", "cancer_model"])
def test_check_refuses_a_logistic_form_that_answers_any_probability_otherwise(request, model):
    from modelgate.model.forms import derive

    folder = request.getfixturevalue(model)
    loaded = artifact.load(folder)
    form, _, _ = logistic.loads((folder / SERVING_FILE).read_bytes(), "here")
    rows = checks.check_rows(loaded.contract, loaded.manifest.training_data["profile"])
    order = list(loaded.contract.output.classes)
    answers = np.array(form.probabilities(rows, order))  # the packaged form's own: check passes them
    derive.check(form, answers, rows, order)
    first, *others = form.rows
    off = logistic.LogisticForm(form.classes, (LinearForm(first.intercept + 0.5, first.columns), *others), form.decimals)
    with pytest.raises(derive.NoForm, match=r"^the form answers \{.+\} with 0\.[0-9]+, the model with 0\.[0-9]+$"):
        derive.check(off, answers, rows, order)
