"""The mutation run's stage installs the project's test dependencies without the project itself: the only
modelgate its tests can import is mutmut's mutated copy, and none is fetched from a package index."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib

from modelgate.steps.support import ROOT, load_script

stage = load_script(ROOT / "bench" / "mutation_stage.py")


def test_the_stage_requirements_name_no_modelgate_and_hold_every_extra_the_tests_pull_in():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    lines = stage.requirements(project).splitlines()
    assert not [line for line in lines if line.split("[")[0].strip().lower() == "modelgate"], lines
    # What the test extra asks for, directly or through modelgate[batch], read from pyproject here.
    extras = project["project"]["optional-dependencies"]
    assert set(extras["batch"]) <= set(lines)
    assert {r for r in extras["test"] if not r.startswith("modelgate")} <= set(lines)
    assert set(project["project"]["dependencies"]) <= set(lines)
    assert len(lines) == len(set(lines))


def test_a_first_run_imports_modelgate_from_the_mutants_mutmut_writes_after_python_started(tmp_path):
    # As in tox -e mutation: mutants/ is on the path from the start, and filled only once the process is running.
    staged = stage.stage(into=tmp_path / "stage")
    mutants = staged / "mutants"
    script = (
        "import shutil\n"
        "import json  # any import before mutmut writes the mutants searches the path\n"
        f"shutil.copytree({str(staged / 'modelgate')!r}, {str(mutants / 'modelgate')!r})\n"
        "import modelgate\n"
        "print(modelgate.__file__)\n"
    )
    env = {**os.environ, "PYTHONPATH": str(mutants)}
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == str(mutants / "modelgate" / "__init__.py"), done.stderr
