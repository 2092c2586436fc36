"""What asking for no range costs the fast path: the scan for the ``X-Modelgate-Interval`` request header against the
whole in-process fast-path answer it is part of.

    python bench/interval_header.py [--rounds 7] [--calls 20000]

The bundled model (as serve.py trains it), ``GET /weight?height=138`` with four ordinary headers, answered by
``FastAnswer.answer`` on one event loop; and the header scan alone (the same generator over the same headers), both
timed in the same run, best of ``--rounds``. The answer is checked to be the seed's shape first.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import timeit

from common import trained_model
from modelgate.app.fast import FastAnswer
from modelgate.app.state import ModelState
from modelgate.contracts.requests import INTERVAL_HEADER

ASKED = INTERVAL_HEADER.lower().encode()  # as the fast path compares it (ASGI header names are lower case)
HEADERS = [(b"host", b"127.0.0.1:8000"), (b"user-agent", b"wrk"), (b"accept", b"*/*"), (b"connection", b"keep-alive")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--calls", type=int, default=20_000)
    args = parser.parse_args()
    state = ModelState(trained_model())
    state.load()

    async def unreachable(scope, receive, send):
        raise AssertionError("the fast path left the request to FastAPI")

    fast, loop, sent = FastAnswer(unreachable, state), asyncio.new_event_loop(), []
    scope = {"type": "http", "method": "GET", "path": "/weight", "query_string": b"height=138", "headers": HEADERS}

    async def send(message):
        sent.append(message)

    def answer():
        sent.clear()
        loop.run_until_complete(fast.answer(scope, send))

    answer()
    body = sent[-1]["body"]
    if not body.startswith(b'{"response":['):
        print(f"unexpected answer {body!r}", file=sys.stderr)
        return 1
    whole = min(timeit.repeat(answer, number=args.calls, repeat=args.rounds)) / args.calls
    scan = min(timeit.repeat(lambda: any(n == ASKED for n, _ in HEADERS), number=args.calls * 10, repeat=args.rounds))
    scan /= args.calls * 10
    print(f"fast-path answer {whole * 1e6:.2f} µs; header scan {scan * 1e6:.3f} µs = {100 * scan / whole:.1f} % of it")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
