"""``modelgate report``: the page shows what exists, names what is missing, and reads its numbers and its words
from the features and the contract the model carries, never from copies: the bundled height → weight model and a
model of several inputs (a number, a category and a yes/no, with missing values) get the same page."""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
from modelgate.contracts.reader import read_contract
from modelgate.steps.support import ROOT, train_into

from modelgate.cli import main
from modelgate.report.scenarios import FAILED, NOT_RUN, PASSED, apply_results, load_results, parse_features

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


PASSED_GATE = '<testsuites><testsuite name="gate"><testcase name="ok"/></testsuite></testsuites>'
FAILED_GATE = (
    '<testsuites><testsuite name="gate" tests="1" failures="1"><testcase name="required suites">'
    '<failure message="required suite bdd has no results"/></testcase></testsuite></testsuites>'
)
PLOT = re.compile(r"<svg [^>]*>")


def results(folder, gate: str = PASSED_GATE) -> list[str]:
    """Test results, a gate verdict and an empty BDD run in ``folder``: the options that point the report at them."""
    junit = folder / "junit"
    junit.mkdir()
    (junit / "unit.xml").write_text('<testsuite name="unit" tests="1"><testcase name="t" classname="c"/></testsuite>')
    (folder / "gate.xml").write_text(gate)
    (folder / "cucumber.json").write_text("[]")
    return ["--junit-dir", str(junit), "--gate", str(folder / "gate.xml"), "--cucumber", str(folder / "cucumber.json")]


def headline(html: str) -> str:
    return re.search(r'<div class="verdict (\w+)"><b>([^<]+)</b>', html).group(2)


def assert_plots_alike(html: str) -> None:
    """Every plot has one class and one viewBox width: the page shows them at one scale and one font size."""
    found = PLOT.findall(html)
    assert found
    for svg in found:
        assert 'class="plot' in svg and 'viewBox="0 0 380 ' in svg, svg


def test_a_complete_report_shows_the_agreed_numbers_from_the_features(tmp_path, trained_model, capsys):
    out = tmp_path / "page.html"
    args = ["--features", str(ROOT / "features"), "--model", str(trained_model), *results(tmp_path)]
    assert main(["report", "--out", str(out), *args]) == 0, capsys.readouterr().err
    html = out.read_text()
    contract = read_contract(ROOT / "features")
    cases, band, decimals = contract.golden, contract.r2_band, contract.output.decimals
    assert "<h1>Height → weight model · release report</h1>" in html
    assert "<title>Height → weight model · release report" in html
    assert headline(html) == "Release gate passed" and "incomplete" not in html
    assert f"Tolerance ± {cases[0].tolerance:g} pounds" in html
    assert f"agreed band {band.low:g} – {band.high:g}" in html
    assert html.count(">within<") == len(cases)
    assert all(f"{c.expected:.{decimals}f}" in html for c in cases)
    assert '<th class="num">height (inches)</th><th class="num">agreed weight (pounds)</th>' in html
    # The R² gauge, the data with the model's line, predicted against actual, the residuals; the batch's drift plot.
    labels = re.findall(r'aria-label="([^"]+)"', html)
    assert labels == [
        "R² band",
        "training data with the model&#x27;s answers: weight (pounds) by height (inches)",
        "predicted against actual weight (pounds)",
        "residuals by height (inches)",
        "drift: height (inches), training against the batch",
    ]
    assert_plots_alike(html)
    assert "first release: not compared with a production model" in html
    assert "The weight never falls as height grows</dt><dd>holds" in html
    assert "<dt>Coefficients</dt>" in html and '<td class="mono">height</td>' in html


def test_a_failed_gate_is_the_headline_with_its_reasons(tmp_path, trained_model, capsys):
    out = tmp_path / "page.html"
    args = ["--features", str(ROOT / "features"), "--model", str(trained_model), *results(tmp_path, FAILED_GATE)]
    assert main(["report", "--out", str(out), *args]) == 0, capsys.readouterr().err
    html = out.read_text()
    assert headline(html) == "Release gate failed"
    assert '<div class="verdict failed"><b>Release gate failed</b><small>required suite bdd has no results</small>' in html
    assert "Release gate passed" not in html


def test_a_flaky_pass_counts_as_passed_on_the_page(tmp_path, trained_model, capsys):
    """The gate fails a flaky pass only with --fail-on-flaky; the report, given no such option, must not either."""
    args = results(tmp_path)
    flaky = ROOT / "tests" / "modelgate" / "junit_corpus" / "surefire" / "TEST-com.example.FlakyClockTest.xml"
    (tmp_path / "junit" / "unit.xml").write_bytes(flaky.read_bytes())  # 3 cases: 2 passed, 1 passed on a rerun
    out = tmp_path / "page.html"
    args += ["--features", str(ROOT / "features"), "--model", str(trained_model)]
    assert main(["report", "--out", str(out), *args]) == 0, capsys.readouterr().err
    tile = '<div class="tile passed"><div class="big">3</div><div class="what">tests passed</div>'
    assert tile in out.read_text()


CROP_FEATURE = """Feature: Crop yield model
  The model predicts a field's crop in tonnes from its rainfall, its soil and whether it is shaded.

  Scenario: The model is told about a field and answers its crop
    Given the model under test
    Then it takes these inputs
      | input  | meaning                  | unit | kind     | accepted           | may be missing |
      | rain   | the season's rainfall    | mm   | number   | from 0 to 600      | yes            |
      | soil   | the field's soil         |      | category | clay, loam or sand | yes            |
      | shaded | is the field shaded      |      | yes/no   | yes or no          | no             |
    And it answers the crop in tonnes, rounded to 2 decimals

  Scenario Outline: An agreed field gets its agreed crop
    When a client asks for the crop of a field with <rain> mm of rain, <soil> soil, shaded: <shaded>
    Then the answer is <crop> tonnes, give or take 0.5 tonnes

    Examples:
      | rain | soil | shaded | crop |
      | 100  | loam | no     | 4    |
      |      | clay | yes    | 3    |
      | 200  |      | no     | 5    |
      | 550  | sand | no     | 11   |

  Scenario: Quality and risk
    Then its recorded R² on the training data is between 0.5 and 0.99
    And every crop it gives for an accepted field is at least -20 and at most 40 tonnes
    And the crop never falls as rain grows
    And its stability index against the training fields is below the warning level of 0.1
    And the file is refused, its stability index being at least 0.25
    And a file of 50 or more fields is judged for drift
    And the new model's typical error is at most 0.1 tonnes worse than the production model's
"""


def write_fields(path, rows: int, seed: int, answers: bool = True) -> None:
    """Fields with rainfall (a tenth missing), soil (some missing), shade, and a crop that grows with the rain."""
    rng = np.random.default_rng(seed)
    rain = rng.uniform(50, 300, rows)
    soil = rng.choice(["clay", "loam", "sand", ""], rows, p=[0.3, 0.4, 0.22, 0.08])
    shaded = rng.choice(["yes", "no"], rows)
    crop = 1 + 0.02 * rain + np.select([soil == "loam", soil == "sand"], [1.0, -1.0]) - 0.5 * (shaded == "yes")
    crop += rng.normal(0, 0.4, rows)
    lines = ["rain,soil,shaded" + (",crop" if answers else "")]
    for i in range(rows):
        cell = "" if i % 10 == 3 else f"{rain[i]:.1f}"
        lines.append(f"{cell},{soil[i]},{shaded[i]}" + (f",{crop[i]:.3f}" if answers else ""))
    path.write_text("\n".join(lines) + "\n")


@pytest.fixture(scope="module")
def crop_model(tmp_path_factory):
    """A model of several inputs in the layout a team keeps: ``features/``, ``data/`` beside it, the model elsewhere."""
    root = tmp_path_factory.mktemp("crop")
    (root / "features").mkdir()
    (root / "features" / "model.feature").write_text(CROP_FEATURE)
    data = root / "data"
    data.mkdir()
    write_fields(data / "fields.csv", 300, 1)
    write_fields(data / "evaluation.csv", 100, 2)
    write_fields(data / "sample_input.csv", 80, 3, answers=False)
    return root, train_into(root / "model", root / "features", data / "fields.csv", "ridge")


def test_a_model_of_several_inputs_gets_a_plot_and_a_column_per_input(tmp_path, crop_model, capsys):
    root, model = crop_model
    out = tmp_path / "page.html"
    args = ["--features", str(root / "features"), "--model", str(model), *results(tmp_path)]
    assert main(["report", "--out", str(out), *args]) == 0, capsys.readouterr().err  # the data found beside the features
    html = out.read_text()
    assert "<h1>Crop yield model · release report</h1>" in html and headline(html) == "Release gate passed"
    heads = '<th class="num">rain (mm)</th><th class="cat">soil</th><th class="cat">shaded</th>'
    assert heads + '<th class="num">agreed crop (tonnes)</th>' in html
    golden = html[html.index('id="golden"') : html.index('id="quality"')]
    assert golden.count("<tr>") == 5 and golden.count('<span class="note">missing</span>') == 2
    assert golden.count(">outside the training data<") == 1  # 550 mm: more rain than any training field had
    assert "Tolerance ± 0.5 tonnes" in golden
    labels = re.findall(r'aria-label="([^"]+)"', html)
    assert labels == [
        "R² band",
        "predicted against actual crop (tonnes)",
        "residuals by rain (mm)",
        "residuals by soil",
        "residuals by shaded",
        "drift: rain (mm), training against the batch",
        "drift: soil, training against the batch",
        "drift: shaded, training against the batch",
    ]
    assert_plots_alike(html)
    quality = html[html.index('id="quality"') : html.index('id="risk"')]
    assert "30 rows with rain missing are not shown" in quality
    assert all(f">{value}</text>" in quality for value in ("clay", "loam", "sand", "missing", "yes", "no"))
    risk = html[html.index('id="risk"') : html.index('id="record"')]
    assert "first release: not compared with a production model" in risk
    assert "The crop never falls as rain grows</dt><dd>holds" in risk
    assert "within the agreed -20 – 40 tonnes" in risk
    assert all(f"<td>{name}</td>" in risk for name in ("rain", "soil", "shaded"))  # the drift table, input by input
    assert "of 80 rows of" in risk
    for word in ("pounds", "inches", "height →"):
        assert word not in html
