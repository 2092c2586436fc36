"""The step library as it ships: in a new git repository outside this checkout that holds only what a team's holds
(the penguins example's features and data, its own fitting script, the model folder packaged from it; no
``conftest.py``, no ``steps/``), the wheel installed in a fresh venv runs the features through its pytest11 plugin
(``modelgate check``, and the plain ``pytest`` it runs), writes the JUnit with the model's evidence and the Cucumber
JSON, and ``modelgate gate`` and ``modelgate report`` pass on them. A step module missing from the installation, or
an agreed value of the features the model does not give, fails the run."""

from __future__ import annotations

import configparser
import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from modelgate.contracts.evidence import model_properties
from modelgate.model.manifest import read_manifest
from modelgate.steps.support import ROOT

from tests.packaging.venvs import install, run

EXAMPLE = ROOT / "examples" / "penguins"
AGREED = "| Biscoe    | female | 35.5           | 16.2          | 195               | 3350        | Adelie    | 0.9853      |"


def _outside(folder: Path) -> Path:
    assert not folder.resolve().is_relative_to(ROOT), f"{folder} lies inside the checkout"
    return folder


@pytest.fixture(scope="module")
def team_repo(installed, env, tmp_path_factory) -> Path:
    """The team's repository: features, data, its fitting script and the model packaged by the installed command."""
    repo = _outside(tmp_path_factory.mktemp("team"))
    run(["git", "init", "--quiet"], repo)
    shutil.copytree(EXAMPLE / "features", repo / "features")
    shutil.copytree(EXAMPLE / "data", repo / "data", ignore=shutil.ignore_patterns("generate.py"))
    shutil.copy2(EXAMPLE / "train_model.py", repo / "fit.py")  # it reads data/penguins.csv beside itself
    run([installed / "python", "fit.py", "penguins.skops"], repo, env)
    command = ["package", "penguins.skops", "--data", "data/penguins.csv", "--features", "features", "--out", "model"]
    run([installed / "modelgate", *command], repo, env, timeout=300)
    (repo / "penguins.skops").unlink()
    assert sorted(p.name for p in repo.iterdir()) == [".git", "data", "features", "fit.py", "model"]
    return repo


def _check(bin_dir: Path, repo: Path, env: dict, *extra: str) -> subprocess.CompletedProcess:
    command = [bin_dir / "modelgate", "check", "--model", "model", "--features", "features", *extra]
    return subprocess.run(command, cwd=repo, env=env, capture_output=True, text=True, timeout=600, check=False)


def _suite(junit: Path) -> ET.Element:
    root = ET.parse(junit).getroot()
    return root if root.tag == "testsuite" else root.find("testsuite")


def test_the_wheel_registers_the_step_library_with_pytest(wheel):
    # The venvs here see this interpreter's site-packages, whose editable modelgate names the same entry point (pluggy
    # reads every distribution's): so the wheel's own metadata is read here.
    with zipfile.ZipFile(wheel) as archive:
        (name,) = [n for n in archive.namelist() if n.endswith(".dist-info/entry_points.txt")]
        points = configparser.ConfigParser()
        points.read_string(archive.read(name).decode())
    assert dict(points["pytest11"]) == {"modelgate": "modelgate.steps"}


def test_a_team_repository_runs_its_features_with_the_installed_plugin_then_gates_and_reports(installed, env, team_repo):
    where = run([installed / "python", "-c", "import modelgate.steps.plugin as p; print(p.__file__)"], team_repo, env)
    assert Path(where.stdout.strip()).is_relative_to(installed.parent), where.stdout
    assert "PYTHONPATH" not in env
    # The entry point alone, in a folder with no test of its own: pytest knows the plugin's options.
    shown = run([installed / "python", "-m", "pytest", "--help", "-p", "no:cacheprovider"], team_repo, env)
    assert "--features=DIR" in shown.stdout and "--service=inprocess|container|URL" in shown.stdout, shown.stdout

    done = _check(installed, team_repo, env)
    assert done.returncode == 0, done.stdout[-4000:] + done.stderr[-2000:]
    suite = _suite(team_repo / "reports" / "junit" / "bdd.xml")
    cases = suite.findall("testcase")
    assert len(cases) >= 30 and not [c for c in cases if c.find("failure") is not None or c.find("error") is not None]
    assert {c.get("classname") for c in cases} == {"modelgate.steps.test_features"}
    manifest = read_manifest(team_repo / "model")
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert model_properties(manifest).items() <= properties.items(), properties
    features = json.loads((team_repo / "reports" / "cucumber.json").read_text())
    assert "features/scoring.feature" in {f["uri"] for f in features}
    steps = [s for f in features for e in f["elements"] for s in e["steps"]]
    assert steps and {s["result"]["status"] for s in steps} == {"passed"}

    gate = run([installed / "modelgate", "gate", "--model", "model", "--features", "features", "--model-suites", "bdd",
                "--junit", "reports/gate.xml"], team_repo, env)  # fmt: skip
    assert "gate: PASSED" in gate.stdout and manifest.model_version in gate.stdout, gate.stdout
    report = run([installed / "modelgate", "report", "--model", "model", "--features", "features"], team_repo, env)
    assert (team_repo / "reports" / "report.html").stat().st_size > 10_000, report.stdout
    assert not (team_repo / "conftest.py").exists() and not (team_repo / "steps").exists()


def test_an_agreed_value_the_model_does_not_give_fails_the_plain_pytest_run_and_the_gate(installed, env, team_repo, tmp_path):
    repo = _outside(tmp_path / "team")
    shutil.copytree(team_repo, repo, ignore=shutil.ignore_patterns("reports"))
    scoring = repo / "features" / "scoring.feature"
    text = scoring.read_text(encoding="utf-8")
    assert AGREED in text
    scoring.write_text(text.replace(AGREED, AGREED.replace("0.9853", "0.5853")), encoding="utf-8")

    plain = [installed / "python", "-m", "pytest", "--pyargs", "modelgate.steps", "--features", "features",
             "--model", "model", "-m", "api", "-p", "no:cacheprovider", "--junitxml=reports/junit/bdd.xml"]  # fmt: skip
    done = subprocess.run(plain, cwd=repo, env=env, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 1, done.stdout[-4000:] + done.stderr[-2000:]
    assert "0.5853" in done.stdout and " passed" in done.stdout, done.stdout[-4000:]
    failed = [
        c.get("name") for c in _suite(repo / "reports" / "junit" / "bdd.xml").iter("testcase") if c.find("failure") is not None
    ]
    assert failed and all("agreed" in name for name in failed), failed

    gate = subprocess.run([installed / "modelgate", "gate"], cwd=repo, env=env, capture_output=True, text=True, check=False)
    assert gate.returncode == 1 and "gate: FAILED" in gate.stderr, gate.stdout + gate.stderr


def test_an_installation_without_a_step_module_fails_the_run(wheel, env, team_repo, tmp_path):
    (tmp_path / "venv").mkdir()
    broken = install(wheel, tmp_path / "venv")
    (plugin,) = (broken.parent / "lib").glob("python*/site-packages/modelgate/steps/plugin.py")
    (plugin.parent / "batch.py").unlink()
    repo = _outside(tmp_path / "team")
    shutil.copytree(team_repo, repo, ignore=shutil.ignore_patterns("reports"))

    done = _check(broken, repo, env, "-m", "batch")  # the plugin names a module that is not there: pytest cannot start
    assert done.returncode == 4 and "No module named 'modelgate.steps.batch'" in done.stderr, done.stderr[-2000:]
    assert "modelgate: check: scenarios failed" in done.stderr, done.stderr

    plugin.write_text(plugin.read_text(encoding="utf-8").replace('    "modelgate.steps.batch",\n', ""), encoding="utf-8")
    done = _check(broken, repo, env, "-m", "batch")  # nor does it name it: the batch scenarios' steps are missing
    assert done.returncode == 1, done.stdout[-4000:] + done.stderr[-2000:]
    assert "StepDefinitionNotFoundError" in done.stdout, done.stdout[-4000:]
    assert " passed" not in done.stdout.splitlines()[-1], done.stdout[-2000:]
