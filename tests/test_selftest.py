"""``modelgate selftest``: passes on a good model, fails with one line and JUnit evidence otherwise."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET

import pytest
from modelgate.contracts.golden import golden_cases

from modelgate.cli import main


def _suite(path):
    return ET.parse(path).getroot().find("testsuite")


def test_a_good_model_passes_every_check(trained_model, features_dir, tmp_path, capsys):
    junit = tmp_path / "out" / "junit.xml"
    assert main(["selftest", "--model", str(trained_model), "--features", str(features_dir), "--junit", str(junit)]) == 0
    assert "checks passed" in capsys.readouterr().out
    suite = _suite(junit)
    names = [c.get("name") for c in suite.findall("testcase")]
    assert suite.get("failures") == "0" and suite.get("errors") == "0"
    assert "golden case: height 138" in names and "response shape: GET /weight" in names


def test_a_missing_model_is_one_line_and_recorded(tmp_path, capsys):
    junit = tmp_path / "junit.xml"
    assert main(["selftest", "--model", str(tmp_path / "nowhere"), "--junit", str(junit)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "no model directory" in err, err
    assert _suite(junit).get("failures") == "1"


def test_a_tampered_model_fails(trained_model, tmp_path, capsys):
    model = tmp_path / "model"
    shutil.copytree(trained_model, model)
    with open(model / "model.skops", "ab") as handle:
        handle.write(b"\0")
    assert main(["selftest", "--model", str(model)]) == 2
    assert "SHA-256 mismatch" in capsys.readouterr().err


def test_a_moved_golden_weight_fails_its_case(trained_model, features_dir, tmp_path, capsys):
    features = tmp_path / "features"
    shutil.copytree(features_dir, features)
    scoring = features / "scoring.feature"
    case = golden_cases(features_dir)[-1]
    row = re.compile(rf"^(\s*\|\s*{case.height:g}\s*\|\s*){re.escape(str(case.weight))}", re.MULTILINE)
    moved = round(case.weight + 0.1, 4)
    scoring.write_text(row.sub(rf"\g<1>{moved}", scoring.read_text()))
    junit = tmp_path / "junit.xml"
    assert main(["selftest", "--model", str(trained_model), "--features", str(features), "--junit", str(junit)]) == 1
    err = capsys.readouterr().err
    assert "1 of" in err and f"height {case.height:g}: model says {case.weight}, agreed {moved}" in err, err
    assert _suite(junit).get("failures") == "1"


def test_missing_features_are_a_failed_check_not_a_crash(trained_model, tmp_path, capsys):
    assert main(["selftest", "--model", str(trained_model), "--features", str(tmp_path / "none")]) == 1
    assert "cannot read the golden cases" in capsys.readouterr().err


def test_the_junit_names_the_model_it_checked(trained_model, features_dir, tmp_path):
    junit = tmp_path / "junit.xml"
    assert main(["selftest", "--model", str(trained_model), "--features", str(features_dir), "--junit", str(junit)]) == 0
    manifest = json.loads((trained_model / "manifest.json").read_text())
    properties = {p.get("name"): p.get("value") for p in _suite(junit).iter("property")}
    assert properties == {"model_sha256": manifest["model_sha256"], "model_version": manifest["model_version"]}
    assert "R² band: the recorded R² on the training data" in [c.get("name") for c in _suite(junit).findall("testcase")]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda m: m["metrics"].update(r2_train=m["metrics"]["r2_train"] ** 0.5 + 0.1), "is outside the agreed band 0.6 – 0.95"),
        (lambda m: m["metrics"].pop("r2_train"), "states no R² on its training data"),
    ],
)
def test_a_recorded_r2_outside_the_band_fails_its_check(trained_model, features_dir, tmp_path, capsys, edit, message):
    model = tmp_path / "model"
    shutil.copytree(trained_model, model)
    manifest = json.loads((model / "manifest.json").read_text())
    edit(manifest)
    (model / "manifest.json").write_text(json.dumps(manifest))
    assert main(["selftest", "--model", str(model), "--features", str(features_dir)]) == 1
    err = capsys.readouterr().err
    assert "1 of" in err and "R² band: the recorded R² on the training data: " in err and message in err, err
