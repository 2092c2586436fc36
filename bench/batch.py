"""Batch benchmark: ``modelgate score`` against pyarrow reading and writing the same file with one
computed column, in one run, each in a fresh process (wall time and peak RSS).

    python bench/batch.py [--rows 20000000]

Target (issue 2): <= 1.5x the pyarrow time, peak RSS <= 400 MB.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

from common import OUT, ROOT, make_input, trained_model

BASELINE = """
import sys, pyarrow as pa, pyarrow.compute as pc, pyarrow.csv as csv
reader = csv.open_csv(sys.argv[1], convert_options=csv.ConvertOptions(column_types={"height": pa.float64()}))
writer = None
with open(sys.argv[2], "wb") as sink:
    for batch in reader:
        weight = pc.round(pc.add(pc.multiply(batch.column(0), 4.97), -188.0), 4)
        table = batch.append_column("weight", weight)
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
        raise RuntimeError(f"{args} failed with status {status}")
    return time.perf_counter() - started, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000_000)
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    model, source = trained_model(), make_input(args.rows)
    size_mb = source.stat().st_size / 1e6
    base_s, base_rss = measure([sys.executable, "-c", BASELINE, str(source), str(OUT / "baseline-out.csv")])
    ours_s, ours_rss = measure(
        [
            sys.executable,
            "-m",
            "modelgate.cli",
            "score",
            str(source),
            str(OUT / "scored.csv"),
            "--model",
            str(model),
            "--no-progress",
        ]
    )
    ratio = ours_s / base_s
    print(f"input: {args.rows:,} rows, {size_mb:.0f} MB")
    print(f"pyarrow read+compute+write: {base_s:6.2f} s  peak RSS {base_rss:5.0f} MB")
    print(f"modelgate score:            {ours_s:6.2f} s  peak RSS {ours_rss:5.0f} MB  ({args.rows / ours_s / 1e6:.2f} M rows/s)")
    ok = ratio <= 1.5 and ours_rss <= 400
    print(f"ratio {ratio:.2f}x (target <= 1.5x), peak RSS {ours_rss:.0f} MB (target <= 400 MB): {'MET' if ok else 'MISSED'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
