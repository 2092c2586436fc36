"""Batch benchmark: ``modelgate score`` against a pyarrow floor reading and writing the same file with the model's
answer as one more column, in one run, each in a fresh process (wall time and peak RSS).

    python bench/batch.py [--rows 20000000]                     # the bundled height -> weight line
    python bench/batch.py --example diabetes [--rows 2000000]   # the diabetes example's Pipeline
    python bench/batch.py --example penguins [--rows 2000000]   # the penguins example's classifier Pipeline

- ``bundled``: heights drawn like the training people's; the floor computes the fitted line
  (``height * slope + intercept``, the manifest's coefficients) with pyarrow.compute and rounds it.
- ``diabetes``: patients resampled from the example's training patients; the floor loads the same fitted
  Pipeline (the model folder's skops file) and calls its ``predict`` on each pyarrow block as a pandas frame.
- ``penguins``: penguins resampled from the example's training penguins (blank cells and all); the floor loads the
  fitted classifier Pipeline and calls its ``predict_proba`` on each block as a pandas frame (a blank cell read as
  missing), rounds the probabilities to the contract's decimals and writes the class column by the contract's rule
  (the most probable class of the rounded probabilities, the first stated on a tie) and one probability column per
  class, named as the contract names them.

Every floor streams the file in pyarrow's blocks, appends the rounded answer (columns) and writes CSV. After the
timing the two outputs' answer columns are compared row by row (numbers to the contract's decimals, a classifier's
probabilities exactly and its classes). The load average is printed at the start and end of each measurement.

Targets (issues 2, 18, 19): <= 1.5x the floor's time; for the bundled model peak RSS <= 400 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

from common import (
    OUT,
    ROOT,
    contract_of,
    diabetes_model,
    load_average,
    make_input,
    make_patients,
    make_penguins,
    penguins_model,
    trained_model,
)

LINE_FLOOR = """
import sys, pyarrow as pa, pyarrow.compute as pc, pyarrow.csv as csv
name, output, slope, intercept, decimals = sys.argv[3], sys.argv[4], float(sys.argv[5]), float(sys.argv[6]), int(sys.argv[7])
reader = csv.open_csv(sys.argv[1], convert_options=csv.ConvertOptions(column_types={name: pa.float64()}))
writer = None
with open(sys.argv[2], "wb") as sink:
    for batch in reader:
        answer = pc.round(pc.add(pc.multiply(batch.column(name), slope), intercept), decimals)
        table = batch.append_column(output, answer)
        writer = writer or csv.CSVWriter(sink, table.schema)
        writer.write_batch(table)
    writer.close()
"""

PIPELINE_FLOOR = """
import json, sys
import numpy as np, pyarrow as pa, pyarrow.csv as csv, skops.io as sio
model_file, spec = sys.argv[3], json.loads(sys.argv[4])
pipeline = sio.load(model_file, trusted=sio.get_untrusted_types(file=model_file))  # our own file, just packaged
types = {name: pa.string() if kind == "text" else pa.float64() for name, kind in spec["kinds"].items()}
reader = csv.open_csv(sys.argv[1], convert_options=csv.ConvertOptions(column_types=types))
writer = None
with open(sys.argv[2], "wb") as sink:
    for batch in reader:
        frame = batch.to_pandas()[spec["order"]]
        answer = pa.array(np.round(pipeline.predict(frame), spec["decimals"]))
        table = batch.append_column(spec["output"], answer)
        writer = writer or csv.CSVWriter(sink, table.schema)
        writer.write_batch(table)
    writer.close()
"""

PROBABILITY_FLOOR = """
import json, sys
import numpy as np, pyarrow as pa, pyarrow.csv as csv, skops.io as sio
model_file, spec = sys.argv[3], json.loads(sys.argv[4])
pipeline = sio.load(model_file, trusted=sio.get_untrusted_types(file=model_file))  # our own file, just packaged
where = [[str(c) for c in pipeline.classes_].index(c) for c in spec["classes"]]
classes = np.array(spec["classes"], dtype=object)
types = {name: pa.string() if kind == "text" else pa.float64() for name, kind in spec["kinds"].items()}
options = csv.ConvertOptions(column_types=types, strings_can_be_null=True)
reader = csv.open_csv(sys.argv[1], convert_options=options)
writer = None
with open(sys.argv[2], "wb") as sink:
    for batch in reader:
        frame = batch.to_pandas()[spec["order"]]
        probabilities = np.round(pipeline.predict_proba(frame)[:, where], spec["decimals"])
        table = batch.append_column(spec["output"], pa.array(classes[np.argmax(probabilities, axis=1)], pa.string()))
        for i, name in enumerate(spec["probabilities"]):
            table = table.append_column(name, pa.array(probabilities[:, i]))
        writer = writer or csv.CSVWriter(sink, table.schema)
        writer.write_batch(table)
    writer.close()
"""


def measure(args: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    if status:
        raise RuntimeError(f"{args[:4]} failed with status {status}")
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def floor_command(example: str, model, source, target) -> list[str]:
    from modelgate.model.manifest import read_manifest

    manifest = read_manifest(model)
    contract = manifest.read_contract(model)
    output = contract.output
    if example == "bundled":
        (name,) = contract.names
        line = manifest.coefficients
        numbers = [name, output.name, repr(line[name]), repr(line["intercept"]), str(output.decimals)]
        return [sys.executable, "-c", LINE_FLOOR, str(source), str(target), *numbers]
    spec = {
        "order": manifest.inputs,
        "kinds": {i.name: "number" if i.numeric else "text" for i in contract.inputs},
        "output": output.name,
        "decimals": output.decimals,
    }
    if output.is_class:
        spec |= {"classes": list(output.classes), "probabilities": [output.probability_column(c) for c in output.classes]}
    model_file = manifest.path(model, "model file")
    floor = PROBABILITY_FLOOR if output.is_class else PIPELINE_FLOOR
    return [sys.executable, "-c", floor, str(source), str(target), str(model_file), json.dumps(spec)]


def compare(floor_out, ours_out, output) -> tuple[int, float]:
    """(rows whose answers differ, the largest difference of a number): a number by more than half a unit of the last
    decimal; a classifier's row if its class or any probability (exactly, as written) differs."""
    import numpy as np
    from pyarrow import csv

    columns = output.columns
    options = csv.ConvertOptions(include_columns=columns)
    a, b = (csv.read_csv(path, convert_options=options) for path in (floor_out, ours_out))
    if a.num_rows != b.num_rows:
        return max(a.num_rows, b.num_rows), float("inf")
    differ, largest = np.zeros(a.num_rows, dtype=bool), 0.0
    for name in columns:
        x, y = a.column(name).to_numpy(zero_copy_only=False), b.column(name).to_numpy(zero_copy_only=False)
        if name == output.name and output.is_class:
            differ |= x != y
            continue
        difference = np.abs(x - y)
        largest = max(largest, float(difference.max()) if difference.size else 0.0)
        differ |= difference > (0 if output.is_class else 0.5 * 10.0**-output.decimals + 1e-12)
    return int(differ.sum()), largest


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--example", choices=["bundled", "diabetes", "penguins"], default="bundled")
    parser.add_argument("--rows", type=int, help="rows to score (default 20,000,000 bundled, 2,000,000 diabetes)")
    args = parser.parse_args()
    rows = args.rows or (20_000_000 if args.example == "bundled" else 2_000_000)
    OUT.mkdir(parents=True, exist_ok=True)
    if args.example == "bundled":
        model, source = trained_model(), make_input(rows)
    elif args.example == "diabetes":
        model, source = diabetes_model(), make_patients(rows)
    else:
        model, source = penguins_model(), make_penguins(rows)
    output = contract_of(model).output
    size_mb = source.stat().st_size / 1e6
    floor_out, ours_out = OUT / f"floor-{args.example}.csv", OUT / f"scored-{args.example}.csv"
    loads = [load_average()]
    base_s, base_rss = measure(floor_command(args.example, model, source, floor_out))
    loads.append(load_average())
    score = ["score", str(source), str(ours_out), "--model", str(model), "--no-progress"]
    ours_s, ours_rss = measure([sys.executable, "-m", "modelgate.cli", *score])
    loads.append(load_average())
    differing, largest = compare(floor_out, ours_out, output)
    ratio = ours_s / base_s
    floor_name = {"bundled": "pyarrow + the line", "diabetes": "pyarrow + Pipeline.predict"}.get(
        args.example, "pyarrow + Pipeline.predict_proba"
    )
    print(f"{args.example}: {rows:,} rows, {size_mb:.0f} MB, answering {', '.join(output.columns)}")
    print(f"{floor_name + ':':34}{base_s:7.2f} s  peak RSS {base_rss:5.0f} MB  (load {loads[0]:.1f} -> {loads[1]:.1f})")
    print(
        f"{'modelgate score:':34}{ours_s:7.2f} s  peak RSS {ours_rss:5.0f} MB  ({rows / ours_s / 1e6:.2f} M rows/s; "
        f"load {loads[1]:.1f} -> {loads[2]:.1f})"
    )
    rule = "any class or probability" if output.is_class else "more than half a unit of the last decimal"
    print(f"rows whose answers differ ({rule}): {differing} (largest difference {largest:.3g})")
    memory_ok = ours_rss <= 400 if args.example == "bundled" else True
    ok = ratio <= 1.5 and memory_ok and differing == 0
    memory = f", peak RSS {ours_rss:.0f} MB (target <= 400 MB)" if args.example == "bundled" else ""
    print(f"ratio {ratio:.2f}x (target <= 1.5x){memory}: {'MET' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
