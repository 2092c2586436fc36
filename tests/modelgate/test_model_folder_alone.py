"""A packaged model folder is all a batch job, a notebook or an image needs: in an empty folder, with no features and
no checkout, ``modelgate score`` (1,000 rows), ``selftest`` and ``serve`` work for both worked examples."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from modelgate.steps.support import ROOT, free_port, rows_like_training

EXAMPLES = {
    "bundled": (ROOT / "features", ROOT / "data" / "weight_data.csv"),
    "diabetes": (ROOT / "examples" / "diabetes" / "features", ROOT / "examples" / "diabetes" / "data" / "diabetes.csv"),
}


def _modelgate(folder: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "modelgate.cli", *args], cwd=folder, capture_output=True, text=True, check=False, **kwargs
    )


@pytest.fixture(params=sorted(EXAMPLES))
def alone(request, tmp_path, trained_model, diabetes_model):
    """An empty folder holding a copy of one example's model folder and a batch file of 1,000 rows, nothing else."""
    from modelgate.contracts.reader import read_contract

    features, data = EXAMPLES[request.param]
    model = trained_model if request.param == "bundled" else diabetes_model
    shutil.copytree(model, tmp_path / "model")
    contract = read_contract(features)
    with open(tmp_path / "in.csv", "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(contract.names)
        writer.writerows(rows_like_training(data, contract, 1000))
    return tmp_path, contract


def test_score_selftest_and_serve_need_only_the_model_folder(alone):
    folder, contract = alone
    scored = _modelgate(folder, "score", "in.csv", "out.csv", "--model", "model", "--no-progress")
    assert scored.returncode == 0, scored.stderr
    with open(folder / "out.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 1000 and all(row[contract.output.name] for row in rows)
    checked = _modelgate(folder, "selftest", "--model", "model")
    assert checked.returncode == 0, checked.stderr
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "modelgate.cli", "serve", "--model", "model", "--port", str(port)],
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        url, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{url}/ready", timeout=1).status_code == 200:
                    break
            except requests.RequestException:
                time.sleep(0.2)
        query = "&".join(f"{name}={row[name]}" for row in rows[:3] for name in contract.names)
        answer = requests.get(f"{url}/{contract.output.name}?{query}", timeout=5)
        assert answer.status_code == 200, answer.text
        assert answer.json()["response"] == [float(row[contract.output.name]) for row in rows[:3]]
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert sorted(p.name for p in folder.iterdir()) == ["in.csv", "model", "out.csv"]
