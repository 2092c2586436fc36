"""The Spark engine (``model.batch.spark``) against the pandas engine on awkward files: the same verdict, the same
failures, the same bytes, the same reports (marked spark: needs Java + PySpark). For the bundled one-number model and
for the flat price model of several inputs (:mod:`.flats`), with the drift and extrapolation check."""

from __future__ import annotations

import json

import pytest
from modelgate.model import artifact
from modelgate.model.batch import run_report
from modelgate.model.batch.engines import score
from modelgate.model.batch.inputs_check import Policy
from modelgate.model.batch.spark import score_file_spark
from modelgate.model.batch.stream import score_file
from modelgate.steps.support import TRAINING_DATA, rows_like_training

from modelgate.cli import main
from tests.model.batch import flats

CASES = {
    "header only": b"height\n",
    "no final newline": b"height\n61\n63.25",
    "windows line ends": b"id,height\r\nA,61\r\nB,63\r\n",
    "byte order mark": b"\xef\xbb\xbfheight\n61\n",
    "quoted extra column": b'height,note\n61,"a, b"\n63,plain\n',
    "blank line": b"height\n61\n\n63\n",
    "not UTF-8": b"height,name\n61,caf\xe9\n",
    "too many fields": b"height\n61\n62,9\n",
    "bad header": b"size\n61\n",
}


def test_a_bad_header_is_rejected_before_spark_starts(tmp_path, scorer):
    source = tmp_path / "in.csv"
    source.write_bytes(b"weight\n1\n")
    result = score_file_spark(source, tmp_path / "out.csv", scorer, spark=None)  # no session: none is needed
    assert not result.ok and not (tmp_path / "out.csv").exists()
    assert [f.check for f in result.failures.examples] == ["header", "header"]  # no height; a weight already


def test_master_needs_the_spark_engine(tmp_path, trained_model, capsys):
    source = tmp_path / "in.csv"
    source.write_bytes(b"height\n61\n")
    code = main(["score", str(source), str(tmp_path / "o.csv"), "--master", "local[1]", "--model", str(trained_model)])
    assert code == 2 and capsys.readouterr().err == "modelgate: error: --master needs --engine spark\n"


def test_a_folder_of_parts_needs_the_spark_engine(tmp_path, trained_model, capsys):
    source = tmp_path / "in.csv"
    source.write_text("height\n61\n")
    assert main(["score", str(source), f"{tmp_path}/parts/", "--model", str(trained_model)]) == 2
    assert "needs --engine spark" in capsys.readouterr().err


@pytest.mark.spark
@pytest.mark.parametrize("data", CASES.values(), ids=CASES.keys())
def test_spark_matches_pandas(tmp_path, scorer, spark, data):
    source = tmp_path / "in.csv"
    source.write_bytes(data)
    expected = score_file(source, tmp_path / "pandas.csv", scorer)
    got = score_file_spark(source, tmp_path / "spark.csv", scorer, spark=spark)
    assert got.ok == expected.ok
    assert got.rows == expected.rows
    assert dict(got.failures.counts) == dict(expected.failures.counts)
    assert [(f.row, f.check) for f in got.failures.examples] == [(f.row, f.check) for f in expected.failures.examples]
    if expected.ok:
        assert (tmp_path / "spark.csv").read_bytes() == (tmp_path / "pandas.csv").read_bytes()
    else:
        assert not (tmp_path / "spark.csv").exists()


@pytest.mark.spark
def test_an_output_ending_with_a_slash_is_a_folder_of_parts(tmp_path, trained_model, spark, capsys):
    source = tmp_path / "in.csv"
    rows = rows_like_training(TRAINING_DATA, artifact.load(trained_model).contract, 40_000)  # drift would refuse 55-95
    source.write_text("height\n" + "".join(f"{row[0]}\n" for row in rows))
    code = main(["score", str(source), f"{tmp_path}/parts/", "--engine", "spark", "--model", str(trained_model)])
    assert code == 0, capsys.readouterr().err
    parts = sorted((tmp_path / "parts").iterdir())
    assert len(parts) > 1 and all(p.read_text().startswith("height,weight\n") for p in parts)
    main(["score", str(source), str(tmp_path / "one.csv"), "--model", str(trained_model)])
    joined = "height,weight\n" + "".join(p.read_text().split("\n", 1)[1] for p in parts)
    assert joined == (tmp_path / "one.csv").read_text()
    assert main(["score", str(source), f"{tmp_path}/parts/", "--engine", "spark", "--model", str(trained_model)]) == 2
    assert "not empty" in capsys.readouterr().err


# -- a model of several inputs ----------------------------------------------------------------------------------------


REPEAT = 12  # the training flats this many times over: about 110 KB, two Spark partitions of 64 KB


def _flats_file(flats_training, change=None) -> bytes:
    """Training flats over and over, an id column first, with ``change(rows)`` applied; some ages blank, as in the
    training data."""
    rows = [[f"f{i}", *r] for i, r in enumerate(flats.training_rows(flats_training) * REPEAT)]
    if change is not None:
        change(rows)
    lines = ["id," + ",".join(flats.NAMES), *(",".join(r) for r in rows)]
    return ("\n".join(lines) + "\n").encode()


def _set(row: int, column: str, cell: str):
    def change(rows):
        rows[row][1 + flats.NAMES.index(column)] = cell

    return change


def _both(*changes):
    def change(rows):
        for each in changes:
            each(rows)

    return change


FLATS_CASES = {
    "good, with unseen values": _both(_set(3, "district", "West"), _set(2500, "area", "399"), _set(4700, "age", "")),
    "a district not allowed": _set(3650, "district", "Nowhere"),
    "a district missing": _set(20, "district", ""),
    "an area out of range": _both(_set(10, "area", "0"), _set(4790, "area", "401")),
    "an age not a number": _set(300, "age", "old"),
    "a garden spelled otherwise": _set(444, "garden", "Yes"),
    "every district in the North": lambda rows: [r.__setitem__(2, "North") for r in rows],
}


@pytest.fixture(scope="module")
def flats_policy(flats_loaded):
    return Policy.of(flats_loaded.contract, flats_loaded.manifest.training_data["profile"])


def _evidence(result, contract, folder):
    """The run report (its timing and its OUTPUT, in the engine's own folder, left out) and the JUnit file's bytes."""
    report = run_report.to_dict(result)
    assert report.pop("output") in (None, str(folder / "out.csv"))
    report.pop("seconds")
    run_report.write_batch_junit(result, folder / "junit.xml", contract)
    return json.dumps(report, sort_keys=True), (folder / "junit.xml").read_bytes()


@pytest.mark.spark
@pytest.mark.parametrize("case", list(FLATS_CASES))
def test_spark_writes_the_same_bytes_and_reports_as_pandas_for_flats(
    case, tmp_path, flats_scorer, flats_policy, flats_training, spark
):
    source = tmp_path / "in.csv"
    source.write_bytes(_flats_file(flats_training, FLATS_CASES[case]))
    results = {}
    for engine in ("pandas", "spark"):
        (tmp_path / engine).mkdir()
        output = tmp_path / engine / "out.csv"
        result = score(source, output, flats_scorer, engine=engine, spark=spark, policy=flats_policy)
        results[engine] = result, output
    (pandas, pandas_out), (spark_result, spark_out) = results["pandas"], results["spark"]
    assert source.stat().st_size > 65536, "the file must span more than one Spark partition (steps/spark_session.py)"
    assert spark_result.rows == pandas.rows == REPEAT * len(flats.training_rows(flats_training))
    assert spark_result.failures.examples == pandas.failures.examples
    assert spark_result.inputs == pandas.inputs and pandas.inputs is not None
    assert _evidence(spark_result, flats_scorer.contract, tmp_path / "spark") == _evidence(
        pandas, flats_scorer.contract, tmp_path / "pandas"
    )
    assert spark_out.exists() == pandas_out.exists() == pandas.ok == (case == "good, with unseen values")
    if pandas.ok:
        assert spark_out.read_bytes() == pandas_out.read_bytes()
        assert spark_out.read_bytes().startswith(b"id,area,district,age,garden,price\nf0,")
