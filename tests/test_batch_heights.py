"""The drift and extrapolation check of a batch file, as ``modelgate score`` reports it: the report's
``heights`` section against an independent computation in plain Python over the same file, the lines of
the extrapolated rows, and what a refused file leaves behind."""

from __future__ import annotations

import json
import math
import random

import numpy as np
import pytest
from modelgate.model import drift

from modelgate.cli import main
from steps.support import FEATURES


def test_refusing_extrapolations_writes_a_report_naming_their_lines(tmp_path, trained_model, monkeypatch, capsys):
    monkeypatch.setenv("MODELGATE_EXTRAPOLATION", "refuse")
    source, output = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text("height\n70\n80\n66\n50\n")  # the training heights run from 55 to 76.7 inches
    args = ["score", str(source), str(output), "--model", str(trained_model), "--features", str(FEATURES), "--no-progress"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "2 × column 'height': outside the training heights" in err, err
    report = json.loads((tmp_path / "out.csv.report.json").read_text())
    assert [(e["line"], e["value"]) for e in report["failures"]["examples"]] == [(3, "80.0"), (5, "50.0")]
    assert report["heights"]["extrapolated"] == {"count": 2, "lines": [3, 5]}
    assert not output.exists()


def _bin(height: float, cuts: list[float]) -> int:
    """The bin of one height, by the definition: how many cuts lie below it (NaN: the last bin)."""
    return len(cuts) if math.isnan(height) else sum(1 for cut in cuts if height > cut)


@pytest.mark.parametrize("cuts", [[60.0, 64.5, 66.0, 70.25, 72.0], [60.0, 66.0, 66.0, 72.0], [66.0]])
def test_bin_counts_follow_the_cuts_at_their_edges(cuts):
    edges = [x for cut in cuts for x in (math.nextafter(cut, -math.inf), cut, math.nextafter(cut, math.inf))]
    rng = random.Random(11)
    heights = edges + [math.nan, math.inf, -math.inf, 0.0] + [rng.uniform(40, 90) for _ in range(5000)]
    expected = [0] * (len(cuts) + 1)
    for height in heights:
        expected[_bin(height, cuts)] += 1
    assert drift.counts(np.array(heights), cuts).tolist() == expected
    assert drift.counts(np.array([]), cuts).tolist() == [0] * (len(cuts) + 1)
