"""The drift and extrapolation check of a batch file (``model.batch.inputs_check``) for the flat price model of several
inputs (:mod:`.flats`), input by input: a category whose shares moved, an input that went missing, a category with no
allowed value, an unseen category and numbers outside the training data. Expected values come from the files written
here, the training data's own file (its shares, its lowest and highest values) and the levels the flats' features
state."""

from __future__ import annotations

import json
import math
import random

import pytest
from modelgate.steps.support import psi_by_definition

from tests.model.batch import flats
from tests.model.batch.support import LINES_LISTED, run


@pytest.fixture(scope="module")
def flats_profiles(flats_loaded) -> dict:
    return flats_loaded.manifest.training_data["profile"]


@pytest.fixture(scope="module")
def flats_trained(flats_training) -> dict:
    """What the training data holds, read from its file: each number's lowest and highest value, each category's shares."""
    rows = flats.training_rows(flats_training)
    areas = [float(r[0]) for r in rows]
    ages = [float(r[2]) for r in rows if r[2]]
    return {
        "area": {"min": min(areas), "max": max(areas)},
        "age": {"min": min(ages), "max": max(ages)},
        "district": [sum(r[1] == d for r in rows) / len(rows) for d in flats.DISTRICTS],
        "garden": [sum(r[3] == g for r in rows) / len(rows) for g in ("yes", "no")],
        "age missing": sum(not r[2] for r in rows) / len(rows),
    }


def _verdict(psi: float) -> str:
    """The verdict the features in flats.RISK_FEATURE state for a stability index (on 100 rows or more)."""
    return "refused" if psi >= flats.REFUSE else "warning" if psi >= flats.WARN else "stable"


def _cycle(pattern: list[str], rows: int) -> list[str]:
    return [pattern[i % len(pattern)] for i in range(rows)]


MOVED = {
    # the input moved, its cells in a file of 2000 flats (the other inputs as in the training data), the verdict meant
    "districts moved a little": ("district", _cycle(["North"] * 3 + ["South"] * 4 + ["East"] * 3, 2000), "warning"),
    "every flat in the North": ("district", ["North"] * 2000, "refused"),
    "no age known": ("age", [""] * 2000, "refused"),
}


@pytest.mark.parametrize("case", list(MOVED))
def test_drift_is_judged_input_by_input(case, tmp_path, flats_model, flats_training, flats_trained, flats_profiles, capsys):
    moved, cells, meant = MOVED[case]
    if moved == "district":
        expected_psi = psi_by_definition([cells.count(d) for d in flats.DISTRICTS], flats_trained["district"])
    else:  # every age missing: all in the missing values' bin, after the ten number bins
        shares = flats_profiles["age"]["shares"]
        assert shares[-1] == flats_trained["age missing"], "the last bin of the profile is the missing ages'"
        expected_psi = psi_by_definition([0] * 10 + [len(cells)], shares)
    verdict = _verdict(expected_psi)
    assert verdict == meant, f"the file of this case has a stability index of {expected_psi}: not {meant}"
    column = flats.NAMES.index(moved)
    rows = [list(r) for r in flats.training_rows(flats_training) * 5]  # as the training data: no drift in any other input
    for row, cell in zip(rows, cells, strict=True):
        row[column] = cell
    source, output, report = flats.write_file(tmp_path / "in.csv", rows), tmp_path / "out.csv", tmp_path / "report.json"
    code, err = run(["score", str(source), str(output), "--model", str(flats_model), "--report", str(report)], capsys)
    drift = json.loads(report.read_text())["inputs"]["drift"]
    assert math.isclose(drift["by_input"][moved]["psi"], expected_psi, rel_tol=1e-12)
    assert drift["by_input"] == {
        name: {"psi": 0.0, "verdict": "stable"} if name != moved else {"psi": drift["by_input"][moved]["psi"], "verdict": verdict}
        for name in flats.NAMES
    }
    assert (drift["verdict"], drift["rows"]) == (verdict, len(rows))
    if verdict == "refused":
        assert code == 1 and not output.exists(), err
        assert f"1 × column '{moved}': input drift" in err, err
        failures = json.loads(report.read_text())["failures"]["by_check"]
        assert failures == [{"column": moved, "check": "input drift", "count": 1}]
    else:  # flagged: scored, and the terminal says so
        assert code == 0 and output.exists(), err
        assert f"{moved} {expected_psi:.3f}" in err and f"; {verdict}" in err, err


def test_a_category_with_no_allowed_value_is_refused_for_drift_in_the_verdict_too(tmp_path, flats_model, flats_training, capsys):
    rows = [[r[0], "Nowhere", r[2], r[3]] for r in flats.training_rows(flats_training)]
    source, report = flats.write_file(tmp_path / "in.csv", rows), tmp_path / "report.json"
    code, err = run(
        ["score", str(source), str(tmp_path / "out.csv"), "--model", str(flats_model), "--report", str(report)], capsys
    )
    assert code == 1, err
    found = json.loads(report.read_text())
    counts = {(c["column"], c["check"]): c["count"] for c in found["failures"]["by_check"]}
    assert counts == {("district", "one of North, South, East, West"): len(rows), ("district", "input drift"): 1}
    # No district of the file is one the training data is tallied by: no stability index, and that is a refusal.
    drift = found["inputs"]["drift"]
    assert drift["by_input"]["district"]["verdict"] == "refused"
    assert drift["verdict"] == "refused", "the file's verdict is its worst input's"


def _extrapolating_flats(flats_training, trained: dict) -> tuple[list[list[str]], dict[int, set[str]]]:
    """Training flats three times over, some changed to values the training data never had: {line: the inputs that
    are outside it}. Values at the training data's very ends and missing ages are not outside it."""
    rows = [list(r) for r in flats.training_rows(flats_training) * 3]
    assert trained["area"]["max"] < 180 and trained["age"]["max"] < 120, "the changes below lie outside the training data"
    rng = random.Random(7)
    outside: dict[int, set[str]] = {}
    picked = rng.sample(range(len(rows)), 160)
    changes = [
        ("area", "180", True),
        ("district", "West", True),
        ("age", "120", True),
        ("area", f"{trained['area']['max']:g}", False),
        ("area", f"{trained['area']['min']:g}", False),
        ("age", "", False),
        ("age", f"{trained['age']['max']:g}", False),
    ]
    for n, index in enumerate(picked):
        name, cell, unseen = changes[n % len(changes)]
        rows[index][flats.NAMES.index(name)] = cell
        if unseen:
            outside.setdefault(index + 2, set()).add(name)
    both = picked[0]  # one flat outside in two inputs: one extrapolated row
    rows[both][flats.NAMES.index("district")] = "West"
    outside.setdefault(both + 2, set()).add("district")
    assert any(len(names) == 2 for names in outside.values())
    return rows, outside


def test_extrapolations_count_an_unseen_category_and_a_number_outside_the_training_data(
    tmp_path, flats_model, flats_training, flats_trained, capsys
):
    rows, outside = _extrapolating_flats(flats_training, flats_trained)
    source, output, report = flats.write_file(tmp_path / "in.csv", rows), tmp_path / "out.csv", tmp_path / "report.json"
    code, err = run(["score", str(source), str(output), "--model", str(flats_model), "--report", str(report)], capsys)
    assert code == 0, err
    inputs = json.loads(report.read_text())["inputs"]
    lines = sorted(outside)
    by_input = {name: sum(name in names for names in outside.values()) for name in flats.NAMES}
    assert by_input["district"] and by_input["area"] and by_input["age"] and not by_input["garden"]
    assert inputs["extrapolation"] == "answered and flagged"
    assert inputs["extrapolated"] == {"count": len(lines), "lines": lines[:LINES_LISTED], "by_input": by_input}
    assert inputs["training"] == {
        "area": flats_trained["area"],
        "district": {"values": [d for d, share in zip(flats.DISTRICTS, flats_trained["district"]) if share > 0]},
        "age": flats_trained["age"],
        "garden": {"values": [True, False]},
    }
    assert inputs["histograms"]["district"] == {
        "training": flats_trained["district"],
        "file": [sum(r[1] == d for r in rows) / len(rows) for d in flats.DISTRICTS],
    }
    assert inputs["histograms"]["garden"]["training"] == flats_trained["garden"]


def test_refused_extrapolations_name_each_line_and_input(
    tmp_path, flats_model, flats_training, flats_trained, monkeypatch, capsys
):
    monkeypatch.setenv("MODELGATE_EXTRAPOLATION", "refuse")
    rows, outside = _extrapolating_flats(flats_training, flats_trained)
    source, output = flats.write_file(tmp_path / "in.csv", rows), tmp_path / "out.csv"
    code, err = run(["score", str(source), str(output), "--model", str(flats_model)], capsys)
    assert code == 1 and not output.exists(), err
    report = json.loads((tmp_path / "out.csv.report.json").read_text())
    found = [(e["line"], e["column"]) for e in report["failures"]["examples"] if e["check"] == "outside the training data"]
    expected = sorted((line, name) for line, names in outside.items() for name in names)
    assert found == expected[: len(found)] and len(found) == min(len(expected), report["failures"]["examples_capped_at"])
    counts = {(c["column"], c["check"]): c["count"] for c in report["failures"]["by_check"]}
    assert counts == {
        (name, "outside the training data"): sum(name in n for n in outside.values()) for name in ("area", "district", "age")
    }
    assert report["inputs"]["extrapolated"]["lines"] == sorted(outside)[:LINES_LISTED]


def test_a_file_of_too_few_flats_is_not_judged_for_drift(tmp_path, flats_model, flats_training, capsys):
    rows = [[r[0], "North", r[2], r[3]] for r in flats.training_rows(flats_training)[: flats.MIN_ROWS - 1]]
    source, report = flats.write_file(tmp_path / "in.csv", rows), tmp_path / "report.json"
    code, err = run(
        ["score", str(source), str(tmp_path / "out.csv"), "--model", str(flats_model), "--report", str(report)], capsys
    )
    assert code == 0, err
    drift = json.loads(report.read_text())["inputs"]["drift"]
    assert drift["verdict"] == "too few rows" and drift["rows"] == flats.MIN_ROWS - 1
