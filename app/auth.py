"""Optional API-key authentication: with keys configured (``Settings.api_keys``), every request except the
probes' (``/health``, ``/ready``) must present one, as ``Authorization: Bearer KEY`` or ``X-API-Key: KEY``.

A presented key is compared with every configured key in constant time (``hmac.compare_digest``, no early
exit), so the answer's timing says nothing about how much of a key was right. A refusal is a 401 in the
service's error shape with ``WWW-Authenticate: Bearer``; it never repeats what was presented.
"""

from __future__ import annotations

import hmac
import json
import re

from modelgate.app.answers import HEALTH, READY, error_body

OPEN_PATHS = frozenset({HEALTH, READY})
_CREDENTIAL = re.compile(rb"[A-Za-z0-9._~+/-]+=*")  # RFC 7235 token68
_USAGE = "send Authorization: Bearer <key> or X-API-Key: <key>"
MESSAGES = {
    "api_key_missing": f"an API key is required; {_USAGE}",
    "api_key_malformed": f"the key header is malformed; {_USAGE}",
    "api_key_invalid": "the API key is not valid",
}


class ApiKeys:
    """The configured keys and the one verdict on a request's headers (the fast path and the middleware share it)."""

    def __init__(self, keys: tuple[bytes, ...]):
        if not keys:
            raise ValueError("ApiKeys needs at least one key; with none, leave authentication out")
        self.keys = keys

    def known(self, candidate: bytes) -> bool:
        found = False
        for key in self.keys:  # every key, every time
            found |= hmac.compare_digest(key, candidate)
        return found

    def refusal(self, scope) -> str | None:
        """None if the request may pass, else why not (a key of MESSAGES)."""
        if scope["path"] in OPEN_PATHS:
            return None
        presented, malformed = [], False
        for name, value in scope["headers"]:
            if name == b"authorization":
                scheme, _, credential = value.strip().partition(b" ")
                credential = credential.strip()
                if scheme.lower() == b"bearer" and _CREDENTIAL.fullmatch(credential):
                    presented.append(credential)
                else:
                    malformed = True
            elif name == b"x-api-key":
                if _CREDENTIAL.fullmatch(value.strip()):
                    presented.append(value.strip())
                else:
                    malformed = True
        if any([self.known(candidate) for candidate in presented]):  # a list: every candidate is compared
            return None
        return "api_key_invalid" if presented else "api_key_malformed" if malformed else "api_key_missing"

    def allows(self, scope) -> bool:
        return self.refusal(scope) is None


def unauthorized_body(kind: str) -> bytes:
    return json.dumps(error_body(["header", "authorization"], MESSAGES[kind], kind)).encode()


class RequireApiKey:
    """ASGI layer answering 401 to an HTTP request ``keys`` refuses, before anything reads its body."""

    def __init__(self, app, keys: ApiKeys):
        self.app, self.keys = app, keys
        self._bodies = {kind: unauthorized_body(kind) for kind in MESSAGES}

    def __getattr__(self, name):
        return getattr(self.app, name)

    async def __call__(self, scope, receive, send):
        kind = self.keys.refusal(scope) if scope["type"] == "http" else None
        if kind is None:
            await self.app(scope, receive, send)
            return
        body = self._bodies[kind]
        headers = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"www-authenticate", b'Bearer realm="modelgate"'),
        ]
        await send({"type": "http.response.start", "status": 401, "headers": headers})
        await send({"type": "http.response.body", "body": body})
