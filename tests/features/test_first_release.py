"""The champion/challenger scenario with no production model, run as the chain runs it: it passes, its JUnit case says
"first release: not compared with a production model", and the gate's verdict line repeats it."""

from __future__ import annotations

import os
import subprocess
import sys

from modelgate.steps.support import ROOT

from modelgate.cli import main


def test_a_first_release_is_said_by_the_scenario_and_repeated_by_the_gate(trained_model, tmp_path, capsys):
    junit = tmp_path / "junit"
    env = {k: v for k, v in os.environ.items() if k != "MODELGATE_PRODUCTION_MODEL"}
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "steps", "-p", "no:cacheprovider", "-q", "-m", "risk", "-k", "in_production",
         "--model", str(trained_model), f"--junitxml={junit / 'bdd.xml'}"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    xml = (junit / "bdd.xml").read_text()
    assert '<property name="first_release" value="first release: not compared with a production model"' in xml
    assert main(["gate", str(junit), "--require", "bdd"]) == 0
    verdict = capsys.readouterr().out.strip().splitlines()[-1]
    assert verdict.endswith("; first release: not compared with a production model (1 test(s) in bdd)"), verdict
