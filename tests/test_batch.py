"""Streaming batch scoring: chunked, exact row numbers, capped reports, atomic output."""

from __future__ import annotations

import os

import pandas as pd
import pytest
from modelgate.contracts.errors import ModelgateError
from modelgate.model.batch.stream import score_file


def write(path, text):
    path.write_text(text)
    return path


def test_many_small_chunks_give_the_same_output_as_one(tmp_path, scorer):
    source = write(tmp_path / "in.csv", "height\n" + "".join(f"{50 + i % 90}.5\n" for i in range(5000)))
    one = score_file(source, tmp_path / "one.csv", scorer)
    many = score_file(source, tmp_path / "many.csv", scorer, block_size=1024)
    assert one.ok and many.ok and many.rows == 5000
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "many.csv").read_bytes()
    scored = pd.read_csv(tmp_path / "many.csv")
    assert scored["weight"].tolist() == scorer.predict(scored["height"].to_numpy()).tolist()


def test_row_numbers_stay_exact_across_chunks_and_dropped_rows(tmp_path, scorer):
    rows = ["72,a"] * 3000
    rows[10] = "72,a,extra"  # dropped by the parser: later rows must not shift
    rows[2500] = "-1,b"
    source = write(tmp_path / "in.csv", "height,id\n" + "\n".join(rows) + "\n")
    result = score_file(source, tmp_path / "out.csv", scorer, block_size=2048)
    described = sorted((f.check, f.row, f.line) for f in result.failures.examples)
    assert described == [("field_count", 11, 12), ("greater than 45 inches", 2501, 2502)]
    assert not (tmp_path / "out.csv").exists()


def test_the_report_is_capped_but_the_counts_are_exact(tmp_path, scorer):
    source = write(tmp_path / "in.csv", "height\n" + "-1\n" * 25_000 + "abc\n" * 7)
    result = score_file(source, tmp_path / "out.csv", scorer, block_size=4096)
    assert result.failures.total == 25_007
    assert len(result.failures.examples) == result.failures.cap
    counts = {check: n for (_, check), n in result.failures.counts.items()}
    assert counts == {"greater than 45 inches": 25_000, "is_number": 7}


def test_a_rejected_run_leaves_an_existing_output_and_no_temporaries(tmp_path, scorer):
    output = write(tmp_path / "out.csv", "previous results\n")
    source = write(tmp_path / "in.csv", "height\n72\nabc\n")
    assert not score_file(source, output, scorer).ok
    assert output.read_text() == "previous results\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv", "out.csv"]


def test_temporaries_of_a_killed_run_are_removed_by_the_next(tmp_path, scorer):
    stale = write(tmp_path / ".out.csv.partial-999999999-x", "half")
    source = write(tmp_path / "in.csv", "height\n72\n")
    assert score_file(source, tmp_path / "out.csv", scorer).ok
    assert not stale.exists()


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: (d / "missing.csv", d / "out.csv"), "input file not found"),
        (lambda d: (write(d / "in.csv", "height\n1\n"), d / "in.csv"), "must not be the INPUT"),
        (lambda d: (write(d / "in.csv", "height\n1\n"), d / "nowhere" / "out.csv"), "output folder does not exist"),
        (lambda d: (write(d / "in.csv", "height\n1\n"), d), "OUTPUT is a directory"),
    ],
)
def test_unusable_paths_raise_one_clear_error(tmp_path, scorer, make, message):
    source, target = make(tmp_path)
    with pytest.raises(ModelgateError, match=message):
        score_file(source, target, scorer)


def test_the_input_is_never_written(tmp_path, scorer):
    source = write(tmp_path / "in.csv", "height\n72\n")
    os.chmod(source, 0o444)
    assert score_file(source, tmp_path / "out.csv", scorer).ok
    assert source.read_text() == "height\n72\n"


def test_a_published_output_gets_the_usual_file_mode(tmp_path, scorer):
    source = write(tmp_path / "in.csv", "height\n72\n")
    assert score_file(source, tmp_path / "out.csv", scorer).ok
    umask = os.umask(0)
    os.umask(umask)
    assert (tmp_path / "out.csv").stat().st_mode & 0o777 == 0o666 & ~umask
