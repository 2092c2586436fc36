"""``modelgate publish``: make a released model the production model the next release is compared with."""

from __future__ import annotations

from pathlib import Path

from modelgate.commands import PRODUCTION_ENV, production_arg
from modelgate.contracts.errors import ModelgateError
from modelgate.settings import Settings


def register(sub, settings: Settings) -> None:
    publish = sub.add_parser(
        "publish",
        help="publish a released model as the production model (a folder, abfs:// or an MLflow registry alias)",
        description="Verify MODEL_DIR, then publish it where `modelgate compare` reads the production model: copy its "
        "files into a folder or folder URL (the manifest last), or, for models:/NAME@ALIAS, log them as an MLflow run's "
        "artifacts, register a model version tagged with its model_version and model_sha256 and move the alias to it "
        "(the registry is MLFLOW_TRACKING_URI's). A target already holding this model_version is left as it is.",
    )
    publish.add_argument("model_dir", type=Path, metavar="MODEL_DIR", help="the released model's folder")
    production_arg(publish, "target", "where the production model lives", metavar="TARGET")
    publish.set_defaults(run=run)


def run(args) -> int:
    from modelgate.model.batch.production import publish

    if not args.target:
        raise ModelgateError(f"publish: no TARGET given and ${PRODUCTION_ENV} is not set")
    print(publish(args.model_dir, args.target))
    return 0
