"""The in-image self-test: is this model, in this installation, the one the business signed off?

It loads and verifies the model as the service does (its serving form and the SHA-256 of both model
files, ``model.serving``; no scikit-learn needed), checks its recorded R² against the band of ``features/quality.feature``,
scores every golden case from ``features/scoring.feature`` and asks the real app (in-process, over
ASGI: no port, no test client in the image) for a good and a bad answer, checking the response shape.
Every check is a JUnit test case, so a pipeline can gate on it; the suite's properties name the model
checked (``contracts.evidence``).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from junit_xml import TestCase

from modelgate.contracts.errors import ModelgateError
from modelgate.contracts.evidence import model_properties
from modelgate.contracts.golden import Band, GoldenCase, golden_cases, r2_band
from modelgate.contracts.ranges import FEATURE, HEIGHT, WEIGHT_DECIMALS
from modelgate.contracts.response import WeightResponse
from modelgate.model import serving
from modelgate.model.junit_file import write_suite
from modelgate.model.serving import LinearForm

SUITE = "selftest"
# A height the contract accepts; its expected weight comes from the scorer, not from here.
PROBE_HEIGHT = 138.0


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


def run_selftest(model_dir: Path, features_dir: Path) -> Result:
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
        loaded = serving.load(model_dir)
    except ModelgateError as exc:
        result.model_error = exc
        result.cases.append(TestCase(name="model loads and verifies", classname=SUITE))
        result.cases[-1].add_failure_info(message=str(exc))
        for name in ("R² band", "golden cases", "response shape"):
            result.cases.append(TestCase(name=name, classname=SUITE))
            result.cases[-1].add_skipped_info(message="the model did not load")
        return result
    result.cases.append(TestCase(name="model loads and verifies", classname=SUITE, stdout=f"model {loaded.version}"))
    result.properties = model_properties(loaded.manifest)
    scorer = loaded.form

    def stated(what: str, read):
        """What the features state (``read(features_dir)``), or None after a failed check saying why not."""
        try:
            return read(features_dir)
        except (OSError, LookupError, ValueError) as exc:
            problem = f"cannot read the {what} from {features_dir}: {exc}"
            check(what, lambda: _raise(problem))
            return None

    band = stated("R² band", r2_band)
    if band is not None:
        check("R² band: the recorded R² on the training data", lambda: _band(loaded.manifest, band))
    for case in stated("golden cases", golden_cases) or []:
        check(f"golden case: height {case.height:g}", lambda c=case: _golden(scorer, c))

    responses = _ask_app(model_dir)
    check("response shape: GET /weight", lambda: _good_answer(responses["good"], scorer))
    check("response shape: a bad height gets 422 naming the range", lambda: _bad_answer(responses["bad"]))
    check("readiness names the verified model", lambda: _ready(responses["ready"], loaded.version))
    return result


def _raise(message: str) -> None:
    raise CheckFailed(message)


def _band(manifest: dict, band: Band) -> None:
    r2 = manifest.get("metrics", {}).get("r2_train")
    if not isinstance(r2, float | int) or isinstance(r2, bool):
        raise CheckFailed(f"the model's record states no R² on its training data (metrics.r2_train: {r2!r})")
    if not band.contains(r2):
        raise CheckFailed(f"recorded R² {r2:.4f} is outside the agreed band {band.low:g} – {band.high:g}")


def _golden(scorer: LinearForm, case: GoldenCase) -> None:
    (got,) = scorer.predict_list([case.height])
    if not case.met_by(got):
        raise CheckFailed(f"height {case.height:g}: model says {got}, agreed {case.weight} ± {case.tolerance:g}")


def _good_answer(answer: tuple[int, dict], scorer: LinearForm) -> None:
    status, body = answer
    if status != 200:
        raise CheckFailed(f"GET /weight?height={PROBE_HEIGHT:g} answered {status}: {body}")
    if list(body) != ["response"]:
        raise CheckFailed(f"body must have only the key 'response', got {body}")
    WeightResponse.model_validate(body)
    values = body["response"]
    if len(values) != 1 or round(values[0], WEIGHT_DECIMALS) != values[0]:
        raise CheckFailed(f"'response' must be one number with at most {WEIGHT_DECIMALS} decimals, got {values}")
    if values != scorer.predict_list([PROBE_HEIGHT]):
        raise CheckFailed(f"service says {values}, the scorer {scorer.predict_list([PROBE_HEIGHT])}")


def _bad_answer(answer: tuple[int, dict]) -> None:
    status, body = answer
    detail = body.get("detail") or [{}]
    if status != 422 or not any(FEATURE in d.get("loc", []) and HEIGHT.describe() in d.get("msg", "") for d in detail):
        raise CheckFailed(f"height=0 must get a 422 naming {FEATURE} and the range; got {status}: {body}")


def _ready(answer: tuple[int, dict], version: str) -> None:
    status, body = answer
    if status != 200 or body.get("model_version") != version:
        raise CheckFailed(f"/ready must answer 200 with model {version}; got {status}: {body}")


def _ask_app(model_dir: Path) -> dict[str, tuple[int, dict]]:
    """Call the real ASGI app, fast path and FastAPI both, as a server would."""
    from modelgate.app.answers import READY, WEIGHT
    from modelgate.app.main import create_app

    app = create_app(model_dir)
    app.state.load()

    async def ask() -> dict:
        return {
            "good": await _request(app, WEIGHT, f"{FEATURE}={PROBE_HEIGHT:g}"),
            "bad": await _request(app, WEIGHT, f"{FEATURE}=0"),
            "ready": await _request(app, READY, ""),
        }

    return asyncio.run(ask())


async def _request(app, path: str, query: str) -> tuple[int, dict]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(b"host", b"selftest")],
        "client": ("127.0.0.1", 0),
        "server": ("selftest", 80),
    }
    incoming = [{"type": "http.request", "body": b"", "more_body": False}]
    sent: list[dict] = []

    async def receive() -> dict:
        return incoming.pop(0) if incoming else {"type": "http.disconnect"}

    async def send(message: dict) -> None:
        sent.append(message)

    await app(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, json.loads(body)


def write_selftest_junit(result: Result, path: Path) -> None:
    write_suite(path, SUITE, result.cases, properties=result.properties)
