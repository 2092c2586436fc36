"""The service's answers that need no FastAPI, so the start-up path never imports it: the one error
shape, the probes' bodies, and JSON bytes exactly as FastAPI's ``JSONResponse`` writes them.

The FastAPI routes and the fast path (``app.fast``) both answer from here, so the two cannot differ."""

from __future__ import annotations

import json

# The probes, answered before FastAPI is built (app.fast) like the scoring endpoint, /<output> (ModelState.path).
HEALTH, READY = "/health", "/ready"
HEALTHY = {"status": "ok"}


def error_body(loc: list, msg: str, kind: str) -> dict:
    return {"detail": [{"loc": loc, "msg": msg, "type": kind}]}


def not_ready(reason: str) -> dict:
    """The 503 of every route that needs the model, ``reason`` being why it is not loaded and verified."""
    return error_body(["model"], reason, "model_not_ready")


def readiness(state) -> tuple[int, dict]:
    """``/ready``'s status and body for ``state`` (an ``app.state.ModelState``)."""
    if state.ready:
        return 200, {"status": "ready", "model_version": state.model.version, "serving_form": state.model.form}
    return 503, not_ready(state.reason)


def answer_bytes(answers: list[float]) -> bytes:
    """``{"response":[...]}`` exactly as FastAPI's JSONResponse writes it (json formats a float with
    ``float.__repr__``), at a fraction of ``json.dumps``' cost for one short list."""
    return b'{"response":[' + ",".join(map(float.__repr__, answers)).encode() + b"]}"


def answer_content(answer) -> dict:
    """The body of an answer (an ``app.state.Answer``): ``{"response": [...]}``, and for a classifier the probability of
    each class by name, row by row (never a bare array whose meaning depends on an order); where asked for, each
    answer's range at each level, row by row (``"intervals": [{"80": {"low": …, "high": …}}]``)."""
    found = {"response": answer.answers}
    if answer.probabilities is not None:
        found["probabilities"] = answer.probabilities
    if answer.intervals is not None:
        found["intervals"] = answer.intervals
    return found


def answer_body(answer) -> bytes:
    """:func:`answer_content` as bytes, exactly as FastAPI's JSONResponse writes it."""
    if answer.probabilities is None and answer.intervals is None:
        return answer_bytes(answer.answers)
    return json_bytes(answer_content(answer))


def json_bytes(content) -> bytes:
    """``content`` as Starlette's ``JSONResponse.render`` writes it."""
    return json.dumps(content, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")).encode("utf-8")
