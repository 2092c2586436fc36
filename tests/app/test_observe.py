"""Observability (``app.observe``, ``app.logs``): a request id on every answer, Prometheus metrics of requests,
answers and the inputs asked for (by input, at the training deciles and by category), extrapolations counted by
input, JSON log lines carrying the request id on both paths, and settings that fail fast."""

from __future__ import annotations

import json
import logging
import shutil

import pytest
from fastapi.testclient import TestClient
from modelgate.app.logs import JsonFormatter, request_id
from modelgate.app.main import create_app
from modelgate.contracts.errors import ModelgateError

from modelgate.settings import Settings
from tests.app.penguins import BILLS
from tests.app.support import samples

SMALL = Settings.from_env({"MODELGATE_MAX_BODY_BYTES": "2048"})
JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def client(trained_model):
    with TestClient(create_app(trained_model, SMALL)) as client:
        yield client


@pytest.mark.parametrize(
    "request_args",
    [
        ("GET", "/weight?height=138"),  # the fast path
        ("GET", "/weight?height=138&ignored=%21"),  # FastAPI (the fast path does not decode)
        ("GET", "/weight?height=-1"),  # a 422
        ("POST", "/weight"),  # a 422 from FastAPI: no body
        ("GET", "/health"),
        ("GET", "/nowhere"),
    ],
)
def test_an_incoming_request_id_is_echoed_on_every_path(client, request_args):
    response = client.request(*request_args, headers={"X-Request-ID": "order-42.a"})
    assert response.headers["x-request-id"] == "order-42.a"


def test_a_missing_or_unsafe_request_id_is_replaced_by_a_fresh_one(client):
    first, second = (client.get("/weight?height=138").headers["x-request-id"] for _ in range(2))
    assert first and second and first != second
    unsafe = client.get("/health", headers={"X-Request-ID": "a b\tinjected"}).headers["x-request-id"]
    assert unsafe != "a b\tinjected" and " " not in unsafe
    assert client.get("/health", headers={"X-Request-ID": "x" * 500}).headers["x-request-id"] != "x" * 500


def test_metrics_count_requests_latency_and_predictions_on_both_paths(trained_model):
    with TestClient(create_app(trained_model, SMALL)) as client:
        client.get("/weight?height=138&height=72")  # fast path: 2 predictions
        client.get("/weight?height=138&ignored=%21")  # FastAPI: 1 prediction
        client.post("/weight", json={"height": [60, 61, 62]})  # 3 predictions
        client.post("/weight", json=[{"height": 60}])  # 1 prediction
        client.get("/weight?height=0")  # 422
        client.post("/weight", content=json.dumps({"height": [72.5] * 500}), headers=JSON)  # 413
        scraped = client.get("/metrics")
    assert scraped.status_code == 200 and scraped.headers["content-type"].startswith("text/plain")
    found = samples(scraped.text)

    def count(method, status, name="modelgate_http_requests_total"):
        return found[(name, ("endpoint", "/weight"), ("method", method), ("status", str(status)))]

    assert count("GET", 200) == 2 and count("POST", 200) == 2 and count("GET", 422) == 1 and count("POST", 413) == 1
    assert count("GET", 200, "modelgate_http_request_duration_seconds_count") == 2
    assert found[("modelgate_predictions_total",)] == 7


def test_unknown_paths_share_one_metrics_label(client):
    for path in ("/a", "/b", "/c"):
        client.get(path)
    labels = [key for key in samples(client.get("/metrics").text) if key[0] == "modelgate_http_requests_total"]
    assert not any(("endpoint", "/a") in key for key in labels)
    assert any(("endpoint", "other") in key for key in labels)


def test_metrics_count_the_inputs_asked_for_by_input(penguins):
    """Numbers at the training deciles read from the manifest file; categories and yes/no by value, a missing one too;
    values outside the training data by input: a bill longer than any training bill, an island no training penguin
    came from."""
    profile = json.loads((penguins / "manifest.json").read_text())["training_data"]["profile"]
    bill_cuts = profile["bill_length"]["deciles"]
    long_bill = BILLS[1] + 2  # accepted (at most 65), longer than every training bill
    rows = [
        {"bill_length": bill_cuts[0], "flipper_length": 190, "island": "Biscoe", "adult": "yes"},
        {"bill_length": long_bill, "flipper_length": None, "island": "Torgersen", "adult": None},
        {"bill_length": 45, "flipper_length": 200, "island": "Torgersen", "adult": False},
    ]
    with TestClient(create_app(penguins, Settings.from_env({}))) as client:
        by_get = client.get("/body_mass?bill_length=45&flipper_length=&island=Dream&adult=no")  # the fast path
        by_post = client.post("/body_mass", json=rows)
        refused = client.post("/body_mass", json=[{**rows[0], "island": "Mars"}])  # nothing of it is counted
        found = samples(client.get("/metrics").text)
    assert by_get.status_code == by_post.status_code == 200 and refused.status_code == 422
    assert by_get.headers["x-modelgate-extrapolated"] == "0" and by_post.headers["x-modelgate-extrapolated"] == "2"
    assert found[("modelgate_predictions_total",)] == 4

    def bucket(name, le):
        return found[("modelgate_requested_value_bucket", ("input", name), ("le", le))]

    assert bucket("bill_length", f"{bill_cuts[0]:g}") == 1  # at the first cut: its bucket
    assert bucket("bill_length", f"{bill_cuts[-1]:g}") == 3 and bucket("bill_length", "+Inf") == 4
    assert found[("modelgate_requested_value_count", ("input", "bill_length"))] == 4
    assert found[("modelgate_requested_value_sum", ("input", "bill_length"))] == pytest.approx(45 + bill_cuts[0] + long_bill + 45)
    assert found[("modelgate_requested_value_count", ("input", "flipper_length"))] == 2  # the missing ones are not numbers

    def category(name, value):
        return found.get(("modelgate_requested_category_total", ("input", name), ("value", value)), 0)

    assert [category("island", v) for v in ("Biscoe", "Dream", "Torgersen", "Mars")] == [1, 1, 2, 0]
    assert category("adult", "(missing)") == 1 and category("adult", "True") == 1 and category("adult", "False") == 2

    def extrapolated(name):
        return found.get(("modelgate_extrapolated_values_total", ("input", name)), 0)

    assert [extrapolated(n) for n in ("bill_length", "flipper_length", "island", "adult")] == [1, 0, 2, 0]


def test_log_lines_are_json_with_the_request_id():
    record = logging.LogRecord("modelgate.access", logging.INFO, __file__, 1, "GET %s %d", ("/weight", 200), None)
    record.status = 200
    token = request_id.set("rid-1")
    try:
        line = JsonFormatter().format(record)
    finally:
        request_id.reset(token)
    entry = json.loads(line)
    assert entry["msg"] == "GET /weight 200" and entry["request_id"] == "rid-1" and entry["status"] == 200
    assert entry["level"] == "info" and entry["logger"] == "modelgate.access" and entry["ts"]


class JsonLines(logging.Handler):
    """The JSON lines a logger writes, formatted as they are written (the request id lives only while its request does)."""

    def __init__(self):
        super().__init__()
        self.setFormatter(JsonFormatter())
        self.lines: list[dict] = []

    def emit(self, record):
        self.lines.append(json.loads(self.format(record)))


def test_the_access_log_names_the_request_id_on_both_paths(trained_model):
    lines, access = JsonLines(), logging.getLogger("modelgate.access")
    access.addHandler(lines)
    level, access.level = access.level, logging.INFO
    try:
        with TestClient(create_app(trained_model, Settings.from_env({"MODELGATE_ACCESS_LOG": "1"}))) as client:
            for rid, path in [("fast-1", "/weight?height=70"), ("api-1", "/weight?height=0"), ("probe-1", "/health")]:
                client.get(path, headers={"X-Request-ID": rid})
    finally:
        access.removeHandler(lines)
        access.level = level
    assert [(line.get("request_id"), line["status"], line["msg"]) for line in lines.lines] == [
        ("fast-1", 200, "GET /weight 200"),
        ("api-1", 422, "GET /weight 422"),
        ("probe-1", 200, "GET /health 200"),
    ]


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MODELGATE_MAX_BODY_BYTES": "lots"}, "MODELGATE_MAX_BODY_BYTES='lots': must be a whole number"),
        ({"MODELGATE_GRACEFUL_TIMEOUT": "0"}, "MODELGATE_GRACEFUL_TIMEOUT='0': must be from 1 to 600"),
        ({"MODELGATE_ACCESS_LOG": "maybe"}, "MODELGATE_ACCESS_LOG='maybe': must be one of"),
        ({"MODELGATE_LOG_LEVEL": "loud"}, "MODELGATE_LOG_LEVEL='loud': must be one of"),
        ({"MODELGATE_EXTRAPOLATION": "ignore"}, "MODELGATE_EXTRAPOLATION='ignore': must be one of flag, refuse"),
    ],
)
def test_bad_service_settings_fail_fast_with_one_line(env, message):
    with pytest.raises(ModelgateError, match=message) as caught:
        Settings.from_env(env)
    assert "\n" not in str(caught.value)


def test_a_model_that_fails_verification_is_still_counted_at_its_own_endpoint(trained_model, tmp_path):
    """The contract verifies before the model file does: requests to the scoring endpoint of a model whose file was
    replaced are counted under that endpoint (the features' output, ``/weight``), not with unknown paths."""
    broken = tmp_path / "model"
    shutil.copytree(trained_model, broken)
    (skops,) = broken.glob("*.skops")
    skops.write_bytes(skops.read_bytes() + b"\0")
    with TestClient(create_app(broken, Settings.from_env({}))) as client:
        assert client.get("/weight?height=138").status_code == 503
        found = samples(client.get("/metrics").text)
    key = ("modelgate_http_requests_total", ("endpoint", "/weight"), ("method", "GET"), ("status", "503"))
    assert found.get(key) == 1, [k for k in found if k[0] == "modelgate_http_requests_total"]
