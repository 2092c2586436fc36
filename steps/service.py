"""Where the REST scenarios send their requests: the pluggable base URL.

In-process (default): the app from ``app/`` on a real uvicorn server on 127.0.0.1, serving a model
trained for the session. ``--base-url URL``: any running deployment (the post-deployment smoke test).
``--api-key KEY`` (or ``MODELGATE_API_KEY``): sent as ``Authorization: Bearer KEY`` with every request, for a
service that requires one.
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import requests
import uvicorn
from modelgate.steps.support import free_port


class Service:
    """A thin HTTP client bound to one base URL (and, for a service that requires one, an API key); ``path`` is the
    scoring endpoint, ``/<output>``."""

    def __init__(self, base_url: str, api_key: str | None = None, path: str = "/"):
        self.base_url, self.path = base_url.rstrip("/"), path
        self.session = requests.Session()
        if api_key:
            self.session.headers["Authorization"] = f"Bearer {api_key}"

    def ask(self, pairs: list[tuple[str, str]]) -> requests.Response:
        """GET the scoring endpoint with these query pairs."""
        return self.get(self.path, urlencode(pairs))

    def get(self, path: str, query: str = "") -> requests.Response:
        return self.session.get(f"{self.base_url}{path}" + (f"?{query}" if query else ""), timeout=30)

    def post(self, path: str, body: str) -> requests.Response:
        return self.session.post(
            f"{self.base_url}{path}", data=body.encode(), headers={"content-type": "application/json"}, timeout=30
        )


def wait_until_healthy(base_url: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{base_url}/health", timeout=2).status_code == 200:
                return
        except requests.RequestException as exc:
            last = exc
        time.sleep(0.1)
    raise TimeoutError(f"{base_url}/health did not answer within {timeout:.0f} s ({last})")


@contextmanager
def in_process(model_dir: Path):
    """Serve ``model_dir`` with uvicorn in a background thread; yield its base URL."""
    from modelgate.app.main import create_app

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(model_dir), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(url)
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)
