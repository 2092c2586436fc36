"""``modelgate report``: the page shows what exists, names what is missing, and reads its numbers
from the features and the model, never from copies."""

from __future__ import annotations

import json

import pytest
from modelgate.contracts.golden import golden_cases, r2_band

from modelgate.cli import main
from modelgate.report.scenarios import FAILED, NOT_RUN, PASSED, apply_results, load_results, parse_features
from steps.support import ROOT

FEATURE = """@api
Feature: Scoring
  Background:
    Given the scoring service is running

  Scenario: A plain one
    When a client asks
    Then it works

  Scenario Outline: An outline
    When a client asks for <height>
    Then the answer is <weight>

    Examples:
      | height | weight |
      | 50     | 60     |
      | 60     | 110    |
      | 70     | 160    |
"""


def step(line: int, name: str, status: str = "passed", error: str = "") -> dict:
    result = {"status": status, **({"error_message": error} if error else {})}
    return {"keyword": "When", "name": name, "line": line, "result": result}


def element(line: int, *steps: dict) -> dict:
    return {"keyword": "Scenario", "name": "x", "line": line, "steps": [step(4, "the scoring service is running"), *steps]}


@pytest.fixture
def features(tmp_path):
    (tmp_path / "scoring.feature").write_text(FEATURE)
    return tmp_path


def test_outline_examples_are_matched_by_their_steps_not_their_order(features, tmp_path):
    cucumber = [
        {
            "uri": "features/scoring.feature",
            "elements": [
                element(10, step(11, "a client asks for 60"), step(12, "the answer is 110")),
                element(10, step(11, "a client asks for 50"), step(12, "the answer is 60", "failed", "assert 61 == 60")),
                element(6, step(7, "a client asks"), step(8, "it works")),
            ],
        }
    ]
    (tmp_path / "cucumber.json").write_text(json.dumps(cucumber))
    parsed, problems = parse_features(features)
    results, unreadable = load_results([tmp_path / "cucumber.json"])
    assert not problems and not unreadable
    apply_results(parsed, results)
    plain, outline = parsed[0].scenarios
    assert plain.status == PASSED and [s.status for s in plain.steps] == [PASSED, PASSED]
    assert [e.status for e in outline.examples] == [FAILED, PASSED, NOT_RUN]
    assert outline.status == FAILED and outline.error == "assert 61 == 60"
    assert parsed[0].status == FAILED and parsed[0].background[0].text == "the scoring service is running"


def test_an_unreadable_cucumber_file_is_named(tmp_path):
    (tmp_path / "cucumber.json").write_text("{not json")
    _, problems = load_results([tmp_path / "cucumber.json"])
    assert problems and "cucumber.json: not a readable cucumber JSON report" in problems[0]


def test_missing_inputs_are_named_and_the_page_still_lists_every_scenario(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MODELGATE_FEATURES_DIR", str(ROOT / "features"))  # defaults follow the working directory
    out = tmp_path / "page.html"
    code = main(["report", "--out", str(out), "--model", "nowhere", "--cucumber", "none.json"])
    assert code == 1
    err = capsys.readouterr().err
    expected = [
        "model: no model directory at nowhere",
        "BDD results: no cucumber JSON (none.json)",
        "test results:",
        "gate verdict:",
    ]
    for missing in expected:
        assert f"modelgate report: missing: {missing}" in err
    assert "Traceback" not in err
    html = out.read_text()
    assert "This report is incomplete" in html
    features, _ = parse_features(ROOT / "features")
    for scenario in (s for f in features for s in f.scenarios):
        assert scenario.name.replace("'", "&#x27;") in html


def test_a_complete_report_shows_the_agreed_numbers_from_the_features(tmp_path, trained_model, capsys):
    junit = tmp_path / "junit"
    junit.mkdir()
    (junit / "unit.xml").write_text('<testsuite name="unit" tests="1"><testcase name="t" classname="c"/></testsuite>')
    (tmp_path / "gate.xml").write_text('<testsuites><testsuite name="gate"><testcase name="ok"/></testsuite></testsuites>')
    (tmp_path / "cucumber.json").write_text("[]")
    out = tmp_path / "page.html"
    args = ["--junit-dir", junit, "--gate", tmp_path / "gate.xml", "--cucumber", tmp_path / "cucumber.json"]
    args += ["--model", trained_model]
    assert main(["report", "--out", str(out), *map(str, args)]) == 0, capsys.readouterr().err
    html = out.read_text()
    cases = golden_cases(ROOT / "features")
    tolerance = cases[0].tolerance
    band = r2_band(ROOT / "features")
    low, high = band.low, band.high
    assert "Release gate passed" in html and "incomplete" not in html
    assert f"Tolerance ± {tolerance:g} pounds" in html
    assert f"agreed band {low:g} – {high:g}" in html
    assert html.count(">within<") == len(cases)
    assert all(f"{c.weight:.4f}" in html for c in cases)
    assert html.count("<svg") == 5  # R² gauge + three plots + the drift plot of the model-risk section


def test_a_flaky_pass_counts_as_passed_on_the_page(tmp_path, trained_model, capsys):
    """The gate fails a flaky pass only with --fail-on-flaky; the report, given no such option, must not either."""
    junit = tmp_path / "junit"
    junit.mkdir()
    flaky = ROOT / "tests" / "junit_corpus" / "surefire" / "TEST-com.example.FlakyClockTest.xml"
    (junit / "unit.xml").write_bytes(flaky.read_bytes())  # 3 cases: 2 passed, 1 passed on a rerun
    (tmp_path / "gate.xml").write_text('<testsuites><testsuite name="gate"><testcase name="ok"/></testsuite></testsuites>')
    (tmp_path / "cucumber.json").write_text("[]")
    out = tmp_path / "page.html"
    args = ["--junit-dir", junit, "--gate", tmp_path / "gate.xml", "--cucumber", tmp_path / "cucumber.json"]
    assert main(["report", "--out", str(out), *map(str, [*args, "--model", trained_model])]) == 0, capsys.readouterr().err
    tile = '<div class="tile passed"><div class="big">3</div><div class="what">tests passed</div>'
    assert tile in out.read_text()
