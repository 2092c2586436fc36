"""Helpers the service's tests share (and the fuzz suite): the one error shape checked from outside the service,
the lifespan a server runs, Prometheus samples by name and labels, and a model's own answers from its skops file
(a classifier's too: its classes and probabilities by name)."""

from __future__ import annotations

import asyncio
import json
import math
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


def loaded_state(model_dir, extrapolation=None):
    """The ``ModelState`` of ``model_dir`` loaded and ready (``extrapolation`` as ``MODELGATE_EXTRAPOLATION`` sets it:
    ``"refuse"`` for a service refusing extrapolations)."""
    from modelgate.app.state import ModelState

    state = ModelState(model_dir, extrapolation)
    state.load()
    assert state.ready, state.reason
    return state


def refusal(name: str, value, domain: str) -> str:
    """The words a service refusing extrapolations answers for ``value`` of input ``name`` outside ``domain`` (the
    training data's span or categories, as the caller read them from the training file)."""
    return f"{name} {value!r} is outside the training data ({domain}) and this service refuses extrapolations"


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


def _own_frame(loaded, rows: list[dict]):
    """``rows`` as the model was trained on them, built here: numbers float64 with NaN, the others objects with NaN."""
    import numpy as np
    import pandas as pd

    frame = {}
    for name in loaded.manifest.inputs:
        values = [row[name] for row in rows]
        if loaded.contract.input(name).numeric:
            frame[name] = np.array([np.nan if v is None else v for v in values], dtype="float64")
        else:
            frame[name] = np.array([np.nan if v is None else v for v in values], dtype=object)
    return pd.DataFrame(frame, columns=loaded.manifest.inputs)


def _loaded(model):
    from modelgate.model import artifact

    return model if hasattr(model, "estimator") else artifact.load(model)


def own_answers(model, rows: list[dict]) -> list[float]:
    """What the model's skops file itself predicts for ``rows`` ({input: value}, None for missing), by scikit-learn,
    unrounded: the frame built here as the model was trained on (numbers float64 with NaN, the others objects with
    NaN), not by the service's code. ``model``: a model folder, or one already loaded (``model.artifact.load``)."""
    import numpy as np

    loaded = _loaded(model)
    return np.asarray(loaded.estimator.predict(_own_frame(loaded, rows)), dtype="float64").tolist()


def own_decision(output, probabilities: dict[str, float]) -> str:
    """The class a contract's decision rule picks, worked out here: a binary model's positive class when its
    probability is at least the threshold (the other class else); otherwise the most probable class, the first of
    the stated classes on a tie."""
    if output.threshold is not None:
        (other,) = [c for c in output.classes if c != output.positive]
        return output.positive if probabilities[output.positive] >= output.threshold else other
    best = output.classes[0]
    for label in output.classes[1:]:
        if probabilities[label] > probabilities[best]:
            best = label
    return best


def own_classes(model, rows: list[dict]) -> tuple[list[str], list[dict[str, float]]]:
    """What a classifier's skops file itself says of ``rows``: scikit-learn's ``predict_proba``, each column named by
    the estimator's own ``classes_``, rounded as numpy rounds to the contract's decimals, as {class: probability} in
    the contract's class order; and the class :func:`own_decision` picks from them."""
    import numpy as np

    loaded = _loaded(model)
    output = loaded.contract.output
    found = np.round(np.asarray(loaded.estimator.predict_proba(_own_frame(loaded, rows)), dtype="float64"), output.decimals)
    names = [str(c) for c in loaded.estimator.classes_]
    named = [dict(zip(names, row)) for row in found.tolist()]
    probabilities = [{label: row[label] for label in output.classes} for row in named]
    return [own_decision(output, p) for p in probabilities], probabilities


def drawn_rows(contract, count: int, seed: int) -> list[dict]:
    """``count`` rows a contract accepts, drawn here (seeded): numbers across their accepted span (an open end drawn a
    little past the other), categories and yes/no from their values, and where an input may be missing, None in about
    one row in eight; then, for each input, a row at each of its ends, each of its values and missing where allowed."""
    import random

    from modelgate.contracts.inputs import CATEGORY, WHOLE, YES_NO

    rng = random.Random(seed)

    def ends(spec) -> list:
        if not spec.numeric:
            values = list(spec.values) if spec.kind == CATEGORY else [True, False]
        else:
            low = spec.range.low if spec.range.low is not None else -1e3
            high = spec.range.high if spec.range.high is not None else 1e3
            low = low if spec.range.low_closed or spec.range.low is None else math.nextafter(low, math.inf)
            high = high if spec.range.high_closed or spec.range.high is None else math.nextafter(high, -math.inf)
            values = [float(math.ceil(low)), float(math.floor(high))] if spec.kind == WHOLE else [low, high]
        return values + ([None] if spec.missing else [])

    def draw(spec):
        if spec.missing and rng.random() < 0.125:
            return None
        if spec.kind == CATEGORY:
            return rng.choice(spec.values)
        if spec.kind == YES_NO:
            return rng.random() < 0.5
        low, high = ends(spec)[:2]
        if spec.kind == WHOLE:
            return float(rng.randint(int(low), int(high)))
        return min(max(rng.uniform(low, high), low), high)

    rows = [{spec.name: draw(spec) for spec in contract.inputs} for _ in range(count)]
    middle = rows[0]
    rows += [{**middle, spec.name: value} for spec in contract.inputs for value in ends(spec)]
    return rows
