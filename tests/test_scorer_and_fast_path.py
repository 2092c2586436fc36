"""One prediction function for every channel; the fast path answers exactly as FastAPI does."""

from __future__ import annotations

import json
import time

import numpy as np
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from modelgate.app.fast import FastWeight, encode, parse_query
from modelgate.app.main import create_app
from modelgate.app.observe import Metrics, Observe
from modelgate.app.state import ModelState
from modelgate.contracts.ranges import MAX_HEIGHTS_PER_REQUEST
from modelgate.model import artifact
from modelgate.model.scorer import Scorer
from prometheus_client.parser import text_string_to_metric_families
from sklearn.linear_model import LinearRegression
from sklearn.tree import DecisionTreeRegressor

from modelgate.settings import Settings
from steps.support import TRAINING_DATA, Fallback, ask_asgi


@pytest.fixture(scope="module")
def estimator(trained_model):
    return artifact.load(trained_model).estimator


def test_the_closed_form_equals_sklearn_predict(estimator):
    heights = np.random.default_rng(7).uniform(1e-6, 300, 200_000)
    expected = np.round(estimator.predict(heights.reshape(-1, 1)), 4)
    assert np.array_equal(Scorer(estimator).predict(heights), expected)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (b"height=138", [138.0]),
        (b"height=62.5&height=72", [62.5, 72.0]),
        (b"height=+1e2", [100.0]),
        (b"height=150", [150.0]),
        (b"height=45", None),
        (b"", None),
        (b"height=", None),
        (b"height=0", None),
        (b"height=150.0001", None),
        (b"height=nan", None),
        (b"height=inf", None),
        (b"height=1_000", None),
        (b"height=%2B5", None),
        (b"height=72&x=1", None),
        (b"weight=72", None),
    ],
)
def test_the_fast_path_takes_only_what_it_can_fully_validate(query, expected):
    assert parse_query(query) == expected


@pytest.mark.parametrize("query", ["height=138", "height=62.5&height=72&height=150", "height=45.0001", "height=72.25e0"])
def test_fast_and_fastapi_paths_answer_byte_identically(trained_model, query):
    app = create_app(trained_model)
    with TestClient(app) as client:
        fast = client.get(f"/weight?{query}")
        # The same request with an extra, ignored parameter is handled by FastAPI itself.
        slow = client.get(f"/weight?{query}&ignored=1")
    assert fast.status_code == slow.status_code == 200
    assert fast.content == slow.content
    assert fast.headers["x-modelgate-extrapolated"] == slow.headers["x-modelgate-extrapolated"]


@pytest.mark.parametrize("path", ["/health", "/ready"])
@pytest.mark.parametrize("verified", [True, False])
def test_the_probes_answer_alike_on_both_paths(trained_model, tmp_path, path, verified):
    app = create_app(trained_model if verified else tmp_path / "absent")
    with TestClient(app) as client:
        fast = client.get(path)
        slow = client.get(f"{path}?from=fastapi")  # a query leaves the probe to FastAPI's route
    assert fast.status_code == slow.status_code
    assert fast.content == slow.content
    assert fast.headers["content-type"] == slow.headers["content-type"] == "application/json"
    assert fast.headers["content-length"] == slow.headers["content-length"]


def test_a_service_without_a_verified_model_is_alive_but_not_ready(tmp_path):
    with TestClient(create_app(tmp_path / "absent")) as client:
        assert client.get("/health").status_code == 200
        ready = client.get("/ready")
        assert ready.status_code == 503 and "no model directory" in ready.json()["detail"][0]["msg"]
        assert client.get("/weight?height=138").status_code == 503


def test_the_openapi_schema_declares_the_height_range_and_errors(trained_model):
    with TestClient(create_app(trained_model)) as client:
        spec = client.get("/openapi.json").json()
    operation = spec["paths"]["/weight"]["get"]
    assert {"200", "422", "503"} <= set(operation["responses"])
    items = operation["parameters"][0]["schema"]["items"]
    assert items["exclusiveMinimum"] == 45 and items["maximum"] == 150


def test_the_pure_python_path_equals_numpy_bit_for_bit(estimator):
    rng = np.random.default_rng(11)
    # Everywhere in range, and densely where the weight crosses zero (signed zeros, halfway cases).
    root = -estimator.intercept_ / estimator.coef_[0]
    heights = np.concatenate([rng.uniform(1e-6, 300, 100_000), root + rng.uniform(-1e-4, 1e-4, 10_000)])
    scorer = Scorer(estimator)
    expected = scorer.predict(heights)
    got = np.array(scorer.predict_list(heights.tolist()))
    assert np.array_equal(got, expected)
    assert np.array_equal(np.signbit(got), np.signbit(expected))


@pytest.mark.parametrize("weights", [[498.2981], [0.1, -0.0, 1e16, 123456.7891, 5e-324], []])
def test_the_fast_encoder_writes_what_json_writes(weights):
    assert encode(weights) == json.dumps({"response": weights}, separators=(",", ":")).encode()


def test_the_fast_path_takes_as_many_heights_as_the_contract_allows_and_no_more():
    assert parse_query(b"&".join([b"height=70"] * MAX_HEIGHTS_PER_REQUEST)) == [70.0] * MAX_HEIGHTS_PER_REQUEST
    assert parse_query(b"&".join([b"height=70"] * (MAX_HEIGHTS_PER_REQUEST + 1))) is None


@pytest.fixture(scope="module")
def ready_state(trained_model):
    state = ModelState(trained_model)
    state.load()
    return state


def test_the_fast_path_answers_a_plain_weight_request_itself(ready_state, golden):
    height, case = next(iter(golden.items()))
    behind = Fallback()
    start, body = ask_asgi(FastWeight(behind, ready_state), query=f"height={height:g}".encode())
    assert behind.seen == []
    assert start["status"] == 200
    # ASGI header names are lower-case bytes; the length is the body's own.
    length = (b"content-length", str(len(body["body"])).encode())
    # The count of heights outside the training heights (55 to 76.7 inches in the bundled data): the first agreed one, 50, is.
    assert start["headers"] == [(b"content-type", b"application/json"), length, (b"x-modelgate-extrapolated", b"1")]
    (answer,) = json.loads(body["body"])["response"]
    assert case.met_by(answer), f"height {height:g}: got {answer}, agreed {case.weight}"


@pytest.mark.parametrize(
    ("method", "path", "query"),
    [
        ("POST", "/weight", b"height=138"),
        ("GET", "/health", b"verbose=1"),
        ("HEAD", "/ready", b""),
        ("GET", "/readyz", b""),
        ("GET", "/weight", b"height=0"),
        ("GET", "/Weight", b"height=138"),
    ],
)
def test_everything_else_is_left_to_the_app_behind(ready_state, method, path, query):
    behind = Fallback()
    assert ask_asgi(FastWeight(behind, ready_state), method, path, query)[0]["status"] == 418
    assert behind.seen == [(method, path)]


def test_a_service_not_ready_leaves_even_a_plain_request_to_the_app_behind(tmp_path):
    behind = Fallback()
    ask_asgi(FastWeight(behind, ModelState(tmp_path / "absent")), query=b"height=138")
    assert behind.seen == [("GET", "/weight")]


def test_a_fast_answer_is_observed_like_any_other(ready_state):
    metrics = Metrics()
    observed = Observe(Fallback(), metrics)
    app = FastWeight(observed, ready_state, metrics, observe=observed)
    started = time.perf_counter()
    start, _ = ask_asgi(app, query=b"height=62.5&height=72", headers=[(b"x-request-id", b"abc-123")])
    took = time.perf_counter() - started
    assert (b"x-request-id", b"abc-123") in start["headers"]
    samples = {
        (sample.name, sample.labels.get("endpoint")): sample.value
        for family in text_string_to_metric_families(metrics.render().decode())
        for sample in family.samples
    }
    assert samples[("modelgate_predictions_total", None)] == 2
    assert samples[("modelgate_http_requests_total", "/weight")] == 1
    # The recorded latency is this request's: positive and no longer than the test saw it take.
    assert 0 < samples[("modelgate_http_request_duration_seconds_sum", "/weight")] <= took


def _training_xy():
    frame = pd.read_csv(TRAINING_DATA)
    return frame[["height"]].to_numpy(dtype="float64"), frame["weight"].to_numpy(dtype="float64")


def test_a_model_that_is_not_a_plain_line_is_scored_through_its_own_predict():
    estimator = DecisionTreeRegressor(max_depth=3, random_state=0).fit(*_training_xy())
    heights = [62.5, 72.0, 138.0]
    expected = np.round(estimator.predict(np.array(heights).reshape(-1, 1)), 4).tolist()
    scorer = Scorer(estimator)
    assert scorer.predict_list(heights) == expected
    assert scorer.predict(np.array(heights)).tolist() == expected


def test_a_plain_line_is_scored_without_sklearn_per_call_checks():
    # The reason for the closed form (see Scorer): sklearn's predict is never called for one height.
    estimator = LinearRegression().fit(*_training_xy())
    line = float(estimator.intercept_) + float(estimator.coef_[0]) * 72.0

    def refuse(_):
        raise AssertionError("LinearRegression.predict called on the hot path")

    estimator.predict = refuse
    assert Scorer(estimator).predict_list([72.0]) == [pytest.approx(line, abs=5e-5)]


# Added for the mutation run of the fast path, the probes and the deferred build (issue 14).
def _fast_samples(metrics: Metrics) -> dict:
    return {
        (sample.name, sample.labels.get("le")): sample.value
        for family in text_string_to_metric_families(metrics.render().decode())
        for sample in family.samples
        if sample.name.startswith(("modelgate_extrapolated", "modelgate_requested_height"))
    }


def test_a_fast_answer_counts_its_heights_and_extrapolations(ready_state, trained_model):
    heights = json.loads((trained_model / "manifest.json").read_text())["training_data"]["heights"]
    deciles = heights["deciles"]
    metrics = Metrics()
    ask_asgi(FastWeight(Fallback(), ready_state, metrics), query=b"height=50&height=" + repr(deciles[-1] + 1).encode())
    samples = _fast_samples(metrics)
    assert samples[("modelgate_extrapolated_heights_total", None)] == 1  # 50 lies below the training heights
    # Bucketed at the training deciles read from the manifest file here: 50 at or below the first cut, the other above the last.
    assert samples[("modelgate_requested_height_inches_bucket", f"{deciles[0]:g}")] == 1
    assert samples[("modelgate_requested_height_inches_bucket", f"{deciles[-1]:g}")] == 1
    assert samples[("modelgate_requested_height_inches_bucket", "+Inf")] == 2


def test_a_model_without_training_heights_answers_without_the_extrapolation_header(trained_model):
    state = ModelState(trained_model)
    state.load()
    state.profile = None  # as for a model trained before training heights were recorded
    start, _ = ask_asgi(FastWeight(Fallback(), state), query=b"height=70")
    assert [name for name, _ in start["headers"]] == [b"content-type", b"content-length"]


def test_a_service_refusing_extrapolations_leaves_them_to_fastapi_which_refuses(trained_model):
    with TestClient(create_app(trained_model, Settings.from_env({"MODELGATE_EXTRAPOLATION": "refuse"}))) as client:
        refused = client.get("/weight?height=50")
        answered = client.get("/weight?height=70")
    assert refused.status_code == 422 and refused.json()["detail"][0]["type"] == "extrapolation"
    assert answered.status_code == 200


def test_the_not_ready_answer_is_the_error_shape_naming_the_model(tmp_path):
    absent = tmp_path / "modèle absent"  # a non-ASCII reason: written as UTF-8, alike on both paths
    with TestClient(create_app(absent)) as client:
        fast, slow = client.get("/ready"), client.get("/ready?from=fastapi")
    assert fast.content == slow.content
    (detail,) = fast.json()["detail"]
    assert detail["loc"] == ["model"] and detail["type"] == "model_not_ready"
    assert "modèle absent" in detail["msg"] and "modèle".encode() in fast.content
