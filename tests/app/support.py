"""Helpers the service's tests share (and the fuzz suite): the one error shape checked from outside the service,
the lifespan a server runs, Prometheus samples by name and labels, and a model's own answers from its skops file."""

from __future__ import annotations

import asyncio
import json
from urllib.parse import urlencode

JSON_HEADERS = [(b"content-type", b"application/json")]


def error_items(body: bytes | str | dict) -> list[dict]:
    """The items of a 4xx body, after checking it is the service's one error shape: ``{"detail": [{"loc", "msg",
    "type"}]}``, ``loc`` a list of strings and integers, ``msg`` and ``type`` strings, and nothing else."""
    found = body if isinstance(body, dict) else json.loads(body)
    assert isinstance(found, dict) and set(found) == {"detail"}, found
    detail = found["detail"]
    assert isinstance(detail, list) and detail, found
    for item in detail:
        assert isinstance(item, dict) and set(item) == {"loc", "msg", "type"}, item
        assert isinstance(item["loc"], list) and all(type(part) in (str, int) for part in item["loc"]), item
        assert isinstance(item["msg"], str) and item["msg"] and isinstance(item["type"], str) and item["type"], item
    return detail


def loaded_app(model_dir, settings=None):
    """The whole service of ``model_dir`` (``app.main.create_app``), its model loaded as the lifespan would (for
    callers that run none: schemathesis, a bare ``ask``)."""
    from modelgate.app.main import create_app

    from modelgate.settings import Settings

    app = create_app(model_dir, settings or Settings.from_env({}))
    app.state.load()
    assert app.state.ready, app.state.reason
    return app


def query(rows: list[dict]) -> bytes:
    """A query string asking for ``rows`` (values as a client writes them: text, ``""`` for a missing one)."""
    return urlencode([(name, value) for row in rows for name, value in row.items()]).encode()


def lifespan(app, *, shutdown: bool = True) -> list[str]:
    """Run ``app``'s lifespan start-up (and shut-down) as a server does; the message types it sent back."""
    messages = iter([{"type": "lifespan.startup"}, *([{"type": "lifespan.shutdown"}] if shutdown else [])])
    sent: list[str] = []

    async def receive():
        try:
            return next(messages)
        except StopIteration:
            await asyncio.Event().wait()  # a server without more to say keeps the lifespan open

    async def send(message):
        sent.append(message["type"])

    async def run():
        task = asyncio.ensure_future(app({"type": "lifespan"}, receive, send))
        while not task.done() and len(sent) < (2 if shutdown else 1):
            await asyncio.sleep(0.01)
        task.cancel()

    asyncio.run(run())
    return sent


def samples(text: bytes | str) -> dict[tuple, float]:
    """Prometheus text as {(sample name, (label, value), ...): value}, labels sorted."""
    from prometheus_client.parser import text_string_to_metric_families

    text = text.decode() if isinstance(text, bytes) else text
    return {
        (sample.name, *sorted(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def own_answers(model, rows: list[dict]) -> list[float]:
    """What the model's skops file itself predicts for ``rows`` ({input: value}, None for missing), by scikit-learn,
    unrounded: the frame built here as the model was trained on (numbers float64 with NaN, the others objects with
    NaN), not by the service's code. ``model``: a model folder, or one already loaded (``model.artifact.load``)."""
    import numpy as np
    import pandas as pd
    from modelgate.model import artifact

    loaded = model if hasattr(model, "estimator") else artifact.load(model)
    frame = {}
    for name in loaded.manifest.inputs:
        values = [row[name] for row in rows]
        if loaded.contract.input(name).numeric:
            frame[name] = np.array([np.nan if v is None else v for v in values], dtype="float64")
        else:
            frame[name] = np.array([np.nan if v is None else v for v in values], dtype=object)
    return np.asarray(loaded.estimator.predict(pd.DataFrame(frame, columns=loaded.manifest.inputs)), dtype="float64").tolist()
