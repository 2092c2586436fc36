"""``modelgate check``: the features run against a model by the installed step library, with the JUnit and Cucumber
JSON written where ``modelgate gate`` and ``modelgate report`` read them; every mistake one line. (The same command
in a repository outside this checkout, with the wheel installed: ``tests/packaging/test_plugin_outside.py``.)"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from modelgate.contracts.evidence import model_properties
from modelgate.model.manifest import read_manifest
from modelgate.steps.support import FEATURES

from modelgate.cli import main
from modelgate.commands.check import CUCUMBER, JUNIT, SELECTED, pytest_command


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--features", "nowhere"], "--features nowhere: no .feature files there"),
        (["--features", str(FEATURES), "--model", "nowhere"], "--model nowhere: not a model folder"),
        (["--features", str(FEATURES), "--model", "{model}", "--service", "ftp://host"], "--service 'ftp://host': give"),
    ],
)
def test_mistakes_are_one_line_with_exit_code_2(trained_model, tmp_path, monkeypatch, capsys, args, message):
    monkeypatch.chdir(tmp_path)
    assert main(["check", *(a.format(model=trained_model) for a in args)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and message in err, err
    assert not (tmp_path / "reports").exists()


@pytest.mark.parametrize(
    ("service", "passed", "selected"),
    [
        ("inprocess", "in-process", SELECTED["inprocess"]),
        ("in-process", "in-process", SELECTED["inprocess"]),
        ("container", "container", "api or container"),
        ("https://scoring.example/", "https://scoring.example/", "api"),
    ],
)
def test_the_service_picks_the_scenarios_and_is_handed_to_the_plugin(trained_model, service, passed, selected):
    command = pytest_command(trained_model, FEATURES, service, JUNIT, CUCUMBER, None)
    assert command[command.index("--service") + 1] == passed
    assert command[command.index("-m", command.index("pytest")) + 1] == selected
    assert command[command.index("--pyargs") + 1] == "modelgate.steps.test_features"
    assert "junit_suite_name=bdd" in command and f"--junitxml={JUNIT}" in command


def test_check_writes_junit_with_the_models_evidence_and_cucumber_json_where_gate_and_report_read(
    trained_model, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    JUNIT.parent.mkdir(parents=True)
    JUNIT.write_text("<testsuite name='bdd' tests='1'><testcase name='left from before'/></testsuite>")
    assert main(["check", "--features", str(FEATURES), "--model", str(trained_model), "-m", "api"]) == 0
    assert "every selected scenario passed" in capsys.readouterr().out
    suite = ET.parse(JUNIT).getroot().find("testsuite")
    names = [case.get("name") for case in suite.iter("testcase")]
    assert "left from before" not in names and len(names) >= 5, names
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert model_properties(read_manifest(trained_model)).items() <= properties.items(), properties
    uris = [feature["uri"] for feature in json.loads(CUCUMBER.read_text())]
    assert [uri for uri in uris if uri.endswith("scoring.feature")], uris

    assert main(["gate", "--model", str(trained_model), "--features", str(FEATURES), "--model-suites", "bdd"]) == 0
    assert "gate: PASSED: 1 suite(s)" in capsys.readouterr().out


def test_no_selected_scenario_is_one_line(trained_model, tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--features", str(FEATURES), "--model", str(trained_model), "-m", "spark and container"]) == 2
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        f"modelgate: error: no scenario of {FEATURES} is selected by -m 'spark and container'"
    )
