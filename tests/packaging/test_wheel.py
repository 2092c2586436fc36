"""The wheel that ships: built with ``pip wheel``, it installs one import package, ``modelgate``, holding every
package folder of the repository; installed into a fresh venv, its ``modelgate`` command trains, scores, gates
and serves from a working directory outside the checkout (the defaults follow the working directory).

The venv (``conftest.py``) gets the dependencies from this interpreter's site-packages but not the checkout's editable
install; the test checks that every ``modelgate`` package is imported from the venv.
"""

from __future__ import annotations

import csv
import json
import shutil
import signal
import subprocess
import zipfile
from pathlib import Path

import pytest
import requests
from modelgate.contracts.reader import read_contract
from modelgate.steps.layout import package_folders
from modelgate.steps.service import free_port, wait_until_healthy
from modelgate.steps.support import FEATURES, ROOT, TRAINING_DATA

from tests.packaging.venvs import run


def test_the_wheel_installs_one_import_package_holding_every_package_folder(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top_level == {"modelgate"}
    (record,) = [name for name in names if name.endswith(".dist-info/top_level.txt")]
    assert zipfile.ZipFile(wheel).read(record).decode().split() == ["modelgate"]
    folders = package_folders(ROOT)
    assert {"modelgate", "modelgate.contracts", "modelgate.model", "modelgate.model.batch", "modelgate.app"} <= set(folders)
    for package, folder in folders.items():
        for module in folder.glob("*.py"):
            assert f"{package.replace('.', '/')}/{module.name}" in names, (
                f"{folder.relative_to(ROOT)}/{module.name} is not in the wheel"
            )


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    """A working directory outside the checkout, holding only what a project of the user's holds at the default
    places: the training data and the features (the contract the model is trained under)."""
    work = tmp_path_factory.mktemp("work")
    (work / "data").mkdir()
    shutil.copy2(TRAINING_DATA, work / "data" / TRAINING_DATA.name)
    shutil.copytree(FEATURES, work / "features")
    return work


def test_every_package_is_imported_from_the_venv(installed, workdir, env):
    packages = sorted(package_folders(ROOT))
    shown = run(
        [installed / "python", "-c", f"import importlib; [print(importlib.import_module(p).__file__) for p in {packages}]"],
        workdir,
        env,
    )
    for package, location in zip(packages, shown.stdout.split(), strict=True):
        assert Path(location).is_relative_to(installed.parent), f"{package} was imported from {location}"


def test_the_installed_command_trains_scores_gates_and_serves_from_any_directory(installed, workdir, env):
    modelgate = str(installed / "modelgate")
    cases = read_contract(FEATURES).golden

    run([modelgate, "train"], workdir, env)
    manifest = json.loads((workdir / "model" / "bundled" / "manifest.json").read_text())

    with open(workdir / "heights.csv", "w", newline="") as out:
        csv.writer(out).writerows([["height"], *[list(case.values) for case in cases]])
    run([modelgate, "score", "heights.csv", "weights.csv", "--junit", "reports/junit/batch.xml"], workdir, env)
    with open(workdir / "weights.csv", newline="") as scored:
        weights = [float(row["weight"]) for row in csv.DictReader(scored)]
    assert [case.met_by(weight) for case, weight in zip(cases, weights, strict=True)] == [True] * len(cases), weights

    gate = run(
        [modelgate, "gate", "reports/junit", "--require", "batch", "--model", "model/bundled", "--model-suites", "batch"],
        workdir,
        env,
    )
    assert manifest["model_version"] in gate.stdout

    port = free_port()
    server = subprocess.Popen([modelgate, "serve", "--port", str(port)], cwd=workdir, env=env, stderr=subprocess.PIPE, text=True)
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}", timeout=30)
        case = next(case for case in cases if case.values == (138.0,))
        answer = requests.get(f"http://127.0.0.1:{port}/weight", params={"height": "138"}, timeout=10)
        assert answer.status_code == 200, answer.text
        assert list(answer.json()) == ["response"], answer.text
        (weight,) = answer.json()["response"]
        assert case.met_by(weight), (weight, case)
    finally:
        server.send_signal(signal.SIGTERM)
        _, log = server.communicate(timeout=30)
    # uvicorn re-raises SIGTERM once drained (as in test_graceful_shutdown.py): that is a clean stop.
    assert server.returncode == -signal.SIGTERM, log
    assert "Application shutdown complete" in log, log
