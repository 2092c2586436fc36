"""``modelgate score``: batch-score a CSV under the contract."""

from __future__ import annotations

import sys
from pathlib import Path

from modelgate.commands import model_arg
from modelgate.settings import Settings


def register(sub, settings: Settings) -> None:
    score = sub.add_parser(
        "score",
        help="score a CSV with a height column into OUTPUT (input columns + weight)",
        description="Stream INPUT in chunks, validate each against the batch input schema, and write OUTPUT atomically. "
        "On any contract violation nothing is written to OUTPUT, a failure report is written, and the exit code is 1.",
    )
    score.add_argument("input", type=Path, metavar="INPUT", help="CSV file with a 'height' column (other columns pass through)")
    score.add_argument("output", type=Path, metavar="OUTPUT", help="CSV file to write; replaced only when the whole input passed")
    model_arg(score, settings)
    score.add_argument(
        "--report",
        type=Path,
        metavar="JSON",
        help="write the machine-readable run report here (default on failure: OUTPUT.report.json)",
    )
    score.add_argument("--junit", type=Path, metavar="XML", help="write the contract checks as JUnit XML here")
    score.add_argument("--no-progress", action="store_true", help="no progress bar even on a terminal")
    score.set_defaults(run=run)


def run(args) -> int:
    from model import artifact, reports
    from model.batch import score_file
    from model.scorer import Scorer

    loaded = artifact.load(args.model)
    for warning in loaded.warnings:
        print(f"modelgate: warning: {warning}", file=sys.stderr)
    result = score_file(args.input, args.output, Scorer(loaded.estimator), progress=sys.stderr.isatty() and not args.no_progress)
    report = args.report or (None if result.ok else args.output.with_name(args.output.name + ".report.json"))
    if report:
        reports.write_json(result, report)
    if args.junit:
        reports.write_junit(result, args.junit)
    if result.ok:
        print(f"scored {result.rows} rows from {args.input} into {args.output} in {result.seconds:.2f} s")
        return 0
    print(f"modelgate: {args.input}: rejected, {result.failures.total} contract violation(s); no output written", file=sys.stderr)
    for line in result.failures.summary():
        print(f"  {line}", file=sys.stderr)
    print(f"  report: {report}", file=sys.stderr)
    return 1
