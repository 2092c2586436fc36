"""A catalogue of hostile CSV inputs to ``modelgate score``, each a named case with its expected outcome: one for the
bundled one-number model, one for the flat price model of several inputs (:mod:`.flats`).

Every case runs the real command (in-process) and checks the same promises: accepted files give exactly the expected
output; rejected files give exit code 1, a first stderr line that summarises the rejection, the rule that was broken
(with its line and column where a row broke it), no traceback, no OUTPUT and no temporary left; the input is never
changed.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest
from modelgate.contracts.reader import read_contract
from modelgate.model import artifact
from modelgate.steps.support import FEATURES

from modelgate.cli import main


@dataclass(frozen=True)
class Hostile:
    content: bytes
    output: bytes | None = None  # accepted: the exact OUTPUT
    problem: str | None = None  # rejected: the rule named in the message


LONG = b"x" * (1 << 20)
# The agreed weights, read from their one home (features/scoring.feature), as the output writes them.
_AGREED = {case.values[0]: repr(case.expected) for case in read_contract(FEATURES).golden}
W72, W60, W625 = _AGREED[72.0], _AGREED[60.0], _AGREED[62.5]

CATALOGUE = {
    "empty file": Hostile(b"", problem="empty file: expected a header line naming 'height'"),
    "only blank lines": Hostile(b"\n\n\n", problem="empty file"),
    "header only": Hostile(b"height\n", problem="header only: no data rows to score"),
    "wrong header": Hostile(b"size\n72\n", problem="column 'height' is missing"),
    "height in another case": Hostile(b"Height\n72\n", problem="column 'height' is missing"),
    "extra columns pass through": Hostile(
        b"id,height,site\nA,72,n\nB,60,s\n", output=f"id,height,site,weight\nA,72,n,{W72}\nB,60,s,{W60}\n".encode()
    ),
    "duplicate height columns": Hostile(b"height,height\n72,60\n", problem="column 'height' is twice or more"),
    "duplicate other columns": Hostile(b"height,id,id\n72,1,2\n", problem="duplicate column names"),
    "a weight column already": Hostile(b"height,weight\n72,1\n", problem="already has a 'weight' column"),
    "UTF-8 byte order mark": Hostile(b"\xef\xbb\xbfheight\n72\n", output=f"height,weight\n72,{W72}\n".encode()),
    "CRLF line endings": Hostile(b"height\r\n72\r\n60\r\n", output=f"height,weight\n72,{W72}\n60,{W60}\n".encode()),
    "CR line endings (old Mac)": Hostile(b"height\r72\r60\r", problem="lines must end with LF or CRLF"),
    "no newline at the end": Hostile(b"height\n72", output=f"height,weight\n72,{W72}\n".encode()),
    "quoted numbers": Hostile(b'height\n"72"\n"62.5"\n', output=f"height,weight\n72,{W72}\n62.5,{W625}\n".encode()),
    "thousands separator, quoted": Hostile(b'height\n"1,000"\n', problem="is_number, got '1,000'"),
    "thousands separator, unquoted": Hostile(b"height\n1,000\n", problem="2 fields, expected 1"),
    "decimal comma": Hostile(b'height\n"72,5"\n', problem="is_number"),
    "NaN": Hostile(b"height\nNaN\n", problem="not_nullable, got nan"),
    "inf": Hostile(b"height\ninf\n", problem="at most 150 inches, got inf"),
    "-inf": Hostile(b"height\n-inf\n", problem="greater than 45 inches, got -inf"),
    "-0": Hostile(b"height\n-0\n", problem="greater than 45 inches, got -0.0"),
    "1e400 (overflows to inf)": Hostile(b"height\n1e400\n", problem="at most 150 inches, got inf"),
    "1e-400 (underflows to 0)": Hostile(b"height\n1e-400\n", problem="greater than 45 inches"),
    "hex number": Hostile(b"height\n0x48\n", problem="is_number"),
    "NUL byte in a value": Hostile(b"height\n7\x002\n", problem="is_number"),
    "very long line (1 MiB), passed through": Hostile(
        b"height,note\n72," + LONG + b"\n", output=b"height,note,weight\n72," + LONG + f",{W72}\n".encode()
    ),
    "line longer than two read blocks (20 MiB)": Hostile(b"height,note\n72," + LONG * 20 + b"\n", problem="a line is too long"),
    "very long number (1 MiB of digits)": Hostile(b"height\n" + b"7" * (1 << 20) + b"\n", problem="at most 150 inches"),
    "non-UTF-8 bytes in a row": Hostile(b"height,name\n72,caf\xe9\n", problem="not UTF-8 text"),
    "non-UTF-8 bytes in the header": Hostile(b"h\xe9ight\n72\n", problem="header is not UTF-8 text"),
    "UTF-16 file": Hostile("height\n72\n".encode("utf-16"), problem="not UTF-8 text"),
    "unterminated quote": Hostile(b'height,note\n72,"open\n60,x\n', problem="unterminated quote"),
}

# The flats (tests/model/batch/flats.py): an accepted case (PRICED) gives its rows with the model's price appended, in
# the file's own column order. A rejected case names the line, the column and the rule its features state.
HEADER = b"area,district,age,garden\n"
PRICED = b""  # accepted: the expected OUTPUT is worked out from the case's content (see _expected_flats)
ONE_OF = "one of North, South, East, West"
FLATS = {
    "a good flat": Hostile(HEADER + b"50,North,10,yes\n", output=PRICED),
    "an age not known (allowed)": Hostile(HEADER + b"50,North,,yes\n80,South,,no\n", output=PRICED),
    "a district the training data never had (allowed)": Hostile(HEADER + b"50,West,10,yes\n", output=PRICED),
    "inputs in another order": Hostile(b"garden,age,district,area\nyes,10,North,50\n", output=PRICED),
    "a quoted district": Hostile(HEADER + b'50,"North",10,yes\n', output=PRICED),
    "CRLF line endings": Hostile(HEADER.replace(b"\n", b"\r\n") + b"50,North,10,yes\r\n", output=PRICED),
    "a district not allowed": Hostile(
        HEADER + b"50,North,10,yes\n50,Nowhere,10,yes\n", problem=f"line 3 (row 2), column 'district': {ONE_OF}, got 'Nowhere'"
    ),
    "a district in another case": Hostile(
        HEADER + b"50,north,10,yes\n", problem=f"line 2 (row 1), column 'district': {ONE_OF}, got 'north'"
    ),
    "a district padded with spaces": Hostile(
        HEADER + b"50, North ,10,yes\n", problem=f"column 'district': {ONE_OF}, got ' North '"
    ),
    "a district that is a number": Hostile(HEADER + b"50,1,10,yes\n", problem=f"column 'district': {ONE_OF}, got '1'"),
    "a quoted district with a comma": Hostile(HEADER + b'50,"North, upper",10,yes\n', problem=f"{ONE_OF}, got 'North, upper'"),
    "no district (not allowed)": Hostile(
        HEADER + b"50,North,10,yes\n50,,10,yes\n", problem="line 3 (row 2), column 'district': not_nullable"
    ),
    "no area (not allowed)": Hostile(HEADER + b",North,10,yes\n", problem="line 2 (row 1), column 'area': not_nullable"),
    "an area above the accepted": Hostile(
        HEADER + b"400.01,North,10,yes\n", problem="line 2 (row 1), column 'area': at most 400 m2, got 400.01"
    ),
    "an area below the accepted": Hostile(HEADER + b"9,North,10,yes\n", problem="column 'area': at least 10 m2, got 9.0"),
    "an age above the accepted": Hostile(
        HEADER + b"50,North,151,yes\n", problem="line 2 (row 1), column 'age': at most 150 years, got 151.0"
    ),
    "an age that is no number": Hostile(HEADER + b"50,North,old,yes\n", problem="column 'age': is_number, got 'old'"),
    "a garden spelled otherwise": Hostile(
        HEADER + b"50,North,10,Yes\n", problem="line 2 (row 1), column 'garden': is_yes_no, got 'Yes'"
    ),
    "a garden as true": Hostile(HEADER + b"50,North,10,true\n", problem="column 'garden': is_yes_no, got 'true'"),
    "no garden (not allowed)": Hostile(HEADER + b"50,North,10,\n", problem="column 'garden': not_nullable"),
    "a column missing": Hostile(b"area,district,garden\n50,North,yes\n", problem="column 'age' is missing"),
    "an input twice": Hostile(b"area,district,age,garden,age\n50,North,10,yes,1\n", problem="column 'age' is twice or more"),
    "a price column already": Hostile(
        b"area,district,age,garden,price\n50,North,10,yes,1\n", problem="already has a 'price' column"
    ),
    "a short row": Hostile(HEADER + b"50,North,10\n", problem="line 2 (row 1): field_count, got 3 fields, expected 4"),
    "non-UTF-8 district": Hostile(HEADER + b"50,Nord\xe9,10,yes\n", problem="not UTF-8 text"),
}


def _run(tmp_path, model, case: Hostile, capsys):
    source, output = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_bytes(case.content)
    code = main(["score", str(source), str(output), "--model", str(model), "--no-progress"])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert source.read_bytes() == case.content, "the input was changed"
    assert not [p.name for p in tmp_path.iterdir() if ".partial-" in p.name], "a temporary was left behind"
    if case.output is not None:
        assert code == 0, err
        return output.read_bytes()
    assert code == 1, (out, err)
    assert not output.exists(), "a rejected input left an output"
    first = err.splitlines()[0]
    assert first.startswith(f"modelgate: {source}: rejected, ") and "no output written" in first, first
    assert case.problem in err, err
    report = json.loads((tmp_path / "out.csv.report.json").read_text())
    assert report["status"] == "rejected" and report["failures"]["total"] >= 1
    return None


@pytest.mark.parametrize("name", list(CATALOGUE))
def test_hostile_input(name, tmp_path, trained_model, capsys):
    case = CATALOGUE[name]
    written = _run(tmp_path, trained_model, case, capsys)
    if case.output is not None:
        assert written == case.output


def _expected_flats(content: bytes, model_dir) -> tuple[list[str], list[list[str]], list[float]]:
    """(the header, the rows as the CSV reader reads their cells, the price scikit-learn's own ``predict`` gives each
    flat on a frame built here with pandas)."""
    loaded = artifact.load(model_dir)
    found = pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False)
    frame = pd.DataFrame(
        {
            "area": found["area"].astype(float),
            "district": found["district"].astype(object),
            "age": found["age"].map(lambda t: float(t) if t else np.nan),
            "garden": found["garden"].map({"yes": True, "no": False}).astype(bool),
        }
    )
    prices = np.round(loaded.estimator.predict(frame[loaded.manifest.inputs]), loaded.contract.output.decimals)
    return [*found.columns, "price"], found.values.tolist(), prices.tolist()


@pytest.mark.parametrize("name", list(FLATS))
def test_hostile_flats(name, tmp_path, flats_model, capsys):
    case = FLATS[name]
    written = _run(tmp_path, flats_model, case, capsys)
    if case.output is not None:
        header, rows, prices = _expected_flats(case.content, flats_model)
        lines = written.decode().split("\n")
        assert lines[0].split(",") == header and lines[-1] == "", written
        assert [line.rsplit(",", 1)[0].split(",") for line in lines[1:-1]] == rows
        assert [float(line.rsplit(",", 1)[1]) for line in lines[1:-1]] == prices


# The penguins example (a classifier): a file already holding a column scoring would add is refused, whichever it is.
PENGUIN_HEADER = b"island,sex,bill_length_mm,bill_depth_mm,flipper_length_mm,body_mass_g"
PENGUIN = b"Biscoe,female,35.5,16.2,195,3350\n"


@pytest.mark.parametrize("column", ["species", "probability_Adelie", "probability_Gentoo"])
def test_a_file_already_holding_an_answer_column_of_the_classifier_is_refused_in_one_line(
    column, tmp_path, penguins_model, capsys
):
    content = PENGUIN_HEADER + f",{column}\n".encode() + PENGUIN.replace(b"\n", b",0.5\n")
    problem = f"input already has a {column!r} column; it would be overwritten"
    _run(tmp_path, penguins_model, Hostile(content, problem=problem), capsys)
    report = json.loads((tmp_path / "out.csv.report.json").read_text())
    assert [(e["column"], e["check"], e["value"]) for e in report["failures"]["examples"]] == [(column, "header", problem)]


def test_a_column_of_another_class_passes_through(tmp_path, penguins_model, capsys):
    """``probability_Emperor`` names no class of the contract: it is one of the file's own columns, kept as it is."""
    content = PENGUIN_HEADER + b",probability_Emperor\n" + PENGUIN.replace(b"\n", b",0.5\n")
    written = _run(tmp_path, penguins_model, Hostile(content, output=PRICED), capsys).decode().splitlines()
    assert written[0] == PENGUIN_HEADER.decode() + ",probability_Emperor,species,probability_Adelie,probability_Chinstrap," + (
        "probability_Gentoo"
    )
    assert written[1].startswith("Biscoe,female,35.5,16.2,195,3350,0.5,")


def test_a_million_bad_rows_are_counted_exactly_and_the_report_is_capped(tmp_path, trained_model, capsys):
    source, output = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_bytes(b"height\n" + b"-1\n" * 999_990 + b"tall\n" * 10)
    assert main(["score", str(source), str(output), "--model", str(trained_model), "--no-progress"]) == 1
    err = capsys.readouterr().err
    # Every bad row once, and the file's verdict for drift (its values, all below the training heights, are judged too).
    assert err.splitlines()[0].endswith("rejected, 1000001 contract violation(s); no output written")
    assert len(err.splitlines()) < 20, "the terminal summary must stay short"
    failures = json.loads((tmp_path / "out.csv.report.json").read_text())["failures"]
    assert failures["total"] == 1_000_001
    found = {(c["check"], c["count"]) for c in failures["by_check"]}
    assert found == {("greater than 45 inches", 999_990), ("is_number", 10), ("input drift", 1)}
    assert len(failures["examples"]) == failures["examples_capped_at"] == 100
    assert not output.exists()
