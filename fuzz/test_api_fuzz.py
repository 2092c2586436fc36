"""Schemathesis over every operation of the service's OpenAPI schema, which the service generates from the model's
contract: valid and invalid requests.

Pass criteria: no 5xx; status code, content type, headers and body conform to the documented
schema (the 422/413 error shape included); invalid data is rejected and valid data accepted.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from modelgate.contracts.contract import MAX_ROWS_PER_REQUEST
from schemathesis import GenerationMode

# Every operation the service documents, the scoring endpoint named by the features' output (SCORING); a test checks
# this list against the schema, so a new endpoint cannot go unfuzzed. (schemathesis' own pytest plugin is not used:
# its lazy-schema loader relies on a pytest internal that pytest 9 removed; drawing its strategies works the same.)
# Operations without inputs have nothing to make invalid, so they are fuzzed in positive mode only.
POSITIVE, NEGATIVE = GenerationMode.POSITIVE, GenerationMode.NEGATIVE
SCORING = "/<output>"
OPERATIONS = [
    ("GET", SCORING, POSITIVE),
    ("GET", SCORING, NEGATIVE),
    ("POST", SCORING, POSITIVE),
    ("POST", SCORING, NEGATIVE),
    ("GET", "/health", POSITIVE),
    ("GET", "/ready", POSITIVE),
    ("GET", "/metadata", POSITIVE),
    ("GET", "/metrics", POSITIVE),
]
EXAMPLES = 300  # per operation and mode: the four scoring runs alone make 1,200 requests
MIN_REQUESTS = 1_000


@pytest.fixture(scope="session")
def fuzz_run(request_count, api_schema, scoring_path):
    """The fuzz run's request count, judged when the session ends, after every fuzz case whatever the order
    they ran in: at least ``MIN_REQUESTS`` requests, every documented operation reached. A shortfall fails
    the run (an error at teardown, in the JUnit report like any test's)."""
    yield request_count
    reached = f"fuzz run: {request_count.total} requests (at least {MIN_REQUESTS:,} required) {request_count.by_operation}"
    assert set(request_count.by_operation) == _documented(api_schema), reached
    assert request_count.total >= MIN_REQUESTS, reached


@pytest.mark.parametrize(("method", "path", "mode"), OPERATIONS)
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck), database=None)
@given(data=st.data())
def test_every_operation_conforms_to_its_documented_schema(
    api_schema, target, key_headers, fuzz_run, scoring_path, method, path, mode, data
):
    path = scoring_path if path == SCORING else path
    case = data.draw(api_schema[path][method].as_strategy(generation_mode=mode), label="case")
    url, _ = target
    case.call_and_validate(base_url=url, headers=key_headers) if url else case.call_and_validate()
    fuzz_run.add(f"{method} {path}")


def _bounds(schema: dict) -> tuple:
    """(low, low closed, high, high closed) as a JSON schema states them."""
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    return low, "minimum" in schema, high, "maximum" in schema


def _plain(schema: dict) -> dict:
    """A value's schema without the alternative of a missing one (null in JSON, the empty text in a query)."""
    for option in schema.get("anyOf", [schema]):
        if option.get("type") != "null" and option.get("enum") != [""]:
            return option
    raise AssertionError(schema)


def test_the_documented_schema_states_the_features_contract_and_the_errors(api_schema, stated, scoring_path):
    """Every input as the features state it: its range (each end open or closed), its categories or spellings,
    whether it may be missing; the row limit; the documented errors in the one shape."""
    spec = api_schema.raw_schema
    get, post = spec["paths"][scoring_path]["get"], spec["paths"][scoring_path]["post"]
    parameters = {p["name"]: p for p in get["parameters"] if p["in"] == "query"}
    columns, records = post["requestBody"]["content"]["application/json"]["schema"]["oneOf"]
    assert list(parameters) == stated.names and columns["required"] == records["items"]["required"] == stated.names
    # The ranges an answer may state, asked for in a header of either operation: the levels the features state.
    for operation in (get, post):
        headers = [p for p in operation.get("parameters", []) if p["in"] == "header"]
        levels = [c.key for c in stated.intervals]
        assert [h["name"] for h in headers] == (["X-Modelgate-Interval"] if levels else [])
        assert all(not h["required"] and all(f"{level}" in h["schema"]["pattern"] for level in levels) for h in headers)
    for found in stated.inputs:
        query = parameters[found.name]["schema"]
        assert parameters[found.name]["required"] and query["type"] == "array" and query["maxItems"] == MAX_ROWS_PER_REQUEST
        column = columns["properties"][found.name]
        assert column["maxItems"] == MAX_ROWS_PER_REQUEST and records["maxItems"] == MAX_ROWS_PER_REQUEST
        for value in (_plain(query["items"]), _plain(column["items"]), _plain(records["items"]["properties"][found.name])):
            if found.numeric:
                bounds = found.range
                assert _bounds(value) == (bounds.low, bounds.low_closed, bounds.high, bounds.high_closed), (found.name, value)
            elif value.get("type") == "boolean":
                assert found.kind == "yes/no"
            else:  # categories, and a yes/no's spellings in a query; "" is a missing one there
                assert set(value["enum"]) - {""} == set(found.values), (found.name, value)
        may_be_null = any(o.get("type") == "null" for o in column["items"].get("anyOf", []))
        assert may_be_null == found.missing, found.name
    assert {"200", "422", "503"} <= set(get["responses"]) and {"200", "413", "422", "503"} <= set(post["responses"])
    for operation in (get, post):
        for status in ("422", "503"):
            error = operation["responses"][status]["content"]["application/json"]["schema"]
            assert error["required"] == ["detail"]
            assert error["properties"]["detail"]["items"]["required"] == ["loc", "msg", "type"]
    assert set(spec["paths"]) >= {scoring_path, "/health", "/ready", "/metadata", "/metrics"}


def test_every_documented_operation_is_fuzzed(api_schema, scoring_path):
    fuzzed = {f"{method} {scoring_path if path == SCORING else path}" for method, path, _ in OPERATIONS}
    assert fuzzed == _documented(api_schema)


def _documented(api_schema) -> set[str]:
    """The "METHOD /path" of every operation the served OpenAPI schema documents."""
    return {f"{method.upper()} {path}" for path, item in api_schema.raw_schema["paths"].items() for method in item}
