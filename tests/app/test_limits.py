"""The body limit (``app.limits``): a body over it is a 413 in the error shape, judged by its declared length before
any of it is read, or by what has arrived of a chunked one; the default admits the largest valid request of the
model's contract, whatever its inputs."""

from __future__ import annotations

import json
import math

import pytest
from fastapi.testclient import TestClient
from modelgate.app.client import ask
from modelgate.app.limits import BodyLimit
from modelgate.app.main import create_app
from modelgate.contracts.contract import MAX_ROWS_PER_REQUEST
from modelgate.steps.support import Fallback

from modelgate.settings import Settings
from tests.app.support import JSON_HEADERS, error_items

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
    (item,) = error_items(response.content)
    assert item["loc"] == ["body"] and "2048 bytes" in item["msg"] and item["type"] == "body_too_large"
    assert response.headers["connection"] == "close"


def test_a_declared_length_over_the_limit_is_refused_before_the_body_is_read():
    behind = Fallback()
    limited = BodyLimit(behind, lambda: 2048)
    # 10 MB declared, nothing sent: the verdict is the header's, and the app behind never starts.
    reply = ask(limited, "POST", "/weight", headers=[*JSON_HEADERS, (b"content-length", b"10000000")])
    assert reply.status == 413 and behind.seen == []
    assert ask(limited, "POST", "/weight", headers=JSON_HEADERS, body=b"{}").status == 418  # under it: handed on


def test_a_chunked_body_over_the_limit_is_413_too(client):
    chunks = (_heights_body(500)[i : i + 256] for i in range(0, 5000, 256))  # no Content-Length: chunked
    response = client.post("/weight", content=chunks, headers=JSON)
    assert response.status_code == 413, response.text
    error_items(response.content)


def test_a_chunked_body_under_the_limit_is_scored(client):
    chunks = iter([b'{"height": [72', b", 138]}"])
    response = client.post("/weight", content=chunks, headers=JSON)
    assert response.status_code == 200 and len(response.json()["response"]) == 2, response.text


def _longest(spec) -> object:
    """An accepted value of ``spec`` whose JSON is as long as any: the float just below its upper end (17 digits), a
    category's longest name, a yes/no's longer spelling."""
    if spec.numeric:
        return math.nextafter(spec.range.high, -math.inf)
    return max(spec.values, key=len)


@pytest.mark.parametrize("model", ["trained_model", "penguins"])
def test_the_default_limit_admits_the_largest_valid_request(request, model):
    model_dir = request.getfixturevalue(model)
    with TestClient(create_app(model_dir, Settings.from_env({}))) as client:
        contract = client.app.state.contract
        row = {spec.name: _longest(spec) for spec in contract.inputs}
        records = json.dumps([row] * MAX_ROWS_PER_REQUEST, indent=1).encode()  # records, pretty-printed: the longest way
        columns = json.dumps({name: [value] * MAX_ROWS_PER_REQUEST for name, value in row.items()}, indent=1).encode()
        too_many = json.dumps([row] * (MAX_ROWS_PER_REQUEST + 1)).encode()
        answered = [client.post(f"/{contract.output.name}", content=body, headers=JSON) for body in (records, columns)]
        refused = client.post(f"/{contract.output.name}", content=too_many, headers=JSON)
    for response in answered:
        assert response.status_code == 200 and len(response.json()["response"]) == MAX_ROWS_PER_REQUEST, response.text[:300]
    (item,) = error_items(refused.content)
    assert refused.status_code == 422 and item["type"] == "too_long" and f"{MAX_ROWS_PER_REQUEST}" in item["msg"]


def test_a_caller_without_a_key_is_refused_before_the_body_limit_reads_anything(trained_model, tmp_path):
    (tmp_path / "keys").write_text("limits-test-key-0123456789\n")
    settings = Settings.from_env({"MODELGATE_API_KEYS_FILE": str(tmp_path / "keys"), "MODELGATE_MAX_BODY_BYTES": "2048"})
    app = create_app(trained_model, settings)
    app.state.load()
    reply = ask(app, "POST", "/weight", headers=[*JSON_HEADERS, (b"content-length", b"10000000")])
    assert reply.status == 401 and error_items(reply.body)[0]["type"] == "api_key_missing"
