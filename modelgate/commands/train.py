"""``modelgate train``: fit the model and write its artifact."""

from __future__ import annotations

from pathlib import Path

from modelgate.contracts.ranges import FEATURE, TARGET
from modelgate.settings import DEFAULT_TRAINING_DATA, Settings


def register(sub, settings: Settings) -> None:
    train = sub.add_parser(
        "train",
        help="fit the model on a height,weight CSV and write DIR/ with model.skops, serving.json and manifest.json",
        description="Fit a linear regression of weight on height; write the skops model, its serving form "
        "(the fitted line, checked to answer as the skops model does) and their manifest (SHA-256, versions, metrics).",
    )
    train.add_argument(
        "--data",
        type=Path,
        default=DEFAULT_TRAINING_DATA,
        metavar="CSV",
        help=f"training CSV with columns {FEATURE},{TARGET} (default: {DEFAULT_TRAINING_DATA})",
    )
    train.add_argument(
        "--out",
        type=Path,
        default=settings.model_dir,
        metavar="DIR",
        help=f"model directory to write (default: {settings.model_dir})",
    )
    train.add_argument(
        "--if-missing",
        action="store_true",
        help="train only if DIR holds no model yet; a model already there is verified and kept (the release chain's first step)",
    )
    train.set_defaults(run=run)


def run(args) -> int:
    from modelgate.model import artifact, serving
    from modelgate.model.train import train

    if args.if_missing and (args.out / artifact.MANIFEST_FILE).exists():
        kept = artifact.load(args.out)
        if artifact.add_serving_form(kept):
            print(f"added the serving form to the model in {args.out}/ (model {kept.version})")
        serving.load(args.out)  # what the service will load must verify too
        digest = kept.manifest["model_sha256"][:12]
        print(f"kept the model in {args.out}/ (model {kept.version}, SHA-256 {digest}…): not retrained")
        return 0
    manifest = train(args.data, args.out)
    metrics = manifest["metrics"]
    print(
        f"trained {manifest['model_type'].rsplit('.', 1)[-1]} on {manifest['training_data']['rows']} rows: "
        f"R² {metrics['r2_train']:.4f}, RMSE {metrics['rmse_train']:.4f}; wrote {args.out}/ (model {manifest['model_version']})"
    )
    return 0
