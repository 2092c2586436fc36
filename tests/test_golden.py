"""The agreed facts and their one comparison each: ``GoldenCase.met_by`` and ``Band.contains``, read
from the features with the Gherkin parser; the self-test and the report give the same verdict as them
on an answer exactly at, and just beyond, the tolerance."""

from __future__ import annotations

import math
import re
import shutil
from decimal import Decimal

import pytest
from modelgate.contracts.golden import Band, GoldenCase, golden_cases, r2_band

from modelgate.cli import main
from modelgate.selftest import run_selftest
from steps.support import load_scorer


def test_an_answer_exactly_the_tolerance_away_meets_it_and_nothing_beyond_does():
    case = GoldenCase(138.0, 498.2981, 0.0001)
    # As floats 498.2982 - 498.2981 is 1.0000000003e-04, more than 0.0001: the decimals written decide.
    assert 498.2982 - 498.2981 > 0.0001
    assert case.met_by(498.2982) and case.met_by(498.2980) and case.met_by(498.2981)
    assert not case.met_by(498.2983) and not case.met_by(498.29795) and not case.met_by(498.29825)
    assert not case.met_by(math.nan) and not case.met_by(math.inf)


def test_the_band_includes_its_ends_and_nothing_outside():
    band = Band(0.6, 0.95)
    assert band.contains(0.6) and band.contains(0.95) and band.contains(0.8)
    assert not band.contains(0.5999) and not band.contains(0.9501) and not band.contains(math.nan)


def test_the_facts_are_read_from_the_features(features_dir):
    cases = golden_cases(features_dir)
    assert len(cases) >= 9 and {c.tolerance for c in cases} == {0.0001}
    assert GoldenCase(138.0, 498.2981, 0.0001) in cases
    assert r2_band(features_dir) == Band(0.6, 0.95)


@pytest.mark.parametrize(
    ("feature", "edit", "problem"),
    [
        (
            "scoring.feature",
            lambda t: t.replace("give or take 0.0001 pounds", "give or take some pounds"),
            "scoring.feature: scenario 'An agreed height scores to its agreed weight' needs exactly one step",
        ),
        ("scoring.feature", lambda t: t.replace("| weight   |", "| mass     |"), "need columns height and weight"),
        ("scoring.feature", lambda t: re.sub(r"\n +\| [0-9.]+ +\| [0-9.]+ +\|", "", t), "has no examples"),
        ("scoring.feature", lambda t: t.replace("| 62.5   |", "| tall   |"), "not a number"),
        ("scoring.feature", lambda t: t.replace("An agreed height scores", "A height scores"), "no scenario"),
        ("quality.feature", lambda t: t.replace("recorded R²", "R²"), "exactly one R² band step"),
        ("quality.feature", lambda t: t.replace("Feature:", "Feature"), r"feature \(2:1\): .* got 'Feature Model quality'"),
    ],
)
def test_a_feature_that_no_longer_states_a_fact_is_named(features_dir, tmp_path, feature, edit, problem):
    shutil.copytree(features_dir, tmp_path / "f")
    path = tmp_path / "f" / feature
    path.write_text(edit(path.read_text()))
    with pytest.raises((LookupError, ValueError), match=problem):
        golden_cases(tmp_path / "f") if feature == "scoring.feature" else r2_band(tmp_path / "f")


def _moved_features(features_dir, tmp_path, answers: dict[float, float]):
    """scoring.feature with 138's agreed weight exactly the tolerance from the model's answer, 140's twice that."""
    shutil.copytree(features_dir, tmp_path / "features")
    scoring = tmp_path / "features" / "scoring.feature"
    text = scoring.read_text()
    for height, steps in ((138.0, 1), (140.0, 2)):
        moved = Decimal(repr(answers[height])) + steps * Decimal("0.0001")
        text = re.sub(rf"(\|\s*{height:g}\s*\|\s*)[0-9.]+", rf"\g<1>{moved}", text)
    scoring.write_text(text)
    return tmp_path / "features"


def test_selftest_and_report_agree_with_met_by_at_the_tolerance(trained_model, features_dir, tmp_path, capsys):
    scorer = load_scorer(trained_model)
    answers = dict(zip((138.0, 140.0), scorer.predict_list([138.0, 140.0])))
    features = _moved_features(features_dir, tmp_path, answers)
    cases = {c.height: c for c in golden_cases(features)}
    assert cases[138.0].met_by(answers[138.0]) and not cases[140.0].met_by(answers[140.0])

    result = run_selftest(trained_model, features)
    failed = {c.name for c in result.failures}
    assert failed == {"golden case: height 140"}, failed

    out = tmp_path / "page.html"
    main(["report", "--out", str(out), "--features", str(features), "--model", str(trained_model)])
    capsys.readouterr()
    html = out.read_text()
    assert html.count(">within<") == len(cases) - 1 and html.count(">outside<") == 1
    (row_140,) = [row for row in html.split("<tr>") if row.startswith('<td class="num">140')]
    assert ">outside<" in row_140, row_140


def test_the_facts_are_found_inside_a_rule_too(features_dir, tmp_path):
    """Gherkin 6's ``Rule:`` groups scenarios; an agreed case stated under one is still the same case."""
    shutil.copytree(features_dir, tmp_path / "f")
    scoring = tmp_path / "f" / "scoring.feature"
    text = scoring.read_text()
    outline = "  Scenario Outline: An agreed"
    scoring.write_text(text.replace(outline, f"  Rule: Agreed weights hold\n{outline}"))
    rows = re.findall(r"^ +\| ([0-9.]+) +\| ([0-9.]+) +\|$", text, flags=re.MULTILINE)
    assert rows and [(c.height, c.weight) for c in golden_cases(tmp_path / "f")] == [(float(h), float(w)) for h, w in rows]
