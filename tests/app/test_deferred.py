"""The service answers before FastAPI is built: start-up loads and verifies the model and nothing more;
FastAPI is built afterwards, and a request that needs it meanwhile waits for it (``app.deferred``)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading

import pytest
from modelgate.app.client import ask, ask_async
from modelgate.app.deferred import Deferred
from modelgate.app.fast import FastAnswer
from modelgate.app.state import ModelState
from modelgate.steps.support import ROOT, Fallback

from tests.app.support import lifespan

# A server's life in one process, without FastAPI ever imported: lifespan start-up, a scoring request and both probes
# answered, then what was loaded. The build of FastAPI is held back so that the answers cannot have come from it.
STARTS_WITHOUT_FASTAPI = """
import json, sys, threading
from urllib.parse import urlencode
from modelgate.app import deferred
from modelgate.app.client import ask
from modelgate.app.main import create_app
from modelgate.settings import Settings
from tests.app.support import lifespan, samples

hold = threading.Event()
original = deferred.Deferred._run
deferred.Deferred._run = lambda self: (hold.wait(), original(self))
model, path, query = sys.argv[1], sys.argv[2], sys.argv[3].encode()
app = create_app(model, Settings.from_env({}))
startup = lifespan(app, shutdown=False)
answers = {}
for asked, text in [(path, query), ("/health", b""), ("/ready", b"")]:
    reply = ask(app, "GET", asked, text)
    answers[asked] = [reply.status, json.loads(reply.body)]
counted = [list(k[1:]) for k, v in samples(app.metrics.render()).items() if k[0] == "modelgate_http_requests_total"]
loaded = sorted(m for m in sys.modules if m.partition(".")[0] in {"fastapi", "pydantic", "starlette"})
print(json.dumps({"startup": startup, "answers": answers, "counted": counted, "loaded": loaded}))
"""


@pytest.mark.parametrize(
    ("model", "path", "query"),
    [
        ("trained_model", "/weight", "height=138"),
        ("penguins", "/body_mass", "bill_length=40&flipper_length=&island=Dream&adult=yes"),
    ],
)
def test_the_service_starts_and_answers_before_fastapi_is_imported(request, model, path, query):
    model_dir = request.getfixturevalue(model)
    code = [sys.executable, "-c", STARTS_WITHOUT_FASTAPI, str(model_dir), path, query]
    done = subprocess.run(code, capture_output=True, text=True, cwd=ROOT, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    manifest = json.loads((model_dir / "manifest.json").read_text())
    assert seen["startup"] == ["lifespan.startup.complete"]
    assert seen["answers"]["/ready"] == [
        200,
        {"status": "ready", "model_version": manifest["model_version"], "serving_form": "linear"},
    ]
    assert seen["answers"]["/health"] == [200, {"status": "ok"}]
    status, body = seen["answers"][path]
    assert status == 200 and len(body["response"]) == 1
    assert seen["loaded"] == []
    # Counted under their own endpoints, the scoring one included, though the API that documents it is not built yet.
    assert sorted(seen["counted"]) == sorted(
        [["endpoint", p], ["method", "GET"], ["status", "200"]] for p in (path, "/health", "/ready")
    )


def test_start_up_loads_the_model_and_then_builds_the_app(trained_model):
    state, built = ModelState(trained_model), threading.Event()

    def build():
        assert state.ready, "the app is built after the model is loaded"
        built.set()
        return Fallback()

    app = Deferred(build, on_startup=state.load)
    assert lifespan(app) == ["lifespan.startup.complete", "lifespan.shutdown.complete"]
    assert state.ready
    assert built.wait(10)


def test_a_request_before_the_app_is_built_waits_for_it_and_is_answered_by_it():
    release, behind = threading.Event(), Fallback()

    def build():
        release.wait(10)
        return behind

    app = Deferred(build, on_startup=lambda: None)

    async def scenario():
        asking = asyncio.ensure_future(ask_async(app, "GET", "/docs"))
        await asyncio.sleep(0.2)
        waiting = not asking.done()
        release.set()
        return waiting, await asking

    waiting, reply = asyncio.run(scenario())
    assert waiting, "answered before the app existed"
    assert reply.status == 418 and behind.seen == [("GET", "/docs")]


def test_the_app_is_built_once_however_many_requests_need_it():
    builds = []

    def build():
        builds.append(1)
        return Fallback()

    app = Deferred(build, on_startup=lambda: None)
    for path in ["/docs", "/metadata", "/openapi.json"]:
        assert ask(app, "GET", path).status == 418
    lifespan(app)
    assert len(builds) == 1


def test_a_failed_build_fails_the_requests_that_need_it_not_the_fast_path(trained_model):
    state = ModelState(trained_model)

    def build():
        raise RuntimeError("no FastAPI here")

    app = FastAnswer(Deferred(build, on_startup=state.load), state)
    lifespan(app)
    assert ask(app, "GET", "/weight", b"height=70").status == 200
    assert ask(app, "GET", "/ready").status == 200
    with pytest.raises(RuntimeError, match="no FastAPI here"):  # the server answers it 500
        ask(app, "GET", "/docs")


def test_waiting_for_the_build_does_not_hold_up_the_fast_path(penguins):
    """A request that waits for FastAPI waits on the event loop, not blocking it: the scoring endpoint keeps answering."""
    state, release = ModelState(penguins), threading.Event()

    def build():
        release.wait(10)
        return Fallback()

    app = FastAnswer(Deferred(build, on_startup=state.load), state)
    state.load()
    finished = []

    async def request(path: str, query: bytes = b""):
        reply = await ask_async(app, "GET", path, query)
        finished.append((path, reply.status))

    async def scenario():
        threading.Timer(1.0, release.set).start()  # the build finishes later, whatever happens on the loop
        waiting = asyncio.ensure_future(request("/docs"))
        await asyncio.sleep(0.1)
        await asyncio.wait_for(request("/body_mass", b"bill_length=40&flipper_length=190&island=Dream&adult=no"), timeout=5)
        await waiting

    asyncio.run(scenario())
    assert finished == [("/body_mass", 200), ("/docs", 418)]
