#!/usr/bin/env python3
"""Measure the service image: its size, its cold start (container start -> ``/ready`` 200) and a load
run (wrk, 64 connections for 30 s) under the Kubernetes limits, checking for errors and restarts.

    python bench/container.py [--image modelgate:latest] [--starts 5] [--duration 30] [--connections 64]

Needs a Docker engine, the image (docker/build.sh) and wrk. Prints a Markdown table for
bench/README.md and writes the raw figures to bench/out/container.json.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import docker
import requests

OUT = Path(__file__).resolve().parent / "out"
# The limits of docker/kubernetes-deployment.yaml, so the figures are the cluster's.
LIMITS = {"mem_limit": "512m", "nano_cpus": 1_000_000_000}


def start(client, image: str):
    return client.containers.run(
        image,
        detach=True,
        ports={"8000/tcp": ("127.0.0.1", None)},
        read_only=True,
        tmpfs={"/tmp": "size=16m"},
        # A crash would be restarted and counted, so "no restarts" is a real observation.
        restart_policy={"Name": "on-failure"},
        **LIMITS,
    )


def url_of(container) -> str:
    container.reload()
    port = container.attrs["NetworkSettings"]["Ports"]["8000/tcp"][0]["HostPort"]
    return f"http://127.0.0.1:{port}"


def cold_start(client, image: str) -> float:
    """Seconds from asking the engine to start the container to the first ``/ready`` 200."""
    began = time.perf_counter()
    container = start(client, image)
    try:
        wait_ready(container)
        return time.perf_counter() - began
    finally:
        container.remove(force=True)


def wait_ready(container, timeout: float = 120) -> str:
    """Poll ``/ready`` every 20 ms; return the base URL once it answers 200."""
    url = url_of(container)
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            if requests.get(f"{url}/ready", timeout=1).status_code == 200:
                return url
        except requests.RequestException:
            pass
        time.sleep(0.02)
    raise SystemExit(f"bench: not ready within {timeout:.0f} s:\n{container.logs().decode()[-2000:]}")


def load(client, image: str, connections: int, duration: int) -> dict:
    container = start(client, image)
    try:
        url = wait_ready(container)
        done = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--latency", "--timeout", "5s", f"{url}/weight?height=138"],
            capture_output=True,
            text=True,
            check=True,
        )
        container.reload()
        state = container.attrs["State"]
        return {
            "wrk": done.stdout,
            "requests_per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)[1]),
            "requests": int(re.search(r"(\d+) requests in", done.stdout)[1]),
            "p50": re.search(r"50%\s+(\S+)", done.stdout)[1],
            "p99": re.search(r"99%\s+(\S+)", done.stdout)[1],
            "non_2xx": int(m[1]) if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)) else 0,
            "socket_errors": re.search(r"Socket errors: (.*)", done.stdout)[1] if "Socket errors" in done.stdout else "none",
            "restarts": container.attrs["RestartCount"],
            "running": state["Running"],
            "oom_killed": state["OOMKilled"],
            "answer_after": requests.get(f"{url}/weight?height=138", timeout=5).json(),
        }
    finally:
        container.remove(force=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--image", default="modelgate:latest")
    parser.add_argument("--starts", type=int, default=5, help="cold starts to time (default 5)")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--duration", type=int, default=30, help="seconds of load (default 30)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench: wrk is not installed (apt-get install wrk)")
    try:
        client = docker.from_env()
        image = client.images.get(args.image)
    except docker.errors.ImageNotFound:
        sys.exit(f"bench: no image {args.image} (build it with docker/build.sh {args.image})")
    except docker.errors.DockerException as exc:
        sys.exit(f"bench: no Docker engine answers ({exc})")

    starts = [cold_start(client, args.image) for _ in range(args.starts)]
    loaded = load(client, args.image, args.connections, args.duration)
    figures = {
        "image": args.image,
        "base": image.attrs.get("Config", {}).get("Labels", {}),
        "size_mb": round(image.attrs["Size"] / 1e6),
        "cold_start_s": [round(s, 2) for s in starts],
        "load": loaded,
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "container.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(f"| image size | {figures['size_mb']} MB |")
    print(
        f"| cold start, container start -> /ready 200 (median of {len(starts)}) | {statistics.median(starts):.2f} s "
        f"(min {min(starts):.2f}, max {max(starts):.2f}) |"
    )
    print(
        f"| {args.connections} connections for {args.duration} s | {loaded['requests_per_s']:.0f} requests/s, "
        f"p50 {loaded['p50']}, p99 {loaded['p99']}, {loaded['non_2xx']} non-2xx, socket errors: {loaded['socket_errors']}, "
        f"restarts {loaded['restarts']}, running after: {loaded['running']} |"
    )
    ok = loaded["non_2xx"] == 0 and loaded["socket_errors"] == "none" and loaded["restarts"] == 0 and loaded["running"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
