"""Helpers shared by the benchmarks: the example models, inputs drawn like their training data, run a server
and wait for it, wrk (GET or a POST body). The checkout and the test support (``steps.support``: ROOT,
``load_scorer``, ``rows_like_training``, the Azurite launcher) are the tests' own."""

from __future__ import annotations

import csv
import hashlib
import json
import re
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests

# A benchmark runs as ``python bench/NAME.py``: make the checkout importable for ``steps.support``.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from modelgate.steps.support import FEATURES, ROOT, TRAINING_DATA

OUT = ROOT / "bench" / "out"
DIABETES = ROOT / "examples" / "diabetes"
DIABETES_FEATURES = DIABETES / "features"
DIABETES_DATA = DIABETES / "data" / "diabetes.csv"
PENGUINS = ROOT / "examples" / "penguins"
PENGUINS_FEATURES = PENGUINS / "features"
PENGUINS_DATA = PENGUINS / "data" / "penguins.csv"


def _current(model: Path) -> bool:
    """A model folder this version of modelgate reads and verifies (one from before the manifest's version 2 is not)."""
    from modelgate.contracts.errors import ModelgateError
    from modelgate.model.manifest import MANIFEST_FILE, read_manifest

    if not (model / MANIFEST_FILE).is_file():
        return False
    try:
        read_manifest(model).files(model)
    except ModelgateError:
        return False
    return True


def _fresh_folder(model: Path) -> None:
    import shutil

    if model.exists():
        shutil.rmtree(model)
    model.parent.mkdir(parents=True, exist_ok=True)


def trained_model() -> Path:
    """The bundled height -> weight model, trained into bench/out/model (once; an outdated folder is retrained):
    ``modelgate train --features features --data data/weight_data.csv --out bench/out/model``."""
    model = OUT / "model"
    if not _current(model):
        _fresh_folder(model)
        train = ["train", "--features", str(FEATURES), "--data", str(TRAINING_DATA), "--out", str(model)]
        subprocess.run([sys.executable, "-m", "modelgate.cli", *train], check=True, cwd=ROOT)
    return model


def _packaged(example: Path, data: Path, model: Path) -> Path:
    """An example's Pipeline fitted by its own script and packaged into ``model`` (once; an outdated folder is redone):
    ``python examples/X/train_model.py X.skops && modelgate package X.skops --data ... --features ... --out MODEL``."""
    if not _current(model):
        _fresh_folder(model)
        fitted = OUT / f"{example.name}.skops"
        subprocess.run([sys.executable, str(example / "train_model.py"), str(fitted)], check=True, cwd=ROOT)
        package = ["package", str(fitted), "--data", str(data), "--features", str(example / "features")]
        subprocess.run([sys.executable, "-m", "modelgate.cli", *package, "--out", str(model)], check=True, cwd=ROOT)
    return model


def diabetes_model() -> Path:
    """The diabetes example's Pipeline, packaged into bench/out/diabetes-model (once)."""
    return _packaged(DIABETES, DIABETES_DATA, OUT / "diabetes-model")


def penguins_model() -> Path:
    """The penguins example's packaged model, examples/penguins/model (the folder the example ships and its features
    judge); when that folder is missing or outdated, the example's Pipeline packaged into bench/out/penguins-model."""
    shipped = PENGUINS / "model"
    return shipped if _current(shipped) else _packaged(PENGUINS, PENGUINS_DATA, OUT / "penguins-model")


def contract_of(model: Path):
    """The contract a model folder carries (verified)."""
    from modelgate.model.manifest import read_manifest

    return read_manifest(model).read_contract(model)


def make_input(rows: int) -> Path:
    """people-<rows>.csv under bench/out/: one seeded height column drawn like the training people's heights
    (resampled from the training data, to one decimal), so the drift check accepts it; written once and reused."""
    import numpy as np

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


def resampled(data: Path, model: Path, rows: int, stem: str) -> Path:
    """<stem>-<rows>.csv under bench/out/: the model's inputs, rows drawn at random (seeded, with replacement) from its
    training rows in ``data`` and written as the training file writes them (a missing value blank), so the drift and
    extrapolation checks accept the file; written once and reused."""
    import numpy as np

    path = OUT / f"{stem}-{rows}.csv"
    if not path.exists():
        OUT.mkdir(parents=True, exist_ok=True)
        names = contract_of(model).names
        with open(data, newline="", encoding="utf-8-sig") as handle:
            lines = [",".join(row[name] for name in names) for row in csv.DictReader(handle)]
        rng = np.random.default_rng(0)
        with open(path, "w") as sink:
            sink.write(",".join(names) + "\n")
            for start in range(0, rows, 1_000_000):
                picked = rng.integers(0, len(lines), min(1_000_000, rows - start))
                sink.write("\n".join(lines[i] for i in picked.tolist()) + "\n")
    return path


def make_patients(rows: int) -> Path:
    """patients-<rows>.csv: the diabetes example's training patients resampled (:func:`resampled`)."""
    return resampled(DIABETES_DATA, diabetes_model(), rows, "patients")


def make_penguins(rows: int) -> Path:
    """penguins-<rows>.csv: the penguins example's training penguins resampled (:func:`resampled`), blanks and all."""
    return resampled(PENGUINS_DATA, penguins_model(), rows, "penguins")


@contextmanager
def server(args: list[str], url: str, env: dict | None = None):
    """Start a server process; wait until ``url`` answers 200; stop it afterwards."""
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(url, timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{' '.join(args)} did not start")
            time.sleep(0.1)
        yield proc
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def post_script(body: bytes) -> Path:
    """A wrk Lua script that sends ``body`` as a JSON POST (under bench/out/, named by the body's digest)."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"wrk-post-{hashlib.sha256(body).hexdigest()[:12]}.lua"
    lines = ['wrk.method = "POST"', f"wrk.body = {json.dumps(body.decode())}", 'wrk.headers["Content-Type"] = "application/json"']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def wrk(url: str, seconds: int = 10, connections: int = 16, body: bytes | None = None) -> dict:
    """Run ``wrk -t1 -cN --latency`` (a JSON POST of ``body`` when given); return requests/s, p50/p99 in ms and
    error counts."""
    script = ["-s", str(post_script(body))] if body is not None else []
    done = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", *script, url], capture_output=True, text=True, check=True
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


def load_average() -> float:
    """The machine's load average over the last minute (recorded at the start and end of each measurement: the
    machine is shared, and a disturbed measurement is repeated)."""
    import os

    return os.getloadavg()[0]


def median_round(rounds: list[tuple]) -> tuple:
    """The round with the median ratio (``rounds`` are tuples whose first item is the ratio)."""
    ordered = sorted(rounds, key=lambda r: r[0])
    return ordered[len(ordered) // 2]
