"""The bundled data is exactly what the seeded generator writes."""

from __future__ import annotations

import importlib.util

from steps.support import ROOT


def test_the_committed_data_is_reproducible(tmp_path):
    spec = importlib.util.spec_from_file_location("generate", ROOT / "data" / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    generate.main(tmp_path)
    for name in ("weight_data.csv", "sample_input.csv", "evaluation.csv"):
        assert (tmp_path / name).read_bytes() == (ROOT / "data" / name).read_bytes(), name
