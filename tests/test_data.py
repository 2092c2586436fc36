"""The bundled data is exactly what the seeded generator writes."""

from __future__ import annotations

from steps.support import ROOT, load_script


def test_the_committed_data_is_reproducible(tmp_path):
    generate = load_script(ROOT / "data" / "generate.py")
    generate.main(tmp_path)
    for name in ("weight_data.csv", "sample_input.csv", "evaluation.csv"):
        assert (tmp_path / name).read_bytes() == (ROOT / "data" / name).read_bytes(), name
