"""A fast path for the hot request, ``GET /weight?height=…``, and the probes, in front of FastAPI.

It answers only requests it can fully validate against the same contract (plain decimal
numbers inside ``modelgate.contracts.ranges.HEIGHT``, nothing else in the query), and ``GET /health``
and ``GET /ready`` with no query, from the same ``app.answers`` as FastAPI's routes; everything else,
errors included, falls through to FastAPI, which owns the documented behaviour. Tests check both
paths give byte-identical answers. It imports nothing of FastAPI: the service answers before
FastAPI is built (``app.deferred``).
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING

from modelgate.app.answers import HEALTH, HEALTHY, READY, WEIGHT, json_bytes, readiness
from modelgate.app.state import ModelState

if TYPE_CHECKING:
    from modelgate.app.observe import Metrics, Observe
from modelgate.contracts.ranges import FEATURE, HEIGHT, MAX_HEIGHTS_PER_REQUEST, NUMBER_TEXT

_NUMBER = re.compile(NUMBER_TEXT.encode())
_PREFIX = FEATURE.encode() + b"="
_HEADERS = [(b"content-type", b"application/json")]
# How many of the heights answered lie outside the heights the model was trained on (the body stays
# exactly {"response": [...]}); sent whenever the model records its training heights.
EXTRAPOLATED_HEADER = "X-Modelgate-Extrapolated"
_EXTRAPOLATED = EXTRAPOLATED_HEADER.lower().encode()
_HEALTHY = json_bytes(HEALTHY)


def record_heights(metrics, state: ModelState, heights: list[float], extrapolated: int) -> None:
    """The heights asked for and the extrapolations among them, in the metrics (both paths)."""
    if metrics is None:
        return
    if extrapolated:
        metrics.extrapolated.inc(extrapolated)
    if state.profile is not None:
        metrics.heights.observe(heights, state.profile["deciles"])


def parse_query(query: bytes) -> list[float] | None:
    """The heights in a query string, or None if anything in it needs FastAPI's full handling."""
    if not query:
        return None
    parts = query.split(b"&")
    if len(parts) > MAX_HEIGHTS_PER_REQUEST:
        return None
    heights = []
    for part in parts:
        if not part.startswith(_PREFIX):
            return None
        text = part[len(_PREFIX) :]
        if not _NUMBER.fullmatch(text):
            return None
        value = float(text)
        if not HEIGHT.contains(value):
            return None
        heights.append(value)
    return heights


def encode(weights: list[float]) -> bytes:
    """``{"response":[...]}`` exactly as FastAPI's JSONResponse writes it (json formats a float with
    ``float.__repr__``), at a fraction of ``json.dumps``' cost for one short list."""
    return b'{"response":[' + ",".join(map(float.__repr__, weights)).encode() + b"]}"


class FastWeight:
    """Outermost ASGI layer. ``app`` is everything else (usually ``observe`` in front of FastAPI); the
    fast path counts its predictions in ``metrics`` and, given the ``observe`` layer, uses its request
    ids and records its requests inline, so it is observed like every other path. With ``keys``
    (``app.auth.ApiKeys``) it answers only a request they allow; any other falls through to ``app``,
    whose key check answers the 401."""

    def __init__(self, app, state: ModelState, metrics: Metrics | None = None, *, observe: Observe | None = None, keys=None):
        self.app, self.state, self.metrics, self.observe, self.keys = app, state, metrics, observe, keys

    # uvicorn tells an app from an app factory by calling it with no arguments and expecting a TypeError. This entry
    # keeps its own signature under mutation testing (mutmut wraps each function it mutates in an (*args) trampoline,
    # which that probe would take for a factory), so the fast path itself is ``answer``.
    async def __call__(self, scope, receive, send):  # pragma: no mutate block
        if not await self.answer(scope, send):
            await self.app(scope, receive, send)

    async def answer(self, scope, send) -> bool:
        """Answer a request the fast path can fully validate; False (nothing sent) for any other."""
        if scope["type"] != "http" or scope["method"] != "GET":
            return False
        path = scope["path"]
        if path == WEIGHT:
            return await self.weight(scope, send)
        if scope["query_string"]:
            return False
        started = time.perf_counter()
        if path == HEALTH:
            status, body = 200, _HEALTHY
        elif path == READY:
            status, content = readiness(self.state)
            body = json_bytes(content)
        else:
            return False
        await self.reply(scope, send, status, body, [], started)
        return True

    async def weight(self, scope, send) -> bool:
        if not self.state.ready:
            return False
        started = time.perf_counter()
        heights = parse_query(scope["query_string"])
        if heights is None or (self.keys is not None and not self.keys.allows(scope)):
            return False
        outside = len(self.state.extrapolated(heights))
        if outside and self.state.refuses_extrapolation:
            return False  # FastAPI answers the refusal, in the one error shape
        body = encode(self.state.scorer.predict_list(heights))
        extra = [(_EXTRAPOLATED, str(outside).encode())] if self.state.profile is not None else []
        await self.reply(scope, send, 200, body, extra, started)
        if self.metrics is not None:
            self.metrics.predictions.inc(len(heights))
        record_heights(self.metrics, self.state, heights, outside)
        return True

    async def reply(self, scope, send, status: int, body: bytes, extra: list, started: float) -> None:
        headers = [*_HEADERS, (b"content-length", str(len(body)).encode()), *extra]
        if self.observe is not None:
            headers.append((b"x-request-id", self.observe.request_id_for(scope)))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        if self.observe is not None:
            self.observe.record(scope, status, time.perf_counter() - started)
