"""Service hygiene: body-size limit (413 in the error shape), request ids, Prometheus metrics, JSON logs."""

from __future__ import annotations

import json
import logging

import pytest
from fastapi.testclient import TestClient
from modelgate.app.logs import JsonFormatter, request_id
from modelgate.app.main import create_app
from modelgate.contracts.errors import ModelgateError
from modelgate.contracts.ranges import HEIGHT, MAX_HEIGHTS_PER_REQUEST
from modelgate.contracts.response import ErrorResponse

from modelgate.settings import Settings

SMALL = Settings.from_env({"MODELGATE_MAX_BODY_BYTES": "2048"})
JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def client(trained_model):
    with TestClient(create_app(trained_model, SMALL)) as client:
        yield client


def _heights_body(count: int, height: float = 72.5) -> bytes:
    return json.dumps({"height": [height] * count}).encode()


def test_a_body_over_the_limit_is_413_in_the_error_shape(client):
    response = client.post("/weight", content=_heights_body(500), headers=JSON)
    assert response.status_code == 413, response.text
    (item,) = ErrorResponse.model_validate(response.json()).detail
    assert item.loc == ["body"] and "2048 bytes" in item.msg and item.type == "body_too_large"
    assert response.headers["connection"] == "close"


def test_a_chunked_body_over_the_limit_is_413_too(client):
    chunks = (_heights_body(500)[i : i + 256] for i in range(0, 5000, 256))  # no Content-Length: chunked
    response = client.post("/weight", content=chunks, headers=JSON)
    assert response.status_code == 413, response.text


def test_a_chunked_body_under_the_limit_is_scored(client):
    chunks = iter([b'{"height": [72', b", 138]}"])
    response = client.post("/weight", content=chunks, headers=JSON)
    assert response.status_code == 200 and len(response.json()["response"]) == 2, response.text


def test_the_default_limit_admits_the_largest_valid_request(trained_model):
    # The longest float text in range, as many as the contract allows: must still be scored.
    longest = HEIGHT.high - 2**-45
    body = _heights_body(MAX_HEIGHTS_PER_REQUEST, longest)
    with TestClient(create_app(trained_model, Settings.from_env({}))) as client:
        ok = client.post("/weight", content=body, headers=JSON)
        too_many = client.post("/weight", content=_heights_body(MAX_HEIGHTS_PER_REQUEST + 1), headers=JSON)
    assert ok.status_code == 200 and len(ok.json()["response"]) == MAX_HEIGHTS_PER_REQUEST
    assert too_many.status_code == 422 and "at most" in too_many.json()["detail"][0]["msg"]


@pytest.mark.parametrize(
    "request_args",
    [
        ("GET", "/weight?height=138"),  # the fast path
        ("GET", "/weight?height=138&ignored=1"),  # FastAPI
        ("GET", "/weight?height=-1"),  # a 422
        ("GET", "/health"),
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


def _samples(text: str) -> dict[str, float]:
    return {line.rsplit(" ", 1)[0]: float(line.rsplit(" ", 1)[1]) for line in text.splitlines() if line and line[0] != "#"}


def test_metrics_count_requests_latency_and_predictions_on_both_paths(trained_model):
    with TestClient(create_app(trained_model, SMALL)) as client:
        client.get("/weight?height=138&height=72")  # fast path: 2 predictions
        client.get("/weight?height=138&ignored=1")  # FastAPI: 1 prediction
        client.post("/weight", json={"height": [60, 61, 62]})  # 3 predictions
        client.get("/weight?height=0")  # 422
        client.post("/weight", content=_heights_body(500), headers=JSON)  # 413
        scraped = client.get("/metrics")
    assert scraped.status_code == 200 and scraped.headers["content-type"].startswith("text/plain")
    samples = _samples(scraped.text)

    def count(method, status):
        return samples[f'modelgate_http_requests_total{{endpoint="/weight",method="{method}",status="{status}"}}']

    assert count("GET", 200) == 2 and count("POST", 200) == 1 and count("GET", 422) == 1 and count("POST", 413) == 1
    assert samples['modelgate_http_request_duration_seconds_count{endpoint="/weight",method="GET",status="200"}'] == 2
    assert samples["modelgate_predictions_total"] == 6


def test_unknown_paths_share_one_metrics_label(client):
    for path in ("/a", "/b", "/c"):
        client.get(path)
    labels = [key for key in _samples(client.get("/metrics").text) if key.startswith("modelgate_http_requests_total")]
    assert not any('"/a"' in key for key in labels)
    assert any('endpoint="other"' in key for key in labels)


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


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"MODELGATE_MAX_BODY_BYTES": "lots"}, "MODELGATE_MAX_BODY_BYTES='lots': must be a whole number"),
        ({"MODELGATE_GRACEFUL_TIMEOUT": "0"}, "MODELGATE_GRACEFUL_TIMEOUT='0': must be from 1 to 600"),
        ({"MODELGATE_ACCESS_LOG": "maybe"}, "MODELGATE_ACCESS_LOG='maybe': must be one of"),
        ({"MODELGATE_LOG_LEVEL": "loud"}, "MODELGATE_LOG_LEVEL='loud': must be one of"),
    ],
)
def test_bad_hygiene_settings_fail_fast_with_one_line(env, message):
    with pytest.raises(ModelgateError, match=message):
        Settings.from_env(env)
