"""The Spark engine reads drawn contracts as the default engine does: the differential suite's contracts
(``fuzz/test_differential.py``: one to four inputs of every kind, open or closed bounds, categories, yes/no spellings,
missing values; a regression or a classifier), each packaged with a small model, and the same drawn rows, valid and
invalid, scored by both engines. Both must refuse the same rows for the same inputs, and give the same bytes for the
rows they accept. A fixed, small number of contracts: Spark runs a job for each file."""

from __future__ import annotations

import random
import tempfile
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, note, settings
from modelgate.contracts.reader import read_contract
from modelgate.model import artifact
from modelgate.model.batch.spark import score_file_spark
from modelgate.model.batch.stream import score_file
from modelgate.model.package import package
from modelgate.model.train import estimator_for, fit, read_training

from fuzz.test_differential import KEPT, asked_cells, case_line, cases, with_kept, write_features, write_rows, write_training

pytestmark = pytest.mark.spark


# Eight contracts, each within two minutes (one takes about 4 s once Spark runs; a Spark job that hangs fails it).
@settings(max_examples=8, deadline=timedelta(minutes=2), suppress_health_check=list(HealthCheck), database=None)
@with_kept
@given(case=cases())
def test_spark_refuses_and_answers_the_same_drawn_rows_as_the_default_engine(case, spark):
    drawn, classes, decimals, seed = case
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        write_features(root / "features", drawn, classes, decimals)
        note((root / "features" / "model.feature").read_text(encoding="utf-8"))
        note(f"to keep this case, add to {KEPT.name} (with a 'why'): {case_line(case)}")
        trained = write_training(root / "train.csv", drawn, classes, seed)
        contract = read_contract(root / "features")
        data = read_training(root / "train.csv", contract)
        package(fit(estimator_for(contract), data, contract), data, contract, root / "model")
        scorer = artifact.load(root / "model").scorer()
        rng = random.Random(seed)
        cells = {d.name: asked_cells(d, [row[d.name] for row in trained]) for d in drawn}
        asked = [{d.name: rng.choice(cells[d.name]) for d in drawn} for _ in range(30)]
        asked.insert(rng.randrange(len(asked)), {d.name: "" for d in drawn})  # a row of missing values, kept or refused
        accepted = [row for row in asked if all(d.accepts(row[d.name]) for d in drawn)]
        for name, rows in (("asked", asked), ("accepted", accepted)):
            if not rows:
                continue
            write_rows(root / f"{name}.csv", drawn, rows)
            default = score_file(root / f"{name}.csv", root / f"{name}-pandas.csv", scorer)
            other = score_file_spark(root / f"{name}.csv", root / f"{name}-spark.csv", scorer, spark=spark)
            assert other.ok == default.ok and other.rows == default.rows, (name, other.failures.examples)
            assert dict(other.failures.counts) == dict(default.failures.counts), name
            assert [(f.row, f.column, f.check) for f in other.failures.examples] == [
                (f.row, f.column, f.check) for f in default.failures.examples
            ], name
            assert default.ok or name == "asked", default.failures.examples  # every accepted row is scored
            if default.ok:
                assert (root / f"{name}-spark.csv").read_bytes() == (root / f"{name}-pandas.csv").read_bytes(), name
