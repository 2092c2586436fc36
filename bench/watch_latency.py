"""Watch latency: a file written into INBOX -> its scored output complete in OUTBOX, median of 20.

    python bench/watch_latency.py [--files 20] [--rows 1000] [--poll 0.2]

Runs ``modelgate watch`` as a separate process on local folders. A file is taken only after two
polls saw it unchanged, so the latency floor is about one to two poll intervals plus scoring.
Results go to bench/out/watch_latency.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from spark_batch import OUT, ROOT, trained_model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--poll", type=float, default=0.2)
    args = parser.parse_args()
    model = trained_model()
    with tempfile.TemporaryDirectory(prefix="watch-bench-") as work:
        inbox, outbox, quarantine = (Path(work) / n for n in ("inbox", "outbox", "quarantine"))
        inbox.mkdir()
        command = [
            sys.executable,
            "-m",
            "modelgate.cli",
            "watch",
            str(inbox),
            "--outbox",
            str(outbox),
            "--quarantine",
            str(quarantine),
            "--model",
            str(model),
            "--poll",
            str(args.poll),
        ]
        watcher = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
        try:
            time.sleep(3)  # the watcher's own start (imports, model load) is not part of the latency
            latencies = []
            for n in range(args.files):
                body = "height\n" + "".join(f"{50 + (n * 7 + i) % 90}.5\n" for i in range(args.rows))
                target = outbox / f"r_output_{n}.csv"
                started = time.perf_counter()
                (inbox / f"r_input_{n}.csv").write_text(body)
                while not target.exists():
                    time.sleep(0.005)
                latencies.append(time.perf_counter() - started)
        finally:
            watcher.terminate()
            watcher.wait(10)
    figures = {
        "files": args.files,
        "rows_per_file": args.rows,
        "poll_seconds": args.poll,
        "median_seconds": round(statistics.median(latencies), 3),
        "min_seconds": round(min(latencies), 3),
        "max_seconds": round(max(latencies), 3),
    }
    (OUT / "watch_latency.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
