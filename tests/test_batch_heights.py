"""The drift and extrapolation check of a batch file, as ``modelgate score`` reports it: the report's
``heights`` section against an independent computation in plain Python over the same file, the lines of
the extrapolated rows, and what a refused file leaves behind."""

from __future__ import annotations

import json

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
