"""Every 4xx the service answers: one shape (``contracts.response.ErrorResponse``), with the
allowed range in the message. HTTP errors are raised only here, at the edge."""

from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from modelgate.app.answers import error_body
from modelgate.contracts.ranges import FEATURE, HEIGHT, MAX_HEIGHTS_PER_REQUEST
from starlette.exceptions import HTTPException

USAGE = f'give one or more heights, e.g. GET /weight?height=138 or POST /weight {{"{FEATURE}": [138]}}'


def _message(error: dict) -> tuple[str, str]:
    loc, kind = error.get("loc", ()), error.get("type", "")
    if FEATURE not in loc:
        if kind == "extra_forbidden":
            return f"unexpected field {loc[-1]!r}; {USAGE}", kind
        if kind in ("json_invalid", "model_attributes_type", "dict_type"):
            return f"request body must be a JSON object; {USAGE}", kind
        return f"{error.get('msg', 'invalid request')}; {USAGE}", kind
    if kind == "missing":
        return f"{FEATURE} is required; {USAGE}; each must be {HEIGHT.describe()}", "height_missing"
    if kind in ("too_short", "list_type"):
        return f"{FEATURE} must be a list of 1 to {MAX_HEIGHTS_PER_REQUEST} heights, each {HEIGHT.describe()}", kind
    if kind == "too_long":
        return f"at most {MAX_HEIGHTS_PER_REQUEST} heights per request; split the batch or use modelgate score", kind
    return HEIGHT.message(error.get("input")), "height_invalid"


async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
    detail = []
    for error in exc.errors():
        msg, kind = _message(error)
        detail.append({"loc": list(error.get("loc", ())), "msg": msg, "type": kind})
    return JSONResponse({"detail": detail}, status_code=422)


async def http_error(_: Request, exc: HTTPException) -> JSONResponse:
    """Starlette's own HTTP errors in the same shape. FastAPI answers a body it cannot decode
    (not UTF-8) with a bare 400; for this service that is bad input like any other: a 422."""
    if exc.status_code == 400:
        return JSONResponse(error_body(["body"], f"request body must be UTF-8 JSON; {USAGE}", "json_invalid"), status_code=422)
    return JSONResponse(error_body(["request"], str(exc.detail), "http_error"), status_code=exc.status_code, headers=exc.headers)
