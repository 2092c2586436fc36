"""Bugs the fuzzer and the property tests (fuzz/) found in the service, kept as regression tests."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from modelgate.app.main import create_app
from modelgate.contracts.reader import read_contract
from modelgate.steps.support import FEATURES

from modelgate.settings import Settings
from tests.app.support import error_items

JSON = {"content-type": "application/json"}
HEIGHT = read_contract(FEATURES).input("height")


@pytest.fixture(scope="module")
def client(trained_model):
    with TestClient(create_app(trained_model, Settings.from_env({}))) as client:
        yield client


# schemathesis: a body that is not UTF-8 got FastAPI's bare 400 {"detail": "..."},
# outside the documented responses and the error shape.
def test_a_body_that_is_not_utf8_is_a_422_in_the_error_shape(client):
    response = client.post("/weight", content=b"\x10\xff\xfe{", headers=JSON)
    assert response.status_code == 422, response.text
    (item,) = error_items(response.content)
    assert item["loc"] == ["body"] and "UTF-8 JSON" in item["msg"] and item["type"] == "json_invalid"


@pytest.mark.parametrize("body", [b"", b"{", b"[1, 2", b"NaN", b'"height"', b"72"])
def test_a_body_that_is_not_a_json_object_or_list_is_a_422_in_the_error_shape(client, body):
    response = client.post("/weight", content=body, headers=JSON)
    assert response.status_code == 422, response.text
    assert error_items(response.content)[0]["loc"] == ["body"]


def test_an_unknown_path_is_404_in_the_error_shape(client):
    response = client.get("/nowhere")
    assert response.status_code == 404
    error_items(response.content)


def test_a_method_not_allowed_is_405_in_the_error_shape(client):
    response = client.delete("/weight")
    assert response.status_code == 405
    error_items(response.content)


# hypothesis: JSON true was scored as height 1, and numeric strings were scored although the
# documented schema says number; a query value like "1_0" was read as 10 (Python's float()),
# while batch scoring rejects it.
@pytest.mark.parametrize(
    "body", ['{"height": [true]}', '{"height": ["72"]}', '{"height": [72, "1e2"]}', '{"height": [false]}', '[{"height": "72"}]']
)
def test_a_json_height_must_be_a_json_number(client, body):
    response = client.post("/weight", content=body, headers=JSON)
    assert response.status_code == 422, response.text
    assert HEIGHT.describe() in error_items(response.content)[0]["msg"]


@pytest.mark.parametrize(
    "query", ["height=1_0", "height=infinity", "height=%D9%A1%D9%A2", "height=72&height=1_0&x=1", "height=0x48"]
)
def test_a_query_height_must_be_a_plain_decimal_number(client, query):
    response = client.get(f"/weight?{query}")
    assert response.status_code == 422, response.text
    assert HEIGHT.describe() in error_items(response.content)[0]["msg"]


@pytest.mark.parametrize("query", ["height=%2072", "height=72.0&x=1", "height=7.2e1", "height=+72"])
def test_plain_numbers_with_spaces_or_exponents_are_still_heights(client, query):
    assert client.get(f"/weight?{query}").json() == client.get("/weight?height=72").json()
