"""``modelgate compare``: the model being released against the model in production (champion/challenger)."""

from __future__ import annotations

from pathlib import Path

from modelgate.commands import production_arg
from modelgate.settings import DEFAULT_EVALUATION_DATA, Settings


def register(sub, settings: Settings) -> None:
    compare = sub.add_parser(
        "compare",
        help="compare a new model with the model in production on evaluation data neither was trained on",
        description="Fails (exit 1) when the new model is worse than the production model by more than the margin its "
        "contract states (a regression in its typical error, a classifier in its champion metric), or an agreed answer "
        "moved (a number by more than its tolerance; a class changed, or an agreed probability moved by more than its "
        "tolerance). With no production model at CHAMPION yet it passes as a first release, saying 'first release: not "
        "compared with a production model' (and, in its JUnit, the suite property first_release, which the gate's "
        "verdict line repeats).",
    )
    production_arg(compare, "--champion", "the production model")
    compare.add_argument(
        "--challenger", type=Path, default=settings.model_dir, metavar="DIR", help="the new model (default: %(default)s)"
    )
    compare.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_EVALUATION_DATA,
        metavar="CSV",
        help="evaluation data: the inputs and the output as columns, rows neither model was trained on (default: %(default)s)",
    )
    compare.add_argument("--junit", type=Path, metavar="XML", help="write the verdicts as JUnit XML here, for the gate")
    compare.set_defaults(run=run)


def run(args) -> int:
    from modelgate.model.batch.production import production_model
    from modelgate.model.compare import compare, write_junit

    with production_model(args.champion) as production_dir:
        result = compare(production_dir, args.challenger, args.data)
    if args.junit:
        write_junit(result, args.champion, args.challenger, args.junit)
    print(result.summary())
    print(result.moved_summary())
    return 0 if result.not_worse and not result.moved else 1
