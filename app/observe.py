"""Request ids, Prometheus metrics and the optional access log, for every request on every path.

``Observe`` wraps FastAPI and the body limit (so their answers, 413s included, are counted and
carry an ``X-Request-ID``); the ``GET /<output>`` fast path calls the same two helpers inline, so both
paths are observed alike. On the hot path the work per request is a header scan and a few
additions to plain counters. The
JSON access line is off unless asked for (``MODELGATE_ACCESS_LOG=1`` / ``--access-log``): it
costs about a third of the fast path's throughput (bench/README.md).
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import time
from bisect import bisect_left
from collections import deque

from modelgate.app.answers import HEALTH, READY
from modelgate.app.logs import request_id
from modelgate.model.stability import bin_of, index
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily

log = logging.getLogger("modelgate.access")

# Label values are bounded so a client cannot grow the metrics without limit (the scoring path joins them once known).
ENDPOINTS = frozenset({HEALTH, READY, "/metadata", "/metrics", "/docs", "/redoc", "/openapi.json"})
METHODS = frozenset({"GET", "POST", "HEAD", "OPTIONS", "PUT", "DELETE", "PATCH"})
# An incoming id is echoed only if it is short and plain, so it cannot inject into logs or headers.
_VALID_ID = re.compile(rb"[A-Za-z0-9._:/+=-]{1,128}")
LATENCY_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)


class Metrics:
    """One registry per app (tests build many apps in one process).

    Request counts and latencies, answers and extrapolations are kept in plain Python numbers and turned into
    Prometheus families only when scraped: prometheus-client's locked per-sample updates cost several times more per
    request than the fast path can spare. Every update runs on the event loop (the FastAPI routes answer in the thread
    pool but count on the loop: ``app.api``), so none needs a lock.
    """

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.predictions = 0  # rows answered
        self.extrapolated: dict[str, int] = {}  # input -> values answered that the training data never had
        self.registry.register(_AnswerCollector(self))
        self.inputs = InputsSeen()
        self.registry.register(self.inputs)
        self.drift = LiveDrift()
        self.registry.register(self.drift)
        self.endpoints = set(ENDPOINTS)
        self._requests: dict[tuple, list] = {}  # (endpoint, method, status) -> [count, sum, per-bucket counts]
        self.registry.register(_RequestCollector(self._requests))

    def observe(self, endpoint: str, method: str, status: int, seconds: float) -> None:
        row = self._requests.get((endpoint, method, status))
        if row is None:
            row = self._requests[(endpoint, method, status)] = [0, 0.0, [0] * (len(LATENCY_BUCKETS) + 1)]
        row[0] += 1
        row[1] += seconds
        row[2][bisect_left(LATENCY_BUCKETS, seconds)] += 1

    def answered(self, rows: int, unseen: list[tuple[int, str]]) -> None:
        """``rows`` answered, ``unseen`` being the (row, input) of each value among them the training data never had."""
        self.predictions += rows
        for _, name in unseen:
            self.extrapolated[name] = self.extrapolated.get(name, 0) + 1

    def render(self) -> bytes:
        return generate_latest(self.registry)


class LiveDrift:
    """The population stability index of the last N values answered of each input against its training profile, N
    being the rows the contract judges drift from (``a file of N or more … is judged for drift``), beside the
    contract's warning and refusal levels on ``/metrics``, so an alert can fire on production drift as the batch
    check would refuse a file. The index is given once N values are in; a model loaded again starts a new window.
    Nothing without a training profile or drift levels. Bins and index are :mod:`modelgate.model.stability`'s."""

    def __init__(self) -> None:
        self._model: object = None  # the served model the windows are kept for
        self._windows: dict[str, tuple[dict, deque, list[int]]] = {}  # input -> (profile, last bins, count per bin)

    def _bind(self, model) -> None:
        self._model, self._windows = model, {}
        drift = model.contract.drift
        if drift is None or not model.profiles:
            return
        for name, found in model.profiles.items():
            self._windows[name] = (found, deque(maxlen=drift.min_rows), [0] * len(found["shares"]))

    def observe(self, rows: list[dict], model) -> None:
        if model is not self._model:
            self._bind(model)
        for name, (found, window, counts) in self._windows.items():
            for row in rows:
                _push(window, counts, bin_of(found, row[name]))

    def observe_values(self, name: str, values: list[float], model) -> None:
        """:meth:`observe` for the values of one number input (a one-number line's requests, never missing): its bins
        by bin_of's rule for a number, without the checks a row's value needs."""
        if model is not self._model:
            self._bind(model)
        kept = self._windows.get(name)
        if kept is not None:  # inline, the hot path's per-value cost: a binary search and three list updates
            deciles, window, counts = kept[0]["deciles"], kept[1], kept[2]
            for value in values:
                at = bisect_left(deciles, value)
                if len(window) == window.maxlen:
                    counts[window[0]] -= 1
                window.append(at)
                counts[at] += 1

    def collect(self):
        if not self._windows:
            return
        drift = self._model.contract.drift
        judged = GaugeMetricFamily(
            "modelgate_input_stability_index",
            f"Population stability index of the last {drift.min_rows} values answered of each input against the training data",
            labels=["input"],
        )
        held = GaugeMetricFamily(
            "modelgate_input_stability_window", "Values of each input in the window so far", labels=["input"]
        )
        for name, (found, window, counts) in self._windows.items():
            held.add_metric([name], len(window))
            if len(window) == window.maxlen:
                judged.add_metric([name], index(counts, found["shares"]))
        yield judged
        yield held
        yield GaugeMetricFamily("modelgate_drift_warning_level", "The contract's drift warning level", value=drift.warn)
        yield GaugeMetricFamily("modelgate_drift_refusal_level", "The contract's drift refusal level", value=drift.refuse)


def _push(window: deque, counts: list[int], found: int | None) -> None:
    """Add a bin to a window of fixed length, the oldest leaving it when full; a value in no bin is not counted."""
    if found is None:
        return
    if len(window) == window.maxlen:
        counts[window[0]] -= 1
    window.append(found)
    counts[found] += 1


class InputsSeen:
    """The inputs asked for, per input: numbers in buckets cut at the training deciles (a histogram), categories by
    value (a counter). In production a Prometheus query of the bucket shares against the training shares watches input
    drift. Buckets exist once a model is loaded (its manifest holds the profile); counts are plain numbers updated on
    the event loop."""

    def __init__(self) -> None:
        self.numbers: dict[str, tuple[list[float], list[int], list[float]]] = {}  # input -> (bounds, buckets, [sum])
        self.values: dict[str, dict] = {}  # input -> {value: count}
        self._profiles: dict | None = None  # the profiles the counts below are kept for
        self._kept: list = []  # (input, bounds, buckets, [sum]) of each number, (input, None, counts, None) of others

    def _bind(self, profiles: dict) -> None:
        """Keep counts for the inputs of ``profiles`` (a model's; a model loaded again keeps its counts)."""
        self._profiles, self._kept = profiles, []
        for name, seen in profiles.items():
            if seen["kind"] == "number":
                found = self.numbers.get(name)
                if found is None or found[0] != seen["deciles"]:
                    found = self.numbers[name] = (list(seen["deciles"]), [0] * (len(seen["deciles"]) + 1), [0.0])
                self._kept.append((name, *found))
            else:
                self._kept.append((name, None, self.values.setdefault(name, {}), None))

    def observe(self, rows: list[dict], profiles: dict) -> None:
        if profiles is not self._profiles:
            self._bind(profiles)
        for name, bounds, counts, total in self._kept:
            if bounds is not None:
                for row in rows:
                    value = row[name]
                    if value is not None:
                        counts[bisect_left(bounds, value)] += 1
                        total[0] += value
            else:
                for row in rows:
                    key = "(missing)" if row[name] is None else str(row[name])
                    counts[key] = counts.get(key, 0) + 1

    def observe_values(self, name: str, values: list[float], profiles: dict) -> None:
        """:meth:`observe` for the values of one number input (a one-number line's requests)."""
        if profiles is not self._profiles:
            self._bind(profiles)
        found = self.numbers.get(name)
        if found is None:
            return
        bounds, buckets, total = found
        for value in values:
            buckets[bisect_left(bounds, value)] += 1
            total[0] += value

    def collect(self):
        if self.numbers:
            family = HistogramMetricFamily("modelgate_requested_value", "Numbers asked for, by training decile", labels=["input"])
            for name, (bounds, buckets, total) in self.numbers.items():
                edges = [*(f"{b:g}" for b in bounds), "+Inf"]
                family.add_metric([name], list(zip(edges, itertools.accumulate(buckets))), total[0])
            yield family
        if self.values:
            family = CounterMetricFamily(
                "modelgate_requested_category", "Categories asked for, by value", labels=["input", "value"]
            )
            for name, counts in self.values.items():
                for value, count in counts.items():
                    family.add_metric([name, value], count)
            yield family


class _AnswerCollector:
    def __init__(self, metrics: Metrics):
        self.metrics = metrics

    def collect(self):
        yield CounterMetricFamily("modelgate_predictions", "Rows answered (one per answer)", value=self.metrics.predictions)
        family = CounterMetricFamily(
            "modelgate_extrapolated_values",
            "Values answered that the training data never had (a number outside its training range, an unseen category)",
            labels=["input"],
        )
        for name, count in self.metrics.extrapolated.items():
            family.add_metric([name], count)
        yield family


class _RequestCollector:
    LABELS = ("endpoint", "method", "status")

    def __init__(self, requests: dict):
        self.requests = requests

    def collect(self):
        count = CounterMetricFamily(
            "modelgate_http_requests", "HTTP requests answered, by endpoint, method and status", labels=self.LABELS
        )
        latency = HistogramMetricFamily(
            "modelgate_http_request_duration_seconds",
            "Time from request to the end of the response, by endpoint, method and status",
            labels=self.LABELS,
        )
        for (endpoint, method, status), (n, total, buckets) in list(self.requests.items()):
            labels = [endpoint, method, str(status)]
            count.add_metric(labels, n)
            cumulative = list(itertools.accumulate(buckets))
            bounds = [*(f"{b:g}" for b in LATENCY_BUCKETS), "+Inf"]
            latency.add_metric(labels, list(zip(bounds, cumulative)), total)
        yield count
        yield latency


class Observe:
    """ASGI layer for every request the fast path does not answer: request id in and out, metrics,
    optional access log. The fast path uses ``request_id_for`` and ``record`` inline instead of
    going through this layer: a wrapper coroutine and a ``send`` closure per request measurably
    cost the hot request throughput."""

    def __init__(self, app, metrics: Metrics, *, access_log: bool = False):
        self.app, self.metrics, self.access_log = app, metrics, access_log
        # Generated ids: a random per-process prefix and a counter (unique, and far cheaper than uuid4).
        self._prefix = os.urandom(4).hex()
        self._counter = itertools.count(1)

    def __getattr__(self, name):  # state, api, ... of the wrapped app, for tests and tools
        return getattr(self.app, name)

    def request_id_for(self, scope) -> bytes:
        """The caller's ``X-Request-ID`` if it is plain and short, else a fresh one."""
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                if _VALID_ID.fullmatch(value):
                    return value
                break
        return f"{self._prefix}-{next(self._counter):x}".encode()

    def record(self, scope, status: int, seconds: float, rid: bytes | None = None) -> None:
        """Count the request; log it if asked. ``rid``: its request id, for a caller that did not set ``request_id``
        (the fast path, which skips that per-request cost)."""
        path, method = scope["path"], scope["method"]
        self.metrics.observe(
            path if path in self.metrics.endpoints else "other", method if method in METHODS else "other", status, seconds
        )
        if self.access_log or status >= 500:
            extra = {"status": status, "ms": round(seconds * 1000, 3), "client": (scope.get("client") or ("",))[0]}
            if rid is not None:
                extra["request_id"] = rid.decode()
            log.log(logging.WARNING if status >= 500 else logging.INFO, "%s %s %d", method, path, status, extra=extra)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        rid = self.request_id_for(scope)
        token = request_id.set(rid.decode())
        status = 500  # what the server answers if the app raises before it starts a response
        started = time.perf_counter()

        async def send_with_id(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), (b"x-request-id", rid)]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            self.record(scope, status, time.perf_counter() - started)
            request_id.reset(token)
