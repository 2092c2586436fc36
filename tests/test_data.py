"""The bundled data, and the diabetes and breast cancer examples', are exactly what their seeded generators write."""

from __future__ import annotations

import pytest
from modelgate.steps.support import ROOT, load_script

GENERATED = {
    ROOT / "data": ("weight_data.csv", "sample_input.csv", "evaluation.csv"),
    ROOT / "examples" / "diabetes" / "data": ("diabetes.csv", "evaluation.csv", "sample_input.csv"),
    ROOT / "examples" / "cancer" / "data": ("training.csv", "evaluation.csv"),
}


@pytest.mark.parametrize("folder", GENERATED, ids=["bundled", "diabetes", "cancer"])
def test_the_committed_data_is_reproducible(tmp_path, folder):
    generate = load_script(folder / "generate.py")
    generate.main(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(GENERATED[folder])
    for name in GENERATED[folder]:
        assert (tmp_path / name).read_bytes() == (folder / name).read_bytes(), name
