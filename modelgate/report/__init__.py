"""The living report: one self-contained HTML page for a BDD review, built from the features, the
BDD run's cucumber JSON, the JUnit results, the gate's verdict and the model's manifest."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from modelgate.files import atomic_writer
from modelgate.report.inputs import Inputs, Sources, gather
from modelgate.report.page import render


def build(sources: Sources, out: Path) -> Inputs:
    """Write the page to ``out`` from whatever inputs exist; return them, ``missing`` naming the rest."""
    inputs = gather(sources)
    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_writer(out, "w") as handle:
        handle.write(render(inputs, generated))
    return inputs
