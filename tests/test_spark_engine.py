"""The Spark engine against the pandas engine on awkward files (marked spark: needs Java + PySpark)."""

from __future__ import annotations

import pytest
from modelgate.model.batch.spark import score_file_spark
from modelgate.model.batch.stream import score_file

from modelgate.cli import main
from steps.support import heights_like_training

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


def test_master_needs_the_spark_engine(tmp_path, trained_model, capsys):
    source = tmp_path / "in.csv"
    source.write_bytes(b"height\n61\n")
    code = main(["score", str(source), str(tmp_path / "o.csv"), "--master", "local[1]", "--model", str(trained_model)])
    assert code == 2 and capsys.readouterr().err == "modelgate: error: --master needs --engine spark\n"


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
    source.write_text("height\n" + "".join(f"{h}\n" for h in heights_like_training(40000)))  # drift would refuse 55-95
    code = main(["score", str(source), f"{tmp_path}/parts/", "--engine", "spark", "--model", str(trained_model)])
    assert code == 0, capsys.readouterr().err
    parts = sorted((tmp_path / "parts").iterdir())
    assert len(parts) > 1 and all(p.read_text().startswith("height,weight\n") for p in parts)
    main(["score", str(source), str(tmp_path / "one.csv"), "--model", str(trained_model)])
    joined = "height,weight\n" + "".join(p.read_text().split("\n", 1)[1] for p in parts)
    assert joined == (tmp_path / "one.csv").read_text()
    assert main(["score", str(source), f"{tmp_path}/parts/", "--engine", "spark", "--model", str(trained_model)]) == 2
    assert "not empty" in capsys.readouterr().err


def test_a_folder_of_parts_needs_the_spark_engine(tmp_path, trained_model, capsys):
    source = tmp_path / "in.csv"
    source.write_text("height\n61\n")
    assert main(["score", str(source), f"{tmp_path}/parts/", "--model", str(trained_model)]) == 2
    assert "needs --engine spark" in capsys.readouterr().err
