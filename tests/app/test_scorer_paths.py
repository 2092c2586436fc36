"""The service and the batch answer alike: the service answers through the model's serving form (plain Python, no
scikit-learn) or, without one, its skops file; batch scoring through ``model.scorer.Scorer``. Both must give
scikit-learn's own answers, rounded as numpy rounds, bit for bit. (The scorer on its own is the model room's to
test, in tests/model/; these hold the service's paths to it.)"""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest
from modelgate.model import artifact, served
from modelgate.model.checks import check_rows
from modelgate.model.scorer import Scorer, columns_of
from modelgate.steps.support import TRAINING_DATA
from sklearn.linear_model import LinearRegression
from sklearn.tree import DecisionTreeRegressor

from tests.app.support import own_answers


@pytest.fixture(scope="module")
def bundled(trained_model):
    return artifact.load(trained_model), served.load(trained_model)


def test_the_one_number_line_answers_as_scikit_learn_on_every_path(bundled):
    loaded, service = bundled
    rng = np.random.default_rng(7)
    # Everywhere in range, and densely where the weight crosses zero (signed zeros, halfway cases).
    estimator = loaded.estimator
    root = -estimator.intercept_ / estimator.coef_[0]
    heights = np.concatenate([rng.uniform(1e-6, 300, 100_000), root + rng.uniform(-1e-4, 1e-4, 10_000)])
    expected = np.round(estimator.predict(pd.DataFrame({"height": heights})), 4)
    batch = loaded.scorer().predict({"height": heights})
    assert service.single is not None, "a line of one number has the hot path"
    hot = np.array(service.single(heights.tolist()))
    general = np.array(service.answer_rows([{"height": h} for h in heights.tolist()]))
    for got in (batch, hot, general):
        assert np.array_equal(got, expected)
        assert np.array_equal(np.signbit(got), np.signbit(expected))


def _random_rows(contract, count: int, seed: int) -> list[dict]:
    """Accepted rows of the penguin contract drawn here (not the packaging's check rows), missing values among them."""
    rng = random.Random(seed)
    rows = []
    for _ in range(count):
        rows.append(
            {
                "bill_length": rng.uniform(25.000001, 65),
                "flipper_length": None if rng.random() < 0.1 else rng.uniform(160, 240),
                "island": rng.choice(contract.input("island").values),
                "adult": rng.choice([True, False, None]),
            }
        )
    return rows


@pytest.mark.parametrize("model", ["penguins", "penguins_forest"])
def test_a_model_of_several_inputs_answers_as_scikit_learn_on_every_path(request, model):
    model_dir = request.getfixturevalue(model)
    loaded, service = artifact.load(model_dir), served.load(model_dir)
    rows = _random_rows(loaded.contract, 20_000, seed=99)
    expected = np.round(own_answers(model_dir, rows), 1)
    batch = loaded.scorer().predict_rows(rows)
    answered = np.array(service.answer_rows(rows))
    assert np.array_equal(batch, expected)
    assert np.array_equal(answered, expected), np.flatnonzero(answered != expected)[:5]
    assert service.form == ("linear" if model == "penguins" else "skops")


def test_the_check_rows_packaging_held_the_form_to_are_answered_alike(penguins):
    loaded, service = artifact.load(penguins), served.load(penguins)
    rows = check_rows(loaded.contract, loaded.manifest.training_data["profile"])
    assert np.array_equal(np.array(service.answer_rows(rows)), loaded.scorer().predict(columns_of(loaded.contract, rows)))


def _training_xy():
    frame = pd.read_csv(TRAINING_DATA)
    return frame[["height"]], frame["weight"].to_numpy(dtype="float64")


def test_a_model_that_is_not_a_plain_line_is_scored_through_its_own_predict(bundled):
    loaded, _ = bundled
    estimator = DecisionTreeRegressor(max_depth=3, random_state=0).fit(*_training_xy())
    heights = [62.5, 72.0, 138.0]
    expected = np.round(estimator.predict(pd.DataFrame({"height": heights})), 4).tolist()
    scorer = Scorer(estimator, loaded.contract, ["height"])
    assert scorer.predict_rows([{"height": h} for h in heights]).tolist() == expected
    assert scorer.predict({"height": np.array(heights)}).tolist() == expected


def test_a_plain_line_is_scored_without_scikit_learns_per_call_checks(bundled):
    # The reason for the closed form (see Scorer): sklearn's predict is never called for one height.
    loaded, _ = bundled
    estimator = LinearRegression().fit(*_training_xy())
    line = float(estimator.intercept_) + float(estimator.coef_[0]) * 72.0

    def refuse(_):
        raise AssertionError("LinearRegression.predict called on the hot path")

    estimator.predict = refuse
    assert Scorer(estimator, loaded.contract, ["height"]).predict_rows([{"height": 72.0}]).tolist() == [
        pytest.approx(line, abs=5e-5)
    ]
