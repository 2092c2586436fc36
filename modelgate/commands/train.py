"""``modelgate train``: fit the model and write its artifact."""

from __future__ import annotations

from pathlib import Path

from modelgate.settings import DEFAULT_TRAINING_DATA, Settings


def register(sub, settings: Settings) -> None:
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
    train.set_defaults(run=run)


def run(args) -> int:
    from model.train import train

    manifest = train(args.data, args.out)
    metrics = manifest["metrics"]
    print(
        f"trained {manifest['model_type'].rsplit('.', 1)[-1]} on {manifest['training_data']['rows']} rows: "
        f"R² {metrics['r2_train']:.4f}, RMSE {metrics['rmse_train']:.4f}; wrote {args.out}/ (model {manifest['model_version']})"
    )
    return 0
