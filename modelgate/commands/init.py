"""``modelgate init``: write a draft features folder (the contract) from the training data, for a reviewer to edit."""

from __future__ import annotations

from pathlib import Path

from modelgate.settings import Settings


def register(sub, settings: Settings) -> None:
    from modelgate.contracts.unagreed import UNAGREED

    init = sub.add_parser(
        "init",
        help="write a draft contract (features) from a CSV of the training data",
        description="Read CSV (a header, one row per training row) and write OUT/model.feature, scoring.feature, "
        "quality.feature and risk.feature: the inputs with the kinds, values and gaps the data shows, the answer, "
        f"golden rows spread over the data and proposed limits. Every value nobody has agreed yet reads '{UNAGREED}': "
        "package refuses the contract and gate fails, one line per value, until a reviewer writes a number there. "
        "A file already in OUT is kept, never written over.",
    )
    init.add_argument("--data", type=Path, required=True, metavar="CSV", help="the training data: the inputs and the answer")
    init.add_argument("--target", required=True, metavar="COLUMN", help="the column the model answers")
    init.add_argument(
        "--task",
        choices=("regression", "classification"),
        help=(
            "what the model answers (default: a regression for numbers that measure: more than 20 values, a fraction,"
            " or more than two values making up over half the rows; else classes)"
        ),
    )
    init.add_argument(
        "--out",
        type=Path,
        default=settings.features_dir,
        metavar="DIR",
        help=f"the features folder (default: {settings.features_dir})",
    )
    init.set_defaults(run=run)


def run(args) -> int:
    from modelgate.contracts.unagreed import UNAGREED
    from modelgate.draft import features, observed

    data = observed.read(args.data, args.target, args.task)
    for line in features.write(data, args.out):
        print(line)
    print(f"a {data.task} of {data.target} from {len(data.inputs)} input(s); agree every value that reads '{UNAGREED}'")
    return 0
