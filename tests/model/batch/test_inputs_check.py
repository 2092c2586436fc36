"""The drift and extrapolation check of a batch file (``model.batch.inputs_check``) for the bundled one-number model,
as ``modelgate score`` reports it: the report's ``inputs`` section against an independent computation in plain Python
over the same file (bins, shares, stability index, the lines of the extrapolated rows); the file read once; and what a
refused file leaves behind: no output, no temporary, a report listing every problem. For a model of several inputs:
test_inputs_check_flats.py."""

from __future__ import annotations

import csv
import json
import math
import random
import re
from pathlib import Path

import pytest
from modelgate.contracts.reader import read_contract
from modelgate.model import artifact
from modelgate.model.batch import BLOCK_SIZE
from modelgate.model.batch.engines import score
from modelgate.model.batch.inputs_check import Policy
from modelgate.steps.support import FEATURES, TRAINING_DATA, psi_by_definition, rows_like_training, temporaries

from tests.model.batch.support import LINES_LISTED, run

WHITESPACE_ROWS = 300_000  # padded cells, read as text, only in the first blocks: the later ones take the fast path
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?inf")


def number(cell: str) -> float | None:
    """A cell's number as a CSV reader reads it (a decimal number, or an infinity); None for a blank or no number."""
    text = cell.strip()
    return float(text) if _NUMBER.fullmatch(text) else None


def bin_of(value: float, cuts: list[float]) -> int:
    """The drift bin of a number, by the definition: bin 0 holds x <= cuts[0], bin i holds cuts[i-1] < x <= cuts[i]."""
    return next((i for i, cut in enumerate(cuts) if value <= cut), len(cuts))


def training_column(path: Path, name: str) -> list[str]:
    with open(path, newline="") as handle:
        return [row[name] for row in csv.DictReader(handle)]


# -- the bundled one-number model -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def heights_profile(trained_model) -> dict:
    return artifact.load(trained_model).manifest.training_data["profile"]["height"]


@pytest.fixture(scope="module")
def trained_heights() -> tuple[float, float]:
    """The lowest and the highest training height, read from the training data."""
    heights = [float(h) for h in training_column(TRAINING_DATA, "height")]
    return min(heights), max(heights)


def test_refusing_extrapolations_writes_a_report_naming_their_lines(
    tmp_path, trained_model, trained_heights, monkeypatch, capsys
):
    monkeypatch.setenv("MODELGATE_EXTRAPOLATION", "refuse")
    low, high = trained_heights
    assert low > 50 and high < 80, "the file below holds two heights outside the training heights"
    source, output = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("height\n70\nabc\n80\n66\n50\n")
    code, err = run(["score", str(source), str(output), "--model", str(trained_model)], capsys)
    assert code == 1
    assert "Traceback" not in err and "2 × column 'height': outside the training data" in err, err
    report = json.loads((tmp_path / "out.csv.report.json").read_text())
    found = [(e["line"], e["column"], e["check"], e["value"]) for e in report["failures"]["examples"]]
    assert found == [
        (3, "height", "is_number", "'abc'"),
        (4, "height", "outside the training data", "80.0"),
        (6, "height", "outside the training data", "50.0"),
    ]
    assert report["inputs"]["extrapolated"] == {"count": 2, "lines": [4, 6], "by_input": {"height": 2}}
    assert report["inputs"]["extrapolation"] == "refused"
    assert not output.exists()


def _write_heights(path: Path, rows: int, bad_cells: bool) -> None:
    """A seeded file of ``rows`` heights over several 2 MiB read blocks: the training people's heights, heights
    outside them but accepted, padded cells; with ``bad_cells`` also blank lines and cells that are no number or
    no accepted height (the guard rejects the file, the check still reports its values)."""
    training = training_column(TRAINING_DATA, "height")
    rng = random.Random(29)
    cells = ["abc"] if bad_cells else []  # first: every listed line after it depends on its row being kept
    for row in range(len(cells), rows):
        draw = rng.random()
        if draw < 0.0001 and bad_cells:
            cells.append("")
        elif draw < 0.0002 and row < WHITESPACE_ROWS:
            cells.append(f" {rng.choice(training)} ")
        elif draw < 0.0003 and bad_cells:
            cells.append(rng.choice(["abc", "200", "30", "-5", "inf", "7O"]))
        elif draw < 0.02:
            cells.append(f"{rng.uniform(45.5, 149.5):.{rng.randint(0, 2)}f}")
        else:
            cells.append(rng.choice(training))
    path.write_text("height\n" + "\n".join(cells) + "\n")


def _expected_heights(path: Path, found: dict, trained: tuple[float, float], column: int = 0) -> dict:
    """The report's ``inputs`` section by the definitions, in plain Python over the file's lines: every row counts,
    every number in it is binned by the training deciles (a blank, no number or a short row: no value), and a number
    outside the lowest and highest training height is an extrapolation."""
    cuts = found["deciles"]
    counts, rows, lines = [0] * (len(cuts) + 1), 0, []
    for line, row in enumerate(csv.reader(path.read_text().splitlines()[1:]), start=2):
        rows += 1
        height = number(row[column]) if len(row) > column else None
        if height is None:
            continue
        counts[bin_of(height, cuts)] += 1
        if height < trained[0] or height > trained[1]:
            lines.append(line)
    return {"counts": counts, "rows": rows, "lines": lines}


def _assert_heights(inputs: dict, expected: dict, found: dict, trained: tuple[float, float]) -> None:
    lines = expected["lines"]
    assert inputs["extrapolated"] == {"count": len(lines), "lines": lines[:LINES_LISTED], "by_input": {"height": len(lines)}}
    judged = sum(expected["counts"])
    assert inputs["histograms"] == {"height": {"training": found["shares"], "file": [n / judged for n in expected["counts"]]}}
    assert inputs["training"] == {"height": {"min": trained[0], "max": trained[1]}}
    psi = psi_by_definition(expected["counts"], found["shares"])
    drift = inputs["drift"]
    assert math.isclose(drift["psi"], psi, rel_tol=1e-12), (drift["psi"], psi)
    limits = read_contract(FEATURES).drift
    assert drift == {
        "verdict": "stable",
        "psi": drift["psi"],
        "by_input": {"height": {"psi": drift["psi"], "verdict": "stable"}},
        "warn": limits.warn,
        "refuse": limits.refuse,
        "min_rows": limits.min_rows,
        "small_rows": limits.small_rows,
        "small_refuse": limits.small_refuse,
        "rows": expected["rows"],
    }


@pytest.mark.parametrize("bad_cells", [False, True], ids=["scored", "rejected by the guard"])
def test_the_inputs_section_is_the_one_computed_independently(
    tmp_path, trained_model, heights_profile, trained_heights, bad_cells, capsys
):
    source, output, report = tmp_path / "in.csv", tmp_path / "out.csv", tmp_path / "report.json"
    _write_heights(source, 1_500_000, bad_cells)
    assert source.stat().st_size > 3 * BLOCK_SIZE, "the file must span several read blocks"
    code, err = run(["score", str(source), str(output), "--model", str(trained_model), "--report", str(report)], capsys)
    assert code == (1 if bad_cells else 0), err
    expected = _expected_heights(source, heights_profile, trained_heights)
    _assert_heights(json.loads(report.read_text())["inputs"], expected, heights_profile, trained_heights)
    assert output.exists() != bad_cells


def test_a_file_rejected_for_a_short_row_still_has_all_its_values_judged(
    tmp_path, trained_model, heights_profile, trained_heights, capsys
):
    # The guard drops a row with too few fields from its parse; the check counts it, as a row with no height.
    source, report = tmp_path / "in.csv", tmp_path / "report.json"
    _write_heights(source, 50_000, bad_cells=False)
    rows = [f"{i},{cell}" for i, cell in enumerate(source.read_text().splitlines()[1:])]
    rows[700] = "700"
    source.write_text("id,height\n" + "\n".join(rows) + "\n")
    args = ["score", str(source), str(tmp_path / "out.csv"), "--model", str(trained_model), "--report", str(report)]
    code, err = run(args, capsys)
    assert code == 1 and "line 702 (row 701): field_count, got 1 fields, expected 2" in err, err
    expected = _expected_heights(source, heights_profile, trained_heights, column=1)
    _assert_heights(json.loads(report.read_text())["inputs"], expected, heights_profile, trained_heights)


def _bytes_read() -> int:
    """Bytes this process has read so far, by the kernel's count (whatever library did the reading)."""
    fields = dict(line.split(": ") for line in Path("/proc/self/io").read_text().splitlines())
    return int(fields["rchar"])


def test_the_file_is_read_once_for_scoring_and_the_drift_check(tmp_path, trained_model):
    source, warm_up = tmp_path / "in.csv", tmp_path / "small.csv"
    _write_heights(source, 2_000_000, bad_cells=False)
    _write_heights(warm_up, 1_000, bad_cells=False)
    loaded = artifact.load(trained_model)
    policy, scorer = Policy.of(loaded.contract, loaded.manifest.training_data["profile"]), loaded.scorer()
    score(warm_up, tmp_path / "small-out.csv", scorer, policy=policy)  # lazy imports happen here
    before = _bytes_read()
    result = score(source, tmp_path / "out.csv", scorer, policy=policy)
    read = _bytes_read() - before
    assert result.ok and result.inputs["drift"]["verdict"] == "stable", result.failures.summary()
    size = source.stat().st_size
    assert size <= read < 1.2 * size, f"read {read:,} bytes of a {size:,}-byte file: it was read {read / size:.2f} times"


HEIGHTS_LIKE_TRAINING_CM = [
    f"{float(row[0]) * 2.54:.1f}" for row in rows_like_training(TRAINING_DATA, read_contract(FEATURES), 3000)
]


@pytest.mark.parametrize(
    ("cells", "refuse_extrapolation", "guard"),
    [
        ([f"{100 + i % 50}" for i in range(3000)], False, {}),
        ([f"{100 + i % 50}" for i in range(3000)], True, {"outside the training data": 3000}),
        (HEIGHTS_LIKE_TRAINING_CM, False, {"at most 150 inches": sum(float(h) > 150 for h in HEIGHTS_LIKE_TRAINING_CM)}),
    ],
    ids=["accepted heights, far above the training heights", "the same, extrapolations refused", "centimetres"],
)
def test_a_file_refused_for_drift_leaves_no_output_no_temporary_and_lists_every_problem(
    tmp_path, trained_model, monkeypatch, capsys, cells, refuse_extrapolation, guard
):
    monkeypatch.setenv("MODELGATE_EXTRAPOLATION", "refuse" if refuse_extrapolation else "flag")
    source, output = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("height\n" + "\n".join(cells) + "\n")
    output.write_bytes(b"the previous output\n")
    code, err = run(["score", str(source), str(output), "--model", str(trained_model)], capsys)
    assert code == 1 and "input drift" in err, err
    assert output.read_bytes() == b"the previous output\n", "a refused file replaced OUTPUT"
    assert temporaries(tmp_path) == [], "a refused file left a temporary"
    report = json.loads((tmp_path / "out.csv.report.json").read_text())
    assert report["status"] == "rejected" and report["output"] is None
    assert {c["check"]: c["count"] for c in report["failures"]["by_check"]} == {**guard, "input drift": 1}
    drift = report["inputs"]["drift"]
    assert drift["verdict"] == "refused" and drift["psi"] >= read_contract(FEATURES).drift.refuse
