"""The ``modelgate`` command: thin argument parsing over importable functions."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from contracts.errors import ModelgateError
from modelgate.settings import DEFAULT_TRAINING_DATA, Settings


def _model_arg(parser: argparse.ArgumentParser, settings: Settings) -> None:
    parser.add_argument(
        "--model",
        type=Path,
        default=settings.model_dir,
        metavar="DIR",
        help=f"model directory with manifest.json (default: $MODELGATE_MODEL_DIR or {settings.model_dir})",
    )


def build_parser(settings: Settings) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="modelgate", description="Train, score and serve the height -> weight model under its contract."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    train = sub.add_parser(
        "train",
        help="fit the model on a height,weight CSV and write DIR/ with model.skops and manifest.json",
        description="Fit a linear regression of weight on height; write the skops model and its manifest "
        "(SHA-256, versions, metrics).",
    )
    train.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_TRAINING_DATA,
        metavar="CSV",
        help=f"training CSV with columns height,weight (default: {DEFAULT_TRAINING_DATA})",
    )
    train.add_argument(
        "--out",
        type=Path,
        default=settings.model_dir,
        metavar="DIR",
        help=f"model directory to write (default: {settings.model_dir})",
    )
    train.set_defaults(run=_train)

    score = sub.add_parser(
        "score",
        help="score a CSV with a height column into OUTPUT (input columns + weight)",
        description="Stream INPUT in chunks, validate each against the batch input schema, and write OUTPUT atomically. "
        "On any contract violation nothing is written to OUTPUT, a failure report is written, and the exit code is 1.",
    )
    score.add_argument("input", type=Path, metavar="INPUT", help="CSV file with a 'height' column (other columns pass through)")
    score.add_argument("output", type=Path, metavar="OUTPUT", help="CSV file to write; replaced only when the whole input passed")
    _model_arg(score, settings)
    score.add_argument(
        "--report",
        type=Path,
        metavar="JSON",
        help="write the machine-readable run report here (default on failure: OUTPUT.report.json)",
    )
    score.add_argument("--junit", type=Path, metavar="XML", help="write the contract checks as JUnit XML here")
    score.add_argument("--no-progress", action="store_true", help="no progress bar even on a terminal")
    score.set_defaults(run=_score)

    serve = sub.add_parser(
        "serve",
        help="serve the model over HTTP (GET/POST /weight, /health, /ready, /metadata, /docs)",
        description="Run the REST scoring service with uvicorn.",
    )
    _model_arg(serve, settings)
    serve.add_argument("--host", default=settings.host, help=f"interface to bind (default: {settings.host})")
    serve.add_argument("--port", type=int, default=settings.port, help=f"port (default: {settings.port})")
    serve.add_argument("--workers", type=int, default=settings.workers, help=f"worker processes (default: {settings.workers})")
    serve.add_argument("--access-log", action="store_true", help="log every request (off by default: it costs throughput)")
    serve.set_defaults(run=_serve)
    return parser


def _train(args) -> int:
    from model.train import train

    manifest = train(args.data, args.out)
    metrics = manifest["metrics"]
    print(
        f"trained {manifest['model_type'].rsplit('.', 1)[-1]} on {manifest['training_data']['rows']} rows: "
        f"R² {metrics['r2_train']:.4f}, RMSE {metrics['rmse_train']:.4f}; wrote {args.out}/ (model {manifest['model_version']})"
    )
    return 0


def _score(args) -> int:
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


def _serve(args) -> int:
    import os

    import uvicorn

    from model import artifact

    artifact.load(args.model)  # fail fast, with the reason, before binding the port
    os.environ["MODELGATE_MODEL_DIR"] = str(args.model)
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        access_log=args.access_log,
        log_level=Settings.from_env().log_level,
    )
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        settings = Settings.from_env()
        args = build_parser(settings).parse_args(argv)
        return args.run(args)
    except ModelgateError as exc:
        print(f"modelgate: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("modelgate: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
