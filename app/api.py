"""The FastAPI service: ``/<output>`` (GET and POST), ``/health``, ``/ready``, ``/metadata``, ``/metrics``, the OpenAPI
document and its pages, all derived from the model's contract. Built after start-up (``app.deferred``); ``app.main``
assembles the service."""

from __future__ import annotations

import json

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from modelgate.app.answers import HEALTH, HEALTHY, READY, answer_content, readiness
from modelgate.app.auth import MESSAGES
from modelgate.app.deps import ModelNotReady, model_not_ready, require_ready
from modelgate.app.errors import ERROR_SCHEMA, http_error, validation_error
from modelgate.app.fast import record
from modelgate.app.observe import Metrics
from modelgate.app.state import EXTRAPOLATED_HEADER, ModelState
from modelgate.contracts import requests
from modelgate.contracts.contract import Contract
from prometheus_client import CONTENT_TYPE_LATEST
from starlette.exceptions import HTTPException

import modelgate

# Found by fuzzing a real server: a URL of thousands of rows exceeds the HTTP parser's limit, and the server itself
# (not this app) answers 400 in plain text. Documented so clients know to POST.
URL_TOO_LONG = {
    400: {
        "description": "The server could not parse the request, e.g. a URL longer than about 80 KB; send many rows with POST.",
        "content": {"text/plain": {"schema": {"type": "string"}}},
    }
}
NOT_READY = {
    503: {"description": "The model is not loaded and verified.", "content": {"application/json": {"schema": ERROR_SCHEMA}}}
}


def _errors(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ERROR_SCHEMA}}}


def create_api(state: ModelState, metrics: Metrics | None = None, keys_required: bool = False) -> FastAPI:
    """The FastAPI app; ``keys_required`` documents the 401 of every operation but the probes'. It does not load
    the model: whoever runs the lifespan does (``app.deferred``)."""
    metrics = metrics or Metrics()
    locked = {401: _errors(f"No valid API key ({'; '.join(sorted(MESSAGES))}).")} if keys_required else {}
    contract = state.contract
    title = contract.title if contract and contract.title else "modelgate scoring service"
    described = f"Answers the {contract.output.describe()} from {', '.join(contract.names)}." if contract else ""
    api = FastAPI(title=title, version=modelgate.__version__, description=described)
    api.add_exception_handler(RequestValidationError, validation_error)
    api.add_exception_handler(HTTPException, http_error)
    api.add_exception_handler(ModelNotReady, model_not_ready)

    async def answered(rows: list[dict], where: list, request: Request) -> Response:
        """The answer to validated rows: computed in the thread pool (a large request must not hold the event loop),
        counted in the metrics back on the loop, where every metric is updated (``app.observe.Metrics``); with the
        ranges the request's ``X-Modelgate-Interval`` header asks for."""
        model = require_ready(state).model
        assert model is not None  # require_ready raised otherwise
        levels, wrong = state.levels(request.headers.get(requests.INTERVAL_HEADER))
        if wrong:
            detail = [requests.error(["header", requests.INTERVAL_HEADER], wrong, "interval_level")]
            return JSONResponse({"detail": detail}, status_code=422)
        answer = await run_in_threadpool(state.answer, rows, where)
        if answer.refusals:
            return JSONResponse({"detail": answer.refusals}, status_code=422)
        if levels:
            answer.intervals = state.ranges(answer.answers, levels)
        record(metrics, state, answer, rows)
        headers = {EXTRAPOLATED_HEADER: str(answer.extrapolated)} if model.profiles else None
        return JSONResponse(answer_content(answer), headers=headers)

    path = state.path  # known with the contract
    if contract is not None and path is not None:
        _scoring_routes(api, state, contract, answered, locked)
        metrics.endpoints.add(path)

    # The fast path answers both probes first (app.fast); these document them and answer what it leaves.
    @api.get(HEALTH, summary="The process is alive")
    def health():
        return HEALTHY

    @api.get(READY, summary="The model is loaded and its SHA-256 verified", responses=NOT_READY)
    def ready():
        status, body = readiness(state)
        return JSONResponse(body, status_code=status)

    @api.get("/metadata", summary="The model's manifest and its contract", responses=NOT_READY | locked)
    def metadata():
        model = require_ready(state).model
        return {**model.manifest.to_dict(), "serving_form": model.form, "contract_terms": model.contract.to_dict()}

    @api.get(
        "/metrics",
        summary="Prometheus metrics: requests and latency by endpoint and status, answers, inputs asked for",
        response_class=Response,
        responses={200: {"content": {CONTENT_TYPE_LATEST.split(";")[0]: {"schema": {"type": "string"}}}}} | locked,
    )
    def prometheus():
        return Response(metrics.render(), media_type=CONTENT_TYPE_LATEST)

    if contract is None:  # no readable contract: every other request is the same 503 naming why (routes match in order)

        @api.api_route("/{anything:path}", methods=["GET", "POST"], include_in_schema=False)
        def unknown(anything: str):
            raise ModelNotReady(state.reason)

    return api


def _scoring_routes(api: FastAPI, state: ModelState, contract: Contract, answered, locked: dict) -> None:
    output = contract.output
    ok = {
        200: {
            "description": f"One {output.describe()} per row",
            "content": {"application/json": {"schema": requests.answer_schema(contract)}},
        }
    }
    bad = {
        422: _errors(f"An input is missing or not accepted ({'; '.join(f'{i.name}: {i.describe()}' for i in contract.inputs)}).")
    }
    large = {413: _errors("The request body is larger than the configured limit.")}

    @api.get(
        state.path,
        summary=f"The {output.name} for the rows in the query",
        responses=ok | bad | NOT_READY | URL_TOO_LONG | locked,
        openapi_extra={"parameters": requests.query_parameters(contract) + requests.interval_parameter(contract)},
    )
    async def get_answer(request: Request):
        rows, errors = requests.rows_from_query(contract, request.query_params.multi_items())
        if errors:
            return JSONResponse({"detail": errors}, status_code=422)
        return await answered(rows, ["query"], request)

    @api.post(
        state.path,
        summary=f"The {output.name} for rows sent as columns or records",
        responses=ok | bad | large | NOT_READY | locked,
        openapi_extra={"requestBody": requests.request_body(contract), "parameters": requests.interval_parameter(contract)},
    )
    async def post_answer(request: Request):
        raw = await request.body()
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            detail = [requests.error(["body"], f"request body must be UTF-8 JSON; {contract.usage()}", "json_invalid")]
            return JSONResponse({"detail": detail}, status_code=422)
        rows, errors = requests.rows_from_json(contract, body)
        if errors:
            return JSONResponse({"detail": errors}, status_code=422)
        return await answered(rows, ["body"], request)
