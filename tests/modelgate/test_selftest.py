"""``modelgate selftest``: the model folder alone is enough (it carries its contract); passes on a good model, fails
with one line and JUnit evidence otherwise. Expected values are read here from the feature files and the files on
disk, not from the code under test."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from modelgate.steps.support import FEATURES, TRAINING_DATA, train_into

from modelgate.cli import main


def _suite(path):
    return ET.parse(path).getroot().find("testsuite")


def test_a_good_model_passes_every_check(trained_model, tmp_path, capsys):
    junit = tmp_path / "out" / "junit.xml"
    assert main(["selftest", "--model", str(trained_model), "--junit", str(junit)]) == 0
    assert "checks passed" in capsys.readouterr().out
    suite = _suite(junit)
    names = [c.get("name") for c in suite.findall("testcase")]
    assert suite.get("failures") == "0" and suite.get("errors") == "0"
    agreed = re.findall(r"^\s*\|\s*([0-9.]+)\s*\|\s*[0-9.]+\s*\|\s*$", (FEATURES / "scoring.feature").read_text(), re.MULTILINE)
    assert len(agreed) == 9 and all(f"agreed answer: height={float(h)!r}" in names for h in agreed), names
    assert "response shape: GET /weight" in names and "typical error: on rows the model was not trained on" in names


def test_it_needs_nothing_but_the_model_folder(trained_model, tmp_path):
    """In an empty folder, away from any checkout and its features, with a copy of the model folder only."""
    empty = tmp_path / "empty"
    shutil.copytree(trained_model, empty / "model")
    done = subprocess.run(
        [sys.executable, "-m", "modelgate.cli", "selftest", "--model", "model"],
        cwd=empty,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "checks passed" in done.stdout and sorted(p.name for p in empty.iterdir()) == ["model"]


def test_a_missing_model_is_one_line_and_recorded(tmp_path, capsys):
    junit = tmp_path / "junit.xml"
    assert main(["selftest", "--model", str(tmp_path / "nowhere"), "--junit", str(junit)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "no model directory" in err, err
    assert _suite(junit).get("failures") == "1"


@pytest.mark.parametrize("part", ["model.skops", "contract.json", "serving.json"])
def test_a_tampered_model_fails(trained_model, tmp_path, capsys, part):
    model = tmp_path / "model"
    shutil.copytree(trained_model, model)
    with open(model / part, "ab") as handle:
        handle.write(b"\0")
    assert main(["selftest", "--model", str(model)]) == 2
    err = capsys.readouterr().err
    assert "SHA-256 mismatch" in err and part in err and err.count("\n") == 1


def test_a_moved_agreed_answer_fails_its_case(trained_model, tmp_path, capsys):
    """The same model packaged under features whose last agreed weight moved by 0.1 pounds fails that one check."""
    features = tmp_path / "features"
    shutil.copytree(FEATURES, features)
    scoring = features / "scoring.feature"
    height, weight = re.findall(r"^\s*\|\s*([0-9.]+)\s*\|\s*([0-9.]+)\s*\|\s*$", scoring.read_text(), re.MULTILINE)[-1]
    moved = f"{float(weight) + 0.1:.4f}"
    scoring.write_text(scoring.read_text().replace(f"| {weight} |", f"| {moved} |"))
    model = train_into(tmp_path / "model", features, TRAINING_DATA)
    junit = tmp_path / "junit.xml"
    assert main(["selftest", "--model", str(model), "--junit", str(junit)]) == 1
    err = capsys.readouterr().err
    assert "1 of" in err and f"height={float(height)!r}: the model says {float(weight)}, agreed {float(moved)}" in err, err
    assert _suite(junit).get("failures") == "1"


def test_the_junit_names_the_model_it_checked(trained_model, tmp_path):
    junit = tmp_path / "junit.xml"
    assert main(["selftest", "--model", str(trained_model), "--junit", str(junit)]) == 0
    manifest = json.loads((trained_model / "manifest.json").read_text())
    properties = {p.get("name"): p.get("value") for p in _suite(junit).iter("property")}
    assert properties == {"model_sha256": manifest["model"]["sha256"], "model_version": manifest["model_version"]}
    assert "R² band: the recorded R² on the training data" in [c.get("name") for c in _suite(junit).findall("testcase")]


@pytest.mark.parametrize(
    ("edit", "check", "message"),
    [
        (
            lambda m: m["metrics"].update(r2_train=m["metrics"]["r2_train"] ** 0.5 + 0.1),
            "R² band",
            "is outside the agreed band 0.6 – 0.95",
        ),
        (lambda m: m["metrics"].pop("r2_train"), "R² band", "states no R² on its training data"),
        (lambda m: m["metrics"]["cv"].update(mae=11.5), "typical error", "11.5000 is above the agreed 11 pounds"),
    ],
)
def test_a_record_outside_the_agreed_quality_fails_its_check(trained_model, tmp_path, capsys, edit, check, message):
    model = tmp_path / "model"
    shutil.copytree(trained_model, model)
    manifest = json.loads((model / "manifest.json").read_text())
    edit(manifest)
    (model / "manifest.json").write_text(json.dumps(manifest))
    assert main(["selftest", "--model", str(model)]) == 1
    err = capsys.readouterr().err
    assert "1 of" in err and f"  {check}" in err and message in err, err
