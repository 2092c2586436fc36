"""The penguins classifier's serving form against the fitted Pipeline's own ``predict_proba``, on many rows: a check
(the served probabilities must equal ``np.round(predict_proba, decimals)`` bit for bit, and the class answered be the
most probable of them), then how long each takes per row, as context (no target).

    python bench/logistic_check.py [--rows 100000]

The rows are drawn like the training penguins, from the example's training file rather than from the manifest's
profile (which the packaging check draws from): a training penguin picked at random (seeded), each measurement
moved by a little noise (5 % of its spread, one decimal, as measured) and kept inside the contract's range, one in
five categories replaced by any value the contract allows (a missing sex included) and one measurement in twenty left
blank, on top of the blanks the training rows have. They are written to a CSV, which the Pipeline gets as the example's
training script reads its data (``pandas.read_csv``); the service's model (``model.served.load``: the logistic form,
plain Python) gets the same values as validated rows ({input: value}, ``None`` where missing).
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
import pandas as pd
import skops.io as sio
from common import OUT, PENGUINS_DATA, contract_of, load_average, penguins_model
from modelgate.model.manifest import read_manifest
from modelgate.model.served import load

SEED = 19


def draw(contract, count: int) -> list[dict]:
    """``count`` rows ({input: value}) drawn like the training penguins (see the module's docstring)."""
    rng = np.random.default_rng(SEED)
    training = pd.read_csv(PENGUINS_DATA)
    picked = training.iloc[rng.integers(0, len(training), count)].reset_index(drop=True)
    columns = {}
    for spec in contract.inputs:
        seen = picked[spec.name]
        if spec.numeric:
            values = np.round(seen.to_numpy(dtype="float64") + rng.normal(0, 0.05 * seen.std(), count), 1)
            values = np.clip(values, spec.range.low, spec.range.high)
            if spec.missing:
                values[rng.random(count) < 0.05] = np.nan
            columns[spec.name] = [None if np.isnan(v) else v for v in values.tolist()]
        else:
            allowed = [*spec.values, *([None] if spec.missing else [])]
            replaced = rng.random(count) < 0.2
            choice = rng.integers(0, len(allowed), count)
            columns[spec.name] = [
                allowed[c] if r else (None if pd.isna(v) else v)
                for v, r, c in zip(seen.tolist(), replaced.tolist(), choice.tolist())
            ]
    return [dict(zip(columns, values)) for values in zip(*columns.values())]


def per_row(seconds: float, rows: int) -> str:
    micro = seconds / rows * 1e6
    return f"{micro:,.1f} µs" if micro < 1000 else f"{micro / 1000:,.2f} ms"


def timings(served, pipeline, rows: list[dict], frame, form_s: float, pipeline_s: float, one_by_one: int) -> None:
    """Print the time per row of each way (the all-rows figures measured by the check), as context."""
    started = time.perf_counter()
    for row in rows:
        served.classify_rows([row])
    form_one_s = time.perf_counter() - started
    started = time.perf_counter()
    for i in range(one_by_one):
        pipeline.predict_proba(frame.iloc[i : i + 1])
    pipeline_one_s = time.perf_counter() - started
    print("time per row (context, no target):")
    print(f"  serving form, all rows in one call:       {per_row(form_s, len(rows))}")
    print(f"  serving form, one row a call:             {per_row(form_one_s, len(rows))}")
    print(f"  Pipeline.predict_proba, one frame:        {per_row(pipeline_s, len(rows))}")
    print(f"  Pipeline.predict_proba, one-row frames:   {per_row(pipeline_one_s, one_by_one)} ({one_by_one:,} rows)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--one-by-one", type=int, default=1000, help="rows the Pipeline is also asked one at a time")
    args = parser.parse_args()
    model = penguins_model()
    contract, manifest = contract_of(model), read_manifest(model)
    output = contract.output
    served = load(model)
    if served.form != "logistic" or served.classify_rows is None:
        sys.exit(f"bench: {model} is served by its {served.form} form, not the logistic one")
    model_file = manifest.path(model, "model file")
    pipeline = sio.load(model_file, trusted=sio.get_untrusted_types(file=model_file))  # our own file, just packaged
    order = [[str(c) for c in pipeline.classes_].index(c) for c in output.classes]

    loads = [load_average()]
    rows = draw(contract, args.rows)
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"penguins-check-{args.rows}.csv"
    text = "\n".join(",".join(spec.to_text(row[spec.name]) for spec in contract.inputs) for row in rows)
    path.write_text(",".join(contract.names) + "\n" + text + "\n", encoding="utf-8")
    frame = pd.read_csv(path)[manifest.inputs]
    missing = {name: sum(row[name] is None for row in rows) for name in contract.names}
    print(f"{args.rows:,} rows ({path.name}); missing values by input: {missing}")
    for spec in contract.inputs:
        if not spec.numeric:
            counts = pd.Series([row[spec.name] for row in rows], dtype=object).value_counts(dropna=False).to_dict()
            print(f"  {spec.name}: {counts}")

    started = time.perf_counter()
    labels, probabilities = served.classify_rows(rows)
    form_s = time.perf_counter() - started
    started = time.perf_counter()
    raw = pipeline.predict_proba(frame)
    pipeline_s = time.perf_counter() - started

    expected = np.round(np.asarray(raw, dtype="float64")[:, order], output.decimals)
    got = np.array(probabilities, dtype="float64")
    differ = np.flatnonzero((got.view("u8") != expected.view("u8")).any(axis=1))
    answered = np.array(output.classes, dtype=object)[np.argmax(expected, axis=1)]  # the first stated on a tie
    wrong = np.flatnonzero(np.array(labels, dtype=object) != answered)
    print(f"rows whose served probabilities differ from np.round(predict_proba, {output.decimals}) in any bit: {differ.size}")
    for i in differ[:5].tolist():
        print(f"  row {i + 1}: {rows[i]}: served {got[i].tolist()}, the Pipeline {expected[i].tolist()}")
    print(f"rows answered another class than the most probable of the Pipeline's rounded probabilities: {wrong.size}")

    timings(served, pipeline, rows, frame, form_s, pipeline_s, args.one_by_one)
    loads.append(load_average())
    print(f"load average {loads[0]:.1f} -> {loads[1]:.1f}")
    ok = differ.size == 0 and wrong.size == 0
    print("the served answers are the Pipeline's, bit for bit: " + ("MET" if ok else "MISSED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
