"""The evidence of a batch run (``model.batch.run_report``): the JUnit file holds one case per rule the features state,
in their words, failing exactly the rules a file broke, and names the model that scored; for the bundled one-number
model and for the flat price model of several inputs (:mod:`.flats`)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from modelgate.model import artifact
from modelgate.model.batch.run_report import rule_names

from modelgate.cli import main
from tests.model.batch import flats

FILE_RULES = ["header", "utf8", "csv", "field_count"]


def _cases(junit) -> dict[str, str | None]:
    """{case name: its failure message, None when it passed}."""
    suite = ET.parse(junit).getroot().find("testsuite")
    return {
        case.get("name"): (case.find("failure").get("message") if case.find("failure") is not None else None)
        for case in suite.iter("testcase")
    }


def test_the_rules_are_the_features_own_words(trained_model, flats_model):
    # features/risk.feature: "heights greater than 45 and at most 150 inches"
    assert rule_names(artifact.load(trained_model).contract) == [
        *FILE_RULES,
        "is_number",
        "not_nullable",
        "greater than 45 inches",
        "at most 150 inches",
    ]
    assert rule_names(artifact.load(flats_model).contract) == [
        *FILE_RULES,
        "is_number",
        "is_yes_no",
        "not_nullable",
        *flats.RULES,
    ]


def test_a_flats_run_fails_exactly_the_rules_its_file_broke(tmp_path, flats_model, flats_training, capsys):
    rows = [list(r) for r in flats.training_rows(flats_training)]
    rows[10][1] = "Nowhere"
    rows[11][1] = "Westside"
    rows[12][0] = "401"
    source, junit = flats.write_file(tmp_path / "in.csv", rows), tmp_path / "junit.xml"
    code = main(["score", str(source), str(tmp_path / "out.csv"), "--model", str(flats_model), "--junit", str(junit)])
    assert code == 1, capsys.readouterr().err
    cases = _cases(junit)
    every = [*FILE_RULES, "is_number", "is_yes_no", "not_nullable", *flats.RULES, "input drift", "outside the training data"]
    assert list(cases) == every
    failed = {
        "one of North, South, East, West": "2 row(s) fail one of North, South, East, West",
        "at most 400 m2": "1 row(s) fail at most 400 m2",
    }
    assert {name: message for name, message in cases.items() if message} == failed
    suite = ET.parse(junit).getroot().find("testsuite")
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    manifest = json.loads((flats_model / "manifest.json").read_text())
    assert properties == {"model_sha256": manifest["model"]["sha256"], "model_version": manifest["model_version"]}


def test_a_passing_run_says_what_the_drift_and_extrapolation_checks_found(tmp_path, flats_model, flats_training, capsys):
    rows = [list(r) for r in flats.training_rows(flats_training)]
    rows[0][1] = "West"
    source, junit = flats.write_file(tmp_path / "in.csv", rows), tmp_path / "junit.xml"
    code = main(["score", str(source), str(tmp_path / "out.csv"), "--model", str(flats_model), "--junit", str(junit)])
    assert code == 0, capsys.readouterr().err
    assert not any(_cases(junit).values())
    suite = ET.parse(junit).getroot().find("testsuite")
    notes = {case.get("name"): case.findtext("system-out") for case in suite.iter("testcase")}
    assert notes["outside the training data"] == "1 row(s) with a value outside the training data, answered and flagged"
    drift = notes["input drift"]
    assert drift.startswith("stability index area 0.000, district ") and drift.endswith(
        f"stable (warning at {flats.WARN:g}, refused at {flats.REFUSE:g})"
    )
