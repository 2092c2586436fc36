"""``modelgate init`` drafts a contract from a CSV that the reader reads, listing every value still to be agreed;
the gate fails on each (file and line) until a reviewer writes a number there; then ``modelgate package`` packages the
examples' own fitted Pipelines with it and the gate passes on the self-test's evidence. A second init writes nothing
over. The agreed answers written in are computed here from the fitted Pipeline with scikit-learn, not by modelgate.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pandas as pd
import pytest
import skops.io as sio
from modelgate.contracts.reader import ContractError, read_contract
from modelgate.contracts.unagreed import UNAGREED, find
from modelgate.steps.support import ROOT, load_script

from modelgate.cli import main
from tests.features.test_audience import undefined
from tests.modelgate.drafts import agree

PENGUINS, DIABETES = ROOT / "examples" / "penguins", ROOT / "examples" / "diabetes"
CASES = {
    "penguins": (PENGUINS, PENGUINS / "data" / "penguins.csv", "species", "classification"),
    "diabetes": (DIABETES, DIABETES / "data" / "diabetes.csv", "progression", "regression"),
}


def _init(capsys, data, target, out, *extra: str) -> tuple[int, str, str]:
    code = main(["init", "--data", str(data), "--target", target, "--out", str(out), *extra])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _gate(capsys, reports, model, features) -> tuple[int, str]:
    code = main(["gate", str(reports), "--model", str(model), "--features", str(features), "--model-suites", "selftest"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _marked_lines(folder) -> set[tuple[str, int]]:
    """(file, line) of every line of the folder's features holding the marker, read here as plain text."""
    return {
        (str(path), number)
        for path in folder.glob("*.feature")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if UNAGREED in line
    }


@pytest.mark.parametrize("example", list(CASES))
def test_a_draft_lists_what_is_to_be_agreed_until_agreed_then_packages_and_gates(example, tmp_path, capsys):
    folder, data, target, task = CASES[example]
    features, model, reports = tmp_path / "features", tmp_path / "model", tmp_path / "reports"
    code, out, err = _init(capsys, data, target, features, "--task", task)
    assert code == 0, err
    assert sorted(p.name for p in features.iterdir()) == ["model.feature", "quality.feature", "risk.feature", "scoring.feature"]
    assert [undefined(p.read_text(encoding="utf-8")) for p in sorted(features.iterdir())] == [[]] * 4  # words it uses

    # The reader reads the draft and refuses it, one line per value still to be agreed, each naming its file and line.
    with pytest.raises(ContractError) as refused:
        read_contract(features)
    problems = refused.value.problems
    assert problems == find(features) and len(problems) >= 20
    assert all(line.endswith(f" is {UNAGREED}") for line in problems)
    placed = {(m[1], int(m[2])) for m in (re.match(r"(.+), line (\d+): ", line) for line in problems)}
    assert placed == _marked_lines(features)  # every marked line, and no other
    text = "".join(p.read_text(encoding="utf-8") for p in features.glob("*.feature"))
    assert len(problems) == text.count(UNAGREED)  # one line per value
    number = "bill_length_mm" if example == "penguins" else "bmi"
    assert f"{features / 'model.feature'}, line " in problems[0] and f"the unit of {number} is {UNAGREED}" in "\n".join(problems)
    proposed = "from 30 to 60" if example == "penguins" else "from 15 to 45"
    assert f"the accepted values of {number} (proposed: {proposed}) is {UNAGREED}" in "\n".join(problems)

    # package refuses it, one line each, and the gate fails listing each (file and line).
    fitted = load_script(folder / "train_model.py").fit(data)
    sio.dump(fitted, tmp_path / "fitted.skops")
    package = ["package", str(tmp_path / "fitted.skops"), "--data", str(data), "--features", str(features), "--out", str(model)]
    assert main(package) == 2
    err = capsys.readouterr().err
    assert all(f"  {line}" in err.splitlines() for line in problems)
    reports.mkdir()
    (reports / "unit.xml").write_text('<testsuite name="unit" tests="1"><testcase name="t"/></testsuite>', encoding="utf-8")
    code, said = _gate(capsys, reports, model, features)
    assert code == 1
    assert all(f"  {line}" in said.splitlines() for line in problems), said
    assert f"{len(problems)} value(s) in {features} still {UNAGREED}" in said

    # Agreed: package works, the self-test passes, and so does the gate.
    agree(features, fitted, target, task == "classification")
    assert find(features) == []
    assert main(package) == 0, capsys.readouterr().err
    assert main(["selftest", "--model", str(model), "--junit", str(reports / "selftest.xml")]) == 0, capsys.readouterr()
    code, said = _gate(capsys, reports, model, features)
    assert code == 0, said

    # A value put back to be agreed fails the gate again, naming that one line only.
    quality = features / "quality.feature"
    agreed = quality.read_text(encoding="utf-8")
    quality.write_text(agreed.replace(" and 1\n", f" and {UNAGREED}\n", 1), encoding="utf-8")
    code, said = _gate(capsys, reports, model, features)
    assert code == 1 and len(find(features)) == 1 and f"  {find(features)[0]}" in said.splitlines(), said
    quality.write_text(agreed, encoding="utf-8")

    _a_number_without_its_source_fails_the_gate(capsys, reports, model, features)

    # A second init writes over nothing: it names each file it kept.
    before = {p.name: p.read_bytes() for p in features.iterdir()}
    code, out, _ = _init(capsys, data, target, features, "--task", task)
    assert code == 0 and {p.name: p.read_bytes() for p in features.iterdir()} == before
    assert sorted(line.split(":")[0] for line in out.splitlines()[:-1]) == sorted(f"kept {features / n}" for n in before)


def _a_number_without_its_source_fails_the_gate(capsys, reports, model, features) -> None:
    """A number whose source and owner are taken away fails the gate, naming that step's file and line."""
    quality = features / "quality.feature"
    agreed = quality.read_text(encoding="utf-8")
    lines = agreed.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("| source |"))
    quality.write_text("\n".join(lines[:at] + lines[at + 2 :]) + "\n", encoding="utf-8")
    code, said = _gate(capsys, reports, model, features)
    assert code == 1 and f"  {quality}, line {at}: {lines[at - 1].strip().split(' ', 1)[1]!r} states no source" in said, said
    quality.write_text(agreed, encoding="utf-8")


def test_the_task_is_inferred_from_the_answer(tmp_path, capsys):
    _, out, _ = _init(capsys, CASES["penguins"][1], "species", tmp_path / "p")
    assert out.splitlines()[-1].startswith("a classification of species from 6 input(s)")
    _, out, _ = _init(capsys, CASES["diabetes"][1], "progression", tmp_path / "d")
    assert out.splitlines()[-1].startswith("a regression of progression from 10 input(s)")


@pytest.mark.parametrize(
    ("answers", "task"),
    [
        ([191, 189, 193, 162, 189, 182, 211, 167, 176, 154, 169, 166, 154, 247, 193, 202, 176, 157, 156, 138], "regression"),
        ([1, 2, 1, 3, 2, 1, 1, 3, 2, 2, 1, 3, 1, 2, 3, 1, 2, 1, 3, 2], "classification"),  # three codes
        ([0, 1, 1, 0, 1, 0, 0, 1, 1, 0], "classification"),
        ([1.5, 2.25, 1.5, 2.25, 1.5, 2.25, 1.5, 2.25], "regression"),  # a fraction: a measurement
    ],
)
def test_numbers_that_measure_are_a_regression_on_few_rows_too(tmp_path, capsys, answers, task):
    # twenty people's weights (scikit-learn's Linnerud study) have 17 values: too few for "more than 20", yet no classes
    data = tmp_path / "rows.csv"
    data.write_text("x,y\n" + "".join(f"{i},{a}\n" for i, a in enumerate(answers)), encoding="utf-8")
    _, out, _ = _init(capsys, data, "y", tmp_path / "features")
    assert out.splitlines()[-1].startswith(f"a {task} of y from 1 input(s)"), out


def test_the_draft_states_what_the_data_shows(tmp_path, capsys):
    _init(capsys, CASES["penguins"][1], "species", tmp_path)
    model = (tmp_path / "model.feature").read_text(encoding="utf-8")
    assert re.search(r"\| island +\| island +\| +\| category +\| Biscoe, Dream or Torgersen +\| no +\|", model)
    assert re.search(r"\| sex +\|.*\| category +\| female or male +\| yes +\|", model)  # some sexes are missing
    # bill lengths 32.1 to 59.6 mm, rounded outward to a step of 5; flipper lengths are whole numbers
    assert re.search(r"\| bill_length_mm +\|.*\| number +\| from 30 to 60 \(to be agreed\) +\| yes +\|", model)
    assert re.search(r"\| flipper_length_mm +\|.*\| whole number +\|", model)
    assert "one of Adelie, Chinstrap or Gentoo, with the probability of each rounded to 4 decimals" in model
    scoring = (tmp_path / "scoring.feature").read_text(encoding="utf-8")
    species = pd.read_csv(CASES["penguins"][1])["species"]
    assert scoring.count(f"| {UNAGREED} | {UNAGREED} |") == 2 * species.nunique()  # two rows of each species


def _one_line(capsys, *args: str) -> str:
    assert main(["init", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    return err


def test_bad_input_is_one_line(tmp_path, capsys):
    penguins, diabetes = CASES["penguins"][1], CASES["diabetes"][1]
    out = str(tmp_path / "f")
    assert "no such file" in _one_line(capsys, "--data", str(tmp_path / "none.csv"), "--target", "y", "--out", out)
    assert "no column 'mass' to answer; the columns are island, sex" in _one_line(
        capsys, "--data", str(penguins), "--target", "mass", "--out", out
    )
    said = _one_line(capsys, "--data", str(penguins), "--target", "species", "--task", "regression", "--out", out)
    assert "line 2: species is 'Adelie', not a number" in said
    said = _one_line(capsys, "--data", str(diabetes), "--target", "progression", "--task", "classification", "--out", out)
    assert "different numbers: too many to be classes" in said
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("a,b\n1,2\n3\n", encoding="utf-8")
    assert "ragged.csv, line 3: 1 fields, but the header has 2" in _one_line(
        capsys, "--data", str(ragged), "--target", "b", "--out", out
    )
    assert not (tmp_path / "f").exists()
    (tmp_path / "f").write_text("a file, not a folder", encoding="utf-8")
    said = _one_line(capsys, "--data", str(penguins), "--target", "species", "--out", out)
    assert said.endswith("f: cannot make the features folder (File exists)"), said


@pytest.mark.parametrize("example", list(CASES))
def test_an_agreed_draft_passes_its_own_features_run_and_the_gate(example, tmp_path, capsys):
    """The draft's scenarios are the step library's: run as the chain runs features (pytest-bdd, in a subprocess),
    with the training and evaluation data beside the features, then gated on their JUnit."""
    folder, data, target, task = CASES[example]
    features, model, reports = tmp_path / "features", tmp_path / "model", tmp_path / "reports"
    _init(capsys, data, target, features, "--task", task)
    fitted = load_script(folder / "train_model.py").fit(data)
    agree(features, fitted, target, task == "classification")
    if example == "diabetes":  # a reviewer's edit: an evaluation patient's cholesterol of 301 is above the proposed 300
        declared = features / "model.feature"
        declared.write_text(declared.read_text(encoding="utf-8").replace("from 50 to 300", "from 50 to 350"), encoding="utf-8")
    (tmp_path / "data").mkdir()
    shutil.copy(data, tmp_path / "data" / data.name)
    shutil.copy(folder / "data" / "evaluation.csv", tmp_path / "data" / "evaluation.csv")
    sio.dump(fitted, tmp_path / "fitted.skops")
    packaged = ["package", str(tmp_path / "fitted.skops"), "--data", str(data), "--features", str(features), "--out", str(model)]
    assert main(packaged) == 0, capsys.readouterr().err
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "steps", "-q", "-p", "no:cacheprovider", "-o", f"bdd_features_base_dir={features}",
         "--model", str(model), "-m", "not container and not spark and not storage", "-o", "junit_suite_name=bdd",
         f"--junitxml={reports / 'bdd.xml'}"],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=900,
    )  # fmt: skip
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    assert re.search(r"\b([6-9]|1[0-9]) passed\b", run.stdout), run.stdout[-500:]
    code = main(
        ["gate", str(reports), "--require", "bdd", "--model", str(model), "--features", str(features), "--model-suites", "bdd"]
    )
    assert code == 0, capsys.readouterr()


def test_each_kind_is_read_from_the_text_of_the_column(tmp_path):
    from modelgate.draft.observed import outward, read, written

    data = tmp_path / "rows.csv"
    data.write_text(
        "smoker,vaccinated,code,count,ratio,colour,y\nyes,1,1,3,0.25,red,10.5\nno,0,2,14,1.75,,12\nyes,0,1,7,-0.5,blue,13\n",
        encoding="utf-8",
    )
    kinds = {c.name: (c.kind, c.values, c.missing) for c in read(data, "y", "regression").inputs}
    assert kinds == {
        "smoker": ("yes/no", ("yes", "no"), False),
        "vaccinated": ("yes/no", ("1", "0"), False),
        "code": ("category", ("1", "2"), False),  # two whole numbers only: a code
        "count": ("whole number", (), False),
        "ratio": ("number", (), False),
        "colour": ("category", ("blue", "red"), True),
    }
    assert outward(3, 14, whole=True) == (0, 15) and outward(-0.5, 1.75) == (-0.5, 2.0) and outward(18.2, 42.1) == (15, 45)
    assert [written(x) for x in (15.0, 6.5, 0.05, -0.0, 1e6)] == ["15", "6.5", "0.05", "0", "1000000"]
