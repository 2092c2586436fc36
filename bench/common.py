"""Helpers shared by the benchmarks: run a server, wait for it, a trained model, wrk. The checkout and the
test support (``steps.support``: ROOT, ``load_scorer``, the Azurite launcher) are the tests' own."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests

# A benchmark runs as ``python bench/NAME.py``: make the checkout importable for ``steps.support``.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from steps.support import ROOT

OUT = ROOT / "bench" / "out"


def trained_model() -> Path:
    """Train the bundled data into bench/out/model (once); return the directory."""
    model = OUT / "model"
    if not (model / "serving.json").exists():  # a model from before the serving form is retrained
        subprocess.run([sys.executable, "-m", "modelgate.cli", "train", "--out", str(model)], check=True, cwd=ROOT)
    return model


def make_input(rows: int) -> Path:
    """people-<rows>.csv under bench/out/: one seeded height column drawn like the training people's heights
    (resampled from the training data, to one decimal), so the drift check accepts it; written once and reused."""
    import numpy as np

    from steps.support import TRAINING_DATA

    path = OUT / f"people-{rows}.csv"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        rng = np.random.default_rng(0)
        training = np.loadtxt(TRAINING_DATA, delimiter=",", skiprows=1, usecols=0)
        with open(path, "w") as sink:
            sink.write("height\n")
            for start in range(0, rows, 1_000_000):
                heights = np.round(
                    rng.choice(training, min(1_000_000, rows - start)) + rng.normal(0, 0.5, min(1_000_000, rows - start)), 1
                )
                sink.write("\n".join(f"{h:g}" for h in heights.tolist()) + "\n")
    return path


@contextmanager
def server(args: list[str], url: str, env: dict | None = None):
    """Start a server process; wait until ``url`` answers; stop it afterwards."""
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(url, timeout=1)
                break
            except requests.RequestException:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{args[0]} did not start") from None
                time.sleep(0.1)
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def wrk(url: str, seconds: int = 10, connections: int = 16) -> dict:
    """Run ``wrk -t1 -cN --latency``; return requests/s, p50/p99 in ms and error counts."""
    done = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url], capture_output=True, text=True, check=True
    )
    text = done.stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    latency = {p: _ms(re.search(rf"\s{p}%\s+([\d.]+\w+)", text).group(1)) for p in ("50", "99")}
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    socket_errors = re.search(r"Socket errors: (.*)", text)
    return {
        "rps": rps,
        "p50_ms": latency["50"],
        "p99_ms": latency["99"],
        "non_2xx": int(errors.group(1)) if errors else 0,
        "socket_errors": socket_errors.group(1) if socket_errors else "none",
    }


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
