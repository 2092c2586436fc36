"""``modelgate monitor``: the real outcomes of answered rows, judged per period by the contract's own measures."""

from __future__ import annotations

from pathlib import Path

from modelgate.commands import model_arg
from modelgate.settings import Settings


def register(sub, settings: Settings) -> None:
    monitor = sub.add_parser(
        "monitor",
        help="judge the real outcomes of answered rows per period against the contract (after release)",
        description="Join OUTCOMES (a CSV of the real answers, with a date column) to what the model answered: to the "
        "scored file by an id column (--answers SCORED --on ID), or, when OUTCOMES holds the inputs, to the model's own "
        "answers to them. Each period (--period) is judged by the contract's measures: a regression's typical error and, "
        "where the contract names groups, each group's typical error and the gap between best and worst; a "
        "classifier's metric bands. Exit 1 when a period is outside the contract; --junit for the pipeline (the suite "
        "names the model), --out for the report's plot over time (modelgate report --monitor).",
    )
    monitor.add_argument("outcomes", metavar="OUTCOMES", type=Path, help="CSV of the real answers, one row per answered row")
    model_arg(monitor, settings)
    monitor.add_argument(
        "--answers", type=Path, metavar="SCORED", help="the scored file the outcomes answer (modelgate score's output)"
    )
    monitor.add_argument("--on", metavar="ID", help="the id column naming a row in both OUTCOMES and SCORED")
    monitor.add_argument(
        "--when", default="date", metavar="COLUMN", help="the column of dates in OUTCOMES (default: %(default)s)"
    )
    monitor.add_argument("--period", default="month", choices=["day", "week", "month"], help="default: %(default)s")
    monitor.add_argument("--junit", type=Path, metavar="XML", help="write one case per period as JUnit XML here")
    monitor.add_argument("--out", type=Path, metavar="JSON", help="write the periods as JSON here, for the report")
    monitor.set_defaults(run=run)


def run(args) -> int:
    from modelgate.model import artifact
    from modelgate.model.monitor import monitor, write_json, write_junit

    result = monitor(args.model, args.outcomes, when=args.when, period=args.period, answers=args.answers, on=args.on)
    if args.junit:
        write_junit(result, artifact.read_manifest(args.model), args.junit)
    if args.out:
        write_json(result, args.out)
    print(result.summary())
    return 0 if result.ok else 1
