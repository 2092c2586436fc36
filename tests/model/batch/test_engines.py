"""The one entry point of batch scoring (``model.batch.engines.score``): which engine, which OUTPUT forms it takes."""

from __future__ import annotations

import pytest
from modelgate.contracts.errors import ModelgateError
from modelgate.model.batch.engines import score


@pytest.mark.parametrize(
    ("output", "engine", "message"),
    [
        ("out.csv", "polars", "unknown engine 'polars'; choose one of pandas, spark"),
        ("parts/", "pandas", "a folder of parts) needs --engine spark and a local path"),
        ("memory://t/parts/", "spark", "a folder of parts) needs --engine spark and a local path"),
    ],
)
def test_an_engine_or_output_it_cannot_use_is_one_clear_error(tmp_path, scorer, output, engine, message):
    source = tmp_path / "in.csv"
    source.write_text("height\n61\n")
    target = output if "://" in output else f"{tmp_path}/{output}"
    with pytest.raises(ModelgateError, match=message.replace("(", r"\(").replace(")", r"\)")):
        score(source, target, scorer, engine=engine)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]
