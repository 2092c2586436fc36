"""Schemathesis over every operation of the service's OpenAPI schema: valid and invalid requests.

Pass criteria: no 5xx; status code, content type, headers and body conform to the documented
schema (the 422/413 error shape included); invalid data is rejected and valid data accepted.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from modelgate.contracts.ranges import HEIGHT, MAX_HEIGHTS_PER_REQUEST
from schemathesis import GenerationMode

# Every operation the service documents; a test checks this list against the schema, so a new
# endpoint cannot go unfuzzed. (schemathesis' own pytest plugin is not used: its lazy-schema
# loader relies on a pytest internal that pytest 9 removed; drawing its strategies works the same.)
# Operations without inputs have nothing to make invalid, so they are fuzzed in positive mode only.
POSITIVE, NEGATIVE = GenerationMode.POSITIVE, GenerationMode.NEGATIVE
OPERATIONS = [
    ("GET", "/weight", POSITIVE),
    ("GET", "/weight", NEGATIVE),
    ("POST", "/weight", POSITIVE),
    ("POST", "/weight", NEGATIVE),
    ("GET", "/health", POSITIVE),
    ("GET", "/ready", POSITIVE),
    ("GET", "/metadata", POSITIVE),
    ("GET", "/metrics", POSITIVE),
]
EXAMPLES = 300  # per operation and mode: the four /weight runs alone make 1,200 requests
MIN_REQUESTS = 1_000


@pytest.fixture(scope="session")
def fuzz_run(request_count, api_schema):
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
def test_every_operation_conforms_to_its_documented_schema(api_schema, target, key_headers, fuzz_run, method, path, mode, data):
    case = data.draw(api_schema[path][method].as_strategy(generation_mode=mode), label="case")
    url, _ = target
    case.call_and_validate(base_url=url, headers=key_headers) if url else case.call_and_validate()
    fuzz_run.add(f"{method} {path}")


def test_the_documented_schema_declares_the_height_range_and_the_errors(api_schema):
    spec = api_schema.raw_schema
    get, post = spec["paths"]["/weight"]["get"], spec["paths"]["/weight"]["post"]
    items = get["parameters"][0]["schema"]["items"]
    assert items["exclusiveMinimum"] == HEIGHT.low and items["maximum"] == HEIGHT.high
    assert get["parameters"][0]["schema"]["maxItems"] == MAX_HEIGHTS_PER_REQUEST
    body = spec["components"]["schemas"]["WeightRequest"]["properties"]["height"]
    assert body["items"]["exclusiveMinimum"] == HEIGHT.low and body["items"]["maximum"] == HEIGHT.high
    assert body["maxItems"] == MAX_HEIGHTS_PER_REQUEST
    assert {"200", "422", "503"} <= set(get["responses"]) and {"200", "413", "422", "503"} <= set(post["responses"])
    error = spec["components"]["schemas"]["ErrorResponse"]
    assert error["required"] == ["detail"]
    for operation in (get, post):
        for status in ("422", "503"):
            assert operation["responses"][status]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorResponse")
    assert set(spec["paths"]) >= {"/weight", "/health", "/ready", "/metadata", "/metrics"}


def test_every_documented_operation_is_fuzzed(api_schema):
    assert {f"{method} {path}" for method, path, _ in OPERATIONS} == _documented(api_schema)


def _documented(api_schema) -> set[str]:
    """The "METHOD /path" of every operation the served OpenAPI schema documents."""
    return {f"{method.upper()} {path}" for path, item in api_schema.raw_schema["paths"].items() for method in item}
