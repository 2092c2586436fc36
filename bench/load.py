"""Load benchmark: N keep-alive connections for S seconds against ``modelgate serve`` (one worker),
a mix of valid and invalid requests, every answer checked.

    python bench/load.py [--connections 64] [--seconds 60] [--url http://127.0.0.1:8000] [--with-key]

Without ``--url`` it starts ``modelgate serve --workers 1`` on the bundled height -> weight model
(``modelgate train --features features --data data/weight_data.csv``); valid heights are drawn inside its
contract's range (greater than 45, at most 150 inches), so every one is answered. The
client is asyncio over raw streams (uvloop when present) so that it can check every body: each
valid answer must equal the scorer's weights exactly, each invalid request must get a 422 in the
error shape. Pass: zero transport errors, zero 5xx, zero wrong answers. It prints throughput,
latency percentiles and the CPU both processes used (a client at ~100% of a core is the bottleneck).
``--with-key`` measures twice in one run, the same load: the service without API keys, then with keys
configured (``MODELGATE_API_KEYS_FILE``, 3 keys) and every request carrying ``Authorization: Bearer``;
it reports both and the ratio, the cost of the key check.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import sys
import time
from urllib.parse import urlsplit

import numpy as np
from common import OUT, server, trained_model
from modelgate.model.scorer import Scorer
from modelgate.steps.support import load_scorer

PORT = 8793


def build_requests(
    scorer: Scorer, count: int, seed: int = 6, key: str | None = None
) -> list[tuple[str, bytes, int, list | None]]:
    """(kind, raw request, expected status, expected weights) — a seeded mix, scored up front; with ``key``,
    every request carries it (the same mix either way)."""
    auth = f"Authorization: Bearer {key}\r\n" if key else ""
    (spec,) = scorer.contract.inputs
    path = f"/{scorer.contract.output.name}"
    low, high = spec.range.low, spec.range.high  # valid heights: inside the contract's range, ends kept clear
    rng = random.Random(seed)
    made = []
    for _ in range(count):
        roll = rng.random()
        heights = [round(rng.uniform(low + 1, high), rng.choice([0, 1, 2, 4])) for _ in range(rng.choice([1, 1, 1, 3, 20]))]
        weights = scorer.predict({spec.name: np.array(heights, dtype="float64")}).tolist()
        query = "&".join(f"{spec.name}={h!r}" for h in heights)
        if roll < 0.6:  # the fast path
            made.append(("GET valid", _get(path, query, auth), 200, weights))
        elif roll < 0.7:  # FastAPI's GET (an extra parameter takes it off the fast path)
            made.append(("GET valid (FastAPI)", _get(path, query + "&source=bench", auth), 200, weights))
        elif roll < 0.8:
            made.append(("POST valid", _post(path, json.dumps({spec.name: heights}), auth), 200, weights))
        elif roll < 0.9:
            bad = rng.choice(["0", "-65", "300.5", "tall", "NaN", "inf", "1e400", ""])
            made.append(("GET invalid", _get(path, f"{spec.name}=72&{spec.name}={bad}", auth), 422, None))
        else:
            bad = rng.choice([json.dumps({spec.name: v}) for v in ([], ["72"], [True], [0])] + ["{", '{"h": [1]}'])
            made.append(("POST invalid", _post(path, bad, auth), 422, None))
    return made


def _get(path: str, query: str, auth: str = "") -> bytes:
    return f"GET {path}?{query} HTTP/1.1\r\nHost: bench\r\n{auth}\r\n".encode()


def _post(path: str, body: str, auth: str = "") -> bytes:
    data = body.encode()
    head = f"POST {path} HTTP/1.1\r\nHost: bench\r\n{auth}Content-Type: application/json\r\nContent-Length: {len(data)}\r\n\r\n"
    return head.encode() + data


class Tally:
    def __init__(self):
        self.latencies: list[float] = []
        self.by_kind: dict[str, int] = {}
        self.transport_errors = self.server_errors = self.wrong = 0
        self.examples: list[str] = []

    def problem(self, text: str) -> None:
        if len(self.examples) < 5:
            self.examples.append(text)


async def connection(host: str, port: int, pool, deadline: float, tally: Tally, offset: int) -> None:
    reader = writer = None
    i = offset
    while time.perf_counter() < deadline:
        kind, raw, status_wanted, weights = pool[i % len(pool)]
        i += 1
        try:
            if writer is None:
                reader, writer = await asyncio.open_connection(host, port)
            started = time.perf_counter()
            writer.write(raw)
            head = await reader.readuntil(b"\r\n\r\n")
            headers = head.decode("latin-1").lower()
            length = int(headers.split("content-length: ", 1)[1].split("\r\n", 1)[0])
            body = await reader.readexactly(length)
            tally.latencies.append(time.perf_counter() - started)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, IndexError, ValueError) as exc:
            tally.transport_errors += 1
            tally.problem(f"{kind}: transport {type(exc).__name__}: {exc}")
            writer = None
            continue
        status = int(headers.split(" ", 2)[1])
        tally.by_kind[kind] = tally.by_kind.get(kind, 0) + 1
        if status >= 500:
            tally.server_errors += 1
        if status != status_wanted or not _body_ok(body, weights):
            tally.wrong += 1
            tally.problem(f"{kind}: {status} {body[:120]!r}")
        if "connection: close" in headers:
            writer.close()
            writer = None


def _body_ok(body: bytes, weights: list | None) -> bool:
    answer = json.loads(body)
    if weights is not None:
        return answer == {"response": weights}
    return list(answer) == ["detail"] and all(set(item) == {"loc", "msg", "type"} for item in answer["detail"])


def _cpu_seconds(pid: int) -> float:
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def run(url: str, connections: int, seconds: float, pool) -> Tally:
    parts = urlsplit(url)
    tally = Tally()
    deadline = time.perf_counter() + seconds
    step = len(pool) // connections
    await asyncio.gather(*(connection(parts.hostname, parts.port, pool, deadline, tally, c * step) for c in range(connections)))
    return tally


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q / 100 * len(ordered)))] * 1000


def measure(args, scorer: Scorer, model, key: str | None = None) -> tuple[dict, bool]:
    """One load run: (result, passed). With ``key``, the started server requires keys and every request sends one."""
    pool = build_requests(scorer, 20_000, key=key)
    url = args.url or f"http://127.0.0.1:{PORT}"
    serve = [sys.executable, "-m", "modelgate.cli", "serve", "--model", str(model), "--port", str(PORT), "--workers", "1"]
    env = None
    if key is not None and not args.url:
        keys_file = OUT / "api-keys"
        keys_file.write_text("\n".join([secrets.token_urlsafe(24), key, secrets.token_urlsafe(24)]) + "\n")
        env = {**os.environ, "MODELGATE_API_KEYS_FILE": str(keys_file)}
    with server(serve, f"{url}/health", env) if not args.url else _nothing() as proc:
        cpu = {"server": _cpu_seconds(proc.pid) if proc else 0.0, "client": time.process_time()}
        started = time.perf_counter()
        tally = asyncio.run(run(url, args.connections, args.seconds, pool))
        wall = time.perf_counter() - started
        cpu = {"server": (_cpu_seconds(proc.pid) if proc else 0.0) - cpu["server"], "client": time.process_time() - cpu["client"]}
    answered = len(tally.latencies)
    result = {
        "api_key": key is not None,
        "connections": args.connections,
        "seconds": round(wall, 1),
        "requests": answered,
        "requests_per_s": round(answered / wall),
        "p50_ms": round(percentile(tally.latencies, 50), 2),
        "p99_ms": round(percentile(tally.latencies, 99), 2),
        "p99.9_ms": round(percentile(tally.latencies, 99.9), 2),
        "by_kind": tally.by_kind,
        "transport_errors": tally.transport_errors,
        "server_errors_5xx": tally.server_errors,
        "wrong_answers": tally.wrong,
        "cpu_share_of_one_core": {name: round(used / wall, 2) for name, used in cpu.items()},
        "examples": tally.examples,
    }
    return result, answered > 0 and tally.transport_errors == tally.server_errors == tally.wrong == 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--url", help="an already running service (default: start modelgate serve --workers 1)")
    parser.add_argument("--with-key", action="store_true", help="measure without and with API keys, same load, one run")
    args = parser.parse_args()
    model = trained_model()
    scorer = load_scorer(model)
    try:
        import uvloop

        uvloop.install()
    except ImportError:
        pass
    result, ok = measure(args, scorer, model)
    name = "load.json"
    if args.with_key:
        keyed, keyed_ok = measure(args, scorer, model, key=secrets.token_urlsafe(24))
        result = {
            "without_key": result,
            "with_key": keyed,
            "ratio_requests_per_s": round(keyed["requests_per_s"] / result["requests_per_s"], 3),
        }
        ok, name = ok and keyed_ok, "load-api-key.json"
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / name).write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    print("PASS: zero transport errors, zero 5xx, every answer correct" if ok else "FAIL")
    return 0 if ok else 1


class _nothing:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


if __name__ == "__main__":
    sys.exit(main())
