"""What a route needs before it can answer, as FastAPI dependencies (the full-stack template's
``api/deps.py``): here, a model that is loaded and verified. Without one, every route that needs it
answers the same 503 (``app.answers.not_ready``)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Request
from fastapi.responses import JSONResponse
from modelgate.app.answers import not_ready
from modelgate.app.state import ModelState


class ModelNotReady(Exception):
    """The model is not loaded and verified; ``reason`` says why (the load's own error)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def require_ready(state: ModelState) -> ModelState:
    """``state`` if its model is ready, else raise :class:`ModelNotReady` (answered as a 503)."""
    if not state.ready:
        raise ModelNotReady(state.reason)
    return state


def ready_model(state: ModelState) -> Callable[[], Awaitable[ModelState]]:
    """The dependency for routes that need ``state``'s model ready (``Depends(ready_model(state))``).
    A coroutine, so FastAPI calls it on the event loop rather than in its thread pool."""

    async def ready() -> ModelState:
        return require_ready(state)

    return ready


async def model_not_ready(_: Request, exc: ModelNotReady) -> JSONResponse:
    return JSONResponse(not_ready(exc.reason), status_code=503)
