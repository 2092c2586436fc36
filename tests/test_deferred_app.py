"""The service answers before FastAPI is built: start-up loads and verifies the model and nothing more;
FastAPI is built afterwards, and a request that needs it meanwhile waits for it (``app.deferred``)."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading

import pytest
from modelgate.app.deferred import Deferred
from modelgate.app.fast import FastWeight
from modelgate.app.state import ModelState

from steps.support import ROOT, Fallback, ask_asgi

# A server's life in one process, without FastAPI ever imported: lifespan start-up, the scoring request and both probes
# answered, then what was loaded. The build of FastAPI is held back so that the answers cannot have come from it.
STARTS_WITHOUT_FASTAPI = """
import asyncio, json, sys, threading
from modelgate.app import deferred
from modelgate.app.main import create_app

hold = threading.Event()
original = deferred.Deferred._run
deferred.Deferred._run = lambda self: (hold.wait(), original(self))
app = create_app(sys.argv[1])

async def life():
    messages = iter([{"type": "lifespan.startup"}])
    sent = []
    async def receive():
        return next(messages)
    async def send(message):
        sent.append(message)
        raise StopAsyncIteration  # the server has what it waits for
    try:
        await app({"type": "lifespan"}, receive, send)
    except StopAsyncIteration:
        pass
    answers = {}
    for path, query in [("/weight", b"height=138"), ("/health", b""), ("/ready", b"")]:
        out = []
        async def collect(message):
            out.append(message)
        await app({"type": "http", "method": "GET", "path": path, "query_string": query, "headers": []}, receive, collect)
        answers[path] = [out[0]["status"], json.loads(out[1]["body"])]
    return sent, answers

sent, answers = asyncio.run(life())
loaded = sorted(m for m in sys.modules if m.partition(".")[0] in {"fastapi", "pydantic", "starlette"})
print(json.dumps({"startup": [m["type"] for m in sent], "answers": answers, "loaded": loaded}))
"""


def test_the_service_starts_and_answers_before_fastapi_is_imported(trained_model):
    code = [sys.executable, "-c", STARTS_WITHOUT_FASTAPI, str(trained_model)]
    done = subprocess.run(code, capture_output=True, text=True, cwd=ROOT, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    manifest = json.loads((trained_model / "manifest.json").read_text())
    assert seen["startup"] == ["lifespan.startup.complete"]
    assert seen["answers"]["/ready"] == [200, {"status": "ready", "model_version": manifest["model_version"]}]
    assert seen["answers"]["/health"] == [200, {"status": "ok"}]
    status, body = seen["answers"]["/weight"]
    assert status == 200 and len(body["response"]) == 1
    assert seen["loaded"] == []


def lifespan(app) -> list[str]:
    """Run ``app``'s lifespan start-up and shut-down as a server does; the message types it sent."""
    messages = iter([{"type": "lifespan.startup"}, {"type": "lifespan.shutdown"}])
    sent = []

    async def receive():
        return next(messages)

    async def send(message):
        sent.append(message["type"])

    asyncio.run(app({"type": "lifespan"}, receive, send))
    return sent


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
        asking = asyncio.ensure_future(asyncio.to_thread(ask_asgi, app, "GET", "/docs"))
        await asyncio.sleep(0.2)
        waiting = not asking.done()
        release.set()
        return waiting, await asking

    waiting, sent = asyncio.run(scenario())
    assert waiting, "answered before the app existed"
    assert sent[0]["status"] == 418 and behind.seen == [("GET", "/docs")]


def test_the_app_is_built_once_however_manyask_asgi():
    builds = []

    def build():
        builds.append(1)
        return Fallback()

    app = Deferred(build, on_startup=lambda: None)
    for path in ["/docs", "/metadata", "/openapi.json"]:
        assert ask_asgi(app, "GET", path)[0]["status"] == 418
    lifespan(app)
    assert len(builds) == 1


def test_a_failed_build_fails_the_requests_that_need_it_not_the_fast_path(trained_model):
    state = ModelState(trained_model)

    def build():
        raise RuntimeError("no FastAPI here")

    app = FastWeight(Deferred(build, on_startup=state.load), state)
    lifespan(app)
    assert ask_asgi(app, "GET", "/weight", b"height=70")[0]["status"] == 200
    assert ask_asgi(app, "GET", "/ready")[0]["status"] == 200
    with pytest.raises(RuntimeError, match="no FastAPI here"):  # the server answers it 500
        ask_asgi(app, "GET", "/docs")


def test_waiting_for_the_build_does_not_hold_up_the_fast_path(trained_model):
    """A request that waits for FastAPI waits on the event loop, not blocking it: the scoring endpoint keeps answering."""
    state, release = ModelState(trained_model), threading.Event()

    def build():
        release.wait(10)
        return Fallback()

    app = FastWeight(Deferred(build, on_startup=state.load), state)
    state.load()
    finished = []

    async def request(path: str, query: bytes = b""):
        sent = []

        async def receive():
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message):
            sent.append(message)

        await app({"type": "http", "method": "GET", "path": path, "query_string": query, "headers": []}, receive, send)
        finished.append((path, sent[0]["status"]))

    async def scenario():
        threading.Timer(1.0, release.set).start()  # the build finishes later, whatever happens on the loop
        waiting = asyncio.ensure_future(request("/docs"))
        await asyncio.sleep(0.1)
        await asyncio.wait_for(request("/weight", b"height=70"), timeout=5)
        await waiting

    asyncio.run(scenario())
    assert finished == [("/weight", 200), ("/docs", 418)]
