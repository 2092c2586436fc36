"""Steps for the batch features: ``modelgate score`` as a user runs it, on a file the step writes. A classifier's output
is read back here with ``csv``: each row's class and the probability of each class, judged by the contract's own
comparisons (``AgreedLabel.met_by``, ``Output.answer_problem``)."""

from __future__ import annotations

import codecs
import csv
import io
import json
import xml.etree.ElementTree as ET

import pandas as pd
from pytest_bdd import given, parsers, then, when

from modelgate.cli import main


@given(parsers.parse('a batch file with the lines "{lines}"'), target_fixture="batch")
@given('a batch file with the lines ""', target_fixture="batch")
def batch_file(tmp_path, lines=""):
    return _batch(tmp_path, codecs.decode(lines, "unicode_escape").encode("utf-8"))


@given(parsers.re(r"a batch file of these rows(?:, the first naming the columns)?"), target_fixture="batch")
def batch_table(tmp_path, datatable):
    """The table's rows as the file's lines, written as any spreadsheet writes them (a cell with a comma quoted)."""
    lines = io.StringIO()
    csv.writer(lines, lineterminator="\n").writerows(datatable)
    return _batch(tmp_path, lines.getvalue().encode("utf-8"))


def _batch(tmp_path, data: bytes) -> dict:
    path = tmp_path / "input.csv"
    path.write_bytes(data)
    return {
        "input": path,
        "bytes": path.read_bytes(),
        "output": tmp_path / "output.csv",
        "report": tmp_path / "report.json",
        "junit": tmp_path / "junit.xml",
    }


@given(
    parsers.re(r"a batch file of the agreed (?P<who>\w+)(?: where line (?P<line>\d+) has an? (?P<name>\w+) of (?P<value>\S+))?"),
    target_fixture="batch",
)
def agreed_batch(tmp_path, stated, line=None, name=None, value=None):
    """A file of the agreed rows (inputs only); one cell replaced when the step says so (line 1 is the header)."""
    rows = [[i.to_text(v) for i, v in zip(stated.inputs, case.values)] for case in stated.golden]
    if line is not None:
        rows[int(line) - 2][stated.names.index(name)] = value
    return _batch(tmp_path, ("\n".join([",".join(stated.names)] + [",".join(r) for r in rows]) + "\n").encode())


@when("the file is scored", target_fixture="run")
def score(batch, model_under_test, capsys):
    code = main(
        [
            "score",
            str(batch["input"]),
            str(batch["output"]),
            "--model",
            str(model_under_test),
            "--report",
            str(batch["report"]),
            "--junit",
            str(batch["junit"]),
        ]
    )
    out, err = capsys.readouterr()
    return {"code": code, "stdout": out, "stderr": err}


@then("the scoring succeeds")
def succeeds(run, batch):
    assert run["code"] == 0, run["stderr"]
    assert batch["output"].exists()


@then(parsers.parse('the output has the input\'s columns plus "{column}", one row per input row'))
def output_columns(batch, column):
    given_ = pd.read_csv(batch["input"], dtype=str, keep_default_na=False)
    scored = pd.read_csv(batch["output"], dtype=str, keep_default_na=False)
    assert list(scored.columns) == [*given_.columns, column]
    pd.testing.assert_frame_equal(scored[given_.columns], given_)


@then(
    parsers.re(
        r"the output has the input's columns plus the (?P<output>\w+) and the probability of each (?P=output), "
        r"one row per input row"
    )
)
def output_class_columns(batch, stated, output):
    assert output == stated.output.name and stated.output.is_class, f"the model answers {stated.output.describe()}"
    given_ = pd.read_csv(batch["input"], dtype=str, keep_default_na=False)
    scored = pd.read_csv(batch["output"], dtype=str, keep_default_na=False)
    assert list(scored.columns) == [*given_.columns, *stated.output.columns]
    pd.testing.assert_frame_equal(scored[given_.columns], given_)


def _classes_scored(path, stated) -> list[tuple[dict, str, dict[str, float]]]:
    """Each scored row: its inputs, the class answered and the probability of each class by name, as written."""
    output = stated.output
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return [
        (
            {spec.name: spec.from_text(row[spec.name]) for spec in stated.inputs},
            row[output.name],
            {c: float(row[output.probability_column(c)]) for c in output.classes},
        )
        for row in rows
    ]


@then(parsers.re(r"each (?P<output>\w+) is the agreed (?P=output) for its (?P<what>\w+)"))
def agreed_answers(batch, golden, stated, output):
    from modelgate.steps.least_squares import read_rows

    if stated.output.is_class:
        scored = _classes_scored(batch["output"], stated)
        assert len(scored) == len(stated.golden), f"{len(scored)} rows scored, {len(stated.golden)} agreed"
        for row, label, probabilities in scored:
            case = golden[tuple(row[n] for n in stated.names)]
            assert stated.output.answer_problem(label, probabilities) is None, stated.output.answer_problem(label, probabilities)
            assert case.met_by(label, probabilities), (row, label, probabilities, case)
        return
    rows, answers = read_rows(batch["output"], stated)
    for row, answer in zip(rows, answers):
        case = golden[tuple(row[n] for n in stated.names)]
        assert case.met_by(answer), (row, answer, case)


@then(parsers.parse('the scoring is rejected, naming {where} and "{problem}"'))
def rejected(run, where, problem):
    assert run["code"] == 1, run
    lines = run["stderr"].splitlines()
    assert "rejected" in lines[0] and "no output written" in lines[0], run["stderr"]
    location = "" if where == "header" else f"{where} "
    assert any(location in line and problem in line for line in lines[1:]), run["stderr"]
    assert "Traceback" not in run["stderr"]


@then("no output file exists")
def no_output(batch):
    leftovers = [p.name for p in batch["output"].parent.iterdir() if p.name.startswith((".output", "output"))]
    assert leftovers == [], leftovers


@then("the input file is unchanged")
def unchanged(batch):
    assert batch["input"].read_bytes() == batch["bytes"]


@then("the failure report and the JUnit file record the problem")
def evidence(batch):
    report = json.loads(batch["report"].read_text())
    assert report["status"] == "rejected" and report["failures"]["total"] > 0
    suite = ET.parse(batch["junit"]).getroot().find("testsuite")
    assert int(suite.get("failures")) > 0
