"""The live drift window's cost per request on the fast path, against the input histogram it sits beside.

    python bench/live_drift.py [--rounds 7] [--calls 300000]

The bundled model (as serve.py trains it), one height per request as the fast path records it: ``LiveDrift.
observe_values`` (the last N heights' bins, for the stability index on /metrics) against ``InputsSeen.observe_values``
(the requested-value histogram, there since issue 11), both timed in the same run, best of ``--rounds``. The window's
index is checked against ``model.stability.index`` of the bins first.
"""

from __future__ import annotations

import argparse
import sys
import timeit

from common import trained_model
from modelgate.app.observe import Metrics
from modelgate.model import served, stability


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--calls", type=int, default=300_000)
    args = parser.parse_args()
    model = served.load(trained_model())
    metrics, (name,) = Metrics(), model.contract.names
    heights = [55 + (i % 220) / 10 for i in range(model.contract.drift.min_rows)]
    metrics.drift.observe_values(name, heights, model)
    found = {
        s.labels["input"]: s.value
        for f in metrics.drift.collect()
        for s in f.samples
        if f.name == "modelgate_input_stability_index"
    }
    profile = model.profiles[name]
    counted = [0] * len(profile["shares"])
    for height in heights:
        counted[stability.bin_of(profile, height)] += 1
    if found.get(name) != stability.index(counted, profile["shares"]):
        sys.exit(f"bench: the window's index {found} is not the index of its bins")
    timed = {}
    for label, call in [
        ("input histogram (baseline)", lambda: metrics.inputs.observe_values(name, [138.0], model.profiles)),
        ("live drift window", lambda: metrics.drift.observe_values(name, [138.0], model)),
    ]:
        timed[label] = min(timeit.repeat(call, number=args.calls, repeat=args.rounds)) / args.calls * 1e6
    for label, micro in timed.items():
        print(f"{label}: {micro:.3f} µs per request of one height")
    base, ours = timed.values()
    print(f"ratio: {ours / base:.2f}× the histogram")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
