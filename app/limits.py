"""The request-body size limit: a body larger than ``max_bytes`` is answered 413, in the error shape,
before it is read into memory.

A declared ``Content-Length`` is checked up front. A chunked body (no length) is read up to the
limit and then handed on; one chunk past the limit ends it with the 413.
"""

from __future__ import annotations

import json

from modelgate.app.answers import error_body
from modelgate.contracts.contract import MAX_ROWS_PER_REQUEST

_BODYLESS = frozenset({"GET", "HEAD", "OPTIONS", "DELETE"})


def too_large_body(max_bytes: int) -> bytes:
    msg = (
        f"request body is larger than {max_bytes} bytes; "
        f"send at most {MAX_ROWS_PER_REQUEST} rows per request or use modelgate score"
    )
    return json.dumps(error_body(["body"], msg, "body_too_large")).encode()


class BodyLimit:
    """``limit()`` gives the largest body accepted; it is asked once, at the first request with a body (when the
    model's contract, which sets the default, is loaded)."""

    def __init__(self, app, limit) -> None:
        self.app, self._limit = app, limit
        self._max: int | None = None
        self._body = b""

    @property
    def max_bytes(self) -> int:
        if self._max is None:
            self._max = self._limit()
            self._body = too_large_body(self._max)
        return self._max

    def __getattr__(self, name):
        return getattr(self.app, name)

    async def __call__(self, scope, receive, send):
        # GETs never read a body here, and uvicorn's flow control bounds what it buffers of one.
        if scope["type"] != "http" or scope["method"] in _BODYLESS:
            await self.app(scope, receive, send)
            return
        length = next((v for k, v in scope["headers"] if k == b"content-length"), None)
        if length is not None:
            # The server enforces Content-Length framing (and rejects a malformed one with 400).
            if length.isdigit() and int(length) > self.max_bytes:
                await self._reject(send)
                return
            await self.app(scope, receive, send)
            return
        chunks, size = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            if size > self.max_bytes:
                await self._reject(send)
                return
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay():
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": b"".join(chunks), "more_body": False}

        await self.app(scope, replay, send)

    async def _reject(self, send):
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(self._body)).encode()),
            # The unread body is not drained: close the connection rather than parse it as a request.
            (b"connection", b"close"),
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": self._body})
