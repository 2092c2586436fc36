"""Watch latency: a file written into INBOX -> its scored output complete in OUTBOX, median of 20.

    python bench/watch_latency.py [--files 20] [--rows 1000] [--poll 0.2] [--azurite]

Runs ``modelgate watch`` as a separate process on local folders, or with ``--azurite`` on
abfs:// folders in a local Azurite (started here, as the tests do). A file is taken only after two
polls saw it unchanged, so the latency floor is about one to two poll intervals plus scoring. Each file holds
heights drawn from the bundled model's training data (``steps.support.rows_like_training``, each file from another
start), so the drift check accepts it; a file that lands in the quarantine instead stops the run with its name.
Results go to bench/out/watch_latency[-azurite].json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import OUT, ROOT, contract_of, trained_model
from modelgate.steps.azurite import running
from modelgate.steps.support import TRAINING_DATA, rows_like_training


class LocalFolders:
    def __init__(self, work: Path):
        self.root = work
        (work / "inbox").mkdir()

    def url(self, name: str) -> str:
        return str(self.root / name)

    def put(self, name: str, body: bytes) -> None:
        (self.root / "inbox" / name).write_bytes(body)

    def has_output(self, name: str) -> bool:
        return (self.root / "outbox" / name).exists()


class AzuriteFolders:
    def __init__(self, connection_string: str):
        from adlfs import AzureBlobFileSystem

        self.fs = AzureBlobFileSystem(connection_string=connection_string)
        self.fs.mkdir("bench")

    def url(self, name: str) -> str:
        return f"abfs://bench/{name}"

    def put(self, name: str, body: bytes) -> None:
        self.fs.pipe_file(f"bench/inbox/{name}", body)

    def has_output(self, name: str) -> bool:
        self.fs.invalidate_cache()
        return self.fs.exists(f"bench/outbox/{name}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=20)
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--poll", type=float, default=0.2)
    parser.add_argument("--azurite", action="store_true", help="watch abfs:// folders in a local Azurite")
    args = parser.parse_args()
    model = trained_model()
    with tempfile.TemporaryDirectory(prefix="watch-bench-") as work:
        if args.azurite:
            (Path(work) / "azurite").mkdir()
            with running(Path(work) / "azurite") as connection:
                os.environ["AZURE_STORAGE_CONNECTION_STRING"] = connection  # the watcher process inherits it
                latencies = measure(AzuriteFolders(connection), model, args)
        else:
            latencies = measure(LocalFolders(Path(work)), model, args)
    figures = {
        "storage": "azurite" if args.azurite else "local folder",
        "files": args.files,
        "rows_per_file": args.rows,
        "poll_seconds": args.poll,
        "median_seconds": round(statistics.median(latencies), 3),
        "min_seconds": round(min(latencies), 3),
        "max_seconds": round(max(latencies), 3),
    }
    name = "watch_latency-azurite.json" if args.azurite else "watch_latency.json"
    (OUT / name).write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


def measure(folders, model: Path, args) -> list[float]:
    command = [
        sys.executable,
        "-m",
        "modelgate.cli",
        "watch",
        folders.url("inbox"),
        "--outbox",
        folders.url("outbox"),
        "--quarantine",
        folders.url("quarantine"),
        "--model",
        str(model),
        "--poll",
        str(args.poll),
    ]
    contract = contract_of(model)
    pool = rows_like_training(TRAINING_DATA, contract, args.rows + 7 * args.files)
    watcher = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL)
    try:
        time.sleep(5)  # the watcher's own start (imports, model load) is not part of the latency
        latencies = []
        for n in range(args.files):
            rows = pool[7 * n : 7 * n + args.rows]
            body = (",".join(contract.names) + "\n" + "".join(",".join(row) + "\n" for row in rows)).encode()
            started = time.perf_counter()
            folders.put(f"r_input_{n}.csv", body)
            while not folders.has_output(f"r_output_{n}.csv"):
                if time.perf_counter() - started > 120 or watcher.poll() is not None:
                    raise SystemExit(f"bench: r_input_{n}.csv was not scored (quarantined, or the watcher stopped)")
                time.sleep(0.005)
            latencies.append(time.perf_counter() - started)
        return latencies
    finally:
        watcher.terminate()
        watcher.wait(10)


if __name__ == "__main__":
    main()
