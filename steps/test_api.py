"""Steps for the REST features: the scoring contract and the response shape."""

from __future__ import annotations

import json
import random
from urllib.parse import parse_qs, urlsplit

import pytest
from modelgate.contracts.golden import GoldenCase
from modelgate.contracts.ranges import FEATURE
from pytest_bdd import parsers, scenarios, then, when

scenarios("scoring.feature", "technical/response_shape.feature")

# The agreed heights are listed in ascending order; asked in this seeded shuffle, an answer list that
# comes back sorted (or in any order but the one asked) is caught.
SHUFFLE_SEED = 9


@pytest.fixture
def asked(golden) -> list[GoldenCase]:
    """The agreed cases in the order the client asks for them (never the features' ascending order)."""
    cases = list(golden.values())
    shuffled = random.Random(SHUFFLE_SEED).sample(cases, len(cases))
    assert shuffled != sorted(cases, key=lambda c: c.height), "the shuffle must not give the sorted order"
    return shuffled


@when(parsers.parse("a client asks for the weight of a person {height:g} inches tall"), target_fixture="response")
def ask_one(service, height):
    return service.get("/weight", f"height={height:g}")


@when("a client asks for the weights of all agreed heights in one request", target_fixture="response")
def ask_all(service, asked):
    return service.get("/weight", "&".join(f"height={c.height!r}" for c in asked))


@when("a client posts all agreed heights as a list", target_fixture="response")
def post_all(service, asked):
    return service.post("/weight", json.dumps({FEATURE: [c.height for c in asked]}))


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
    (height,) = parse_qs(urlsplit(response.request.url).query)[FEATURE]  # the height this client asked
    assert GoldenCase(float(height), weight, tolerance).met_by(answer), f"got {answer}, agreed {weight} ± {tolerance}"


@then("the answer holds exactly one weight")
def exactly_one(response):
    assert len(response.json()["response"]) == 1, response.text


@then("there is one answer per height, each the agreed weight for its height")
def one_per_height(response, asked):
    assert response.status_code == 200, response.text
    answers = response.json()["response"]
    assert len(answers) == len(asked), response.text
    for case, answer in zip(asked, answers):
        assert case.met_by(answer), f"height {case.height:g}: got {answer}, agreed {case.weight} (asked in order {asked})"


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


@then(parsers.parse('the error names the height and the range "{allowed}"'))
def error_names_range(response, allowed):
    detail = response.json()["detail"]
    assert detail and all(set(item) == {"loc", "msg", "type"} for item in detail), detail
    assert any(FEATURE in item["loc"] and allowed in item["msg"] for item in detail), detail


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
def ready(service, manifest_on_disk):
    response = service.get("/ready")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ready", response.text
    assert body["model_version"] == manifest_on_disk["model_version"], (body, manifest_on_disk["model_version"])


@then("the metadata names the model's fingerprint and training data")
def metadata(service, manifest_on_disk):
    served = service.get("/metadata").json()
    for key in ("model_version", "model_sha256", "training_data"):
        expected = manifest_on_disk[key]
        assert served.get(key) == expected, f"{key}: service says {served.get(key)!r}, the manifest file {expected!r}"
