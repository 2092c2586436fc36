"""The fuzz target: the service's own OpenAPI schema, served in-process or at ``--base-url``.

In-process (default) schemathesis calls the ASGI app directly, serving the model under test
(``model/bundled`` or ``--model DIR``, see ``steps.plugin``); its identity is recorded in the suite's JUnit
properties. ``pytest fuzz --base-url http://127.0.0.1:8000`` fuzzes any running deployment instead, e.g. the Docker
image (``docker run -p 8000:8000 …``); the same checks apply. A deployment that requires an API key gets
``--api-key`` (or ``MODELGATE_API_KEY``) with every request; test_auth_fuzz.py fuzzes the keys themselves.

The property tests also hold the service's code to a model of several inputs of every kind (the penguin example of
tests/app, trained here) and to the classifier examples (examples/penguins, examples/cancer, packaged here),
in-process whatever the target: they check the service, not the model being released.
"""

from __future__ import annotations

import json

import pytest
import schemathesis
from modelgate.model import artifact

from tests.app.penguins import penguin_model
from tests.app.support import loaded_app


class RequestCount:
    def __init__(self):
        self.by_operation: dict[str, int] = {}

    def add(self, label: str) -> None:
        self.by_operation[label] = self.by_operation.get(label, 0) + 1

    @property
    def total(self) -> int:
        return sum(self.by_operation.values())


@pytest.fixture(scope="session")
def request_count() -> RequestCount:
    return RequestCount()


@pytest.fixture(scope="session")
def target(request, model_under_test) -> tuple[str | None, object | None]:
    """(base URL, None) for a deployment, or (None, ASGI app) in-process."""
    url = request.config.getoption("--base-url")
    if url:
        return url.rstrip("/"), None
    return None, loaded_app(model_under_test)


@pytest.fixture(scope="session")
def scoring_path(stated) -> str:
    """The scoring endpoint the features name: ``/<output>``."""
    return f"/{stated.output.name}"


@pytest.fixture(scope="session")
def key_headers(api_key) -> dict[str, str]:
    """What every fuzz request carries: the caller's key, when the target requires one."""
    return {"Authorization": f"Bearer {api_key}"} if api_key else {}


# Invalid data is rejected with a 4xx; 413 is the service's for a body over its size limit (documented, and a
# rejection as much as a 422): schemathesis' default list leaves it out, so an oversized invalid body drawn by chance
# would read as accepted.
REJECTED = ["400", "401", "403", "404", "405", "406", "409", "413", "415", "422", "428", "429", "5xx"]


@pytest.fixture(scope="session")
def api_schema(target, key_headers):
    from schemathesis.config import SchemathesisConfig

    config = SchemathesisConfig.from_dict({"checks": {"negative_data_rejection": {"expected-statuses": REJECTED}}})
    url, app = target
    if url:
        return schemathesis.openapi.from_url(f"{url}/openapi.json", headers=key_headers, config=config)
    return schemathesis.openapi.from_asgi("/openapi.json", app, config=config)


class _Client:
    """GET/POST against the target: a requests session for a URL, Starlette's TestClient in-process."""

    def __init__(self, url, app, headers: dict[str, str]):
        if url:
            import requests

            self._session, self._base, self._timeout = requests.Session(), url, {"timeout": 30}
        else:
            from fastapi.testclient import TestClient

            self._session, self._base, self._timeout = TestClient(app), "", {}
        self._session.headers.update(headers)

    def get(self, path: str):
        return self._session.get(self._base + path, **self._timeout)

    def post(self, path: str, body: str):
        headers = {"content-type": "application/json"}
        if self._timeout:
            return self._session.post(self._base + path, data=body.encode(), headers=headers, **self._timeout)
        return self._session.post(path, content=body.encode(), headers=headers)


@pytest.fixture(scope="session")
def http(target, key_headers) -> _Client:
    return _Client(*target, key_headers)


@pytest.fixture(scope="session")
def manifest(model_under_test, target, key_headers) -> dict:
    """The manifest of the model the target serves: its file, or what a deployment says it serves (``/metadata``)."""
    url, _ = target
    if url:
        import requests

        return requests.get(f"{url}/metadata", headers=key_headers, timeout=30).json()
    return json.loads((model_under_test / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def model_loaded(model_under_test):
    """The model under test as scikit-learn holds it: the answers of a model without coefficients."""
    return artifact.load(model_under_test)


@pytest.fixture(scope="session")
def penguins(tmp_path_factory):
    model = penguin_model(tmp_path_factory, "ridge")
    # The example is here to be answered by a linear serving form of several inputs: packaging must have written one.
    assert (model / "serving.json").is_file(), json.loads((model / "manifest.json").read_text())["form_note"]
    return model


@pytest.fixture(scope="session")
def penguin_http(penguins) -> _Client:
    return _Client(None, loaded_app(penguins), {})


@pytest.fixture(scope="session")
def penguin_loaded(penguins):
    return artifact.load(penguins)


@pytest.fixture(scope="session")
def classifier_http(request):
    """A client of the service of each classifier example (the root conftest's ``penguins_model``, ``cancer_model``)."""
    clients: dict = {}

    def of(name: str) -> _Client:
        if name not in clients:
            clients[name] = _Client(None, loaded_app(request.getfixturevalue(name)), {})
        return clients[name]

    return of


_COUNT: list[RequestCount] = []


@pytest.fixture(scope="session", autouse=True)
def _remember_count(request_count):
    _COUNT.append(request_count)


def pytest_terminal_summary(terminalreporter):
    if _COUNT and _COUNT[0].total:
        count = _COUNT[0]
        per = ", ".join(f"{op} {n}" for op, n in sorted(count.by_operation.items()))
        terminalreporter.write_line(f"schemathesis: {count.total} generated requests ({per})")
