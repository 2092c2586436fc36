"""An ASGI app built after start-up rather than during it, and the lifespan that loads the model.

Importing FastAPI and building its app is most of the service's start-up (bench/README.md, issue 14),
and nothing a cluster waits for needs it: the model is loaded and verified in the lifespan handled
here, and the fast path (``app.fast``) answers the scoring endpoint and both probes. So the app is
built in a background thread once start-up is done; a request that needs it sooner waits for it.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from concurrent.futures import Future


class Deferred:
    """ASGI app that handles the lifespan itself (``on_startup``, then starts building) and hands every
    other scope to the app ``build()`` returns, built once, on a thread of its own."""

    def __init__(self, build: Callable[[], object], on_startup: Callable[[], None]):
        self._build, self._on_startup = build, on_startup
        self._future: Future | None = None
        self._lock = threading.Lock()

    def start(self) -> Future:
        """Start building (once); the future holds the app."""
        with self._lock:
            if self._future is None:
                self._future = Future()
                threading.Thread(target=self._run, name="modelgate-build-app", daemon=True).start()
        return self._future

    def _run(self) -> None:
        future = self._future
        assert future is not None  # start() sets it before starting this thread
        try:
            future.set_result(self._build())
        except BaseException as exc:  # handed to every request that needs the app, as its 500
            future.set_exception(exc)

    async def __call__(self, scope, receive, send):
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
            return
        future = self.start()
        app = future.result() if future.done() else await asyncio.wrap_future(future)
        await app(scope, receive, send)

    async def _lifespan(self, receive, send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self._on_startup()
                self.start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return
