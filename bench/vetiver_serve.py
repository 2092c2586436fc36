"""Serving an example: ``modelgate serve`` against vetiver serving the same fitted Pipeline, same wrk load.

    python bench/vetiver_serve.py [--example diabetes|penguins] [--vetiver-python /tmp/vetiver-venv/bin/python]
                                  [--seconds 10] [--rounds 5]

vetiver is installed in a throwaway virtual environment of its own (never in .venv or constraints.txt):

    python3 -m venv /tmp/vetiver-venv
    /tmp/vetiver-venv/bin/pip install vetiver scikit-learn==<constraints.txt's> skops==<constraints.txt's> \\
        uvloop==<constraints.txt's> httptools==<constraints.txt's>

Both servers run one uvicorn worker on this machine with uvloop and httptools, no access log. The model is the
example's Pipeline fitted by its train_model.py and packaged with ``modelgate package``; vetiver loads that model
folder's skops file (bench/vetiver_app.py), modelgate serves the folder. Each is sent one record, the contract's
first agreed row, as the same body ``[{...}]``: modelgate ``POST /<output>``; vetiver ``POST /predict`` for the
diabetes regression, ``POST /predict_proba`` for the penguins classifier (the Pipeline's ``predict_proba``, a bare
array in ``classes_`` order; see bench/vetiver_app.py). Before the load, both services are asked every agreed row
vetiver takes (its prototype refuses a missing value) and must agree: to the contract's 2 decimals (diabetes); for the
classifier, modelgate's probabilities keyed by class must be vetiver's array rounded to the contract's decimals, bit
for bit, and its class the most probable of them. Then the load alternates between them, ``--rounds`` rounds; each
round also loads modelgate's ``GET /<output>?...`` (the fast path) for reference. The median round by the POST ratio is
reported; figures go to bench/out/vetiver_serve-<example>.json.

Targets (issues 18, 19): modelgate's requests/s >= 10x vetiver's; for the classifier, p99 <= 5 ms (issue 19).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from urllib.parse import urlencode

import numpy as np
import requests
from common import (
    DIABETES_DATA,
    OUT,
    PENGUINS_DATA,
    ROOT,
    contract_of,
    diabetes_model,
    load_average,
    median_round,
    penguins_model,
    server,
    wrk,
)

PORT_VETIVER, PORT_APP = 8794, 8795
EXAMPLES = {  # the model folder, its training data (vetiver's prototype), vetiver's endpoint
    "diabetes": (diabetes_model, DIABETES_DATA, "/predict"),
    "penguins": (penguins_model, PENGUINS_DATA, "/predict_proba"),
}
JSON = {"content-type": "application/json"}


def _number(value):
    """An integral float as an int in the JSON body (vetiver's prototype types whole-number columns as int)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def disagreement(contract, classes: list[str], ours: dict, theirs: dict) -> str | None:
    """Why modelgate's answer to one record is not vetiver's (None when they agree). ``classes``: the Pipeline's
    ``classes_``, the order of vetiver's bare array."""
    output = contract.output
    (answer,) = ours["response"]
    if not output.is_class:
        (their,) = theirs["predict"]
        close = abs(round(their, output.decimals) - answer) <= 0.5 * 10**-output.decimals + 1e-9
        return None if close else f"modelgate answers {answer}, vetiver {their}"
    (their,) = theirs["predict_proba"]
    rounded = {c: float(np.round(their[classes.index(c)], output.decimals)) for c in output.classes}
    (probabilities,) = ours["probabilities"]
    if list(probabilities) != list(output.classes) or any(
        np.float64(probabilities[c]).tobytes() != np.float64(rounded[c]).tobytes() for c in output.classes
    ):
        return f"modelgate answers {probabilities}, vetiver {their} in the order {classes} (rounded: {rounded})"
    ranked = [rounded[c] for c in output.classes]
    most = output.classes[ranked.index(max(ranked))]  # the first stated on a tie
    return None if answer == most else f"modelgate answers {answer}, the most probable of vetiver's is {most}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--example", choices=sorted(EXAMPLES), default="diabetes")
    parser.add_argument("--vetiver-python", default="/tmp/vetiver-venv/bin/python", help="a Python with vetiver installed")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if not Path(args.vetiver_python).exists():
        sys.exit(f"bench: no {args.vetiver_python}: install vetiver into a venv of its own (see this script's docstring)")
    import skops.io as sio
    from modelgate.model.manifest import read_manifest

    folder, data, endpoint = EXAMPLES[args.example]
    model = folder()
    manifest, contract = read_manifest(model), contract_of(model)
    model_file = manifest.path(model, "model file")
    classes = [str(c) for c in getattr(sio.load(model_file, trusted=sio.get_untrusted_types(file=model_file)), "classes_", [])]
    records = [{name: _number(value) for name, value in zip(contract.names, case.values)} for case in contract.golden]
    body = json.dumps([records[0]]).encode()  # the contract's first agreed row, the one timed
    path = f"/{contract.output.name}"
    query = urlencode([(spec.name, spec.to_text(value)) for spec, value in zip(contract.inputs, contract.golden[0].values)])
    uvicorn = ["-m", "uvicorn", "--no-access-log", "--log-level", "warning", "--host", "127.0.0.1"]
    vetiver = [args.vetiver_python, *uvicorn, "--port", str(PORT_VETIVER), "--app-dir", str(ROOT / "bench"), "vetiver_app:app"]
    env = {
        **os.environ,
        "VETIVER_MODEL_FILE": str(model_file),
        "VETIVER_TRAINING_DATA": str(data),
        "VETIVER_INPUTS": ",".join(manifest.inputs),
        "VETIVER_TEXT_INPUTS": ",".join(i.name for i in contract.inputs if not i.numeric),
        "VETIVER_PROBABILITIES": "1" if contract.output.is_class else "0",
    }
    serve = [sys.executable, "-m", "modelgate.cli", "serve", "--model", str(model), "--port", str(PORT_APP)]
    ours_url, theirs_url = f"http://127.0.0.1:{PORT_APP}", f"http://127.0.0.1:{PORT_VETIVER}"
    rounds = []
    with server(vetiver, f"{theirs_url}/ping", env), server(serve, f"{ours_url}/ready"):
        fast = requests.get(f"{ours_url}{path}?{query}", timeout=10)
        ours = requests.post(ours_url + path, data=body, headers=JSON, timeout=10)
        theirs = requests.post(theirs_url + endpoint, data=body, headers=JSON, timeout=10)
        print(f"body: {body.decode()}")
        print(f"modelgate POST {path}: {ours.status_code} {ours.text}; GET: {fast.status_code} {fast.text}")
        print(f"vetiver POST {endpoint}: {theirs.status_code} {theirs.text}")
        if ours.status_code != 200 or theirs.status_code != 200 or fast.json() != ours.json():
            sys.exit("bench: the two services do not both answer the record")
        check_agreed(contract, classes, records, ours_url + path, theirs_url + endpoint)
        for _ in range(args.rounds):
            started = load_average()
            base = wrk(f"{theirs_url}{endpoint}", args.seconds, args.connections, body)
            post = wrk(f"{ours_url}{path}", args.seconds, args.connections, body)
            get = wrk(f"{ours_url}{path}?{query}", args.seconds, args.connections)
            rounds.append((post["rps"] / base["rps"], base, post, get, (started, load_average())))
    OUT.mkdir(parents=True, exist_ok=True)
    figures = {"body": body.decode(), "rounds": [dict(zip(["ratio", "vetiver", "post", "get", "load"], r)) for r in rounds]}
    (OUT / f"vetiver_serve-{args.example}.json").write_text(json.dumps(figures, indent=2) + "\n")
    return 0 if report(args, contract, endpoint, path, rounds) else 1


def check_agreed(contract, classes: list[str], records: list[dict], ours_url: str, theirs_url: str) -> None:
    """Ask both services every agreed row, one record a request; exit unless they agree on each vetiver takes."""
    agreed, refused = 0, []
    for record in records:
        one = json.dumps([record]).encode()
        ours = requests.post(ours_url, data=one, headers=JSON, timeout=10)
        theirs = requests.post(theirs_url, data=one, headers=JSON, timeout=10)
        if ours.status_code != 200:
            sys.exit(f"bench: modelgate refuses the agreed row {one.decode()}: {ours.status_code} {ours.text}")
        if theirs.status_code != 200:  # vetiver's prototype takes no missing value
            refused.append(f"{theirs.status_code} for {one.decode()}")
            continue
        if problem := disagreement(contract, classes, ours.json(), theirs.json()):
            sys.exit(f"bench: {one.decode()}: {problem}: not the same model")
        agreed += 1
    print(f"agreed rows answered alike by both: {agreed} of {len(records)}; refused by vetiver: {refused or 'none'}")


def report(args, contract, endpoint: str, path: str, rounds: list[tuple]) -> bool:
    """Print the median round and the rounds; True when the targets are met."""
    ratio, base, post, get, _ = median_round(rounds)
    print(f"{args.connections} connections, {args.seconds} s rounds, median of {args.rounds} rounds by the POST ratio")
    print(f"{'':38} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}  socket errors")
    for label, r in (
        (f"vetiver POST {endpoint}", base),
        (f"modelgate POST {path}", post),
        (f"modelgate GET {path}?… (fast path)", get),
    ):
        print(f"{label:38} {r['rps']:>9.0f} {r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f} {r['non_2xx']:>8}  {r['socket_errors']}")
    print("POST ratios by round: " + ", ".join(f"{r[0]:.1f}" for r in sorted(rounds, key=lambda r: r[0])))
    print("GET / vetiver by round: " + ", ".join(f"{r[3]['rps'] / r[1]['rps']:.1f}" for r in rounds))
    print("load average by round: " + ", ".join(f"{r[4][0]:.1f} -> {r[4][1]:.1f}" for r in rounds))
    print("p99 ms by round, POST: " + ", ".join(f"{r[2]['p99_ms']:.2f}" for r in rounds))
    print("p99 ms by round, GET:  " + ", ".join(f"{r[3]['p99_ms']:.2f}" for r in rounds))
    errors = sum(r[1]["non_2xx"] + r[2]["non_2xx"] + r[3]["non_2xx"] for r in rounds)
    ok = ratio >= 10 and errors == 0
    print(f"modelgate POST {ratio:.1f}x vetiver's requests/s (target >= 10x), {errors} non-2xx: {'MET' if ok else 'MISSED'}")
    if contract.output.is_class:
        fast_ok = get["p99_ms"] <= 5
        print(
            f"p99 of the median round: GET {get['p99_ms']:.2f} ms, POST {post['p99_ms']:.2f} ms (target <= 5 ms): "
            f"{'MET' if fast_ok else 'MISSED'} on the fast path"
        )
        ok = ok and fast_ok
    return ok


if __name__ == "__main__":
    sys.exit(main())
