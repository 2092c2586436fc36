"""Fuzzing the API keys: the service with keys configured, called without a key, with wrong keys and with
malformed key headers (any bytes, any scheme), on every documented operation and on paths nobody documented.

Pass criteria: every such request gets a 401 in the error shape with ``WWW-Authenticate: Bearer`` (the probes
``/health`` and ``/ready`` excepted: they stay open), never a 5xx, and no answer contains the presented value or
any configured key. Schemathesis then checks every keyless answer conforms to the documented schema (the 401
is documented where it can happen). The requests are made in-process through the ASGI interface
(``modelgate.app.client.ask``), so header bytes no HTTP client would send reach the check too.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from modelgate.app.auth import OPEN_PATHS, unauthorized_body
from modelgate.app.client import ask
from schemathesis import GenerationMode

from modelgate.settings import API_KEYS_VARIABLE, Settings
from tests.app.support import error_items, loaded_app

KEYS = ("fuzz-caller-key-0123456789abcdef", "another.caller_key+/0123456789==")
EXAMPLES = 1_000
POSITIVE, NEGATIVE = GenerationMode.POSITIVE, GenerationMode.NEGATIVE
SCORING = "/<output>"  # the scoring endpoint, named by the features' output
OPERATIONS = [
    ("GET", SCORING),
    ("POST", SCORING),
    ("GET", "/health"),
    ("GET", "/ready"),
    ("GET", "/metadata"),
    ("GET", "/metrics"),
]
MIN_REQUESTS = 1_000
COUNT = {"requests": 0, "refused": 0}

# What a caller without a valid key may send: nothing, a wrong key either way, or a malformed header.
token68 = st.from_regex(r"[A-Za-z0-9._~+/-]{1,64}=*", fullmatch=True).filter(lambda k: k not in KEYS)
wrong = st.one_of(
    token68.map(lambda k: [(b"authorization", b"Bearer " + k.encode())]),
    token68.map(lambda k: [(b"x-api-key", k.encode())]),
    st.sampled_from(KEYS).map(lambda k: [(b"x-api-key", k[:-1].encode())]),  # one character short
    st.sampled_from(KEYS).map(lambda k: [(b"authorization", b"Bearer " + k.encode() + b"x")]),  # one too many
)
malformed = st.one_of(
    st.binary(max_size=120).map(lambda v: [(b"authorization", v)]),
    st.binary(max_size=120).map(lambda v: [(b"x-api-key", v)]),
    st.tuples(st.sampled_from([b"Basic", b"Token", b"Bearer:", b"", b"Digest"]), st.sampled_from(KEYS)).map(
        lambda sk: [(b"authorization", sk[0] + b" " + sk[1].encode())]  # a real key under the wrong scheme
    ),
    st.sampled_from(KEYS).map(lambda k: [(b"authorization", b"Bearer " + k.encode() + b" extra")]),
)
refused_headers = st.one_of(st.just([]), wrong, malformed)
other_paths = st.text(st.characters(min_codepoint=33, max_codepoint=126, exclude_characters="?#"), max_size=30).map(
    lambda p: "/" + p
)


@pytest.fixture(scope="module")
def locked_app(model_under_test, tmp_path_factory):
    keys_file = tmp_path_factory.mktemp("keys") / "api-keys"
    keys_file.write_text("\n".join(KEYS) + "\n")
    return loaded_app(model_under_test, Settings.from_env({API_KEYS_VARIABLE: str(keys_file)}))


@pytest.fixture(scope="module")
def some_body(stated) -> bytes:
    """A valid body (the first agreed row): what the key check must refuse before it is read."""
    return json.dumps([dict(zip(stated.names, stated.golden[0].values))]).encode()


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck), database=None)
@given(
    headers=refused_headers,
    path=st.one_of(st.sampled_from([SCORING, "/metadata", "/metrics", "/openapi.json", "/docs"]), other_paths),
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE"]),
    query=st.binary(max_size=40),
)
def test_without_a_valid_key_every_request_is_a_401_that_echoes_nothing(
    locked_app, scoring_path, some_body, headers, path, method, query
):
    path = scoring_path if path == SCORING else path
    reply = ask(locked_app, method, path, query, headers, some_body)
    COUNT["requests"] += 1
    assert reply.status < 500
    if path in OPEN_PATHS:
        return
    COUNT["refused"] += reply.status == 401
    assert reply.status == 401, (reply.status, reply.body)
    assert reply.headers["www-authenticate"].startswith("Bearer")
    (item,) = error_items(reply.body)
    # Nothing of the request is echoed: the body is the fixed one for its kind, the headers are the fixed ones
    # plus a fresh request id (none was sent).
    assert reply.body == unauthorized_body(item["type"])
    assert set(reply.headers) == {"content-type", "content-length", "www-authenticate", "x-request-id"}
    assert reply.headers["x-request-id"].encode("latin-1") not in {value for _, value in headers}
    everything = reply.body + b"".join(v.encode("latin-1") for v in reply.headers.values())
    assert not any(key.encode() in everything for key in KEYS)


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("header", ["authorization", "x-api-key"])
def test_a_valid_key_is_answered_as_without_keys(locked_app, model_under_test, stated, scoring_path, key, header):
    value = (f"Bearer {key}" if header == "authorization" else key).encode()
    open_app = loaded_app(model_under_test)
    spec = stated.inputs[0]
    agreed = "&".join(f"{i.name}={i.to_text(v)}" for i, v in zip(stated.inputs, stated.golden[0].values)).encode()
    # The fast path's answer, FastAPI's (a percent sign: the fast path does not decode), and a refusal.
    for query in [agreed, agreed + b"&x=%31", f"{spec.name}=%00".encode()]:
        got = ask(locked_app, "GET", scoring_path, query, [(header.encode(), value)])
        expected = ask(open_app, "GET", scoring_path, query)
        assert (got.status, got.body) == (expected.status, expected.body), query


@pytest.fixture(scope="module")
def locked_schema(locked_app):
    # The schema itself is behind the key: read with one, then fuzzed without.
    return schemathesis.openapi.from_asgi("/openapi.json", locked_app, headers={"X-API-Key": KEYS[0]})


@pytest.mark.parametrize(
    ("method", "path", "mode"),
    [("GET", SCORING, NEGATIVE), ("POST", SCORING, NEGATIVE)] + [(m, p, POSITIVE) for m, p in OPERATIONS],
)
@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck), database=None)
@given(data=st.data())
def test_keyless_answers_conform_to_the_documented_schema(locked_schema, scoring_path, method, path, mode, data):
    path = scoring_path if path == SCORING else path
    case = data.draw(locked_schema[path][method].as_strategy(generation_mode=mode), label="case")
    response = case.call_and_validate()  # no key: the documented 401 (the probes: their 200)
    COUNT["requests"] += 1
    assert response.status_code == (200 if path in OPEN_PATHS else 401), response.text


def test_zz_the_key_fuzz_made_enough_requests(record_property):
    # Runs last in this module: the count of the runs above, recorded in the JUnit file.
    record_property("auth_fuzz_requests", COUNT["requests"])
    record_property("auth_fuzz_refused", COUNT["refused"])
    assert COUNT["requests"] >= MIN_REQUESTS and COUNT["refused"] >= EXAMPLES // 2, COUNT
