"""The command line: help everywhere, one clear line for every mistake, never a traceback."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from modelgate.steps.support import FEATURES, ROOT, load_script

from modelgate.cli import main

COMMANDS = ["train", "package", "score", "serve", "selftest", "check", "watch", "compare", "gate"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_explains_itself(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0
    assert "--model" in capsys.readouterr().out or command in ("train", "package", "compare")


def test_train_writes_a_model_that_scores(tmp_path, capsys):
    data = tmp_path / "train.csv"
    # 20 people on one line: rows enough for the features' range for 95 in 100 (19 or more)
    data.write_text("height,weight\n" + "".join(f"{h},{5 * h - 190}\n" for h in range(60, 80)))
    assert main(["train", "--features", str(FEATURES), "--data", str(data), "--out", str(tmp_path / "m")]) == 0
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
    assert properties == {"model_sha256": manifest["model"]["sha256"], "model_version": manifest["model_version"]}


def test_train_if_missing_keeps_a_model_that_is_there_and_verifies_it(trained_model, tmp_path, capsys):
    model = tmp_path / "m"
    shutil.copytree(trained_model, model)
    before = (model / "model.skops").read_bytes()
    assert main(["train", "--out", str(model), "--if-missing"]) == 0
    assert "kept the model" in capsys.readouterr().out and (model / "model.skops").read_bytes() == before
    assert main(["train", "--features", str(FEATURES), "--out", str(tmp_path / "new"), "--if-missing"]) == 0
    assert (tmp_path / "new" / "manifest.json").is_file()
    with open(model / "model.skops", "ab") as handle:
        handle.write(b"\0")
    assert main(["train", "--out", str(model), "--if-missing"]) == 2
    assert "SHA-256 mismatch" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["score", "in.csv", "out.csv", "--model", "nowhere"], "no model directory at nowhere"),
        (["train", "--features", str(FEATURES), "--data", "missing.csv", "--out", "m"], "missing.csv: training data not found"),
        (
            ["package", "missing.skops", "--data", "d.csv", "--features", str(FEATURES), "--out", "m"],
            "missing.skops: cannot read",
        ),
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
    assert main(["train", "--features", str(FEATURES), "--data", str(data), "--out", str(tmp_path / "m")]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and message in err, err
    assert not (tmp_path / "m").exists()


def test_the_installed_entry_point_runs():
    done = subprocess.run([sys.executable, "-m", "modelgate.cli", "--help"], capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "score" in done.stdout


def _fitted(tmp_path, estimator, columns: list[str]):
    """A model fitted outside modelgate on the bundled data, saved with skops (as a team saves its own)."""
    import pandas as pd
    import skops.io as sio
    from modelgate.steps.support import TRAINING_DATA

    frame = pd.read_csv(TRAINING_DATA)
    estimator.fit(frame[columns], frame["weight"])
    path = tmp_path / "model.skops"
    sio.dump(estimator, path)
    return path


def test_package_brings_a_model_fitted_elsewhere(tmp_path, capsys):
    from modelgate.steps.support import TRAINING_DATA
    from sklearn.linear_model import LinearRegression

    fitted = _fitted(tmp_path, LinearRegression(), ["height"])
    out = tmp_path / "m"
    assert main(["package", str(fitted), "--data", str(TRAINING_DATA), "--features", str(FEATURES), "--out", str(out)]) == 0
    assert "serving form linear" in capsys.readouterr().out
    assert main(["selftest", "--model", str(out)]) == 0


def test_package_refuses_a_model_that_does_not_take_the_contracts_inputs(tmp_path, capsys):
    import pandas as pd
    from modelgate.steps.support import TRAINING_DATA
    from sklearn.linear_model import LinearRegression

    data = pd.read_csv(TRAINING_DATA).assign(age=40.0)
    data.to_csv(tmp_path / "train.csv", index=False)
    model = LinearRegression().fit(data[["height", "age"]], data["weight"])
    import skops.io as sio

    sio.dump(model, tmp_path / "model.skops")
    code = main(
        [
            "package",
            str(tmp_path / "model.skops"),
            "--data",
            str(tmp_path / "train.csv"),
            "--features",
            str(FEATURES),
            "--out",
            str(tmp_path / "m"),
        ]
    )
    err = capsys.readouterr().err
    assert (
        code == 2
        and "features/model.feature, line" in err
        and "the model needs input 'age', which the contract does not declare" in err
    )
    assert "Traceback" not in err and not (tmp_path / "m").exists()


def test_package_refuses_a_type_off_the_trusted_list_naming_it(tmp_path, capsys):
    import numpy as np
    from modelgate.steps.support import TRAINING_DATA
    from sklearn.linear_model import LinearRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer

    fitted = _fitted(tmp_path, make_pipeline(FunctionTransformer(np.log1p), LinearRegression()), ["height"])
    code = main(["package", str(fitted), "--data", str(TRAINING_DATA), "--features", str(FEATURES), "--out", str(tmp_path / "m")])
    err = capsys.readouterr().err
    assert code == 2 and re.search(r"refusing to load type\(s\) numpy(\._core\._multiarray_umath)?\.log1p", err), err
    assert err.count("\n") == 1 and not (tmp_path / "m").exists()


# -- a classifier: the binary example, packaged, scored and self-tested by the commands --------------------------------
CANCER = ROOT / "examples" / "cancer"


def test_the_binary_example_is_packaged_scored_and_self_tested_by_the_commands(tmp_path, capsys):
    import skops.io as sio

    sio.dump(load_script(CANCER / "train_model.py").fit(), tmp_path / "fitted.skops")
    data = CANCER / "data" / "training.csv"
    model = tmp_path / "model"
    args = ["package", str(tmp_path / "fitted.skops"), "--data", str(data), "--features", str(CANCER / "features")]
    assert main([*args, "--out", str(model)]) == 0
    out = capsys.readouterr().out
    diagnoses = [line.rsplit(",", 1)[1] for line in data.read_text().splitlines()[1:]]
    # The baseline always answers the most frequent diagnosis (benign), right for benign's share of the masses.
    baseline = f"(baseline {diagnoses.count('benign') / len(diagnoses):.4f})"
    assert out.startswith(f"packaged Pipeline on {len(diagnoses)} rows: accuracy ") and baseline in out, out
    assert "; serving form logistic; wrote " in out
    source = tmp_path / "masses.csv"
    source.write_text(
        "".join(line.rsplit(",", 1)[0] + "\n" for line in (CANCER / "data" / "evaluation.csv").read_text().splitlines())
    )
    assert main(["score", str(source), str(tmp_path / "scored.csv"), "--model", str(model), "--no-progress"]) == 0
    header = (tmp_path / "scored.csv").read_text().splitlines()[0]
    assert header.endswith(",diagnosis,probability_malignant,probability_benign"), header
    assert main(["selftest", "--model", str(model)]) == 0
    assert "checks passed" in capsys.readouterr().out


def test_package_refuses_a_classifier_of_other_classes_in_one_line(tmp_path, capsys):
    import pandas as pd
    import skops.io as sio
    from sklearn.linear_model import LogisticRegression

    frame = pd.read_csv(CANCER / "data" / "training.csv")
    target = frame.pop("diagnosis").map({"malignant": "M", "benign": "B"})
    sio.dump(LogisticRegression(max_iter=5000).fit(frame, target), tmp_path / "fitted.skops")
    args = ["package", str(tmp_path / "fitted.skops"), "--data", str(CANCER / "data" / "training.csv")]
    assert main([*args, "--features", str(CANCER / "features"), "--out", str(tmp_path / "model")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "modelgate: error: the model cannot be packaged:",
        "  the model's classes are B, M, the contract declares malignant, benign",
    ]
    assert not (tmp_path / "model").exists()
