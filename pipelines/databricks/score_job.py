"""Databricks job entry point: score one uploaded CSV with the Spark engine (the scoring notebook's command).

    python score_job.py --input-path abfs://scoring/input/r_input_1.csv --output-path abfs://scoring/output/

An OUTPUT ending with '/' is a folder: the file is named by the watcher's rule (modelgate.databricks.output_for),
so the Data Factory flow and ``modelgate watch`` name outputs the same way. The scoring is modelgate.databricks.score
(``modelgate score``'s own function), which the scoring notebook calls too; the model is --model or
$MODELGATE_MODEL_DIR (the job cluster sets it). Exit 1 on a contract violation (the report goes beside the would-be
output), 2 on a usage or configuration problem, each with one line.
"""

from __future__ import annotations

import argparse
import sys


def build_parser() -> argparse.ArgumentParser:
    from modelgate.model.batch import ENGINES

    parser = argparse.ArgumentParser(prog="score_job", description=__doc__.splitlines()[0])
    parser.add_argument("--input-path", required=True, help="the uploaded CSV (path or abfs:// URL)")
    parser.add_argument("--output-path", required=True, help="output CSV, or a folder ending with '/'")
    parser.add_argument("--model", default=None, help="model directory (default: $MODELGATE_MODEL_DIR)")
    parser.add_argument("--engine", default="spark", choices=ENGINES)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from modelgate.contracts.errors import ModelgateError

    from modelgate.databricks import score

    try:
        score(args.input_path, args.output_path, args.model, engine=args.engine)
    except ModelgateError as exc:
        print(f"modelgate: error: {exc}", file=sys.stderr)
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
