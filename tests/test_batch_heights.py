"""The drift and extrapolation check of a batch file, as ``modelgate score`` reports it: the report's
``heights`` section against an independent computation in plain Python over the same file (bins, shares,
stability index, the lines of the extrapolated rows), the file read once, and what a refused file leaves
behind: no output, no temporary, a report listing every problem."""

from __future__ import annotations

import csv
import json
import math
import random
from pathlib import Path

import numpy as np
import pytest
from modelgate.contracts.risk import accepted_heights, drift_limits
from modelgate.model import artifact, drift
from modelgate.model.batch.engines import score
from modelgate.model.batch.stream import BLOCK_SIZE

from modelgate.cli import main
from steps.support import FEATURES, TRAINING_DATA, drift_bin, heights_like_training, load_scorer, psi_by_definition, temporaries


def test_refusing_extrapolations_writes_a_report_naming_their_lines(tmp_path, trained_model, monkeypatch, capsys):
    monkeypatch.setenv("MODELGATE_EXTRAPOLATION", "refuse")
    source, output = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("height\n70\nabc\n80\n66\n50\n")  # the training heights run from 55 to 76.7 inches
    args = ["score", str(source), str(output), "--model", str(trained_model), "--features", str(FEATURES), "--no-progress"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "2 × column 'height': outside the training heights" in err, err
    report = json.loads((tmp_path / "out.csv.report.json").read_text())
    found = [(e["line"], e["check"], e["value"]) for e in report["failures"]["examples"]]
    assert found == [
        (3, "is_number", "'abc'"),
        (4, "outside the training heights", "80.0"),
        (6, "outside the training heights", "50.0"),
    ]
    assert report["heights"]["extrapolated"] == {"count": 2, "lines": [4, 6]}
    assert not output.exists()


@pytest.mark.parametrize("cuts", [[60.0, 64.5, 66.0, 70.25, 72.0], [60.0, 66.0, 66.0, 72.0], [66.0]])
def test_bin_counts_follow_the_cuts_at_their_edges(cuts):
    edges = [x for cut in cuts for x in (math.nextafter(cut, -math.inf), cut, math.nextafter(cut, math.inf))]
    rng = random.Random(11)
    heights = edges + [math.nan, math.inf, -math.inf, 0.0] + [rng.uniform(40, 90) for _ in range(5000)]
    expected = [0] * (len(cuts) + 1)
    for height in heights:
        expected[drift_bin(height, cuts)] += 1
    assert drift.counts(np.array(heights), cuts).tolist() == expected
    assert drift.counts(np.array([]), cuts).tolist() == [0] * (len(cuts) + 1)


LINES_LISTED = 100  # the report lists the first 100 extrapolated lines (and counts them all)
WHITESPACE_ROWS = 300_000  # padded cells, read as text, only in the first blocks: the later ones take the fast path


def _write_heights(path: Path, rows: int, bad_cells: bool) -> None:
    """A seeded file of ``rows`` heights over several 2 MiB read blocks: the training people's heights, heights
    outside them but accepted, padded cells; with ``bad_cells`` also blank lines and cells that are no number or
    no accepted height (the guard rejects the file, the check still reports its heights)."""
    training = [line.split(",")[0] for line in TRAINING_DATA.read_text().splitlines()[1:]]
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


def _expected_heights(path: Path, profile: dict, column: int = 0) -> dict:
    """The report's heights section by the definitions, in plain Python over the file's lines (a short row: no height)."""
    cuts, low = profile["deciles"], accepted_heights(FEATURES).low  # below it no height is judged
    counts, judged, lines = [0] * (len(cuts) + 1), 0, []
    for line, row in enumerate(csv.reader(path.read_text().splitlines()[1:]), start=2):
        try:
            height = float(row[column].strip()) if len(row) > column else math.nan
        except ValueError:  # no number: the guard reports it
            continue
        if not (math.isfinite(height) and height > low):
            continue
        judged += 1
        counts[drift_bin(height, cuts)] += 1
        if height < profile["min"] or height > profile["max"]:
            lines.append(line)
    return {"counts": counts, "judged": judged, "lines": lines}


@pytest.fixture(scope="module")
def profile(trained_model) -> dict:
    return drift.training_heights(artifact.load(trained_model).manifest)


@pytest.mark.parametrize("bad_cells", [False, True], ids=["scored", "rejected by the guard"])
def test_the_heights_section_is_the_one_computed_independently(tmp_path, trained_model, profile, bad_cells, capsys):
    source, output, report = tmp_path / "in.csv", tmp_path / "out.csv", tmp_path / "report.json"
    _write_heights(source, 1_500_000, bad_cells)
    assert source.stat().st_size > 3 * BLOCK_SIZE, "the file must span several read blocks"
    args = ["score", str(source), str(output), "--model", str(trained_model), "--features", str(FEATURES)]
    assert main([*args, "--report", str(report), "--no-progress"]) == (1 if bad_cells else 0), capsys.readouterr().err
    _assert_heights(json.loads(report.read_text())["heights"], _expected_heights(source, profile), profile)
    assert output.exists() != bad_cells


def _assert_heights(heights: dict, expected: dict, profile: dict) -> None:
    assert heights["extrapolated"] == {"count": len(expected["lines"]), "lines": expected["lines"][:LINES_LISTED]}
    assert heights["histogram"] == {
        "deciles": profile["deciles"],
        "training": profile["shares"],
        "file": [n / expected["judged"] for n in expected["counts"]],
    }
    assert (heights["training_min"], heights["training_max"]) == (profile["min"], profile["max"])
    psi = psi_by_definition(expected["counts"], profile["shares"])
    assert math.isclose(heights["drift"]["psi"], psi, rel_tol=1e-12), (heights["drift"]["psi"], psi)
    limits = drift_limits(FEATURES)
    stated = {"warn": limits.warn, "refuse": limits.refuse, "min_rows": limits.min_rows}
    assert heights["drift"] == {"psi": heights["drift"]["psi"], "verdict": "stable", **stated}


def test_a_file_rejected_for_a_short_row_still_has_all_its_heights_judged(tmp_path, trained_model, profile, capsys):
    # The guard drops a row with too few fields from its parse; the check counts it, as a row with no height.
    source, report = tmp_path / "in.csv", tmp_path / "report.json"
    _write_heights(source, 50_000, bad_cells=False)
    rows = [f"{i},{cell}" for i, cell in enumerate(source.read_text().splitlines()[1:])]
    rows[700] = "700"
    source.write_text("id,height\n" + "\n".join(rows) + "\n")
    args = ["score", str(source), str(tmp_path / "out.csv"), "--model", str(trained_model), "--features", str(FEATURES)]
    assert main([*args, "--report", str(report), "--no-progress"]) == 1
    assert "line 702 (row 701): field_count, got 1 fields, expected 2" in capsys.readouterr().err
    _assert_heights(json.loads(report.read_text())["heights"], _expected_heights(source, profile, column=1), profile)


def _bytes_read() -> int:
    """Bytes this process has read so far, by the kernel's count (whatever library did the reading)."""
    fields = dict(line.split(": ") for line in Path("/proc/self/io").read_text().splitlines())
    return int(fields["rchar"])


def test_the_file_is_read_once_for_scoring_and_the_drift_check(tmp_path, trained_model, profile):
    source, warm_up = tmp_path / "in.csv", tmp_path / "small.csv"
    _write_heights(source, 2_000_000, bad_cells=False)
    _write_heights(warm_up, 1_000, bad_cells=False)
    limits, scorer = drift_limits(FEATURES), load_scorer(trained_model)
    score(warm_up, tmp_path / "small-out.csv", scorer, profile=profile, drift_limits=limits)  # lazy imports happen here
    before = _bytes_read()
    result = score(source, tmp_path / "out.csv", scorer, profile=profile, drift_limits=limits)
    read = _bytes_read() - before
    assert result.ok and result.heights["drift"]["verdict"] == "stable", result.failures.summary()
    size = source.stat().st_size
    assert size <= read < 1.2 * size, f"read {read:,} bytes of a {size:,}-byte file: it was read {read / size:.2f} times"


HEIGHTS_LIKE_TRAINING_CM = [f"{float(h) * 2.54:.1f}" for h in heights_like_training(3000)]


@pytest.mark.parametrize(
    ("cells", "refuse_extrapolation", "guard"),
    [
        ([f"{100 + i % 50}" for i in range(3000)], False, {}),
        ([f"{100 + i % 50}" for i in range(3000)], True, {"outside the training heights": 3000}),
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
    args = ["score", str(source), str(output), "--model", str(trained_model), "--features", str(FEATURES), "--no-progress"]
    assert main(args) == 1
    assert "input drift" in capsys.readouterr().err
    assert output.read_bytes() == b"the previous output\n", "a refused file replaced OUTPUT"
    assert temporaries(tmp_path) == [], "a refused file left a temporary"
    report = json.loads((tmp_path / "out.csv.report.json").read_text())
    assert report["status"] == "rejected" and report["output"] is None
    assert {c["check"]: c["count"] for c in report["failures"]["by_check"]} == {**guard, "input drift": 1}
    assert report["heights"]["drift"]["verdict"] == "refused" and report["heights"]["drift"]["psi"] >= 0.25
