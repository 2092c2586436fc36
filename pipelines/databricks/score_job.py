"""Databricks job entry point: score one uploaded CSV with the Spark engine (thin; the logic is modelgate.model.batch.engines).

    python score_job.py --input-path abfs://scoring/input/r_input_1.csv --output-path abfs://scoring/output/

An OUTPUT ending with '/' is a folder: the file is named by the watcher's rule (modelgate.model.batch.watch.output_name),
so the Data Factory flow and ``modelgate watch`` name outputs the same way. Exit 1 on a contract violation
(the report and JUnit XML go beside the would-be output), 2 on a usage or configuration problem.
"""

from __future__ import annotations

import argparse
import posixpath
import sys


def build_parser() -> argparse.ArgumentParser:
    from modelgate.model.batch import ENGINES

    parser = argparse.ArgumentParser(prog="score_job", description=__doc__.splitlines()[0])
    parser.add_argument("--input-path", required=True, help="the uploaded CSV (path or abfs:// URL)")
    parser.add_argument("--output-path", required=True, help="output CSV, or a folder ending with '/'")
    parser.add_argument("--model", default=None, help="model directory (default: $MODELGATE_MODEL_DIR)")
    parser.add_argument("--engine", default="spark", choices=ENGINES)
    return parser


def output_for(input_path: str, output_path: str) -> str:
    """The output file for an input: a folder ending with '/' gets the watcher's output name."""
    from modelgate.model.batch.watch import output_name

    if output_path.endswith("/"):
        return output_path + output_name(posixpath.basename(input_path))
    return output_path


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from modelgate.cli import main as modelgate

    command = ["score", args.input_path, output_for(args.input_path, args.output_path), "--engine", args.engine, "--no-progress"]
    if args.model:
        command += ["--model", args.model]
    return modelgate(command)


if __name__ == "__main__":
    sys.exit(main())
