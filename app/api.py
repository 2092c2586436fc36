"""The FastAPI service: ``/weight`` (GET and POST), ``/health``, ``/ready``, ``/metadata``, ``/metrics``,
the OpenAPI document and its pages. Built after start-up (``app.deferred``); ``app.main`` assembles the service."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, Query
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from modelgate.app.answers import HEALTH, HEALTHY, READY, WEIGHT, error_body, readiness
from modelgate.app.auth import MESSAGES
from modelgate.app.deps import ModelNotReady, model_not_ready, ready_model, require_ready
from modelgate.app.errors import http_error, validation_error
from modelgate.app.fast import EXTRAPOLATED_HEADER, record_heights
from modelgate.app.observe import Metrics
from modelgate.app.state import ModelState
from modelgate.contracts.ranges import HEIGHT, MAX_HEIGHTS_PER_REQUEST
from modelgate.contracts.response import ErrorResponse, Height, WeightRequest, WeightResponse
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.exceptions import HTTPException

import modelgate

ERRORS = {
    422: {"model": ErrorResponse, "description": f"A height is missing or not {HEIGHT.describe()}."},
    503: {"model": ErrorResponse, "description": "The model is not loaded and verified."},
}
# Found by fuzzing a real server: a URL of thousands of heights exceeds the HTTP parser's limit, and
# the server itself (not this app) answers 400 in plain text. Documented so clients know to POST.
URL_TOO_LONG = {
    400: {
        "description": "The server could not parse the request, e.g. a URL longer than about 80 KB; send many heights with POST.",
        "content": {"text/plain": {"schema": {"type": "string"}}},
    }
}
TOO_LARGE = {413: {"model": ErrorResponse, "description": "The request body is larger than the configured limit."}}
UNAUTHORIZED = {401: {"model": ErrorResponse, "description": f"No valid API key ({'; '.join(sorted(MESSAGES))})."}}


def create_api(state: ModelState, metrics: Metrics | None = None, keys_required: bool = False) -> FastAPI:
    """The FastAPI app; ``keys_required`` documents the 401 of every operation but the probes'. It does not load
    the model: whoever runs the lifespan does (``app.deferred``)."""
    metrics = metrics or Metrics()
    locked = UNAUTHORIZED if keys_required else {}

    api = FastAPI(
        title="modelgate scoring service",
        version=modelgate.__version__,
        description=f"Predicts weight in pounds from height in {HEIGHT.unit} ({HEIGHT.describe()}).",
    )
    api.add_exception_handler(RequestValidationError, validation_error)
    api.add_exception_handler(HTTPException, http_error)
    api.add_exception_handler(ModelNotReady, model_not_ready)
    # A route that declares ``model: ModelState = needs_model`` runs only with the model ready.
    needs_model = Depends(ready_model(state))

    def score(heights: list[float], response: Response, where: list):
        # Asked here, not as a dependency: FastAPI solves dependencies before it validates the route's own
        # parameters, and a bad height is a 422 whether or not the model is ready.
        model = require_ready(state)
        outside = model.extrapolated(heights)
        if outside and model.refuses_extrapolation:
            detail = [
                error_body([*where, i], model.extrapolation_message(heights[i]), "extrapolation")["detail"][0] for i in outside
            ]
            return JSONResponse({"detail": detail}, status_code=422)
        weights = model.scorer.predict_list(heights)
        metrics.predictions.inc(len(weights))
        record_heights(metrics, state, heights, len(outside))
        if state.profile is not None:
            response.headers[EXTRAPOLATED_HEADER] = str(len(outside))
        return {"response": weights}

    @api.get(WEIGHT, response_model=WeightResponse, responses=ERRORS | URL_TOO_LONG | locked, summary="Weights for query heights")
    def get_weight(
        height: Annotated[
            list[Height],
            Query(min_length=1, max_length=MAX_HEIGHTS_PER_REQUEST, description="Repeat for several: ?height=138&height=62.5"),
        ],
        response: Response,
    ):
        return score(height, response, ["query", "height"])

    @api.post(
        WEIGHT, response_model=WeightResponse, responses=ERRORS | TOO_LARGE | locked, summary="Weights for a list of heights"
    )
    def post_weight(body: WeightRequest, response: Response):
        return score(body.height, response, ["body", "height"])

    # The fast path answers both probes first (app.fast); these document them and answer what it leaves.
    @api.get(HEALTH, summary="The process is alive")
    def health():
        return HEALTHY

    @api.get(READY, summary="The model is loaded and its SHA-256 verified", responses={503: ERRORS[503]})
    def ready():
        status, body = readiness(state)
        return JSONResponse(body, status_code=status)

    @api.get("/metadata", summary="The model's manifest", responses={503: ERRORS[503]} | locked)
    def metadata(model: ModelState = needs_model):
        return model.artifact.manifest

    @api.get(
        "/metrics",
        summary="Prometheus metrics: requests and latency by endpoint and status, predictions",
        response_class=Response,
        responses={200: {"content": {CONTENT_TYPE_LATEST.split(";")[0]: {"schema": {"type": "string"}}}}} | locked,
    )
    def prometheus():
        return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)

    return api
