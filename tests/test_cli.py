"""The command line: help everywhere, one clear line for every mistake, never a traceback."""

from __future__ import annotations

import subprocess
import sys

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
        ("height,weight\n60,110\n0,90\n", "greater than 0 inches"),
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
