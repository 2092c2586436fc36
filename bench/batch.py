"""Batch benchmark: ``modelgate score`` against a pyarrow floor reading and writing the same file with the model's
answer as one more column, in one run, each in a fresh process (wall time and peak RSS).

    python bench/batch.py [--rows 20000000]                     # the bundled height -> weight line
    python bench/batch.py --example diabetes [--rows 2000000]   # the diabetes example's Pipeline

- ``bundled``: heights drawn like the training people's; the floor computes the fitted line
  (``height * slope + intercept``, the manifest's coefficients) with pyarrow.compute and rounds it.
- ``diabetes``: patients resampled from the example's training patients; the floor loads the same fitted
  Pipeline (the model folder's skops file) and calls its ``predict`` on each pyarrow block as a pandas frame.

Both floors stream the file in pyarrow's blocks, append the rounded answer and write CSV. After the timing the two
outputs' answer columns are compared (they must agree to the contract's decimals).

Targets (issue 2, issue 18): <= 1.5x the floor's time; for the bundled model peak RSS <= 400 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

from common import OUT, ROOT, contract_of, diabetes_model, make_input, make_patients, trained_model

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
    model_file = manifest.path(model, "model file")
    return [sys.executable, "-c", PIPELINE_FLOOR, str(source), str(target), str(model_file), json.dumps(spec)]


def compare(floor_out, ours_out, output: str, decimals: int) -> tuple[int, float]:
    """(rows whose answers differ by more than half a unit of the last decimal, the largest difference)."""
    import numpy as np
    from pyarrow import csv

    options = csv.ConvertOptions(include_columns=[output])
    a = csv.read_csv(floor_out, convert_options=options).column(output).to_numpy()
    b = csv.read_csv(ours_out, convert_options=options).column(output).to_numpy()
    if a.shape != b.shape:
        return max(a.size, b.size), float("inf")
    difference = np.abs(a - b)
    return int((difference > 0.5 * 10.0**-decimals + 1e-12).sum()), float(difference.max()) if difference.size else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--example", choices=["bundled", "diabetes"], default="bundled")
    parser.add_argument("--rows", type=int, help="rows to score (default 20,000,000 bundled, 2,000,000 diabetes)")
    args = parser.parse_args()
    rows = args.rows or (20_000_000 if args.example == "bundled" else 2_000_000)
    OUT.mkdir(parents=True, exist_ok=True)
    if args.example == "bundled":
        model, source = trained_model(), make_input(rows)
    else:
        model, source = diabetes_model(), make_patients(rows)
    output = contract_of(model).output
    size_mb = source.stat().st_size / 1e6
    floor_out, ours_out = OUT / f"floor-{args.example}.csv", OUT / f"scored-{args.example}.csv"
    base_s, base_rss = measure(floor_command(args.example, model, source, floor_out))
    score = ["score", str(source), str(ours_out), "--model", str(model), "--no-progress"]
    ours_s, ours_rss = measure([sys.executable, "-m", "modelgate.cli", *score])
    differing, largest = compare(floor_out, ours_out, output.name, output.decimals)
    ratio = ours_s / base_s
    floor_name = "pyarrow + the line" if args.example == "bundled" else "pyarrow + Pipeline.predict"
    print(f"{args.example}: {rows:,} rows, {size_mb:.0f} MB, answering {output.name}")
    print(f"{floor_name + ':':28}{base_s:7.2f} s  peak RSS {base_rss:5.0f} MB")
    print(f"{'modelgate score:':28}{ours_s:7.2f} s  peak RSS {ours_rss:5.0f} MB  ({rows / ours_s / 1e6:.2f} M rows/s)")
    print(f"answers differing by more than half a unit of the last decimal: {differing} (largest difference {largest:.3g})")
    memory_ok = ours_rss <= 400 if args.example == "bundled" else True
    ok = ratio <= 1.5 and memory_ok and differing == 0
    memory = f", peak RSS {ours_rss:.0f} MB (target <= 400 MB)" if args.example == "bundled" else ""
    print(f"ratio {ratio:.2f}x (target <= 1.5x){memory}: {'MET' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
