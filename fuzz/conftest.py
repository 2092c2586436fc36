"""The fuzz target: the service's own OpenAPI schema, served in-process or at ``--base-url``.

In-process (default) schemathesis calls the ASGI app directly, serving the model under test
(``model/bundled`` or ``--model DIR``, see the root conftest). ``pytest fuzz --base-url http://127.0.0.1:8000``
fuzzes any running deployment instead,
e.g. the Docker image (``docker run -p 8000:8000 …``); the same checks apply. A deployment that requires an API
key gets ``--api-key`` (or ``MODELGATE_API_KEY``) with every request; test_auth_fuzz.py fuzzes the keys themselves.
"""

from __future__ import annotations

import pytest
import schemathesis
from modelgate.app.main import create_app
from modelgate.model import artifact


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
    app = create_app(model_under_test)
    app.state.load()  # schemathesis calls the app without running its lifespan
    return None, app


@pytest.fixture(scope="session")
def key_headers(api_key) -> dict[str, str]:
    """What every fuzz request carries: the caller's key, when the target requires one."""
    return {"Authorization": f"Bearer {api_key}"} if api_key else {}


@pytest.fixture(scope="session")
def api_schema(target, key_headers):
    url, app = target
    if url:
        return schemathesis.openapi.from_url(f"{url}/openapi.json", headers=key_headers)
    return schemathesis.openapi.from_asgi("/openapi.json", app)


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
    url, _ = target
    if url:  # a deployment: the coefficients of the model it says it serves
        import requests

        return requests.get(f"{url}/metadata", headers=key_headers, timeout=30).json()
    return artifact.load(model_under_test).manifest


_COUNT: list[RequestCount] = []


@pytest.fixture(scope="session", autouse=True)
def _remember_count(request_count):
    _COUNT.append(request_count)


def pytest_terminal_summary(terminalreporter):
    if _COUNT and _COUNT[0].total:
        count = _COUNT[0]
        per = ", ".join(f"{op} {n}" for op, n in sorted(count.by_operation.items()))
        terminalreporter.write_line(f"schemathesis: {count.total} generated requests ({per})")
