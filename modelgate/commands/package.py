"""``modelgate package``: bring your own model: a fitted scikit-learn estimator or Pipeline, saved with skops, packaged
with the contract its features state."""

from __future__ import annotations

from pathlib import Path

from modelgate.commands import features_arg
from modelgate.settings import Settings


def register(sub, settings: Settings) -> None:
    package = sub.add_parser(
        "package",
        help="package a fitted skops model with the features' contract into a model folder",
        description="Load MODEL_FILE (a skops file; only trusted scikit-learn and numpy types), compile the contract from "
        "the features, and check that the model takes exactly the contract's inputs and answers every row the contract "
        "accepts, and that the training data keeps the contract. Then write OUT: the model, its contract, a serving form "
        "where one can be written exactly, and the manifest with the metrics, the cross-validated errors (clones of the "
        "estimator refitted fold by fold) and the training profile of each input. One line per problem otherwise.",
    )
    package.add_argument("model_file", type=Path, metavar="MODEL_FILE", help="the fitted model, saved with skops.io.dump")
    package.add_argument(
        "--data", type=Path, required=True, metavar="CSV", help="the data it was trained on (inputs and output as columns)"
    )
    features_arg(package, settings)
    package.add_argument("--out", type=Path, required=True, metavar="DIR", help="the model folder to write")
    package.add_argument(
        "--if-missing",
        action="store_true",
        help="package only if DIR holds no model yet; a model already there is verified and kept (the chain's first step)",
    )
    package.set_defaults(run=run)


def kept(out: Path) -> str | None:
    """With ``--if-missing``: the line saying the model already in ``out`` was verified and kept, or None if there is none."""
    from modelgate.model import artifact, served
    from modelgate.model.manifest import MANIFEST_FILE

    if not (out / MANIFEST_FILE).exists():
        return None
    found = artifact.load(out)
    served.load(out)  # what the service will load must verify too
    return f"kept the model in {out}/ (model {found.version}, SHA-256 {found.manifest.sha256[:12]}…): not packaged again"


def packaged_contract(features: Path):
    """The contract of ``features``, read for packaging: it must state the model's card (what it is for, its owner...)."""
    from modelgate.contracts.reader import read_contract, require_card

    return require_card(read_contract(features), features)


def describe(manifest, out: Path) -> str:
    metrics, cv = manifest.metrics, manifest.metrics.get("cv") or {}
    if "train" in metrics:  # a classifier's metrics
        quality = f"accuracy {metrics['train']['accuracy']:.4f}"
        unseen = f", on unseen rows {cv['accuracy']:.4f} (baseline {cv['baseline']['accuracy']:.4f})" if "accuracy" in cv else ""
    else:
        quality = f"R² {metrics['r2_train']:.4f}"
        unseen = f", typical error on unseen rows {cv['mae']:.4g}" if "mae" in cv else ""
    form = manifest.form if not manifest.form_note else f"{manifest.form} (no exact serving form: {manifest.form_note})"
    return (
        f"packaged {manifest.model_type.rsplit('.', 1)[-1]} on {manifest.training_data['rows']} rows: "
        f"{quality}{unseen}; serving form {form}; wrote {out}/ (model {manifest.model_version})"
    )


def run(args) -> int:
    from modelgate.model.artifact import loads_trusted
    from modelgate.model.manifest import ArtifactError
    from modelgate.model.package import package
    from modelgate.model.train import read_training

    if args.if_missing and (line := kept(args.out)):
        print(line)
        return 0
    contract = packaged_contract(args.features)
    try:
        data = args.model_file.read_bytes()
    except OSError as exc:
        raise ArtifactError(f"{args.model_file}: cannot read the model file ({exc.strerror})") from None
    estimator = loads_trusted(data, args.model_file)
    training = read_training(args.data, contract)
    print(describe(package(estimator, training, contract, args.out), args.out))
    return 0
