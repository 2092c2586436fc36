"""A fast path for the hot request, ``GET /<output>?<input>=…``, and the probes, in front of FastAPI.

It answers only requests it can fully validate with the same reader as FastAPI's routes
(``contracts.requests.rows_from_query``, every value judged by its input's ``Input.accepts``), and ``GET /health``
and ``GET /ready`` with no query, from the same ``app.answers``; everything else, errors included, falls through to
FastAPI, which owns the documented behaviour. Tests check both paths give byte-identical answers. It imports nothing
of FastAPI: the service answers before FastAPI is built (``app.deferred``).
"""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING

from modelgate.app.answers import HEALTH, HEALTHY, READY, answer_body, json_bytes, readiness
from modelgate.app.state import EXTRAPOLATED_HEADER, Answer, ModelState
from modelgate.contracts.contract import MAX_ROWS_PER_REQUEST
from modelgate.contracts.inputs import NUMBER_TEXT
from modelgate.contracts.requests import INTERVAL_HEADER, rows_from_query

if TYPE_CHECKING:
    from modelgate.app.observe import Metrics, Observe

_NUMBER = re.compile(NUMBER_TEXT.encode())
_HEADERS = [(b"content-type", b"application/json")]
_EXTRAPOLATED = EXTRAPOLATED_HEADER.lower().encode()
_HEALTHY = json_bytes(HEALTHY)
_INTERVAL = INTERVAL_HEADER.lower().encode()  # a request asking for ranges: FastAPI's to answer
_DECODED = re.compile(rb"[%+]|[^\x21-\x7e]")  # what FastAPI's query parser would decode or read otherwise


def record(metrics: Metrics | None, state: ModelState, answer: Answer, rows: list[dict] | None, values=None) -> None:
    """The rows answered (or a one-number line's ``values``), their inputs and the extrapolations among them, in the
    metrics (both paths)."""
    if metrics is None:
        return
    metrics.answered(len(answer.answers), answer.unseen)
    model = state.model
    assert model is not None  # the rows were answered
    if rows is not None:
        metrics.inputs.observe(rows, model.profiles)
        metrics.drift.observe(rows, model)
    else:
        metrics.inputs.observe_values(model.contract.inputs[0].name, values, model.profiles)
        metrics.drift.observe_values(model.contract.inputs[0].name, values, model)


def single_rows(query: bytes, prefix: bytes, spec) -> list[float] | None:
    """The values of a query that only repeats ``<input>=<number>`` of a one-number contract, each accepted; None
    for anything else (which the general reader, or FastAPI, then judges)."""
    parts = query.split(b"&")
    if len(parts) > MAX_ROWS_PER_REQUEST:
        return None
    values = []
    for part in parts:
        if not part.startswith(prefix):
            return None
        text = part[len(prefix) :]
        if not _NUMBER.fullmatch(text):
            return None
        value = float(text)
        if not spec.accepts(value):
            return None
        values.append(value)
    return values


def query_rows(query: bytes, contract) -> list[dict] | None:
    """The rows of any query the fast path may answer: plain ASCII that needs no decoding, every value accepted."""
    if not query or _DECODED.search(query):
        return None
    pairs = [(name, value) for name, _, value in (part.decode().partition("=") for part in query.split(b"&") if part)]
    rows, errors = rows_from_query(contract, pairs)
    return None if errors else rows


class FastAnswer:
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
        if path == self.state.path:
            return await self.score(scope, send)
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

    async def score(self, scope, send) -> bool:
        model = self.state.model
        if model is None:
            return False
        started = time.perf_counter()
        query = scope["query_string"]
        rows, values = None, None
        if model.single is not None:  # a one-number line: its values, without a dict per row
            spec = model.contract.inputs[0]
            values = single_rows(query, f"{spec.name}=".encode(), spec)
        if values is None and (rows := query_rows(query, model.contract)) is None:
            return False
        if self.keys is not None and not self.keys.allows(scope):
            return False
        if any(name == _INTERVAL for name, _ in scope["headers"]):
            return False
        if values is not None:
            answer = self.state.answer_values(values, ["query"])
        else:
            assert rows is not None  # read above
            answer = self.state.answer(rows, ["query"])
        if answer.refusals:
            return False  # FastAPI answers the refusal, in the one error shape
        extra = [(_EXTRAPOLATED, str(answer.extrapolated).encode())] if model.profiles else []
        await self.reply(scope, send, 200, answer_body(answer), extra, started)
        record(self.metrics, self.state, answer, rows, values)
        return True

    async def reply(self, scope, send, status: int, body: bytes, extra: list, started: float) -> None:
        headers = [*_HEADERS, (b"content-length", str(len(body)).encode()), *extra]
        if self.observe is not None:
            rid = self.observe.request_id_for(scope)
            headers.append((b"x-request-id", rid))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})
        if self.observe is not None:
            self.observe.record(scope, status, time.perf_counter() - started, rid)
