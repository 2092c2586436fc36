"""``modelgate score``: batch-score a CSV under the contract."""

from __future__ import annotations

import sys

from modelgate.commands import model_arg
from modelgate.contracts.errors import ModelgateError
from modelgate.model.batch import ENGINES
from modelgate.settings import Settings


def register(sub, settings: Settings) -> None:
    score = sub.add_parser(
        "score",
        help="score a CSV of the model's inputs into OUTPUT (input columns + the answer)",
        description="Stream INPUT in chunks, validate each against the batch input schema of the contract the model "
        "carries, and write OUTPUT atomically. On any contract violation nothing is written to OUTPUT, a failure report "
        "is written, and the exit code is 1.",
    )
    score.add_argument(
        "input",
        metavar="INPUT",
        help="CSV file or URL (abfs://container/path) with a column per input of the model (other columns pass through)",
    )
    score.add_argument("output", metavar="OUTPUT", help="CSV file or URL to write; replaced only when the whole input passed")
    model_arg(score, settings)
    score.add_argument(
        "--report",
        metavar="JSON",
        help="write the machine-readable run report here (default on failure: OUTPUT.report.json)",
    )
    score.add_argument(
        "--junit",
        metavar="XML",
        help="write the contract checks as JUnit XML here (path or URL); its suite names the model (model_sha256, model_version)",
    )
    score.add_argument(
        "--engine",
        choices=ENGINES,
        default="pandas",
        help="pandas: stream on this machine (default); spark: PySpark, local mode unless --master (needs modelgate[spark])",
    )
    score.add_argument("--master", metavar="URL", help="Spark master for --engine spark (default local[*])")
    score.add_argument("--no-progress", action="store_true", help="no progress bar even on a terminal")
    score.set_defaults(run=run)


def run(args) -> int:
    from modelgate.commands import batch_policy, inputs_lines
    from modelgate.contracts.evidence import model_properties
    from modelgate.model import artifact
    from modelgate.model.batch.engines import score, write_reports

    loaded = artifact.load(args.model)
    for warning in loaded.warnings:
        print(f"modelgate: warning: {warning}", file=sys.stderr)
    if args.master and args.engine != "spark":
        raise ModelgateError("--master needs --engine spark")
    progress = sys.stderr.isatty() and not args.no_progress
    result = score(
        args.input,
        args.output,
        loaded.scorer(),
        engine=args.engine,
        master=args.master,
        progress=progress,
        policy=batch_policy(loaded),
    )
    report = args.report or (None if result.ok else f"{args.output}.report.json")
    write_reports(result, loaded.contract, report, args.junit, properties=model_properties(loaded.manifest))
    if result.ok:
        print(f"scored {result.rows} rows from {args.input} into {args.output} in {result.seconds:.2f} s")
        for line in inputs_lines(result.inputs):
            print(f"  {line}")
        return 0
    print(f"modelgate: {args.input}: rejected, {result.failures.total} contract violation(s); no output written", file=sys.stderr)
    for line in result.failures.summary():
        print(f"  {line}", file=sys.stderr)
    print(f"  report: {report}", file=sys.stderr)
    return 1
