"""The ASGI service ``modelgate serve`` runs: the ``GET /<output>`` and probe fast path in front of request
ids and metrics, the API-key check (when keys are configured), the body limit and FastAPI, all sharing
one model state and one metrics registry. FastAPI itself is imported and built after start-up
(``app.deferred``), so this module imports none of it."""

from __future__ import annotations

from pathlib import Path

from modelgate.app.auth import ApiKeys, RequireApiKey
from modelgate.app.deferred import Deferred
from modelgate.app.fast import FastAnswer
from modelgate.app.limits import BodyLimit
from modelgate.app.observe import Metrics, Observe
from modelgate.app.state import ModelState
from modelgate.contracts.requests import largest_request_bytes

from modelgate.settings import DEFAULT_MAX_BODY_BYTES, Settings


def body_limit(settings: Settings, state: ModelState) -> int:
    """The largest request body accepted: the setting, or about 4 times the largest valid request (1 MiB at least)."""
    if settings.max_body_bytes is not None:
        return settings.max_body_bytes
    largest = largest_request_bytes(state.contract) if state.contract else 0
    return max(DEFAULT_MAX_BODY_BYTES, 4 * largest)


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
        if state.path:  # the scoring endpoint is a metrics label from the start, not once FastAPI is built
            metrics.endpoints.add(state.path)

    # The body limit sits behind the fast path, which only takes GETs: it costs the hot request nothing. The key
    # check sits in front of it (no body is read for a caller without a key) and behind Observe (a 401 is counted).
    inner = BodyLimit(Deferred(build_api, on_startup=load_model), lambda: body_limit(settings, state))
    observed = Observe(RequireApiKey(inner, keys) if keys else inner, metrics, access_log=settings.access_log)
    return FastAnswer(observed, state, metrics, observe=observed, keys=keys)
