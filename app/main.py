"""The ASGI service ``modelgate serve`` runs: the ``GET /weight`` and probe fast path in front of request
ids and metrics, the API-key check (when keys are configured), the body limit and FastAPI, all sharing
one model state and one metrics registry. FastAPI itself is imported and built after start-up
(``app.deferred``), so this module imports none of it."""

from __future__ import annotations

from pathlib import Path

from modelgate.app.auth import ApiKeys, RequireApiKey
from modelgate.app.deferred import Deferred
from modelgate.app.fast import FastWeight
from modelgate.app.limits import BodyLimit
from modelgate.app.observe import Metrics, Observe
from modelgate.app.state import ModelState

from modelgate.settings import Settings


def create_app(model_dir: Path | None = None, settings: Settings | None = None):
    settings = settings or Settings.from_env()
    state, metrics = ModelState(model_dir or settings.model_dir, settings.extrapolation), Metrics()
    keys = ApiKeys(settings.api_keys) if settings.api_keys else None

    def build_api():
        from modelgate.app.api import create_api

        return create_api(state, metrics, keys_required=keys is not None)

    def load_model():
        if not state.ready:
            state.load()

    # The body limit sits behind the fast path, which only takes GETs: it costs the hot request nothing. The key
    # check sits in front of it (no body is read for a caller without a key) and behind Observe (a 401 is counted).
    inner = BodyLimit(Deferred(build_api, on_startup=load_model), settings.max_body_bytes)
    observed = Observe(RequireApiKey(inner, keys) if keys else inner, metrics, access_log=settings.access_log)
    return FastWeight(observed, state, metrics, observe=observed, keys=keys)
