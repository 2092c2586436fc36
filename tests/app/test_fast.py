"""The fast path (``app.fast``) answers only what it can fully validate, exactly as FastAPI would: the same status,
the same bytes, the same headers; everything else, errors included, falls through to the app behind it."""

from __future__ import annotations

import csv
import json
import logging
import math
import shutil
import time
from urllib.parse import parse_qsl

import pytest
from fastapi.testclient import TestClient
from modelgate.app.api import create_api
from modelgate.app.client import ask
from modelgate.app.fast import FastAnswer, query_rows, single_rows
from modelgate.app.main import create_app
from modelgate.app.observe import Metrics, Observe
from modelgate.app.state import ModelState
from modelgate.contracts.contract import MAX_ROWS_PER_REQUEST
from modelgate.contracts.reader import read_contract
from modelgate.steps.support import FEATURES, ROOT, TRAINING_DATA, Fallback

from modelgate.settings import Settings
from tests.app.penguins import BILLS, ISLANDS
from tests.app.support import error_items, loaded_state, query, refusal, samples

HEIGHT = read_contract(FEATURES).input("height")  # the bundled contract's one input, as the features state it


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b"height=138", [138.0]),
        (b"height=62.5&height=72", [62.5, 72.0]),
        (b"height=+1e2", [100.0]),
        (b"height=150", [150.0]),  # the features: "at most 150"
        (b"height=45", None),  # "greater than 45"
        (b"height=45.0001", [45.0001]),
        (b"", None),
        (b"height=", None),
        (b"height=0", None),
        (b"height=150.0001", None),
        (b"height=nan", None),
        (b"height=inf", None),
        (b"height=1_000", None),
        (b"height=%2B5", None),
        (b"height=72&x=1", None),  # left to the general reader
        (b"weight=72", None),
    ],
)
def test_the_one_number_reader_takes_only_plain_accepted_numbers(text, expected):
    assert single_rows(text, b"height=", HEIGHT) == expected


def test_the_one_number_reader_takes_as_many_rows_as_a_request_may_have_and_no_more():
    assert single_rows(b"&".join([b"height=70"] * MAX_ROWS_PER_REQUEST), b"height=", HEIGHT) == [70.0] * MAX_ROWS_PER_REQUEST
    assert single_rows(b"&".join([b"height=70"] * (MAX_ROWS_PER_REQUEST + 1)), b"height=", HEIGHT) is None


PENGUIN = {"bill_length": "40", "flipper_length": "190", "island": "Biscoe", "adult": "yes"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (query([PENGUIN]), [{"bill_length": 40.0, "flipper_length": 190.0, "island": "Biscoe", "adult": True}]),
        (
            query([PENGUIN, {**PENGUIN, "flipper_length": "", "adult": "", "island": "Torgersen"}]),
            [
                {"bill_length": 40.0, "flipper_length": 190.0, "island": "Biscoe", "adult": True},
                {"bill_length": 40.0, "flipper_length": None, "island": "Torgersen", "adult": None},
            ],
        ),
        (
            query([PENGUIN]) + b"&source=app&bill_length_x=1",
            [{"bill_length": 40.0, "flipper_length": 190.0, "island": "Biscoe", "adult": True}],
        ),
        (query([{**PENGUIN, "island": "Mars"}]), None),  # not an allowed category
        (query([{**PENGUIN, "bill_length": ""}]), None),  # may not be missing
        (query([{**PENGUIN, "adult": "maybe"}]), None),
        (query([{**PENGUIN, "bill_length": "25"}]), None),  # "greater than 25"
        (query([PENGUIN]) + b"&island=Dream", None),  # a row short of the other inputs
        (b"bill_length=40&flipper_length=190&island=Biscoe", None),  # an input never named
        (b"bill_length=40&flipper_length=190&island=Bi%73coe&adult=yes", None),  # needs decoding: FastAPI's
        (b"bill_length=40&flipper_length=190&island=Biscoe&adult=yes&note=a+b", None),
        (b"bill_length=40&flipper_length=190&island=Biscoe&adult=yes&note=\xc3\xa9", None),
        (b"", None),
    ],
)
def test_the_general_reader_takes_only_plain_queries_of_accepted_rows(penguin_state, text, expected):
    assert query_rows(text, penguin_state.contract) == expected


def test_the_general_reader_takes_as_many_rows_as_a_request_may_have_and_no_more(penguin_state):
    assert len(query_rows(query([PENGUIN] * MAX_ROWS_PER_REQUEST), penguin_state.contract)) == MAX_ROWS_PER_REQUEST
    assert query_rows(query([PENGUIN] * (MAX_ROWS_PER_REQUEST + 1)), penguin_state.contract) is None


# Requests the fast path answers, for each model: the service's whole answer must be byte for byte FastAPI's.
ANSWERED = {
    "trained_model": [
        b"height=138",
        b"height=62.5&height=72&height=150",
        b"height=45.0001",
        b"height=72.25e0",
        b"height=72&source=x",
    ],
    "penguins": [
        query([PENGUIN]),
        query([PENGUIN, {**PENGUIN, "flipper_length": "", "adult": "no"}, {**PENGUIN, "island": "Torgersen", "adult": ""}]),
        query([{**PENGUIN, "bill_length": "64.99", "flipper_length": "239.5"}]),  # accepted, outside the training data
        query([PENGUIN]) + b"&source=x",
    ],
}
ANSWERED["penguins_forest"] = ANSWERED["penguins"]


@pytest.mark.parametrize("model", list(ANSWERED))
def test_the_fast_path_answers_byte_for_byte_as_fastapi(request, model):
    state = loaded_state(request.getfixturevalue(model))
    behind, api = Fallback(), create_api(state)
    for text in ANSWERED[model]:
        fast, slow = ask(FastAnswer(behind, state), "GET", state.path, text), ask(api, "GET", state.path, text)
        assert behind.seen == [], f"{text!r} fell through"
        assert fast.status == slow.status == 200, (text, slow.body)
        assert fast.body == slow.body, text
        for header in ("content-type", "content-length", "x-modelgate-extrapolated"):
            assert fast.headers[header] == slow.headers[header], (text, header)
        rows = [name for name, _ in parse_qsl(text.decode(), keep_blank_values=True)].count(state.contract.names[0])
        assert len(json.loads(fast.body)["response"]) == rows, text


@pytest.mark.parametrize("model", list(ANSWERED))
def test_the_whole_service_answers_alike_whichever_path_takes_a_request(request, model):
    """A percent sign makes the same request FastAPI's (the fast path does not decode); the answer is the same."""
    with TestClient(create_app(request.getfixturevalue(model), Settings.from_env({}))) as client:
        path = f"/{client.get('/metadata').json()['output']}"
        for text in ANSWERED[model]:
            fast, slow = client.get(f"{path}?{text.decode()}"), client.get(f"{path}?{text.decode()}&via=fast%41pi")
            assert fast.status_code == slow.status_code == 200 and fast.content == slow.content, text
            assert fast.headers["x-modelgate-extrapolated"] == slow.headers["x-modelgate-extrapolated"]


@pytest.mark.parametrize("path", ["/health", "/ready"])
@pytest.mark.parametrize("verified", [True, False])
def test_the_probes_answer_alike_on_both_paths(trained_model, tmp_path, path, verified):
    with TestClient(create_app(trained_model if verified else tmp_path / "absent", Settings.from_env({}))) as client:
        fast = client.get(path)
        slow = client.get(f"{path}?from=fastapi")  # a query leaves the probe to FastAPI's route
    assert fast.status_code == slow.status_code
    assert fast.content == slow.content
    assert fast.headers["content-type"] == slow.headers["content-type"] == "application/json"
    assert fast.headers["content-length"] == slow.headers["content-length"]


def test_a_service_without_a_verified_model_is_alive_but_not_ready(tmp_path, caplog):
    with (
        caplog.at_level(logging.INFO, "modelgate.app"),
        TestClient(create_app(tmp_path / "absent", Settings.from_env({}))) as client,
    ):
        assert client.get("/health").status_code == 200
        ready = client.get("/ready")
        (item,) = error_items(ready.content)
        assert ready.status_code == 503 and "no model directory" in item["msg"] and str(tmp_path / "absent") in item["msg"]
        # The operator's log says it too, in the same words.
        assert ("ERROR", f"model not ready: {item['msg']}") in [(r.levelname, r.getMessage()) for r in caplog.records]
        for path in ("/weight?height=138", "/metadata", "/anything"):
            assert client.get(path).status_code == 503, path


def _training_span() -> tuple[float, float]:
    with open(TRAINING_DATA, newline="", encoding="utf-8") as handle:
        heights = [float(row["height"]) for row in csv.DictReader(handle)]
    return min(heights), max(heights)


def test_the_fast_path_answers_an_agreed_request_itself(ready_state, golden):
    low, high = _training_span()
    for (height,), case in golden.items():
        behind = Fallback()
        reply = ask(FastAnswer(behind, ready_state), "GET", "/weight", f"height={height:g}".encode())
        assert behind.seen == [] and reply.status == 200
        # ASGI header names are lower-case bytes; the length is the body's own; the count of heights outside the
        # training heights (read from the training file here) is the last header.
        outside = b"1" if not low <= height <= high else b"0"
        length = (b"content-length", str(len(reply.body)).encode())
        assert reply.messages[0]["headers"] == [
            (b"content-type", b"application/json"),
            length,
            (b"x-modelgate-extrapolated", outside),
        ]
        (answer,) = json.loads(reply.body)["response"]
        assert case.met_by(answer), f"height {height:g}: got {answer}, agreed {case.expected}"


@pytest.mark.parametrize(
    ("method", "path", "text"),
    [
        ("POST", "/weight", b"height=138"),
        ("GET", "/health", b"verbose=1"),
        ("HEAD", "/ready", b""),
        ("GET", "/readyz", b""),
        ("GET", "/weight", b"height=0"),
        ("GET", "/weight", b"height=72&height="),
        ("GET", "/weight", b"height=7%32"),
        ("GET", "/weight", b""),
        ("GET", "/Weight", b"height=138"),
        ("GET", "/metadata", b""),
    ],
)
def test_everything_else_is_left_to_the_app_behind(ready_state, method, path, text):
    behind = Fallback()
    assert ask(FastAnswer(behind, ready_state), method, path, text).status == 418
    assert behind.seen == [(method, path)]


@pytest.mark.parametrize(
    "text",
    [
        query([{**PENGUIN, "island": "Mars"}]),
        query([{**PENGUIN, "bill_length": ""}]),
        query([{**PENGUIN, "adult": "true"}]),
        query([PENGUIN]) + b"&adult=no",
        b"bill_length=40",
    ],
)
def test_a_request_of_several_inputs_it_cannot_answer_is_left_to_the_app_behind(penguin_state, text):
    behind = Fallback()
    assert ask(FastAnswer(behind, penguin_state), "GET", "/body_mass", text).status == 418
    assert behind.seen == [("GET", "/body_mass")]


def test_a_service_not_ready_leaves_even_a_plain_request_to_the_app_behind(tmp_path):
    behind = Fallback()
    ask(FastAnswer(behind, ModelState(tmp_path / "absent")), "GET", "/weight", b"height=138")
    assert behind.seen == [("GET", "/weight")]


def test_a_fast_answer_is_observed_like_any_other(ready_state):
    metrics = Metrics()
    observed = Observe(Fallback(), metrics)
    app = FastAnswer(observed, ready_state, metrics, observe=observed)
    started = time.perf_counter()
    reply = ask(app, "GET", "/weight", b"height=62.5&height=72", headers=[(b"x-request-id", b"abc-123")])
    took = time.perf_counter() - started
    assert reply.headers["x-request-id"] == "abc-123"
    found = samples(metrics.render())
    assert found[("modelgate_predictions_total",)] == 2
    # /weight becomes a label of its own once the scoring endpoint is known (the API registers it).
    labels = (("endpoint", "other"), ("method", "GET"), ("status", "200"))
    assert found[("modelgate_http_requests_total", *labels)] == 1
    # The recorded latency is this request's: positive and no longer than the test saw it take.
    assert 0 < found[("modelgate_http_request_duration_seconds_sum", *labels)] <= took


def test_a_fast_answer_counts_its_inputs_and_extrapolations(ready_state, trained_model):
    deciles = json.loads((trained_model / "manifest.json").read_text())["training_data"]["profile"]["height"]["deciles"]
    metrics = Metrics()
    low, _ = _training_span()
    below, above = low - 5, deciles[-1] + 1  # below the training heights; above the last decile, inside them
    ask(FastAnswer(Fallback(), ready_state, metrics), "GET", "/weight", f"height={below!r}&height={above!r}".encode())
    found = samples(metrics.render())
    assert found[("modelgate_extrapolated_values_total", ("input", "height"))] == 1
    # Bucketed at the training deciles read from the manifest file here: one at or below the first cut, one above the last.
    assert found[("modelgate_requested_value_bucket", ("input", "height"), ("le", f"{deciles[0]:g}"))] == 1
    assert found[("modelgate_requested_value_bucket", ("input", "height"), ("le", f"{deciles[-1]:g}"))] == 1
    assert found[("modelgate_requested_value_bucket", ("input", "height"), ("le", "+Inf"))] == 2
    assert found[("modelgate_requested_value_sum", ("input", "height"))] == below + above


def test_a_model_without_a_training_profile_answers_without_the_extrapolation_header(trained_model, tmp_path, caplog):
    unprofiled = tmp_path / "model"
    shutil.copytree(trained_model, unprofiled)
    manifest = json.loads((unprofiled / "manifest.json").read_text())
    del manifest["training_data"]["profile"]  # as a model packaged elsewhere, without one, would have it
    (unprofiled / "manifest.json").write_text(json.dumps(manifest))
    warning = f"model {manifest['model_version']} records no training profile: extrapolations cannot be flagged"
    with caplog.at_level(logging.INFO, "modelgate.app"):
        loaded_state(trained_model)
        profiled = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
        state = loaded_state(unprofiled)
    assert profiled == [] and [r.getMessage() for r in caplog.records if r.levelname == "WARNING"] == [warning]
    form = json.loads((unprofiled / "serving.json").read_text())["format"].split(".")[1].split("/")[0]  # linear
    loaded = f"model {manifest['model_version']} loaded and verified from %s (serving form: {form})"
    assert [r.getMessage() for r in caplog.records if r.levelname == "INFO"] == [loaded % trained_model, loaded % unprofiled]
    fast, slow = (
        ask(FastAnswer(Fallback(), state), "GET", "/weight", b"height=50"),
        ask(create_api(state), "GET", "/weight", b"height=50"),
    )
    assert [name for name, _ in fast.messages[0]["headers"]] == [b"content-type", b"content-length"]
    assert "x-modelgate-extrapolated" not in slow.headers and fast.body == slow.body


def test_a_service_refusing_extrapolations_leaves_them_to_fastapi_which_refuses(trained_model, penguins):
    low, high = _training_span()
    refuse = Settings.from_env({"MODELGATE_EXTRAPOLATION": "refuse"})
    behind = Fallback()
    assert (
        ask(FastAnswer(behind, loaded_state(trained_model, "refuse")), "GET", "/weight", f"height={low - 1!r}".encode()).status
        == 418
    )
    with TestClient(create_app(trained_model, refuse)) as client:
        refused, answered = client.get(f"/weight?height={low - 1!r}"), client.get("/weight?height=70")
    (item,) = error_items(refused.content)
    assert refused.status_code == 422 and item["type"] == "extrapolation" and item["loc"] == ["query", "height"]
    # The value as asked and the span of the training file, read here.
    assert item["msg"] == refusal("height", low - 1, f"{low:g} to {high:g} {HEIGHT.unit}")
    assert answered.status_code == 200
    with TestClient(create_app(penguins, refuse)) as client:
        outside = {**PENGUIN, "bill_length": repr(BILLS[1] + 1)}
        refused = client.get(f"/body_mass?{query([PENGUIN, outside]).decode()}")
        alone = client.get(f"/body_mass?{query([outside]).decode()}")
        unseen = {**PENGUIN, "island": "Torgersen"}  # accepted, but no training penguin came from it
        several = client.get(f"/body_mass?{query([outside, unseen, {**outside, 'island': 'Torgersen'}]).decode()}")
        two = client.get(f"/body_mass?{query([unseen, outside]).decode()}")
    (item,) = error_items(refused.content)
    assert refused.status_code == 422 and item["loc"] == ["query", "bill_length", 1] and item["type"] == "extrapolation"
    # One row: the refusal names the input alone, as a request of one row is answered.
    assert alone.status_code == 422 and error_items(alone.content) == [
        {
            "loc": ["query", "bill_length"],
            "msg": refusal("bill_length", BILLS[1] + 1, f"{BILLS[0]:g} to {BILLS[1]:g} mm"),
            "type": "extrapolation",
        }
    ]
    # Row by row, and each value in words: the span of the training bills, the islands the training penguins came from.
    assert several.status_code == 422 and [(item["loc"], item["msg"]) for item in error_items(several.content)] == [
        (["query", *at], refusal(name, value, domain))
        for at, name, value, domain in [
            (["bill_length", 0], "bill_length", BILLS[1] + 1, f"{BILLS[0]:g} to {BILLS[1]:g} mm"),
            (["island", 1], "island", "Torgersen", ", ".join(ISLANDS)),
            (["bill_length", 2], "bill_length", BILLS[1] + 1, f"{BILLS[0]:g} to {BILLS[1]:g} mm"),
            (["island", 2], "island", "Torgersen", ", ".join(ISLANDS)),
        ]
    ]
    assert [item["loc"] for item in error_items(two.content)] == [["query", "island", 0], ["query", "bill_length", 1]]


def test_an_extrapolation_of_an_input_without_a_unit_is_refused_with_the_bare_training_span(diabetes_model):
    """The diabetes example's cholesterol ratio has no unit; its training span is read from the training file here."""
    with open(ROOT / "examples" / "diabetes" / "data" / "diabetes.csv", newline="", encoding="utf-8") as handle:
        training = list(csv.DictReader(handle))
    ratios = [float(row["cholesterol_ratio"]) for row in training]
    state = loaded_state(diabetes_model, "refuse")
    row = {name: training[0][name] for name in state.contract.names} | {"cholesterol_ratio": repr(max(ratios) + 0.25)}
    refused = ask(create_api(state), "GET", state.path, query([row]))
    assert refused.status == 422 and error_items(refused.body) == [
        {
            "loc": ["query", "cholesterol_ratio"],
            "msg": refusal("cholesterol_ratio", max(ratios) + 0.25, f"{min(ratios):g} to {max(ratios):g}"),
            "type": "extrapolation",
        }
    ]


def test_the_training_heights_own_ends_are_no_extrapolation_and_the_next_float_beyond_is(trained_model):
    """The ends of the training heights, read from the training file here, are values the model was trained on; the
    nearest float beyond either, or a tenth of an inch beyond, is not: alike on both paths, answered or refused."""
    low, high = _training_span()
    beyond = [math.nextafter(low, -math.inf), math.nextafter(high, math.inf), low - 0.1, high + 0.1]
    answered, refusing = loaded_state(trained_model), loaded_state(trained_model, "refuse")
    for heights, outside in (([low], 0), ([high], 0), ([low, high], 0), *(([h], 1) for h in beyond), (beyond, 4)):
        text = "&".join(f"height={h!r}" for h in heights).encode()
        behind = Fallback()
        fast, slow = ask(FastAnswer(behind, answered), "GET", "/weight", text), ask(create_api(answered), "GET", "/weight", text)
        assert behind.seen == [] and fast.status == slow.status == 200, text
        assert fast.headers["x-modelgate-extrapolated"] == slow.headers["x-modelgate-extrapolated"] == str(outside), text
        refused = ask(create_api(refusing), "GET", "/weight", text)
        assert refused.status == (422 if outside else 200), text
        if outside:
            assert {item["type"] for item in error_items(refused.body)} == {"extrapolation"}, text


def test_the_not_ready_answer_is_the_error_shape_naming_the_model(tmp_path):
    absent = tmp_path / "modèle absent"  # a non-ASCII reason: written as UTF-8, alike on both paths
    with TestClient(create_app(absent, Settings.from_env({}))) as client:
        fast, slow = client.get("/ready"), client.get("/ready?from=fastapi")
    assert fast.content == slow.content
    (detail,) = error_items(fast.content)
    assert detail["loc"] == ["model"] and detail["type"] == "model_not_ready"
    assert "modèle absent" in detail["msg"] and "modèle".encode() in fast.content


def test_ranges_at_levels_the_contract_does_not_agree_are_refused_naming_each(trained_model, penguins):
    """The bundled contract agrees ranges at 80 and 95 in 100 (features/quality.feature); the penguins' agrees none."""
    with TestClient(create_app(trained_model, Settings.from_env({}))) as client:
        two = client.get("/weight?height=70", headers={"X-Modelgate-Interval": "90, 99"})
    with TestClient(create_app(penguins, Settings.from_env({}))) as client:
        none = client.get(f"/body_mass?{query([PENGUIN]).decode()}", headers={"X-Modelgate-Interval": "80"})
    assert two.status_code == none.status_code == 422
    assert [item["msg"] for item in error_items(two.content)] == ["ranges are stated for 80 and 95 in 100, not for '90', '99'"]
    assert [item["msg"] for item in error_items(none.content)] == ["this model states no ranges: its contract agrees none"]
