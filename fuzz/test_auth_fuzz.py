"""Fuzzing the API keys: the service with keys configured, called without a key, with wrong keys and with
malformed key headers (any bytes, any scheme), on every documented operation and on paths nobody documented.

Pass criteria: every such request gets a 401 in the error shape with ``WWW-Authenticate: Bearer`` (the probes
``/health`` and ``/ready`` excepted: they stay open), never a 5xx, and no answer contains the presented value or
any configured key. Schemathesis then checks every keyless answer conforms to the documented schema (the 401
is documented where it can happen). The requests are made in-process through the ASGI interface, so header
bytes no HTTP client would send reach the check too.
"""

from __future__ import annotations

import asyncio
import json

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from modelgate.app.auth import OPEN_PATHS, unauthorized_body
from modelgate.app.main import create_app
from modelgate.contracts.response import ErrorResponse
from schemathesis import GenerationMode

from modelgate.settings import API_KEYS_VARIABLE, Settings

KEYS = ("fuzz-caller-key-0123456789abcdef", "another.caller_key+/0123456789==")
EXAMPLES = 1_000
POSITIVE, NEGATIVE = GenerationMode.POSITIVE, GenerationMode.NEGATIVE
OPERATIONS = [
    ("GET", "/weight"),
    ("POST", "/weight"),
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
paths = st.one_of(
    st.sampled_from(["/weight", "/metadata", "/metrics", "/openapi.json", "/docs"]),
    st.text(st.characters(min_codepoint=33, max_codepoint=126, exclude_characters="?#"), max_size=30).map(lambda p: "/" + p),
)


@pytest.fixture(scope="module")
def locked_app(model_under_test, tmp_path_factory):
    keys_file = tmp_path_factory.mktemp("keys") / "api-keys"
    keys_file.write_text("\n".join(KEYS) + "\n")
    app = create_app(model_under_test, Settings.from_env({API_KEYS_VARIABLE: str(keys_file)}))
    app.state.load()
    return app


def asgi(app, method: str, path: str, query: bytes, headers: list[tuple[bytes, bytes]], body: bytes = b""):
    """(status, headers, body) of one request made through the ASGI interface."""
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http"}
    scope |= {"path": path, "raw_path": path.encode(), "query_string": query, "root_path": "", "client": ("127.0.0.1", 1)}
    scope |= {"server": ("127.0.0.1", 80), "headers": [(b"host", b"test"), *headers]}
    sent = []

    async def receive():
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    return (
        start["status"],
        dict(start["headers"]),
        b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body"),
    )


@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck), database=None)
@given(
    headers=refused_headers, path=paths, method=st.sampled_from(["GET", "POST", "PUT", "DELETE"]), query=st.binary(max_size=40)
)
def test_without_a_valid_key_every_request_is_a_401_that_echoes_nothing(locked_app, headers, path, method, query):
    status, response_headers, body = asgi(locked_app, method, path, query, headers, b'{"height": [64]}')
    COUNT["requests"] += 1
    assert status < 500
    if path in OPEN_PATHS:
        return
    COUNT["refused"] += status == 401
    assert status == 401, (status, body)
    assert response_headers[b"www-authenticate"].startswith(b"Bearer")
    answer = json.loads(body)
    ErrorResponse.model_validate(answer)
    kind = answer["detail"][0]["type"]
    # Nothing of the request is echoed: the body is the fixed one for its kind, the headers are the fixed ones
    # plus a fresh request id (none was sent).
    assert body == unauthorized_body(kind)
    assert set(response_headers) == {b"content-type", b"content-length", b"www-authenticate", b"x-request-id"}
    assert response_headers[b"x-request-id"] not in {value for _, value in headers}
    everything = body + b"".join(response_headers.values())
    assert not any(key.encode() in everything for key in KEYS)


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("header", ["authorization", "x-api-key"])
def test_a_valid_key_is_answered_as_without_keys(locked_app, model_under_test, key, header):
    value = (f"Bearer {key}" if header == "authorization" else key).encode()
    open_app = create_app(model_under_test, Settings.from_env({}))
    open_app.state.load()
    for path, query in [("/weight", b"height=64"), ("/weight", b"height=64&x=1"), ("/weight", b"height=0")]:
        got = asgi(locked_app, "GET", path, query, [(header.encode(), value)])
        expected = asgi(open_app, "GET", path, query, [])
        assert (got[0], got[2]) == (expected[0], expected[2])


@pytest.fixture(scope="module")
def locked_schema(locked_app):
    # The schema itself is behind the key: read with one, then fuzzed without.
    return schemathesis.openapi.from_asgi("/openapi.json", locked_app, headers={"X-API-Key": KEYS[0]})


@pytest.mark.parametrize(
    ("method", "path", "mode"),
    [("GET", "/weight", NEGATIVE), ("POST", "/weight", NEGATIVE)] + [(m, p, POSITIVE) for m, p in OPERATIONS],
)
@settings(max_examples=40, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck), database=None)
@given(data=st.data())
def test_keyless_answers_conform_to_the_documented_schema(locked_schema, method, path, mode, data):
    case = data.draw(locked_schema[path][method].as_strategy(generation_mode=mode), label="case")
    response = case.call_and_validate()  # no key: the documented 401 (the probes: their 200)
    COUNT["requests"] += 1
    assert response.status_code == (200 if path in OPEN_PATHS else 401), response.text


def test_zz_the_key_fuzz_made_enough_requests(record_property):
    # Runs last in this module: the count of the runs above, recorded in the JUnit file.
    record_property("auth_fuzz_requests", COUNT["requests"])
    record_property("auth_fuzz_refused", COUNT["refused"])
    assert COUNT["requests"] >= MIN_REQUESTS and COUNT["refused"] >= EXAMPLES // 2, COUNT
