"""The model folder on the scikit-learn side: the skops model file, refused unless every type in it is on
modelgate's trusted list, and the verified folder as batch scoring, packaging and the report load it.

skops instantiates only the types it is told to trust, so loading a model never runs arbitrary code (unlike pickle
or joblib). The manifest (:mod:`.manifest`) pins the SHA-256 of every file; the service loads the serving form
alone (:mod:`.served`).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sklearn
import skops.io as sio
from modelgate.contracts.contract import Contract
from modelgate.model.manifest import ArtifactError, Manifest, read_manifest

# The types a model file may hold: the linear models, trees and ensembles (HistGradientBoosting among them) with
# the internals they keep, the Pipeline and ColumnTransformer that compose them, and the imputers, scalers and
# encoders they preprocess with; numpy's arrays and scalars and Python's containers. No function (a
# FunctionTransformer is trusted only as the identity: see below) and nothing of any other package.
TRUSTED_MODULES = (
    "sklearn.linear_model.",
    "sklearn.tree.",
    "sklearn.ensemble.",
    "sklearn._loss.",
    "sklearn.dummy.",
)
TRUSTED_TYPES = frozenset(
    {
        "sklearn.pipeline.Pipeline",
        "sklearn.compose._column_transformer.ColumnTransformer",
        # The list of a ColumnTransformer's remainder columns (scikit-learn 1.5 to 1.7: Databricks Runtime 17.3's).
        "sklearn.compose._column_transformer._RemainderColsList",
        "sklearn.compose._target.TransformedTargetRegressor",
        "sklearn.impute._base.SimpleImputer",
        "sklearn.impute._base.MissingIndicator",
        "sklearn.preprocessing._data.StandardScaler",
        "sklearn.preprocessing._data.MinMaxScaler",
        "sklearn.preprocessing._data.MaxAbsScaler",
        "sklearn.preprocessing._data.RobustScaler",
        "sklearn.preprocessing._encoders.OneHotEncoder",
        "sklearn.preprocessing._encoders.OrdinalEncoder",
        "sklearn.preprocessing._label.LabelEncoder",
        "sklearn.preprocessing._polynomial.PolynomialFeatures",
        # What a ColumnTransformer's "passthrough" becomes once fitted (scikit-learn >= 1.8). Trusting the type trusts
        # no function: a function it would call is a type of its own in the file (numpy.log1p, posix.system), refused.
        "sklearn.preprocessing._function_transformer.FunctionTransformer",
        "numpy.ndarray",
        "numpy.dtype",
        "numpy.random._generator.Generator",
        "numpy.random._pcg64.PCG64",
        "numpy.random.mtrand.RandomState",
        "builtins.dict",
        "builtins.list",
        "builtins.tuple",
        "builtins.str",
        "builtins.int",
        "builtins.float",
        "builtins.bool",
        "builtins.slice",
        "builtins.NoneType",
        "builtins.type",
    }
)
# numpy's scalar types by their exact names: a prefix such as "numpy.int" would also trust functions (numpy.interp),
# which a trusted type that calls the functions given to it (TransformedTargetRegressor's func) would run.
_NUMPY_SCALARS = re.compile(r"numpy\.(?:u?int(?:8|16|32|64|c|p|_)?|float(?:16|32|64|128|_)?|bool_?|str_|object_)")
# The compiled loss objects gradient boosting keeps, as scikit-learn < 1.8 names their module ("_loss", not
# "sklearn._loss._loss"): Databricks Runtime 17.3's scikit-learn 1.6 writes them so.
_COMPILED_LOSSES = re.compile(r"_loss\.Cy[A-Za-z]+")


def trusted(name: str) -> bool:
    return (
        name in TRUSTED_TYPES
        or name.startswith(TRUSTED_MODULES)
        or _NUMPY_SCALARS.fullmatch(name) is not None
        or _COMPILED_LOSSES.fullmatch(name) is not None
    )


def file_types(data: bytes) -> set[str]:
    """Every type a skops file names, read from its schema (nothing is instantiated)."""
    found: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, dict):
            if "__class__" in node:
                found.add(f"{node.get('__module__')}.{node['__class__']}")
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        walk(json.loads(archive.read("schema.json")))
    return found


def loads_trusted(data: bytes, where: object) -> Any:
    """The estimator in a skops file's bytes, if every type in it is trusted; else one line naming the others."""
    try:
        types = file_types(data)
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise ArtifactError(f"{where}: not a readable skops model ({exc})") from None
    refused = sorted(t for t in types if not trusted(t))
    if refused:
        raise ArtifactError(
            f"{where}: refusing to load type(s) {', '.join(refused)}: not on modelgate's trusted list "
            "(linear models, trees and ensembles, Pipeline, ColumnTransformer, imputers, scalers, encoders)"
        )
    try:
        return sio.loads(data, trusted=sorted(types))
    except Exception as exc:  # skops raises many types on a corrupt file
        raise ArtifactError(f"{where}: not a readable skops model ({type(exc).__name__}: {exc})") from None


def model_inputs(estimator: Any) -> list[str] | None:
    """The column names a fitted estimator was fitted on (``feature_names_in_``), or None if it was fitted on an array."""
    names = getattr(estimator, "feature_names_in_", None)
    return None if names is None else [str(n) for n in names]


@dataclass
class Artifact:
    estimator: Any
    manifest: Manifest
    contract: Contract
    directory: Path
    warnings: list[str] = field(default_factory=list)

    @property
    def version(self) -> str:
        return self.manifest.model_version

    def scorer(self, intervals=()):
        """The model's :class:`~modelgate.model.scorer.Scorer`; with ``intervals`` (levels, ``["80", "95"]``) it also
        states those ranges (:class:`ModelgateError` if the model records one of them not)."""
        from modelgate.model.scorer import Scorer

        return Scorer(self.estimator, self.contract, self.manifest.inputs, self.manifest.widths(intervals))


def load(directory: str | Path) -> Artifact:
    """Load and verify a model directory; raise :class:`ArtifactError` saying what is wrong."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    manifest.files(directory)  # every signed file, the serving form too: a folder with any file changed is not the model
    model_path = manifest.path(directory, "model file")
    contract = manifest.read_contract(directory)
    estimator = loads_trusted(model_path.read_bytes(), model_path)
    if not hasattr(estimator, "predict"):
        raise ArtifactError(f"{model_path}: a {type(estimator).__name__} is not a fitted model (it has no predict)")
    named = model_inputs(estimator)
    if (named is not None and named != manifest.inputs) or getattr(estimator, "n_features_in_", len(manifest.inputs)) != len(
        manifest.inputs
    ):
        raise ArtifactError(f"{model_path}: the model takes {named or '?'}, the manifest says {manifest.inputs}")
    return Artifact(estimator, manifest, contract, directory, _version_warnings(manifest))


def _version_warnings(manifest: Manifest) -> list[str]:
    trained = manifest.libraries.get("scikit-learn", "?")
    if trained.split(".")[0] != sklearn.__version__.split(".")[0]:
        return [
            f"model was trained with scikit-learn {trained} but this is scikit-learn "
            f"{sklearn.__version__}: predictions may differ; retrain the model"
        ]
    return []
