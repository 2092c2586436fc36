"""``modelgate score``: batch-score a CSV under the contract. :func:`score_one` is the command as a function, which
the Databricks notebook and job script call too (``modelgate.databricks.score``)."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING

from modelgate.commands import model_arg
from modelgate.contracts.errors import ModelgateError
from modelgate.model.batch import ENGINES
from modelgate.settings import Settings

if TYPE_CHECKING:
    from modelgate.model.batch.stream import BatchResult


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
    score.add_argument(
        "--interval",
        metavar="LEVEL",
        action="append",
        default=[],
        help="also write the range each answer states for LEVEL in 100 (a level the contract states, e.g. 80), as "
        "<output>_low_LEVEL and <output>_high_LEVEL; repeat for more levels",
    )
    score.add_argument("--no-progress", action="store_true", help="no progress bar even on a terminal")
    score.set_defaults(run=run)


@dataclass(frozen=True)
class Scored:
    """One scored file: the batch result, where its run report went (always written on failure) and the model's version."""

    result: BatchResult
    report: str | None
    model_version: str


def score_one(
    input_path,
    output_path,
    model_dir,
    *,
    engine: str = "pandas",
    master: str | None = None,
    report=None,
    junit=None,
    progress: bool = False,
    intervals=(),
) -> Scored:
    """``modelgate score`` as a function (the command and the Databricks job both call it): load and verify the model,
    score INPUT into OUTPUT under the contract it carries, and write the reports. A rejected file is a result, not an
    exception; a missing model, a bad path or a bad option raises :class:`ModelgateError`."""
    from modelgate.commands import batch_policy
    from modelgate.contracts.evidence import model_properties
    from modelgate.model import artifact
    from modelgate.model.batch.engines import score, write_reports

    if master and engine != "spark":
        raise ModelgateError("--master needs --engine spark")
    loaded = artifact.load(model_dir)
    for warning in loaded.warnings:
        print(f"modelgate: warning: {warning}", file=sys.stderr)
    policy = batch_policy(loaded)
    scorer = loaded.scorer(intervals)  # a level the model does not state: one line, before anything is read
    result = score(input_path, output_path, scorer, engine=engine, master=master, progress=progress, policy=policy)
    report = report or (None if result.ok else f"{output_path}.report.json")
    write_reports(result, loaded.contract, report, junit, properties=model_properties(loaded.manifest))
    return Scored(result, None if report is None else str(report), loaded.version)


def run(args) -> int:
    from modelgate.commands import inputs_lines

    progress = sys.stderr.isatty() and not args.no_progress
    scored = score_one(
        args.input,
        args.output,
        args.model,
        engine=args.engine,
        master=args.master,
        report=args.report,
        junit=args.junit,
        progress=progress,
        intervals=args.interval,
    )
    result = scored.result
    if result.ok:
        print(f"scored {result.rows} rows from {args.input} into {args.output} in {result.seconds:.2f} s")
        for line in inputs_lines(result.inputs):
            print(f"  {line}")
        return 0
    print(f"modelgate: {args.input}: rejected, {result.failures.total} contract violation(s); no output written", file=sys.stderr)
    for line in result.failures.summary():
        print(f"  {line}", file=sys.stderr)
    print(f"  report: {scored.report}", file=sys.stderr)
    return 1
