"""The baseline for the serving benchmark: a bare ASGI app that returns a constant JSON body."""

BODY = b'{"response":[498.2981]}'  # what modelgate answers to GET /weight?height=138 (the same length)
HEADERS = [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": HEADERS})
    await send({"type": "http.response.body", "body": BODY})
