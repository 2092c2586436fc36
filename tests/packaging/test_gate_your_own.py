"""A team's own model, from its data alone, with only the installed wheel: in a new git repository outside this
checkout holding a CSV (scikit-learn's wine analyses, a data set this repository does not contain) and the team's
fitting script, ``modelgate init`` drafts the features; packaging and the gate refuse them while any value is still to
be agreed; once a reviewer has agreed them (the agreed answers computed here from the fitted model, outside the code
under test), the model is packaged, its features pass (``modelgate check``), the gate requiring a sign-off fails
until the reviewer signs (``modelgate signoff``), then passes, the report is rendered and the service answers what
the fitted model's own ``predict_proba`` gives."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import requests
import skops.io as sio
from modelgate.contracts.unagreed import UNAGREED
from modelgate.model.manifest import read_manifest
from modelgate.steps.container import require_engine
from modelgate.steps.service import free_port, wait_until_healthy
from modelgate.steps.support import ROOT

from tests.modelgate.drafts import agree
from tests.packaging.venvs import run

INPUTS = ["alcohol", "malic_acid", "flavanoids", "color_intensity", "proline"]
CULTIVARS = np.array(["barolo", "grignolino", "barbera"])  # the three cultivars of the wine study, by its class number
FIT = """import sys
import pandas as pd, skops.io as sio
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
rows = pd.read_csv("data/train.csv")
pipeline = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
sio.dump(pipeline.fit(rows.drop(columns="cultivar"), rows["cultivar"]), sys.argv[1])
"""


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Path:
    """The team's repository before modelgate: its data and its fitting script."""
    from sklearn.datasets import load_wine

    repo = tmp_path_factory.mktemp("winery")
    assert not repo.resolve().is_relative_to(ROOT)
    run(["git", "init", "--quiet"], repo)
    wine = load_wine(as_frame=True).frame
    rows = wine[INPUTS].assign(cultivar=CULTIVARS[wine["target"].to_numpy()])
    (repo / "data").mkdir()
    rows.sample(frac=1, random_state=20).to_csv(repo / "data" / "train.csv", index=False)
    (repo / "fit.py").write_text(FIT, encoding="utf-8")
    return repo


def _modelgate(bin_dir: Path, repo: Path, env: dict, *args: str) -> subprocess.CompletedProcess:
    command = [bin_dir / "modelgate", *args]
    return subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=900, check=False)


def test_a_team_gates_and_serves_its_own_model_from_its_data_with_the_installed_package(installed, env, repo):
    drafted = _modelgate(installed, repo, env, "init", "--data", "data/train.csv", "--target", "cultivar",
                         "--task", "classification", "--out", "features")  # fmt: skip
    assert drafted.returncode == 0, drafted.stderr
    marked = sum(path.read_text(encoding="utf-8").count(UNAGREED) for path in (repo / "features").glob("*.feature"))
    assert marked >= 10, drafted.stdout
    run([installed / "python", "fit.py", "wine.skops"], repo, env)
    package = ["package", "wine.skops", "--data", "data/train.csv", "--features", "features", "--out", "model"]

    refused = _modelgate(installed, repo, env, *package)
    assert refused.returncode == 2 and not (repo / "model").exists(), refused.stdout + refused.stderr
    assert refused.stderr.count(f"is {UNAGREED}") == marked, refused.stderr
    unagreed = _modelgate(installed, repo, env, "gate", "--model", "model", "--features", "features")
    assert unagreed.returncode == 1 and f"{marked} value(s) in features still {UNAGREED}" in unagreed.stdout + unagreed.stderr

    fitted = sio.load(repo / "wine.skops", trusted=sio.get_untrusted_types(file=repo / "wine.skops"))
    agree(repo / "features", fitted, "cultivar", classifier=True)  # the reviewer: every value agreed
    packaged = _modelgate(installed, repo, env, *package)
    assert packaged.returncode == 0, packaged.stderr
    checked = _modelgate(installed, repo, env, "check", "--model", "model", "--features", "features")
    assert checked.returncode == 0, checked.stdout[-4000:] + checked.stderr[-2000:]
    gate = ["gate", "--model", "model", "--features", "features", "--model-suites", "bdd", "--junit", "reports/gate.xml",
            "--require-signoff"]  # fmt: skip
    unsigned = _modelgate(installed, repo, env, *gate)
    assert unsigned.returncode == 1 and "no sign-off of the features in features" in unsigned.stderr, unsigned.stdout
    signed = _modelgate(installed, repo, env, "signoff", "--by", "A. Reviewer", "--role", "model owner", "--model", "model",
                        "--features", "features")  # fmt: skip
    assert signed.returncode == 0 and (repo / "features" / "signoffs.jsonl").exists(), signed.stderr
    passed = _modelgate(installed, repo, env, *gate)
    assert passed.returncode == 0 and "gate: PASSED" in passed.stdout, passed.stdout + passed.stderr
    report = _modelgate(installed, repo, env, "report", "--model", "model", "--features", "features")
    assert report.returncode == 0 and (repo / "reports" / "report.html").stat().st_size > 10_000, report.stderr

    port = free_port()
    server = subprocess.Popen([installed / "modelgate", "serve", "--model", "model", "--port", str(port)], cwd=repo,
                              env=env, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}", timeout=60)
        wine = {"alcohol": 13.2, "malic_acid": 3.9, "flavanoids": 0.7, "color_intensity": 8.5, "proline": 600}
        answer = requests.get(f"http://127.0.0.1:{port}/cultivar", params=wine, timeout=10)
    finally:
        server.send_signal(signal.SIGTERM)
        server.communicate(timeout=30)
    assert answer.status_code == 200, answer.text
    own = fitted.predict_proba(pd.DataFrame([wine], columns=INPUTS, dtype=float))[0]
    expected = {str(c): round(float(p), 4) for c, p in zip(fitted.classes_, own)}
    (probabilities,) = answer.json()["probabilities"]
    assert probabilities == expected and answer.json()["response"] == [max(expected, key=expected.get)], answer.text


def test_the_team_model_passes_its_features_against_its_own_image(installed, env, repo, tmp_path):
    """The same repository's model built into the serving image (``docker/build.sh TAG MODEL_DIR``: the model folder
    alone, its contract inside it; a team's pipeline runs it from modelgate's repository, pipelines/templates), and its
    features run against that container with the installed plugin (``modelgate check --service container``)."""
    require_engine()
    team = tmp_path / "winery"
    shutil.copytree(repo, team, ignore=shutil.ignore_patterns("features", "model", "reports", "wine.skops"))
    assert _modelgate(installed, team, env, "init", "--data", "data/train.csv", "--target", "cultivar").returncode == 0
    run([installed / "python", "fit.py", "wine.skops"], team, env)
    fitted = sio.load(team / "wine.skops", trusted=sio.get_untrusted_types(file=team / "wine.skops"))
    agree(team / "features", fitted, "cultivar", classifier=True)
    package = ["package", "wine.skops", "--data", "data/train.csv", "--features", "features", "--out", "model"]
    assert _modelgate(installed, team, env, *package).returncode == 0
    tag = f"modelgate-team:{read_manifest(team / 'model').model_version}"
    build = {**os.environ, "TARGETS": "serve"}
    built = subprocess.run(["bash", ROOT / "docker" / "build.sh", tag, team / "model"], cwd=ROOT, env=build,
                           capture_output=True, text=True, timeout=1800, check=False)  # fmt: skip
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    container_env = {**env, "MODELGATE_IMAGE": tag}
    checked = _modelgate(installed, team, container_env, "check", "--model", "model", "--features", "features",
                         "--service", "container")  # fmt: skip
    assert checked.returncode == 0, checked.stdout[-4000:] + checked.stderr[-2000:]
    assert "passed" in checked.stdout and "failed" not in checked.stdout, checked.stdout[-2000:]


def test_the_images_of_two_models_share_every_layer_but_the_model(trained_model, diabetes_model):
    """Two models' serving images built from one wheelhouse differ only in their last layer, the model: the installs
    beneath it are built once and kept once on disk (the chain builds an image for each of five models). The second
    build makes the project's wheel again (``WHEELHOUSE``), which must come out byte for byte the same."""
    require_engine()
    tags = []
    for folder, extra in ((trained_model, {}), (diabetes_model, {"WHEELHOUSE": "docker/wheelhouse"})):
        tags.append(f"modelgate-layers:{read_manifest(folder).model_version}")
        built = subprocess.run(["bash", ROOT / "docker" / "build.sh", tags[-1], folder], cwd=ROOT,
                               env={**os.environ, "TARGETS": "serve", **extra}, capture_output=True, text=True,
                               timeout=1800, check=False)  # fmt: skip
        assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    first, second = (json.loads(subprocess.check_output(["docker", "image", "inspect", "-f", "{{json .RootFS.Layers}}", t]))
                     for t in tags)  # fmt: skip
    assert len(first) == len(second) and first[:-1] == second[:-1], (first, second)
    assert first[-1] != second[-1]
