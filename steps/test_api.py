"""Steps for the REST features: the scoring contract and the response shape."""

from __future__ import annotations

import json

from pytest_bdd import parsers, scenarios, then, when

from contracts.ranges import FEATURE, HEIGHT

scenarios("scoring.feature", "response_shape.feature")


@when(parsers.parse("a client asks for the weight of a person {height:g} inches tall"), target_fixture="response")
def ask_one(service, height):
    return service.get("/weight", f"height={height:g}")


@when("a client asks for the weights of all agreed heights in one request", target_fixture="response")
def ask_all(service, golden):
    return service.get("/weight", "&".join(f"height={h:g}" for h in golden[0]))


@when("a client posts all agreed heights as a list", target_fixture="response")
def post_all(service, golden):
    return service.post("/weight", json.dumps({FEATURE: list(golden[0])}))


@when(parsers.parse('a client asks for the weight with the query "{query}"'), target_fixture="response")
@when('a client asks for the weight with the query ""', target_fixture="response")
def ask_query(service, query=""):
    return service.get("/weight", query)


@when(parsers.parse("a client posts the body '{body}'"), target_fixture="response")
def post_body(service, body):
    return service.post("/weight", body)


@then(parsers.parse("the answer is {weight:g} pounds, give or take {tolerance:g} pounds"))
def answer_is(response, weight, tolerance):
    assert response.status_code == 200, response.text
    (answer,) = response.json()["response"]
    assert abs(answer - weight) <= tolerance, f"got {answer}, agreed {weight} ± {tolerance}"


@then("the answer holds exactly one weight")
def exactly_one(response):
    assert len(response.json()["response"]) == 1, response.text


@then("there is one answer per height, each the agreed weight for its height")
def one_per_height(response, golden):
    agreed, tolerance = golden
    assert response.status_code == 200, response.text
    answers = response.json()["response"]
    assert len(answers) == len(agreed), response.text
    for (height, weight), answer in zip(agreed.items(), answers):
        assert abs(answer - weight) <= tolerance, f"height {height:g}: got {answer}, agreed {weight}"


@then(parsers.parse("the response status is {status:d}"))
def status_is(response, status):
    assert response.status_code == status, f"{response.status_code}: {response.text}"


@then(parsers.parse('the body is a JSON object whose only key is "{key}"'))
def only_key(response, key):
    assert response.headers["content-type"].startswith("application/json")
    assert list(response.json()) == [key], response.text


@then(parsers.parse('"response" is a list of {count:d} number with at most {decimals:d} decimals'))
def list_of_numbers(response, count, decimals):
    values = response.json()["response"]
    assert isinstance(values, list) and len(values) == count, values
    for value in values:
        assert isinstance(value, float | int) and not isinstance(value, bool), value
        assert round(value, decimals) == value, f"{value} has more than {decimals} decimals"


@then("the error names the height and the allowed range")
def error_names_range(response):
    detail = response.json()["detail"]
    assert detail and all(set(item) == {"loc", "msg", "type"} for item in detail), detail
    assert any(FEATURE in item["loc"] and HEIGHT.describe() in item["msg"] for item in detail), detail


def _values(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from _values(value)
    elif isinstance(node, list):
        for value in node:
            yield from _values(value)
    else:
        yield node


@then("the body has no empty, null or NA values")
def no_empty_values(response):
    for value in _values(response.json()):
        assert value is not None and value != "" and str(value).lower() not in {"na", "nan", "null"}, response.text


@then('the health check answers "ok"')
def health_ok(service):
    response = service.get("/health")
    assert response.status_code == 200 and response.json() == {"status": "ok"}, response.text


@then('the readiness check answers "ready" with the model version')
def ready(service):
    response = service.get("/ready")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ready" and len(body["model_version"]) == 12, response.text


@then("the metadata names the model's fingerprint and training data")
def metadata(service):
    manifest = service.get("/metadata").json()
    assert len(manifest["model_sha256"]) == 64, manifest
    assert manifest["training_data"]["rows"] > 0 and len(manifest["training_data"]["sha256"]) == 64, manifest
