"""Serving benchmark: ``modelgate serve`` (one worker) against a bare ASGI app, same wrk load.

    python bench/serve.py [--seconds 10] [--connections 16] [--rounds 5]

The bundled height -> weight model (``modelgate train --features features --data data/weight_data.csv``), asked
``GET /weight?height=138`` (outside the training heights, 55-76.7 inches: answered with the extrapolation header
and counted, as since issue 11); the bare app (bench/bare_app.py) answers a constant JSON body under the same uvicorn.
Before the load, modelgate's answer is checked against the model's own scorer (a wrong path would only measure 404s).

Target (issue 2): requests/s >= 0.5x the bare app, p99 <= 5 ms at 16 connections.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
import requests
from common import ROOT, contract_of, median_round, server, trained_model, wrk
from modelgate.steps.support import load_scorer

PORT_BARE, PORT_APP = 8791, 8792


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=5, help="interleaved runs of each; the median round is reported")
    parser.add_argument("--height", type=float, default=138.0, help="the height asked (default 138, as since issue 2)")
    args = parser.parse_args()
    model = trained_model()
    contract = contract_of(model)
    (name,) = contract.names
    path = f"/{contract.output.name}?{name}={args.height:g}"
    expected = {"response": load_scorer(model).predict({name: np.array([args.height])}).tolist()}
    uvicorn = [sys.executable, "-m", "uvicorn", "--no-access-log", "--log-level", "warning", "--host", "127.0.0.1"]
    bare = [*uvicorn, "--port", str(PORT_BARE), "--app-dir", str(ROOT / "bench"), "bare_app:app"]
    serve = [sys.executable, "-m", "modelgate.cli", "serve", "--model", str(model), "--port", str(PORT_APP)]
    rounds = []
    # Both servers stay up; the load alternates between them so that drift on a shared machine hits both.
    with server(bare, f"http://127.0.0.1:{PORT_BARE}/"), server(serve, f"http://127.0.0.1:{PORT_APP}/ready"):
        answer = requests.get(f"http://127.0.0.1:{PORT_APP}{path}", timeout=5)
        if answer.status_code != 200 or answer.json() != expected:
            sys.exit(f"bench: GET {path} answered {answer.status_code} {answer.text[:200]}, the scorer says {expected}")
        for _ in range(args.rounds):
            base = wrk(f"http://127.0.0.1:{PORT_BARE}{path}", args.seconds, args.connections)
            ours = wrk(f"http://127.0.0.1:{PORT_APP}{path}", args.seconds, args.connections)
            rounds.append((ours["rps"] / base["rps"], base, ours))
    ratio, base, ours = median_round(rounds)
    print(f"GET {path}, {args.connections} connections, {args.seconds} s rounds")
    print(f"{'':18} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}  socket errors   (median of {args.rounds} rounds)")
    for label, r in (("bare ASGI app", base), ("modelgate serve", ours)):
        print(f"{label:18} {r['rps']:>10.0f} {r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f} {r['non_2xx']:>8}  {r['socket_errors']}")
    print("ratios by round: " + ", ".join(f"{r[0]:.2f}" for r in sorted(rounds, key=lambda r: r[0])))
    print("modelgate p99 by round (ms): " + ", ".join(f"{r[2]['p99_ms']:.2f}" for r in rounds))
    errors = sum(r[2]["non_2xx"] for r in rounds)
    ok = ratio >= 0.5 and ours["p99_ms"] <= 5 and errors == 0
    verdict = "MET" if ok else "MISSED"
    print(f"ratio {ratio:.2f}x the bare app (target >= 0.5x), p99 {ours['p99_ms']:.2f} ms (target <= 5 ms): {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
