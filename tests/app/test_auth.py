"""Only callers get in: with API keys configured, every path but the probes' needs a key (Bearer or X-API-Key),
on the fast path too; a refusal is a 401 in the error shape that never repeats the key; with no keys the service
is open as before. The keys come from a file, validated with one line naming the variable."""

from __future__ import annotations

import hmac
import json

import pytest
from fastapi.testclient import TestClient
from modelgate.app import auth
from modelgate.app.client import ask
from modelgate.app.fast import FastAnswer
from modelgate.app.main import create_app
from modelgate.contracts.errors import ModelgateError
from modelgate.steps.support import Fallback

from modelgate.settings import API_KEYS_VARIABLE, Settings
from tests.app.support import error_items

KEY, OTHER = "k3y-for-the-scoring-client-0001", "second-caller.key_0002+/=="
WRONG = "k3y-for-the-scoring-client-0002"
GET_FAST, GET_SLOW = "/weight?height=64", "/weight?height=64&source=%74est"  # a percent sign: FastAPI's to answer
PENGUIN = "/body_mass?bill_length=40&flipper_length=&island=Dream&adult=yes"
PROTECTED = [("GET", GET_FAST), ("GET", GET_SLOW), ("POST", "/weight"), ("GET", "/metadata"), ("GET", "/metrics")]
PROTECTED += [("GET", "/openapi.json"), ("GET", "/docs"), ("GET", "/nowhere")]


def keys_file(tmp_path, text: str):
    path = tmp_path / "api-keys"
    path.write_text(text)
    return Settings.from_env({API_KEYS_VARIABLE: str(path)})


@pytest.fixture(scope="module")
def locked(trained_model, tmp_path_factory):
    settings = keys_file(tmp_path_factory.mktemp("keys"), f"# callers\n{KEY}\n\n  {OTHER}  \n")
    with TestClient(create_app(trained_model, settings)) as client:
        yield client


@pytest.fixture(scope="module")
def open_service(trained_model):
    with TestClient(create_app(trained_model, Settings.from_env({}))) as client:
        yield client


def call(client, method: str, path: str, headers: dict | None = None):
    if method == "POST":
        return client.post(path, content=b'{"height": [64]}', headers={"content-type": "application/json", **(headers or {})})
    return client.get(path, headers=headers or {})


def assert_refused(response, kind: str, *never: str):
    assert response.status_code == 401, (response.status_code, response.text)
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert [item["type"] for item in error_items(response.content)] == [kind]
    for secret in never:
        assert secret not in response.text and all(secret not in v for v in response.headers.values())


def test_keys_are_read_from_the_file_one_per_line(tmp_path):
    assert keys_file(tmp_path, f"# callers\n{KEY}\n\n  {OTHER}  \n").api_keys == (KEY.encode(), OTHER.encode())
    assert Settings.from_env({}).api_keys == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the key file holds no key; unset MODELGATE_API_KEYS_FILE"),
        ("# only a comment\n", "holds no key"),
        (f"{KEY}\nshort\n", "line 2 is not a key"),
        (f"{KEY} with spaces inside\n", "line 1 is not a key"),
    ],
)
def test_a_bad_key_file_is_one_line_naming_the_variable_never_the_key(tmp_path, text, message):
    with pytest.raises(ModelgateError, match=message) as caught:
        keys_file(tmp_path, text)
    assert str(caught.value).startswith(f"{API_KEYS_VARIABLE}=") and "\n" not in str(caught.value)
    assert KEY not in str(caught.value)


def test_a_missing_or_binary_key_file_is_one_line(tmp_path):
    with pytest.raises(ModelgateError, match=r"MODELGATE_API_KEYS_FILE='.*absent': cannot read the key file"):
        Settings.from_env({API_KEYS_VARIABLE: str(tmp_path / "absent")})
    (tmp_path / "bin").write_bytes(b"\xff" * 20)
    with pytest.raises(ModelgateError, match="must be ASCII text"):
        Settings.from_env({API_KEYS_VARIABLE: str(tmp_path / "bin")})


@pytest.mark.parametrize(("method", "path"), PROTECTED)
def test_every_path_but_the_probes_needs_a_key(locked, method, path):
    assert_refused(call(locked, method, path), "api_key_missing")
    assert_refused(call(locked, method, path, {"authorization": f"Bearer {WRONG}"}), "api_key_invalid", WRONG)
    assert_refused(call(locked, method, path, {"x-api-key": WRONG}), "api_key_invalid", WRONG)
    assert_refused(call(locked, method, path, {"authorization": f"Basic {KEY}"}), "api_key_malformed", KEY)
    assert_refused(call(locked, method, path, {"authorization": "Bearer"}), "api_key_malformed")
    assert_refused(call(locked, method, path, {"x-api-key": "a key, with, commas"}), "api_key_malformed", "commas")


@pytest.mark.parametrize(("method", "path"), PROTECTED[:5])
@pytest.mark.parametrize(
    "header", [{"authorization": f"Bearer {KEY}"}, {"authorization": f"bearer {OTHER}"}, {"x-api-key": OTHER}]
)
def test_a_valid_key_gets_in_either_way(locked, open_service, method, path, header):
    response = call(locked, method, path, header)
    assert response.status_code == 200, response.text
    if path.startswith("/weight"):  # the same answer as the open service gives
        assert response.content == call(open_service, method, path).content


def test_the_probes_stay_open(locked):
    assert locked.get("/health").status_code == 200
    assert locked.get("/ready").json()["status"] == "ready"


@pytest.mark.parametrize(("method", "path"), [*PROTECTED[:5], ("GET", "/health")])
def test_with_no_keys_everything_works_as_before(open_service, method, path):
    assert call(open_service, method, path).status_code == 200
    assert "401" not in json.dumps(open_service.get("/openapi.json").json()["paths"]["/weight"])


def test_the_documented_schema_names_the_401_where_it_can_happen(locked):
    paths = locked.get("/openapi.json", headers={"x-api-key": KEY}).json()["paths"]
    assert all("401" in op["responses"] for path in ("/weight", "/metadata", "/metrics") for op in paths[path].values())
    assert "401" not in paths["/health"]["get"]["responses"] and "401" not in paths["/ready"]["get"]["responses"]


@pytest.mark.parametrize(("model", "path"), [("trained_model", GET_FAST), ("penguins", PENGUIN)])
def test_the_fast_path_answers_only_an_allowed_request(request, tmp_path, model, path):
    app = create_app(request.getfixturevalue(model), keys_file(tmp_path, KEY))
    app.state.load()
    endpoint, _, text = path.partition("?")
    # The fast path sends nothing for a request without a key: the key check behind it answers the 401.
    refused = ask(app, "GET", endpoint, text.encode())
    assert refused.status == 401 and error_items(refused.body)[0]["type"] == "api_key_missing"
    assert refused.messages[0]["headers"][-1][0] == b"x-request-id"  # observed, as every answer is
    allowed = ask(app, "GET", endpoint, text.encode(), headers=[(b"authorization", f"Bearer {KEY}".encode())])
    assert allowed.status == 200 and "x-modelgate-extrapolated" in allowed.headers


def test_the_fast_path_itself_sends_nothing_for_a_request_without_a_key(tmp_path, trained_model):
    app = create_app(trained_model, keys_file(tmp_path, KEY))
    app.state.load()
    behind = Fallback()
    fast = FastAnswer(behind, app.state, keys=auth.ApiKeys((KEY.encode(),)))
    assert ask(fast, "GET", "/weight", b"height=64").status == 418 and behind.seen == [("GET", "/weight")]
    assert ask(fast, "GET", "/weight", b"height=64", headers=[(b"x-api-key", KEY.encode())]).status == 200
    assert behind.seen == [("GET", "/weight")]


def test_a_key_is_compared_with_every_configured_key_in_constant_time(monkeypatch):
    compared, real = [], hmac.compare_digest

    def spy(a, b):
        compared.append(a)
        return real(a, b)

    monkeypatch.setattr(auth.hmac, "compare_digest", spy)
    keys = auth.ApiKeys((KEY.encode(), OTHER.encode(), WRONG.encode()))
    headers = [(b"x-api-key", KEY.encode())]
    assert keys.allows({"path": "/weight", "headers": headers})
    assert compared == [KEY.encode(), OTHER.encode(), WRONG.encode()]  # no early exit on the first match
    compared.clear()
    both = [(b"x-api-key", WRONG.encode()), (b"authorization", f"Bearer {KEY}".encode())]
    assert keys.allows({"path": "/weight", "headers": both})
    assert len(compared) == 6  # every presented key against every configured one, even after a match
    with pytest.raises(ValueError):
        auth.ApiKeys(())


def test_the_rest_features_client_sends_the_key_a_service_requires(trained_model, tmp_path, monkeypatch):
    from modelgate.steps.service import Service, in_process

    (tmp_path / "keys").write_text(KEY + "\n")
    monkeypatch.setenv(API_KEYS_VARIABLE, str(tmp_path / "keys"))  # what the served app reads (Settings.from_env)
    with in_process(trained_model) as url:
        assert Service(url, KEY).get("/weight", "height=64").status_code == 200
        assert Service(url, KEY).post("/weight", '{"height": [64]}').status_code == 200
        assert Service(url).get("/weight", "height=64").status_code == 401
        assert Service(url).get("/ready").status_code == 200
