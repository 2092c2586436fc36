"""Serving benchmark: ``modelgate serve`` (one worker) against a bare ASGI app, same wrk load.

    python bench/serve.py [--seconds 10] [--connections 16]

Target (issue 2): requests/s >= 0.5x the bare app, p99 <= 5 ms at 16 connections.
"""

from __future__ import annotations

import argparse
import sys

from common import ROOT, server, trained_model, wrk

PORT_BARE, PORT_APP = 8791, 8792


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    model = trained_model()
    uvicorn = [sys.executable, "-m", "uvicorn", "--no-access-log", "--log-level", "warning", "--host", "127.0.0.1"]
    results = {}
    with server(
        [*uvicorn, "--port", str(PORT_BARE), "--app-dir", str(ROOT / "bench"), "bare_app:app"], f"http://127.0.0.1:{PORT_BARE}/"
    ):
        results["bare ASGI app"] = wrk(f"http://127.0.0.1:{PORT_BARE}/weight?height=138", args.seconds, args.connections)
    serve = [sys.executable, "-m", "modelgate.cli", "serve", "--model", str(model), "--port", str(PORT_APP)]
    url = f"http://127.0.0.1:{PORT_APP}/weight?height=138"
    with server(serve, f"http://127.0.0.1:{PORT_APP}/health"):
        results["modelgate serve"] = wrk(url, args.seconds, args.connections)
    bare, ours = results["bare ASGI app"], results["modelgate serve"]
    ratio = ours["rps"] / bare["rps"]
    print(f"{'':18} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}  socket errors")
    for name, r in results.items():
        print(f"{name:18} {r['rps']:>10.0f} {r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f} {r['non_2xx']:>8}  {r['socket_errors']}")
    ok = ratio >= 0.5 and ours["p99_ms"] <= 5 and ours["non_2xx"] == 0
    verdict = "MET" if ok else "MISSED"
    print(f"ratio {ratio:.2f}x the bare app (target >= 0.5x), p99 {ours['p99_ms']:.2f} ms (target <= 5 ms): {verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
