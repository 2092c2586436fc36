"""The FastAPI service: ``/weight`` (GET and POST), ``/health``, ``/ready``, ``/metadata``."""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated

from fastapi import FastAPI, Query
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

import modelgate
from app.errors import error_body, validation_error
from app.fast import FastWeight
from app.state import ModelState
from contracts.ranges import HEIGHT, MAX_HEIGHTS_PER_REQUEST
from contracts.response import ErrorResponse, Height, WeightRequest, WeightResponse
from modelgate.settings import Settings

ERRORS = {
    422: {"model": ErrorResponse, "description": f"A height is missing or not {HEIGHT.describe()}."},
    503: {"model": ErrorResponse, "description": "The model is not loaded and verified."},
}


def create_api(state: ModelState) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_: FastAPI):
        if not state.ready:
            state.load()
        yield

    api = FastAPI(
        title="modelgate scoring service",
        version=modelgate.__version__,
        description=f"Predicts weight in pounds from height in {HEIGHT.unit} ({HEIGHT.describe()}).",
        lifespan=lifespan,
    )
    api.add_exception_handler(RequestValidationError, validation_error)

    def score(heights: list[float]):
        if not state.ready:
            return JSONResponse(error_body(["model"], state.reason, "model_not_ready"), status_code=503)
        return {"response": state.scorer.predict_list(heights)}

    @api.get("/weight", response_model=WeightResponse, responses=ERRORS, summary="Weights for heights in the query")
    def get_weight(
        height: Annotated[
            list[Height],
            Query(min_length=1, max_length=MAX_HEIGHTS_PER_REQUEST, description="Repeat for several: ?height=138&height=62.5"),
        ],
    ):
        return score(height)

    @api.post("/weight", response_model=WeightResponse, responses=ERRORS, summary="Weights for a list of heights")
    def post_weight(body: WeightRequest):
        return score(body.height)

    @api.get("/health", summary="The process is alive")
    def health():
        return {"status": "ok"}

    @api.get("/ready", summary="The model is loaded and its SHA-256 verified", responses={503: ERRORS[503]})
    def ready():
        if not state.ready:
            return JSONResponse(error_body(["model"], state.reason, "model_not_ready"), status_code=503)
        return {"status": "ready", "model_version": state.artifact.version}

    @api.get("/metadata", summary="The model's manifest", responses={503: ERRORS[503]})
    def metadata():
        if not state.ready:
            return JSONResponse(error_body(["model"], state.reason, "model_not_ready"), status_code=503)
        return state.artifact.manifest

    return api


def create_app(model_dir: Path | None = None):
    """The ASGI app: FastAPI behind the ``GET /weight`` fast path, sharing one model state."""
    state = ModelState(model_dir or Settings.from_env().model_dir)
    return FastWeight(create_api(state), state)
