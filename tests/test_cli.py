"""The command line: help everywhere, one clear line for every mistake, never a traceback."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from modelgate.cli import main

COMMANDS = ["train", "score", "serve"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_explains_itself(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    assert "--model" in capsys.readouterr().out or command == "train"


def test_train_writes_a_model_that_scores(tmp_path, capsys):
    data = tmp_path / "train.csv"
    data.write_text("height,weight\n60,110\n65,135\n70,160\n75,185\n")
    assert main(["train", "--data", str(data), "--out", str(tmp_path / "m")]) == 0
    assert "R² 1.0000" in capsys.readouterr().out
    source = tmp_path / "in.csv"
    source.write_text("height\n138\n")
    assert main(["score", str(source), str(tmp_path / "out.csv"), "--model", str(tmp_path / "m")]) == 0
    assert (tmp_path / "out.csv").read_text() == "height,weight\n138,500\n"


def test_score_junit_names_the_model_that_scored(trained_model, tmp_path, capsys):
    source = tmp_path / "in.csv"
    source.write_text("height\n138\n")
    junit = tmp_path / "batch.xml"
    assert main(["score", str(source), str(tmp_path / "out.csv"), "--model", str(trained_model), "--junit", str(junit)]) == 0
    manifest = json.loads((trained_model / "manifest.json").read_text())
    properties = {p.get("name"): p.get("value") for p in ET.parse(junit).getroot().iter("property")}
    assert properties == {"model_sha256": manifest["model_sha256"], "model_version": manifest["model_version"]}


def test_train_if_missing_keeps_a_model_that_is_there_and_verifies_it(trained_model, tmp_path, capsys):
    model = tmp_path / "m"
    shutil.copytree(trained_model, model)
    before = (model / "model.skops").read_bytes()
    assert main(["train", "--out", str(model), "--if-missing"]) == 0
    assert "kept the model" in capsys.readouterr().out and (model / "model.skops").read_bytes() == before
    assert main(["train", "--out", str(tmp_path / "new"), "--if-missing"]) == 0
    assert (tmp_path / "new" / "manifest.json").is_file()
    with open(model / "model.skops", "ab") as handle:
        handle.write(b"\0")
    assert main(["train", "--out", str(model), "--if-missing"]) == 2
    assert "SHA-256 mismatch" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["score", "in.csv", "out.csv", "--model", "nowhere"], "no model directory at nowhere"),
        (["train", "--data", "missing.csv", "--out", "m"], "missing.csv: training data not found"),
        (["serve", "--model", "nowhere"], "no model directory at nowhere"),
    ],
)
def test_mistakes_are_one_line_with_exit_code_2(tmp_path, monkeypatch, capsys, args, message):
    monkeypatch.chdir(tmp_path)
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and message in err, err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("height,weight\n60,110\n65,abc\n", "line 3 (row 2), column 'weight': is_number"),
        ("height,weight\n60,110\n0,90\n", "greater than 45 inches"),
        ("size,weight\n60,110\n", "missing ['height']"),
        ("height,weight\n60,110\n", "needs at least 3 rows"),
        ("", "not a readable CSV"),
    ],
)
def test_bad_training_data_is_rejected_with_exit_code_1(tmp_path, capsys, text, message):
    data = tmp_path / "train.csv"
    data.write_text(text)
    assert main(["train", "--data", str(data), "--out", str(tmp_path / "m")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and message in err, err
    assert not (tmp_path / "m").exists()


def test_the_installed_entry_point_runs():
    done = subprocess.run([sys.executable, "-m", "modelgate.cli", "--help"], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "score" in done.stdout
