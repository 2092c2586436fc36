"""Serving the diabetes example: ``modelgate serve`` against vetiver serving the same fitted Pipeline, same wrk load.

    python bench/vetiver_serve.py [--vetiver-python /tmp/vetiver-venv/bin/python] [--seconds 10] [--rounds 5]

vetiver is installed in a throwaway virtual environment of its own (never in .venv or constraints.txt):

    python3 -m venv /tmp/vetiver-venv
    /tmp/vetiver-venv/bin/pip install vetiver scikit-learn==<constraints.txt's> skops==<constraints.txt's> \\
        uvloop==<constraints.txt's> httptools==<constraints.txt's>

Both servers run one uvicorn worker on this machine with uvloop and httptools, no access log. The model is the
diabetes Pipeline fitted by examples/diabetes/train_model.py and packaged with ``modelgate package``; vetiver loads
that model folder's skops file (bench/vetiver_app.py), modelgate serves the folder. Each is sent one record, the
contract's first agreed row: modelgate ``POST /progression`` and vetiver ``POST /predict``, both with the same body
``[{...}]``. Before the load, both answers are checked against each other (to the contract's 2 decimals). Then the
load alternates between them, ``--rounds`` rounds; each round also loads modelgate's ``GET /progression?...`` (the
fast path) for reference. The median round by the POST ratio is reported.

Target (issue 18): modelgate's requests/s >= 10x vetiver's.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from urllib.parse import urlencode

import requests
from common import DIABETES_DATA, OUT, ROOT, contract_of, diabetes_model, median_round, one_record, server, wrk

PORT_VETIVER, PORT_APP = 8794, 8795


def _number(value):
    """An integral float as an int in the JSON body (vetiver's prototype types whole-number columns as int)."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vetiver-python", default="/tmp/vetiver-venv/bin/python", help="a Python with vetiver installed")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    if not Path(args.vetiver_python).exists():
        sys.exit(f"bench: no {args.vetiver_python}: install vetiver into a venv of its own (see this script's docstring)")
    from modelgate.model.manifest import read_manifest

    model = diabetes_model()
    manifest, contract = read_manifest(model), contract_of(model)
    record = {name: _number(value) for name, value in one_record(model).items()}
    body = json.dumps([record]).encode()
    path = f"/{contract.output.name}"
    query = urlencode([(spec.name, spec.to_text(value)) for spec, value in zip(contract.inputs, contract.golden[0].values)])
    uvicorn = ["-m", "uvicorn", "--no-access-log", "--log-level", "warning", "--host", "127.0.0.1"]
    vetiver = [args.vetiver_python, *uvicorn, "--port", str(PORT_VETIVER), "--app-dir", str(ROOT / "bench"), "vetiver_app:app"]
    env = {
        **os.environ,
        "VETIVER_MODEL_FILE": str(manifest.path(model, "model file")),
        "VETIVER_TRAINING_DATA": str(DIABETES_DATA),
        "VETIVER_INPUTS": ",".join(manifest.inputs),
    }
    serve = [sys.executable, "-m", "modelgate.cli", "serve", "--model", str(model), "--port", str(PORT_APP)]
    ours_url, theirs_url = f"http://127.0.0.1:{PORT_APP}", f"http://127.0.0.1:{PORT_VETIVER}"
    rounds = []
    with server(vetiver, f"{theirs_url}/ping", env), server(serve, f"{ours_url}/ready"):
        ours = requests.post(ours_url + path, data=body, headers={"content-type": "application/json"}, timeout=10)
        theirs = requests.post(theirs_url + "/predict", data=body, headers={"content-type": "application/json"}, timeout=10)
        fast = requests.get(f"{ours_url}{path}?{query}", timeout=10)
        print(f"body: {body.decode()}")
        print(f"modelgate POST {path}: {ours.status_code} {ours.text}; GET: {fast.status_code} {fast.text}")
        print(f"vetiver POST /predict: {theirs.status_code} {theirs.text}")
        if ours.status_code != 200 or theirs.status_code != 200 or fast.json() != ours.json():
            sys.exit("bench: the two services do not both answer the record")
        (answer,), (their,) = ours.json()["response"], theirs.json()["predict"]
        if abs(round(their, contract.output.decimals) - answer) > 0.5 * 10**-contract.output.decimals + 1e-9:
            sys.exit(f"bench: modelgate answers {answer}, vetiver {their}: not the same model")
        for _ in range(args.rounds):
            base = wrk(f"{theirs_url}/predict", args.seconds, args.connections, body)
            post = wrk(f"{ours_url}{path}", args.seconds, args.connections, body)
            get = wrk(f"{ours_url}{path}?{query}", args.seconds, args.connections)
            rounds.append((post["rps"] / base["rps"], base, post, get))
    ratio, base, post, get = median_round(rounds)
    OUT.mkdir(parents=True, exist_ok=True)
    figures = {"body": body.decode(), "rounds": [dict(zip(["ratio", "vetiver", "post", "get"], r)) for r in rounds]}
    (OUT / "vetiver_serve.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(f"{args.connections} connections, {args.seconds} s rounds, median of {args.rounds} rounds by the POST ratio")
    print(f"{'':38} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}  socket errors")
    for label, r in (
        ("vetiver POST /predict", base),
        (f"modelgate POST {path}", post),
        (f"modelgate GET {path}?… (fast path)", get),
    ):
        print(f"{label:38} {r['rps']:>9.0f} {r['p50_ms']:>8.2f} {r['p99_ms']:>8.2f} {r['non_2xx']:>8}  {r['socket_errors']}")
    print("POST ratios by round: " + ", ".join(f"{r[0]:.1f}" for r in sorted(rounds, key=lambda r: r[0])))
    print("GET / vetiver by round: " + ", ".join(f"{r[3]['rps'] / r[1]['rps']:.1f}" for r in rounds))
    errors = sum(r[1]["non_2xx"] + r[2]["non_2xx"] + r[3]["non_2xx"] for r in rounds)
    ok = ratio >= 10 and errors == 0
    print(f"modelgate POST {ratio:.1f}x vetiver's requests/s (target >= 10x), {errors} non-2xx: {'MET' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
