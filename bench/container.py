#!/usr/bin/env python3
"""Measure the service images against a bare interpreter on the same base, in one run, under the
Kubernetes limits: size above the base, cold start, idle memory; optionally a load run (wrk).

    python bench/container.py [--image modelgate:latest] [--full modelgate:latest-full]
                              [--base modelgate-base:bookworm] [--starts 5] [--load]

- floor: ``python3 -m http.server 8000`` in the base image (the interpreter and a socket, nothing else);
- the serving image (``docker/build.sh`` TAG) and the full image (TAG-full).

Cold start: from asking the engine to start the container to the first correct answer of
``GET /<output>?<inputs>`` for the first agreed (golden) row of the contract the image's model folder carries
(``GET /weight?height=50`` for the bundled model; for the floor, its first HTTP answer of any status), polled every
10 ms; the expected answer is the full image's scikit-learn estimator's, to the contract's decimals;
the images take turns, ``--starts`` rounds, median reported. Idle memory: ``docker stats`` 2 s after
the first answer. Every container runs as the manifest runs it: read-only root, ``/tmp`` on tmpfs,
``--cpus 1 --memory 512m``. Writes the table into bench/README.md (between its container markers)
and the raw figures to bench/out/container.json.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import docker
import requests

HERE = Path(__file__).resolve().parent
OUT, README = HERE / "out", HERE / "README.md"
BEGIN, END = "<!-- bench/container.py: begin -->", "<!-- bench/container.py: end -->"
# The limits of docker/kubernetes-deployment.yaml, so the figures are the cluster's.
LIMITS = {"mem_limit": "512m", "nano_cpus": 1_000_000_000}
TARGETS = {"ratio": 2.5, "above_base_mb": 60, "memory_mib": 64}
# Run in the full image: the probe (the contract's first agreed row as a query) and the estimator's answer to it.
EXPECTED = """
import json
from urllib.parse import urlencode
import numpy as np
from modelgate.model import artifact
from modelgate.model.scorer import columns_of
model = artifact.load("/app/model")
contract, scorer = model.contract, model.scorer()
values = contract.golden[0].values
frame = scorer.frame(columns_of(contract, [dict(zip(contract.names, values))]))
answer = float(np.round(np.asarray(model.estimator.predict(frame), dtype="float64"), contract.output.decimals)[0])
query = urlencode([(spec.name, spec.to_text(value)) for spec, value in zip(contract.inputs, values)])
print(json.dumps({"probe": f"/{contract.output.name}?{query}", "answer": answer,
                  "tolerance": 0.5 * 10.0 ** -contract.output.decimals + 1e-9}))
"""


def start(client, image: str, command: list[str] | None = None):
    return client.containers.run(
        image,
        command=command,
        detach=True,
        ports={"8000/tcp": ("127.0.0.1", None)},
        read_only=True,
        tmpfs={"/tmp": "size=16m"},
        # A crash would be restarted and counted, so "no restarts" is a real observation.
        restart_policy={"Name": "on-failure"},
        **LIMITS,
    )


def first_answer(container, probe: str, correct, timeout: float = 120) -> str:
    """Poll ``probe`` (a path and query) every 10 ms until ``correct(response)``; return the base URL."""
    deadline = time.perf_counter() + timeout
    url = None
    while time.perf_counter() < deadline:
        try:
            if url is None:
                container.reload()
                port = (container.attrs["NetworkSettings"]["Ports"].get("8000/tcp") or [{}])[0].get("HostPort")
                url = f"http://127.0.0.1:{port}" if port else None
            if url and correct(requests.get(url + probe, timeout=1)):
                return url
        except requests.RequestException:
            pass
        time.sleep(0.01)
    raise SystemExit(f"bench: no answer within {timeout:.0f} s:\n{container.logs().decode()[-2000:]}")


def cold_start(client, subject: dict, probe: str) -> dict:
    began = time.perf_counter()
    container = start(client, subject["image"], subject.get("command"))
    try:
        first_answer(container, probe, subject["correct"])
        seconds = time.perf_counter() - began
        time.sleep(2)
        memory = container.stats(stream=False)["memory_stats"]
        # docker stats' figure: usage less the inactive page cache.
        used = memory["usage"] - memory.get("stats", {}).get("inactive_file", 0)
        return {"seconds": seconds, "memory_mib": used / 2**20}
    finally:
        container.remove(force=True)


def load(client, image: str, probe: str, connections: int = 64, duration: int = 30) -> dict:
    container = start(client, image)
    try:
        url = first_answer(container, probe, lambda r: r.status_code == 200)
        done = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "5s", url + probe],
            capture_output=True,
            text=True,
            check=True,
        )
        container.reload()
        return {
            "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)[1]),
            "p99": re.search(r"99%\s+(\S+)", done.stdout)[1],
            "non_2xx": int(m[1]) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)) else 0,
            "restarts": container.attrs["RestartCount"],
        }
    finally:
        container.remove(force=True)


def table(rows: list[dict], base_mb: float) -> str:
    floor = rows[0]["cold_start_s"]
    lines = [
        "| image | above the base | cold start (median) | × floor | idle memory |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        lines.append(
            f"| {row['name']} | {row['above_base_mb']:.0f} MB | {row['cold_start_s']:.2f} s "
            f"(min {row['min_s']:.2f}, max {row['max_s']:.2f}) | {row['cold_start_s'] / floor:.2f} "
            f"| {row['memory_mib']:.0f} MiB |"
        )
    return "\n".join(lines) + f"\n\nBase image: {base_mb:.0f} MB."


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--image", default="modelgate:latest", help="the serving image (default modelgate:latest)")
    parser.add_argument("--full", help="the full image (default IMAGE-full)")
    parser.add_argument("--base", default="modelgate-base:bookworm", help="the base both were built on")
    parser.add_argument("--starts", type=int, default=5, help="cold starts of each, interleaved (default 5)")
    parser.add_argument("--load", action="store_true", help="also 64 connections for 30 s against the serving image (needs wrk)")
    parser.add_argument("--no-readme", action="store_true", help="print the table only")
    args = parser.parse_args()
    full = args.full or f"{args.image}-full"
    try:
        client = docker.from_env()
        sizes = {name: client.images.get(name).attrs["Size"] / 1e6 for name in (args.base, args.image, full)}
    except docker.errors.ImageNotFound as exc:
        sys.exit(f"bench: {exc.explanation} (build with docker/build.sh, the base with docker/base-image.sh)")
    except docker.errors.DockerException as exc:
        sys.exit(f"bench: no Docker engine answers ({exc})")

    def served(response) -> bool:
        if response.status_code != 200:
            return False
        got = response.json().get("response")
        return isinstance(got, list) and len(got) == 1 and abs(got[0] - answer) <= tolerance

    subjects = [
        {"name": f"floor: `python3 -m http.server` on {args.base}", "image": args.base,
         "command": ["python3", "-m", "http.server", "8000"], "correct": lambda r: True},
        {"name": f"serving image {args.image}", "image": args.image, "correct": served},
        {"name": f"full image {full}", "image": full, "correct": served},
    ]  # fmt: skip
    # The probe and its expected answer come from the full image's own model folder and scikit-learn estimator
    # (not from the serving form the image under test answers with).
    expected = json.loads(client.containers.run(full, ["python3", "-c", EXPECTED], remove=True))
    probe, answer, tolerance = expected["probe"], expected["answer"], expected["tolerance"]
    print(f"probe: GET {probe} -> {answer}")
    runs = {s["name"]: [] for s in subjects}
    for _ in range(args.starts):
        for subject in subjects:
            runs[subject["name"]].append(cold_start(client, subject, probe))
    rows = []
    for subject in subjects:
        seconds = [r["seconds"] for r in runs[subject["name"]]]
        rows.append({
            "name": subject["name"],
            "above_base_mb": sizes[subject["image"]] - sizes[args.base],
            "cold_start_s": statistics.median(seconds), "min_s": min(seconds), "max_s": max(seconds),
            "memory_mib": statistics.median(r["memory_mib"] for r in runs[subject["name"]]),
            "runs": runs[subject["name"]],
        })  # fmt: skip
    figures = {"base_mb": sizes[args.base], "probe": probe, "answer": answer, "rows": rows}
    if args.load:
        figures["load"] = load(client, args.image, probe)
    OUT.mkdir(exist_ok=True)
    (OUT / "container.json").write_text(json.dumps(figures, indent=2) + "\n")
    text = table(rows, sizes[args.base])
    serve = rows[1]
    ratio = serve["cold_start_s"] / rows[0]["cold_start_s"]
    size, memory = serve["above_base_mb"], serve["memory_mib"]
    met = ratio <= TARGETS["ratio"] and size <= TARGETS["above_base_mb"] and memory <= TARGETS["memory_mib"]
    text += (
        f" Serving image: {ratio:.2f}× the floor (target ≤ {TARGETS['ratio']}×), {size:.0f} MB above the base "
        f"(≤ {TARGETS['above_base_mb']}), {memory:.0f} MiB idle (≤ {TARGETS['memory_mib']}): {'MET' if met else 'MISSED'}."
    )
    if "load" in figures:
        text += f"\n\nLoad on the serving image: {json.dumps(figures['load'])}"
    print(text)
    if not args.no_readme:
        readme = README.read_text()
        if BEGIN not in readme or END not in readme:
            sys.exit(f"bench: {README} lacks the markers {BEGIN} … {END}")
        head, rest = readme.split(BEGIN, 1)
        README.write_text(f"{head}{BEGIN}\n{text}\n{END}{rest.split(END, 1)[1]}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
