"""model.forms: the linear serving form answers bit for bit as the scikit-learn estimator it was derived from (the
bundled one-number line, and a Pipeline of imputers, a scaler, a one-hot encoder and a Ridge over categories and
missing values); an estimator with no exact form gets none, with the reason; and the form's file reads back as written.
The estimator's answers are asked of scikit-learn here, on frames built here."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from modelgate.contracts.reader import read_contract
from modelgate.model import artifact, checks, served
from modelgate.model.forms import derive, linear
from modelgate.model.forms.derive import NoForm
from modelgate.model.manifest import SERVING_FILE, read_manifest
from modelgate.model.package import package
from modelgate.model.train import fit, read_training
from modelgate.steps.support import FEATURES, TRAINING_DATA, train_into
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestRegressor
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, MinMaxScaler, OneHotEncoder, PolynomialFeatures, StandardScaler
from sklearn.tree import DecisionTreeRegressor

from tests.model import penguins


def _frame(contract, order: list[str], rows: list[dict]) -> pd.DataFrame:
    """Rows as scikit-learn was fitted on them: numbers float64, categories objects, NaN for a missing value."""
    columns = {}
    for name in order:
        values = [row[name] for row in rows]
        if contract.input(name).numeric:
            columns[name] = np.array([np.nan if v is None else v for v in values], dtype="float64")
        else:
            columns[name] = np.array([np.nan if v is None else v for v in values], dtype=object)
    return pd.DataFrame(columns, columns=order)


def _sklearn(estimator, contract, order, rows) -> np.ndarray:
    """scikit-learn's own answers, rounded as numpy rounds to the contract's decimals."""
    return np.round(np.asarray(estimator.predict(_frame(contract, order, rows)), dtype="float64"), contract.output.decimals)


@pytest.fixture(scope="module")
def penguin(tmp_path_factory) -> tuple[Path, Path, Path]:
    """(features, data, model folder) of the penguin Pipeline."""
    folder = tmp_path_factory.mktemp("penguin")
    features, data = penguins.features(folder / "features"), penguins.data(folder / "penguins.csv")
    contract = read_contract(features)
    training = read_training(data, contract)
    package(fit(penguins.pipeline(), training, contract), training, contract, folder / "model")
    return features, data, folder / "model"


def test_the_bundled_line_answers_as_scikit_learn_bit_for_bit(trained_model):
    model = served.load(trained_model)
    loaded = artifact.load(trained_model)
    assert model.form == linear.NAME and model.single is not None
    rng = np.random.default_rng(14)
    rows = checks.check_rows(model.contract, model.profiles)
    heights = [r["height"] for r in rows] + np.arange(0.5, 300.0, 0.05).tolist() + rng.uniform(1e-9, 300.0, 20_000).tolist()
    expected = np.round(loaded.estimator.predict(pd.DataFrame({"height": heights})), loaded.contract.output.decimals)
    assert np.array(model.single(heights), dtype="float64").tobytes() == expected.tobytes()
    assert np.array(model.answer_rows([{"height": h} for h in heights]), dtype="float64").tobytes() == expected.tobytes()
    assert loaded.scorer().predict({"height": np.array(heights)}).tobytes() == expected.tobytes()


def test_the_penguin_pipeline_answers_as_scikit_learn_bit_for_bit(penguin):
    _, _, model_dir = penguin
    model, loaded = served.load(model_dir), artifact.load(model_dir)
    assert (model.form, loaded.manifest.form, loaded.manifest.form_note) == (linear.NAME, linear.NAME, "")
    rows = checks.check_rows(model.contract, model.profiles)
    assert {r["sex"] for r in rows} == {"female", "male", None} and any(r["bill_length_mm"] is None for r in rows)
    expected = _sklearn(loaded.estimator, loaded.contract, loaded.manifest.inputs, rows)
    assert np.array(model.answer_rows(rows), dtype="float64").tobytes() == expected.tobytes()
    assert model.single is None
    form, _, _ = linear.loads((model_dir / SERVING_FILE).read_bytes(), "here")
    unrounded = loaded.estimator.predict(_frame(loaded.contract, loaded.manifest.inputs, rows[:2000]))
    assert [form.raw(r) for r in rows[:2000]] == pytest.approx(unrounded.tolist(), rel=1e-12)


def test_the_penguin_form_lists_every_column_the_pipeline_makes_with_its_coefficient(penguin):
    _, _, model_dir = penguin
    estimator = artifact.load(model_dir).estimator
    form, _, _ = linear.loads((model_dir / SERVING_FILE).read_bytes(), "here")
    ridge = estimator.named_steps["model"]
    assert [c.coefficient for c in form.columns] == ridge.coef_.tolist() and form.intercept == float(ridge.intercept_)
    made = estimator.named_steps["prepare"].get_feature_names_out().tolist()
    assert [f"{c.input}_{c.equals}" if c.indicator else c.input for c in form.columns] == [m.split("__", 1)[1] for m in made]
    coefficients = read_manifest(model_dir).coefficients
    assert coefficients == form.coefficients and set(coefficients) >= {"intercept", "island=Dream", "sex=female", "year"}


def _min_max_and_a_dropped_category() -> Pipeline:
    bill = Pipeline([("fill", SimpleImputer(strategy="mean")), ("scale", MinMaxScaler())])
    categories = Pipeline(
        [("fill", SimpleImputer(strategy="constant", fill_value="male")), ("onehot", OneHotEncoder(drop="first"))]
    )
    prepare = ColumnTransformer(
        [
            ("bill", bill, ["bill_length_mm"]),
            ("scaled", StandardScaler(with_mean=False), ["flipper_length_mm", "year"]),
            ("categories", categories, ["island", "sex"]),
        ]
    )
    return Pipeline([("prepare", prepare), ("model", LinearRegression())])


def _a_missing_category_of_its_own() -> Pipeline:
    numbers = SimpleImputer(strategy="median")
    prepare = ColumnTransformer(
        [
            ("numbers", numbers, ["bill_length_mm", "flipper_length_mm", "year"]),
            ("categories", OneHotEncoder(handle_unknown="ignore"), ["island", "sex"]),
        ]
    )
    return Pipeline([("prepare", prepare), ("model", Ridge(alpha=3.0))])


def _imputed(strategy: str, *steps) -> Pipeline:
    """A missing value filled by ``strategy``, then ``steps``."""
    return Pipeline([("fill", SimpleImputer(strategy=strategy)), *((f"step{i}", step) for i, step in enumerate(steps))])


def _filled(*steps) -> Pipeline:
    """The median for a missing number, then ``steps``."""
    return _imputed("median", *steps)


def _chosen(*steps) -> Pipeline:
    """The most frequent value for a missing category, then ``steps``."""
    return _imputed("most_frequent", *steps)


def _by_position_and_slice_an_identity_and_the_rest_passed_through() -> Pipeline:
    # The penguin inputs in the contract's order: island, sex, bill, flipper, year.
    prepare = ColumnTransformer(
        [
            ("bill", _filled(FunctionTransformer()), [2]),
            ("categories", _chosen(OneHotEncoder(handle_unknown="ignore")), slice(0, 2)),
        ],
        remainder="passthrough",
    )
    return Pipeline([("prepare", prepare), ("nothing", "passthrough"), ("model", Ridge())])


def _a_dropped_input_centring_only_and_the_year_as_a_category() -> Pipeline:
    prepare = ColumnTransformer(
        [
            ("bill", _filled(StandardScaler(with_std=False)), ["bill_length_mm"]),
            ("gone", "drop", ["flipper_length_mm"]),
            ("categories", _chosen(OneHotEncoder(handle_unknown="ignore")), ["island", "sex", "year"]),
        ]
    )
    return Pipeline([("prepare", prepare), ("nothing", None), ("model", LinearRegression())])


def _a_column_transformer_within_one() -> Pipeline:
    # The inner one picks its columns by name among those the outer one gave it, and by position in them.
    numbers = ColumnTransformer([("bill", _filled(StandardScaler()), ["bill_length_mm"]), ("rest", MinMaxScaler(), [1, 2])])
    prepare = ColumnTransformer(
        [
            ("numbers", numbers, penguins.NUMBERS),
            ("categories", _chosen(OneHotEncoder(handle_unknown="ignore")), penguins.CATEGORIES),
        ]
    )
    return Pipeline([("prepare", prepare), ("model", Ridge())])


OTHER_PIPELINES = {
    "min-max, scaling only, a dropped category": _min_max_and_a_dropped_category,
    "a missing category of its own": _a_missing_category_of_its_own,
    "by position and slice, an identity, the rest passed through": (
        _by_position_and_slice_an_identity_and_the_rest_passed_through
    ),
    "a dropped input, centring only, a whole number as a category": _a_dropped_input_centring_only_and_the_year_as_a_category,
    "a column transformer within one": _a_column_transformer_within_one,
}


@pytest.mark.parametrize("make", OTHER_PIPELINES.values(), ids=OTHER_PIPELINES)
def test_other_linear_pipelines_have_a_form_that_answers_as_they_do(penguin, make):
    features, data, _ = penguin
    contract = read_contract(features)
    training = read_training(data, contract)
    estimator = fit(make(), training, contract)
    rows = checks.check_rows(contract, {})
    form = derive.derive(estimator, contract.names, contract.output.decimals)
    expected = _sklearn(estimator, contract, contract.names, rows)
    assert np.array(form.answer_rows(rows), dtype="float64").tobytes() == expected.tobytes()
    derive.check(form, expected, rows, [])  # a regression: no classes
    # Its file carries every fitted value as it is: the form read back is the same form.
    assert linear.loads(linear.dumps(form, "v", contract.output.name), "here") == (form, "v", contract.output.name)


NO_FORM = {
    "a tree": (
        lambda: DecisionTreeRegressor(max_depth=3),
        "a DecisionTreeRegressor is not a linear regressor or a logistic regression",
    ),
    "a forest in a Pipeline": (
        lambda: Pipeline([("fill", SimpleImputer()), ("model", RandomForestRegressor(n_estimators=3, random_state=1))]),
        "a RandomForestRegressor is not a linear regressor or a logistic regression",
    ),
    "polynomial features": (
        lambda: Pipeline([("square", PolynomialFeatures(2)), ("model", LinearRegression())]),
        "a PolynomialFeatures in the preprocessing has no form",
    ),
    "an imputer that adds indicators": (
        lambda: Pipeline([("fill", SimpleImputer(add_indicator=True)), ("model", LinearRegression())]),
        "an imputer that adds indicator columns has no form",
    ),
}


def _prepared(numbers, categories, before=()) -> Pipeline:
    """The penguin inputs' numbers through ``numbers`` and categories through ``categories``, into a Ridge."""
    prepare = ColumnTransformer([("numbers", numbers, penguins.NUMBERS), ("categories", categories, penguins.CATEGORIES)])
    return Pipeline([*before, ("prepare", prepare), ("model", Ridge())])


ONE_HOT = {"handle_unknown": "ignore", "sparse_output": False}
MASKS = {
    kind: [name in names for name in penguins.NAMES]
    for kind, names in (("numbers", penguins.NUMBERS), ("categories", penguins.CATEGORIES))
}
NO_FORM_PIPELINES = {
    "a column transformer after an imputer": (
        lambda: Pipeline(
            [
                ("fill", SimpleImputer(strategy="most_frequent")),
                ("prepare", ColumnTransformer([("categories", OneHotEncoder(**ONE_HOT), [0, 1])], remainder="passthrough")),
                ("model", Ridge()),
            ]
        ),
        "a ColumnTransformer after other preprocessing has no form",
    ),
    "columns chosen by a boolean mask": (
        lambda: Pipeline(
            [
                (
                    "prepare",
                    ColumnTransformer(
                        [
                            ("numbers", _filled(), MASKS["numbers"]),
                            ("categories", _chosen(OneHotEncoder(**ONE_HOT)), MASKS["categories"]),
                        ]
                    ),
                ),
                ("model", Ridge()),
            ]
        ),
        "a boolean column mask has no form",
    ),
    "a scaler after a one-hot encoder": (
        lambda: _prepared(_filled(), _chosen(OneHotEncoder(**ONE_HOT), StandardScaler())),
        "a StandardScaler after a one-hot encoder has no form",
    ),
    "a one-hot encoder after a scaler": (
        lambda: _prepared(_filled(StandardScaler(), OneHotEncoder(**ONE_HOT)), _chosen(OneHotEncoder(**ONE_HOT))),
        "a one-hot encoder after scaling has no form",
    ),
    "a clipping min-max scaler": (
        lambda: _prepared(_filled(MinMaxScaler(clip=True)), _chosen(OneHotEncoder(**ONE_HOT))),
        "a clipping MinMaxScaler has no form",
    ),
    "rare categories grouped by frequency": (
        lambda: _prepared(_filled(), _chosen(OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=60))),
        "a one-hot encoder grouping infrequent categories has no form",
    ),
    "categories beyond a count grouped": (
        lambda: _prepared(_filled(), _chosen(OneHotEncoder(handle_unknown="infrequent_if_exist", max_categories=2))),
        "a one-hot encoder grouping infrequent categories has no form",
    ),
    "a function of an input": (
        lambda: _prepared(_filled(FunctionTransformer(np.log1p)), _chosen(OneHotEncoder(**ONE_HOT))),
        "a FunctionTransformer in the preprocessing has no form",
    ),
}


@pytest.mark.parametrize("case", NO_FORM_PIPELINES)
def test_a_pipeline_of_several_inputs_with_no_exact_form_gets_none_with_the_reason(penguin, case):
    make, reason = NO_FORM_PIPELINES[case]
    features, data, _ = penguin
    contract = read_contract(features)
    estimator = fit(make(), read_training(data, contract), contract)
    with pytest.raises(NoForm) as raised:
        derive.derive(estimator, contract.names, contract.output.decimals)
    assert str(raised.value) == reason


def test_a_regressor_of_two_outputs_or_of_fewer_columns_than_its_inputs_gets_no_form():
    x = pd.DataFrame({"height": [60.0, 70.0, 75.0, 65.0], "age": [np.nan] * 4})
    weights = np.array([110.0, 160.0, 185.0, 135.0])
    with pytest.raises(NoForm) as raised:
        derive.derive(LinearRegression().fit(x[["height"]], np.c_[weights, weights / 2]), ["height"], 4)
    assert str(raised.value) == "a regressor of several outputs has no form"
    # An imputer leaves out an input with no value at all in the training data: one coefficient for two inputs.
    with pytest.warns(UserWarning, match="Skipping features without any observed values"):
        dropping = Pipeline([("fill", SimpleImputer()), ("model", LinearRegression())]).fit(x, weights)
    with pytest.raises(NoForm) as raised:
        derive.derive(dropping, ["height", "age"], 4)
    assert str(raised.value) == "the preprocessing makes 2 columns, the model has 1 coefficients"


@pytest.mark.parametrize("case", NO_FORM)
def test_an_estimator_with_no_exact_form_gets_none_with_the_reason(tmp_path, case):
    make, reason = NO_FORM[case]
    contract = read_contract(FEATURES)
    x = pd.DataFrame({"height": [60.0, np.nan, 70.0, 75.0, 65.0]})
    estimator = make().fit(
        x.fillna(66.0) if "imputer" not in case and "forest" not in case else x, [110.0, 140.0, 160.0, 185.0, 135.0]
    )
    with pytest.raises(NoForm) as raised:
        derive.derive(estimator, ["height"], contract.output.decimals)
    assert str(raised.value) == reason


def test_a_model_with_no_form_is_packaged_without_one_and_served_by_its_skops_file(tmp_path):
    model_dir = train_into(tmp_path / "model", FEATURES, TRAINING_DATA, "gradient-boosting")
    manifest = read_manifest(model_dir)
    assert (manifest.form, manifest.serving, manifest.coefficients) == ("skops", None, None)
    assert manifest.form_note == "a GradientBoostingRegressor is not a linear regressor or a logistic regression"
    assert not (model_dir / SERVING_FILE).exists()
    model = served.load(model_dir)
    rows = [{"height": h} for h in (50.0, 62.5, 140.0)]
    loaded = artifact.load(model_dir)
    assert (
        model.form == served.SKOPS
        and model.answer_rows(rows) == _sklearn(loaded.estimator, loaded.contract, ["height"], rows).tolist()
    )


def test_check_refuses_a_form_that_answers_any_row_otherwise(trained_model):
    loaded = artifact.load(trained_model)
    good = derive.derive(loaded.estimator, ["height"], 4)
    rows = checks.check_rows(loaded.contract, loaded.manifest.training_data["profile"])
    answers = _sklearn(loaded.estimator, loaded.contract, ["height"], rows)
    derive.check(good, answers, rows, [])
    (column,) = good.columns
    off = linear.LinearForm(good.intercept + 1e-6, (column,), good.decimals)
    with pytest.raises(NoForm, match=r"^the form answers \{'height': [0-9.e+-]+\} with [0-9.]+, the model with [0-9.]+$"):
        derive.check(off, answers, rows, [])
    # One bit of one row, midway: that row is named, with both numbers.
    at = len(rows) // 2
    nudged = answers.copy()
    nudged[at] = np.nextafter(nudged[at], np.inf)
    with pytest.raises(NoForm) as raised:
        derive.check(good, nudged, rows, [])
    assert (
        str(raised.value) == f"the form answers {rows[at]} with {answers.tolist()[at]!r}, the model with {nudged.tolist()[at]!r}"
    )


def test_check_tells_a_zero_from_a_negative_zero_as_the_bytes_it_compares():
    # Equal as numbers, not as bits: a model rounding -0.00004 to 4 decimals answers -0.0, and the served answer's JSON
    # would say "-0.0" where the form's says "0.0". check names that row, as for any other bit.
    form = linear.LinearForm(-1.0, (linear.Column("x", 1.0),), 4)  # x - 1
    rows = [{"x": 2.0}, {"x": 1.0}, {"x": 3.0}]
    answers = np.array([1.0, -0.0, 2.0])
    assert answers.tolist() == form.answer_rows(rows)  # equal as numbers
    with pytest.raises(NoForm) as raised:
        derive.check(form, answers, rows, [])
    assert str(raised.value) == "the form answers {'x': 1.0} with 0.0, the model with -0.0"


def test_check_holds_an_estimators_single_precision_answers_as_the_numbers_they_are(trained_model):
    """An estimator fitted on single-precision data answers in single precision: its answers are not the form's
    double-precision ones, and check says where, as for any other difference."""
    loaded = artifact.load(trained_model)
    form = derive.derive(loaded.estimator, ["height"], 4)
    rows = checks.check_rows(loaded.contract, loaded.manifest.training_data["profile"])
    answers = _sklearn(loaded.estimator, loaded.contract, ["height"], rows)
    single = answers.astype("float32")
    first = next(i for i, (a, b) in enumerate(zip(answers.tolist(), single.tolist())) if a != b)
    with pytest.raises(NoForm) as raised:
        derive.check(form, single, rows, [])
    assert (
        str(raised.value)
        == f"the form answers {rows[first]} with {answers.tolist()[first]!r}, the model with {single.tolist()[first]!r}"
    )


def test_the_form_file_reads_back_as_written(penguin):
    _, _, model_dir = penguin
    data = (model_dir / SERVING_FILE).read_bytes()
    form, version, output = linear.loads(data, "here")
    assert (version, output) == (read_manifest(model_dir).model_version, penguins.OUTPUT)
    assert linear.dumps(form, version, output) == data and json.loads(data)["format"] == linear.FORMAT


def _column(data: bytes, **change) -> bytes:
    """The serving file with its first number column (the penguin's bill length) changed."""
    body = json.loads(data)
    first = next(i for i, c in enumerate(body["columns"]) if "ops" in c)
    body["columns"][first] |= change
    return json.dumps(body).encode()


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda b: b"{not json", "not a readable serving form"),
        (
            lambda b: json.dumps(json.loads(b) | {"format": "modelgate.linear/1"}).encode(),
            "not a serving form of format modelgate.linear/2",
        ),
        (
            lambda b: json.dumps({k: v for k, v in json.loads(b).items() if k != "intercept"}).encode(),
            "lacks or misstates a field",
        ),
        (lambda b: json.dumps(json.loads(b) | {"columns": []}).encode(), "must be finite and its steps known"),
        (lambda b: json.dumps(json.loads(b) | {"intercept": math.nan}).encode(), "must be finite and its steps known"),
        (lambda b: b.replace(b'"sub"', b'"exp"', 1), "must be finite and its steps known"),
        (lambda b: _column(b, coefficient=math.inf), "must be finite and its steps known"),
        (lambda b: _column(b, ops=[["sub", 1.0], ["div", math.nan]]), "must be finite and its steps known"),
    ],
    ids=[
        "not JSON",
        "another format",
        "no intercept",
        "no columns",
        "a NaN",
        "an unknown step",
        "an infinite coefficient",
        "a NaN step",
    ],
)
def test_a_form_file_that_is_not_one_is_refused_naming_it(penguin, change, problem):
    _, _, model_dir = penguin
    with pytest.raises(ValueError, match=rf"^here: .*{problem}"):
        linear.loads(change((model_dir / SERVING_FILE).read_bytes()), "here")


def test_retraining_gives_the_same_serving_form(trained_model, tmp_path):
    """The serving form is what the model computes: unlike the skops file, identical trainings give identical bytes."""
    again = train_into(tmp_path / "again", FEATURES, TRAINING_DATA)
    assert (again / SERVING_FILE).read_bytes() == (trained_model / SERVING_FILE).read_bytes()
