"""``modelgate train``: fit a model to a CSV under the features' contract and package it."""

from __future__ import annotations

from pathlib import Path

from modelgate.commands import features_arg
from modelgate.model import ESTIMATORS
from modelgate.settings import DEFAULT_TRAINING_DATA, Settings


def register(sub, settings: Settings) -> None:
    train = sub.add_parser(
        "train",
        help="fit a model to a CSV under the features' contract and write the model folder DIR",
        description="Compile the contract from the features, read the training CSV under it (every input and the output "
        "as columns; a bad value is reported with its line), fit the named estimator and package it like `modelgate "
        "package`: DIR gets the skops model, the contract, a serving form where one can be written, and their manifest.",
    )
    features_arg(train, settings)
    train.add_argument(
        "--data", type=Path, default=DEFAULT_TRAINING_DATA, metavar="CSV", help=f"training CSV (default: {DEFAULT_TRAINING_DATA})"
    )
    train.add_argument(
        "--out",
        type=Path,
        default=settings.model_dir,
        metavar="DIR",
        help=f"model folder to write (default: {settings.model_dir})",
    )
    train.add_argument(
        "--estimator",
        choices=ESTIMATORS,
        default="linear",
        help="what to fit (default: linear, a least-squares line); numbers that may be missing are imputed and "
        "categories one-hot encoded in a Pipeline first",
    )
    train.add_argument(
        "--if-missing",
        action="store_true",
        help="train only if DIR holds no model yet; a model already there is verified and kept (the release chain's first step)",
    )
    train.set_defaults(run=run)


def run(args) -> int:
    from modelgate.commands.package import describe, kept, packaged_contract
    from modelgate.model.package import package
    from modelgate.model.train import estimator_for, fit, read_training

    if args.if_missing and (line := kept(args.out)):
        print(line)
        return 0
    contract = packaged_contract(args.features)
    data = read_training(args.data, contract)
    estimator = fit(estimator_for(contract, args.estimator), data, contract)
    print(describe(package(estimator, data, contract, args.out), args.out))
    return 0
