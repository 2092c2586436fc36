"""The self-test: is this model, in this installation, the one the business signed off?

It needs the model folder and nothing else: the contract the model carries (verified against the manifest) says what
was agreed. It loads and verifies the model as the service does (``model.served``: the serving form, or the skops
file in the full image), checks its recorded quality against what was agreed (a regression's R² and typical error; a
classifier's metric bands, its margin over the most-frequent-class baseline and its calibration, on rows it was not
trained on), answers every agreed row (a classifier's agreed classes and probabilities), and asks the real app
(in-process, over ASGI: no port, no test client in the image) for a good and a bad answer, checking the response
shape. Every check is a JUnit test case, so a pipeline can gate on it; the suite's properties name the model checked
(``contracts.evidence``).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeGuard
from urllib.parse import urlencode

from junit_xml import TestCase

from modelgate.contracts.contract import Contract
from modelgate.contracts.errors import ModelgateError
from modelgate.contracts.evidence import model_properties
from modelgate.contracts.facts import UNSEEN, MetricBand
from modelgate.contracts.inputs import CATEGORY, YES_NO, Input
from modelgate.junit.write import write_suite
from modelgate.model import served
from modelgate.model.served import Served

SUITE = "selftest"


class CheckFailed(AssertionError):
    """A check's finding, worded for the person reading the JUnit file."""


@dataclass
class Result:
    cases: list[TestCase] = field(default_factory=list)
    model_error: ModelgateError | None = None
    properties: dict[str, str] = field(default_factory=dict)  # the model checked, for the JUnit suite

    @property
    def failures(self) -> list[TestCase]:
        return [c for c in self.cases if c.is_failure() or c.is_error()]

    @property
    def ok(self) -> bool:
        return not self.failures and self.model_error is None


def run_selftest(model_dir: Path) -> Result:
    result = Result()

    def check(name: str, fn: Callable[[], None]) -> None:
        case = TestCase(name=name, classname=SUITE)
        try:
            fn()
        except CheckFailed as exc:
            case.add_failure_info(message=str(exc))
        except (ModelgateError, OSError, LookupError, ValueError) as exc:
            case.add_error_info(message=f"{type(exc).__name__}: {exc}")
        result.cases.append(case)

    try:
        loaded = served.load(model_dir)
    except ModelgateError as exc:
        result.model_error = exc
        result.cases.append(TestCase(name="model loads and verifies", classname=SUITE))
        result.cases[-1].add_failure_info(message=str(exc))
        for name in ("agreed quality", "agreed answers", "response shape"):
            result.cases.append(TestCase(name=name, classname=SUITE))
            result.cases[-1].add_skipped_info(message="the model did not load")
        return result
    note = f"model {loaded.version}, serving form {loaded.form}"
    result.cases.append(TestCase(name="model loads and verifies", classname=SUITE, stdout=note))
    result.properties = model_properties(loaded.manifest)
    contract, metrics = loaded.contract, loaded.manifest.metrics
    if contract.r2_band is not None:
        check("R² band: the recorded R² on the training data", lambda: _band(metrics.get("r2_train"), contract))
    if contract.typical_error is not None:
        check("typical error: on rows the model was not trained on", lambda: _typical(metrics.get("cv") or {}, contract))
    cv = metrics.get("cv") or {}
    for band in contract.metric_bands:
        if band.on == UNSEEN:  # the evaluation rows are not in the model folder: the quality feature judges those
            check(f"{band.metric} band: on rows the model was not trained on", partial(_metric_band, cv, band))
    if contract.baseline is not None:
        check(
            f"baseline: {contract.baseline.metric} beats always answering the most frequent class",
            lambda: _baseline(cv, contract),
        )
    if contract.calibration is not None:
        check("calibration: the expected calibration error on unseen rows", lambda: _calibration(cv, contract))
    for index, case in enumerate(contract.golden):
        check(f"agreed answer: {contract.golden_row(index)}", partial(_golden, loaded, case))
    good, bad = good_query(contract), refused_query(contract)
    responses = _ask_app(model_dir, loaded.contract, good, bad)
    check(f"response shape: GET /{contract.output.name}", lambda: _good_answer(responses["good"], loaded, good))
    if bad is not None:
        check("response shape: a value not accepted gets 422 naming what is", lambda: _bad_answer(responses["bad"], bad[1]))
    check("readiness names the verified model", lambda: _ready(responses["ready"], loaded.version))
    return result


def _raise(message: str) -> None:
    raise CheckFailed(message)


def _number(value: object) -> TypeGuard[float]:
    return isinstance(value, float | int) and not isinstance(value, bool)


def _band(r2, contract: Contract) -> None:
    band = contract.r2_band
    if not _number(r2):
        raise CheckFailed(f"the model's record states no R² on its training data (metrics.r2_train: {r2!r})")
    assert band is not None  # checked only when the contract agrees a band
    if not band.contains(r2):
        raise CheckFailed(f"recorded R² {r2:.4f} is outside the agreed band {band.low:g} – {band.high:g}")


def _typical(cv: dict, contract: Contract) -> None:
    mae, limit = cv.get("mae"), contract.typical_error
    if not _number(mae):
        raise CheckFailed("the model's record states no cross-validated typical error (metrics.cv.mae)")
    assert limit is not None  # checked only when the contract agrees a limit
    if not limit.met_by(mae):
        raise CheckFailed(f"typical error on unseen rows {mae:.4f} is above the agreed {limit.limit:g} {contract.output.unit}")


def _metric_band(cv: dict, band: MetricBand) -> None:
    found = cv.get(band.metric)
    if not _number(found):
        raise CheckFailed(f"the model's record states no cross-validated {band.metric} (metrics.cv)")
    if not band.contains(found):
        raise CheckFailed(f"{band.metric} on unseen rows {found:.4f} is outside the agreed band {band.low:g} – {band.high:g}")


def _baseline(cv: dict, contract: Contract) -> None:
    margin = contract.baseline
    assert margin is not None  # checked only when the contract agrees one
    model, base = cv.get(margin.metric), (cv.get("baseline") or {}).get(margin.metric)
    if not _number(model) or not _number(base):
        raise CheckFailed(f"the model's record states no cross-validated {margin.metric} of the model and its baseline")
    if not margin.beats(model, base):
        raise CheckFailed(
            f"{margin.metric} {model:.4f} against the most-frequent-class baseline's {base:.4f}: "
            f"not better by the agreed {margin.margin:g}"
        )


def _calibration(cv: dict, contract: Contract) -> None:
    limit, found = contract.calibration, cv.get("expected calibration error")
    assert limit is not None  # checked only when the contract agrees one
    if not _number(found):
        raise CheckFailed("the model's record states no cross-validated expected calibration error (metrics.cv)")
    if not limit.met_by(found):
        raise CheckFailed(f"expected calibration error on unseen rows {found:.4f} is above the agreed {limit.limit:g}")


def _golden(model: Served, case) -> None:
    row = [dict(zip(model.contract.names, case.values))]
    if model.classify_rows is not None:
        (label,), (probabilities,) = model.classify_rows(row)
        named = dict(zip(model.contract.output.classes, probabilities))
        if not case.met_by(label, named):
            agreed = case.label if case.probability is None else f"{case.label} ({case.probability:g} ± {case.tolerance:g})"
            raise CheckFailed(f"the model says {label} ({named[case.label]:g} for {case.label}), agreed {agreed}")
        return
    (got,) = model.answer_rows(row)
    if not case.met_by(got):
        raise CheckFailed(f"the model says {got}, agreed {case.expected} ± {case.tolerance:g}")


def good_query(contract: Contract) -> list[tuple[str, str]]:
    """The first agreed row, as a query asks it (or each input's first accepted value)."""
    values = contract.golden[0].values
    return [(i.name, i.to_text(v)) for i, v in zip(contract.inputs, values)]


def refused_query(contract: Contract) -> tuple[list[tuple[str, str]], Input] | None:
    """The good query with one input given a value it does not accept (the first input that refuses any: a value
    outside its categories or yes/no spellings, or a whole unit beyond its range); None if every value is accepted."""
    good = good_query(contract)
    for index, spec in enumerate(contract.inputs):
        wrong = _refused(spec)
        if wrong is not None:
            query = list(good)
            query[index] = (spec.name, wrong)
            return query, spec
    return None


def _refused(spec: Input) -> str | None:
    if spec.kind == CATEGORY:
        return "not-" + "-".join(spec.values)
    if spec.kind == YES_NO:
        return "maybe"
    if spec.range and spec.range.low is not None:
        return repr(spec.range.low - 1.0)
    if spec.range and spec.range.high is not None:
        return repr(spec.range.high + 1.0)
    return "not-a-number"


def _good_answer(answer: tuple[int, dict], model: Served, query: list[tuple[str, str]]) -> None:
    status, body = answer
    if status != 200:
        raise CheckFailed(f"GET /{model.contract.output.name}?{urlencode(query)} answered {status}: {body}")
    if model.classify_rows is not None:
        _good_classes(body, model)
        return
    if list(body) != ["response"]:
        raise CheckFailed(f"body must have only the key 'response', got {body}")
    values = body["response"]
    decimals = model.contract.output.decimals
    if not isinstance(values, list) or len(values) != 1 or not _number(values[0]) or round(values[0], decimals) != values[0]:
        raise CheckFailed(f"'response' must be one number with at most {decimals} decimals, got {values}")
    expected = model.answer_rows([dict(zip(model.contract.names, model.contract.golden[0].values))])
    if values != expected:
        raise CheckFailed(f"service says {values}, the model {expected}")


def _good_classes(body: dict, model: Served) -> None:
    output = model.contract.output
    if list(body) != ["response", "probabilities"]:
        raise CheckFailed(f"body must have the keys 'response' and 'probabilities', got {body}")
    labels, probabilities = body["response"], body["probabilities"]
    if not isinstance(labels, list) or not isinstance(probabilities, list) or len(labels) != 1 or len(probabilities) != 1:
        raise CheckFailed(f"'response' and 'probabilities' must each hold one answer, got {body}")
    problem = output.answer_problem(labels[0], probabilities[0])
    if problem:
        raise CheckFailed(problem)
    assert model.classify_rows is not None  # a classifier's, checked by the caller
    expected_labels, expected = model.classify_rows([dict(zip(model.contract.names, model.contract.golden[0].values))])
    if labels != expected_labels or list(probabilities[0].values()) != expected[0]:
        raise CheckFailed(f"service says {labels} {probabilities}, the model {expected_labels} {expected}")


def _bad_answer(answer: tuple[int, dict], spec: Input) -> None:
    status, body = answer
    detail = body.get("detail") or [{}]
    if status != 422 or not any(spec.name in d.get("loc", []) and spec.describe() in d.get("msg", "") for d in detail):
        raise CheckFailed(
            f"a value {spec.name} does not accept must get a 422 naming it and {spec.describe()!r}; got {status}: {body}"
        )


def _ready(answer: tuple[int, dict], version: str) -> None:
    status, body = answer
    if status != 200 or body.get("model_version") != version:
        raise CheckFailed(f"/ready must answer 200 with model {version}; got {status}: {body}")


def _ask_app(model_dir: Path, contract: Contract, good, bad) -> dict[str, tuple[int, dict]]:
    """Call the real ASGI app, fast path and FastAPI both, as a server would."""
    from modelgate.app.answers import READY
    from modelgate.app.client import ask_async
    from modelgate.app.main import create_app

    app = create_app(model_dir)
    app.state.load()
    path = f"/{contract.output.name}"

    async def one(where: str, query: list) -> tuple[int, dict]:
        reply = await ask_async(app, "GET", where, urlencode(query).encode())
        return reply.status, json.loads(reply.body)

    async def every() -> dict:
        found = {"good": await one(path, good), "ready": await one(READY, [])}
        if bad is not None:
            found["bad"] = await one(path, bad[0])
        return found

    return asyncio.run(every())


def write_selftest_junit(result: Result, path: Path) -> None:
    write_suite(path, SUITE, result.cases, properties=result.properties)
