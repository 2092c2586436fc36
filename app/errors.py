"""Every 4xx the service answers has one shape, ``{"detail": [{"loc", "msg", "type"}]}`` (``ERROR_SCHEMA``); the
scoring routes write theirs with ``contracts.requests``, naming the input and the rule it broke. What FastAPI or
Starlette would answer in another shape is rewritten here. HTTP errors are raised only here, at the edge."""

from __future__ import annotations

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from modelgate.app.answers import error_body
from starlette.exceptions import HTTPException

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "loc": {"type": "array", "items": {"anyOf": [{"type": "string"}, {"type": "integer"}]}},
                    "msg": {"type": "string", "description": "What was wrong and what is allowed."},
                    "type": {"type": "string"},
                },
                "required": ["loc", "msg", "type"],
            },
        }
    },
    "required": ["detail"],
}


async def validation_error(_: Request, exc: RequestValidationError) -> JSONResponse:
    detail = [
        {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "invalid request")), "type": str(e.get("type", ""))}
        for e in exc.errors()
    ]
    return JSONResponse({"detail": detail}, status_code=422)


async def http_error(_: Request, exc: HTTPException) -> JSONResponse:
    """Starlette's own HTTP errors (404, 405) in the same shape."""
    return JSONResponse(error_body(["request"], str(exc.detail), "http_error"), status_code=exc.status_code, headers=exc.headers)
