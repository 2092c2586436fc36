"""Structured logs: one JSON object per line, carrying the request id of the request being served.

Used as uvicorn's ``log_config`` so the server's own lines (start-up, shutdown, errors) are JSON
too. The request id travels in a context variable set by :mod:`app.observe`; it is copied into
the thread pool FastAPI runs sync routes in, so a line logged inside a route carries it.
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar
from datetime import UTC, datetime

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

# Fields of a LogRecord that are not user-supplied ``extra=`` values.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime", "color_message"}


class JsonFormatter(logging.Formatter):
    """``{"ts", "level", "logger", "msg", "request_id"?, **extra}`` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        rid = request_id.get()
        if rid is not None:
            entry["request_id"] = rid
        entry.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD and not k.startswith("_")})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def log_config(level: str) -> dict:
    """A ``logging.config.dictConfig`` for uvicorn and modelgate: JSON on stderr at ``level``."""
    level = level.upper() if level != "trace" else "DEBUG"
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": JsonFormatter}},
        "handlers": {"json": handler},
        "loggers": {
            "uvicorn": {"handlers": ["json"], "level": level, "propagate": False},
            "uvicorn.error": {"level": level},
            # Access lines come from app.observe (with the request id), not from uvicorn.
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            "modelgate": {"handlers": ["json"], "level": level, "propagate": False},
        },
    }
