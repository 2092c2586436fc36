"""One request through an ASGI app, as a server sends it, with no server and no test client: how the self-test asks
the real app in the image, and how the tests ask the fast path, the deferred app and the key check."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes
    messages: list[dict]  # everything the app sent, in order


async def ask_async(app, method: str = "GET", path: str = "/", query: bytes = b"", headers=(), body: bytes = b"") -> Reply:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query,
        "root_path": "",
        "headers": [(b"host", b"modelgate"), *headers],
        "client": ("127.0.0.1", 0),
        "server": ("modelgate", 80),
    }
    incoming = [{"type": "http.request", "body": body, "more_body": False}]
    sent: list[dict] = []

    async def receive() -> dict:
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    await app(scope, receive, send)
    start: dict = next((m for m in sent if m["type"] == "http.response.start"), {"status": 0, "headers": []})
    content = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    found = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in start.get("headers", [])}
    return Reply(start["status"], found, content, sent)


def ask(app, method: str = "GET", path: str = "/", query: bytes = b"", headers=(), body: bytes = b"") -> Reply:
    """:func:`ask_async` from synchronous code (a new event loop)."""
    return asyncio.run(ask_async(app, method, path, query, headers, body))
