"""Spark engine benchmark: rows/s in local mode next to the default (pandas/pyarrow) engine, and
Spark's fixed start-up cost, on one generated height CSV.

    python bench/spark_batch.py [--rows 20000000] [--master local[*]]

The default engine runs as ``modelgate score`` in a fresh process (wall time). The Spark engine
runs in this process so that its parts can be told apart: SparkSession start, the first job
(also starts the Python workers, which import pandas/pandera/scikit-learn) and a second, warm job.
Results go to bench/out/spark_batch.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

from common import OUT, ROOT, make_input, trained_model
from modelgate.steps.support import load_scorer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000_000)
    parser.add_argument("--master", default="local[*]")
    args = parser.parse_args()
    source, model = make_input(args.rows), trained_model()
    figures = {
        "rows": args.rows,
        "input_mb": round(source.stat().st_size / 1e6, 1),
        "cpus": os.cpu_count(),
        "master": args.master,
    }

    started = time.perf_counter()
    cli = [sys.executable, "-m", "modelgate.cli", "score", str(source), str(OUT / "scored-pandas.csv"), "--model", str(model)]
    subprocess.run([*cli, "--no-progress"], check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    figures["pandas_seconds"] = round(time.perf_counter() - started, 2)

    from modelgate.model.batch.spark import score_file_spark, session

    scorer = load_scorer(model)
    started = time.perf_counter()
    spark = session(args.master)
    figures["spark_session_start_seconds"] = round(time.perf_counter() - started, 2)
    for run in ("spark_first_job_seconds", "spark_warm_job_seconds"):
        started = time.perf_counter()
        result = score_file_spark(source, OUT / "scored-spark.csv", scorer, spark=spark)
        figures[run] = round(time.perf_counter() - started, 2)
        assert result.ok, result.failures.summary()
    figures["partitions"] = spark.read.text(str(source)).rdd.getNumPartitions()
    spark.stop()
    figures["identical_output"] = (OUT / "scored-spark.csv").read_bytes() == (OUT / "scored-pandas.csv").read_bytes()
    for key in ("pandas_seconds", "spark_warm_job_seconds"):
        figures[key.replace("seconds", "rows_per_s")] = round(args.rows / figures[key])
    (OUT / "spark_batch.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
