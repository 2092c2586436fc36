"""``modelgate selftest`` of a classifier (the penguins example, the breast cancer example): it passes, one check per
agreed row of the features (counted here from the files); a model packaged under features whose agreed class or
probability is not what the model answers fails that one check in one line, naming what the model says (its skops
file's own ``predict_proba``, read here); and the quality the features agree (bands, the margin over always answering
the most frequent class, calibration) is judged from the record, the baseline being that class even below a
threshold."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from modelgate.contracts.reader import read_contract
from modelgate.model.package import package
from modelgate.model.train import read_training
from modelgate.steps.support import ROOT, load_script

from modelgate.cli import main
from tests.app.support import own_classes

EXAMPLES = {
    "penguins": (ROOT / "examples" / "penguins", "penguins.csv"),
    "cancer": (ROOT / "examples" / "cancer", "training.csv"),
}


def _agreed_rows(features: Path) -> list[list[str]]:
    """The cells of every row of the agreed table under the step asking for each row below (read here)."""
    lines = (features / "scoring.feature").read_text().splitlines()
    start = next(i for i, line in enumerate(lines) if " of each " in line and line.strip().endswith("below"))
    table = []
    for line in lines[start + 1 :]:
        if not line.strip().startswith("|"):
            break
        table.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return table


def _packaged(example: str, features: Path, out: Path) -> Path:
    folder, data = EXAMPLES[example]
    contract = read_contract(features)
    package(load_script(folder / "train_model.py").fit(), read_training(folder / "data" / data, contract), contract, out)
    return out


@pytest.mark.parametrize("example", EXAMPLES)
def test_a_classifier_passes_every_check(request, example, tmp_path, capsys):
    model = request.getfixturevalue(f"{example}_model")
    junit = tmp_path / "junit.xml"
    assert main(["selftest", "--model", str(model), "--junit", str(junit)]) == 0
    assert "checks passed" in capsys.readouterr().out
    suite = ET.parse(junit).getroot().find("testsuite")
    names = [c.get("name") for c in suite.findall("testcase")]
    assert suite.get("failures") == "0" and suite.get("errors") == "0"
    folder, _ = EXAMPLES[example]
    header, *rows = _agreed_rows(folder / "features")
    contract = read_contract(folder / "features")
    assert len([n for n in names if n.startswith("agreed answer: ")]) >= len(rows) >= 8
    for cells in rows:  # each agreed row is a check of its own, named by its inputs
        wanted = ", ".join(f"{h}={s.to_text(s.from_text(c))}" for h, c, s in zip(header, cells, contract.inputs))
        assert f"agreed answer: {wanted}" in names, wanted
    assert f"response shape: GET /{contract.output.name}" in names
    assert "response shape: a value not accepted gets 422 naming what is" in names


def _changed(example: str, tmp_path: Path, row: int, column: str, value: str) -> tuple[Path, list[str], list[str]]:
    """The example's features with one cell of one agreed row changed: (the features, the header, that row's cells)."""
    folder, _ = EXAMPLES[example]
    features = tmp_path / "features"
    shutil.copytree(folder / "features", features)
    header, *rows = _agreed_rows(features)
    cells = rows[row]
    index = header.index(column)
    scoring = features / "scoring.feature"
    lines = scoring.read_text().splitlines(keepends=True)
    (at,) = [i for i, line in enumerate(lines) if [c.strip() for c in line.strip().strip("|").split("|")] == cells]
    changed = list(cells)
    changed[index] = value
    lines[at] = "      | " + " | ".join(changed) + " |\n"
    scoring.write_text("".join(lines))
    return features, header, cells


@pytest.mark.parametrize(
    ("example", "row", "column", "value"),
    [
        ("cancer", 5, "diagnosis", "benign"),  # malignant at 0.4928: the threshold, not a half, answers it
        ("cancer", 0, "diagnosis", "malignant"),
        ("penguins", 2, "species", "Gentoo"),
        ("cancer", 2, "probability", "0.7636"),  # 0.0201 off the model's 0.7837, beyond the 0.01 agreed
    ],
    ids=["a benign mass answered malignant", "a malignant mass", "a Chinstrap", "a probability moved"],
)
def test_a_model_packaged_under_another_agreed_answer_fails_that_check_in_one_line(example, row, column, value, tmp_path, capsys):
    features, header, cells = _changed(example, tmp_path, row, column, value)
    model = _packaged(example, features, tmp_path / "model")
    contract = read_contract(features)
    asked = {s.name: s.from_text(c) for s, c in zip(contract.inputs, cells)}
    (said,), (probabilities,) = own_classes(model, [asked])
    output = contract.output
    agreed = dict(zip(header, cells)) | {column: value}
    assert main(["selftest", "--model", str(model)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert re.fullmatch(r"modelgate: selftest: 1 of \d+ checks failed", err[0]) and len(err) == 2, err
    label, probability = agreed[output.name], agreed["probability"]
    promise = label if not probability else f"{label} ({float(probability):g} ± 0.01)"
    row_name = ", ".join(f"{s.name}={s.to_text(asked[s.name])}" for s in contract.inputs)
    assert (
        err[1] == f"  agreed answer: {row_name}: the model says {said} ({probabilities[label]:g} for {label}), agreed {promise}"
    )


# -- the quality the features agree ---------------------------------------------------------------------------------
QUALITY = """@model
Feature: Model quality
  Scenario: On masses it was not trained on
    Given the model under test and the training data its record names
    When each fifth of the training masses is predicted by a model fitted on the other four fifths
    Then its accuracy on masses it was not trained on is between {low} and 1
    And its F1 for malignant on masses it was not trained on is between 0.9 and 1
    And its accuracy on masses it was not trained on beats always answering the most frequent diagnosis by at least {margin}
    And its expected calibration error on masses it was not trained on is at most {ece}
"""


def _judged(tmp_path: Path, capsys, **numbers) -> tuple[int, list[str], Path]:
    folder, _ = EXAMPLES["cancer"]
    features = tmp_path / "features"
    shutil.copytree(folder / "features", features)
    (features / "quality.feature").write_text(QUALITY.format(**({"low": 0.9, "margin": 0.3, "ece": 0.05} | numbers)))
    model = _packaged("cancer", features, tmp_path / "model")
    code = main(["selftest", "--model", str(model)])
    return code, capsys.readouterr().err.splitlines(), model


def test_the_agreed_quality_of_a_classifier_passes(tmp_path, capsys):
    code, err, _ = _judged(tmp_path, capsys)
    assert code == 0, err


def test_the_baseline_is_the_most_frequent_class_even_below_the_threshold(tmp_path, capsys):
    """Benign is the most frequent diagnosis (about 62 in 100 training masses); malignant's share is above the 0.3
    threshold, yet the baseline answers benign: its accuracy is benign's share, counted here from the training file."""
    folder, data = EXAMPLES["cancer"]
    diagnoses = [line.rsplit(",", 1)[1] for line in (folder / "data" / data).read_text().splitlines()[1:]]
    benign = diagnoses.count("benign") / len(diagnoses)
    assert 0.3 < 1 - benign < 0.5
    code, err, model = _judged(tmp_path, capsys, margin=0.35)
    accuracy = json.loads((model / "manifest.json").read_text())["metrics"]["cv"]["accuracy"]
    assert accuracy - benign < 0.35 < accuracy - (1 - benign)  # a baseline answering malignant would pass
    assert code == 1 and len(err) == 2, err
    assert err[1] == (
        "  baseline: accuracy beats always answering the most frequent class: accuracy "
        f"{accuracy:.4f} against the most-frequent-class baseline's {benign:.4f}: not better by the agreed 0.35"
    )


@pytest.mark.parametrize(
    ("numbers", "check"),
    [({"low": 0.97}, "accuracy band"), ({"ece": 0.001}, "calibration")],
    ids=["a band above its accuracy", "a calibration limit below its error"],
)
def test_a_classifier_outside_its_agreed_quality_fails_that_check(tmp_path, capsys, numbers, check):
    code, err, _ = _judged(tmp_path, capsys, **numbers)
    assert code == 1 and len(err) == 2 and err[1].startswith(f"  {check}"), err
