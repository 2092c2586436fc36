"""Steps for the Spark engine feature: ``modelgate score --engine spark`` next to the default engine."""

from __future__ import annotations

import json
import shutil

from modelgate.steps.support import rows_like_training
from pytest_bdd import given, parsers, then, when

from modelgate.cli import main

SITES = ["north", "south, east", "west"]  # one needs quotes in CSV: the quoting path must agree too


def _generated(stated, training_data, rows: int, bad: dict[int, str] | None = None) -> str:
    """``rows`` rows of the training data's inputs, over and over (a file the drift check accepts), between an id and a
    site column; a ``bad`` line's first number input holds the text given instead."""
    bad = bad or {}
    first = next(i for i, spec in enumerate(stated.inputs) if spec.numeric)
    lines = ["id," + ",".join(stated.names) + ",site"]
    like_training = rows_like_training(training_data, stated, rows)
    for row in range(1, rows + 1):
        cells = list(like_training[row - 1])
        if row + 1 in bad:  # line = row + 1 (the header is line 1)
            cells[first] = bad[row + 1]
        site = SITES[row % len(SITES)]
        lines.append(f"P-{row},{','.join(cells)},{site if ',' not in site else chr(34) + site + chr(34)}")
    return "\n".join(lines) + "\n"


@given("the example batch file", target_fixture="batch")
def example(tmp_path, features_dir):
    source = tmp_path / "input.csv"
    shutil.copyfile(features_dir.parent / "data" / "sample_input.csv", source)
    return source


@given(parsers.parse("a generated batch file of {rows:d} rows with an id column and a site column"), target_fixture="batch")
def generated(tmp_path, stated, training_data, rows):
    source = tmp_path / "input.csv"
    source.write_text(_generated(stated, training_data, rows))
    return source


@given(
    parsers.parse('a generated batch file of {rows:d} rows where line {first:d} holds "{a}" and line {second:d} holds "{b}"'),
    target_fixture="batch",
)
def generated_bad(tmp_path, stated, training_data, rows, first, a, second, b):
    source = tmp_path / "input.csv"
    source.write_text(_generated(stated, training_data, rows, {first: a, second: b}))
    return source


@when("it is scored by the default engine and by the Spark engine", target_fixture="runs")
def score_both(batch, model_under_test, spark, capsys):
    runs = {}
    for engine in ("pandas", "spark"):
        out = batch.with_name(f"output-{engine}.csv")
        report = batch.with_name(f"report-{engine}.json")
        code = main(
            [
                "score",
                str(batch),
                str(out),
                "--engine",
                engine,
                "--model",
                str(model_under_test),
                "--report",
                str(report),
                "--junit",
                str(batch.with_name(f"junit-{engine}.xml")),
                "--no-progress",
            ]
        )
        _, err = capsys.readouterr()
        assert "Traceback" not in err
        runs[engine] = {
            "code": code,
            "output": out,
            "report": json.loads(report.read_text()),
            "stderr": err,
            "junit": batch.with_name(f"junit-{engine}.xml").read_bytes(),
        }
    return runs


@then("both engines succeed")
def both_succeed(runs):
    for engine, run in runs.items():
        assert run["code"] == 0, (engine, run["stderr"])


@then("the two output files are identical, byte for byte")
def identical(runs):
    assert runs["spark"]["output"].read_bytes() == runs["pandas"]["output"].read_bytes()


@then(parsers.parse("Spark read the file in at least {parts:d} parts"))
def partitions(spark, batch, parts):
    assert spark.read.text(str(batch)).rdd.getNumPartitions() >= parts


@then("both engines reject the file, and neither wrote an output file")
def both_reject(runs):
    for engine, run in runs.items():
        assert run["code"] == 1, (engine, run["stderr"])
        assert not run["output"].exists(), engine


@then("both failure reports count the same violations of the same checks")
def same_counts(runs):
    def counts(engine):
        return sorted(json.dumps(c) for c in runs[engine]["report"]["failures"]["by_check"])

    assert counts("spark") == counts("pandas")
    assert runs["spark"]["report"]["rows"] == runs["pandas"]["report"]["rows"]


@then(parsers.parse('the Spark engine\'s report names line {first:d} with "{a}" and line {second:d} with "{b}"'))
def names_lines(runs, first, a, second, b):
    found = [(e["line"], e["check"]) for e in runs["spark"]["report"]["failures"]["examples"]]
    for line, check in ((first, a), (second, b)):
        assert any(got == line and check in name for got, name in found), found


@then("both JUnit files are identical")
def same_junit(runs):
    assert runs["spark"]["junit"] == runs["pandas"]["junit"]
