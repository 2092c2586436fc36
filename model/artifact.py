"""The model artifact: a skops file plus ``manifest.json``, verified on every load.

skops refuses to instantiate any type outside its trusted list, so loading a model never runs
arbitrary code (unlike pickle/joblib). The manifest pins the file's SHA-256.
"""

from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sklearn
import skops
import skops.io as sio
from modelgate.contracts.errors import ModelgateError
from modelgate.contracts.manifest import (
    MANIFEST_FILE,
    MANIFEST_VERSION,
    MODEL_FILE,
    MODEL_FILE_KEY,
    MODEL_SHA256_KEY,
    MODEL_VERSION_KEY,
)
from modelgate.contracts.ranges import FEATURE, TARGET
from modelgate.model.files import atomic_writer, sha256_file


class ArtifactError(ModelgateError):
    """The model directory is missing, incomplete, tampered with or holds an untrusted type."""


@dataclass
class Artifact:
    estimator: Any
    manifest: dict
    directory: Path
    warnings: list[str] = field(default_factory=list)

    @property
    def version(self) -> str:
        return self.manifest[MODEL_VERSION_KEY]


def save(estimator: Any, directory: Path, *, training: dict, metrics: dict) -> dict:
    """Write the model file, then the manifest (the commit point); return the manifest."""
    directory.mkdir(parents=True, exist_ok=True)
    model_path = directory / MODEL_FILE
    with atomic_writer(model_path) as handle:
        handle.write(sio.dumps(estimator))
    digest = sha256_file(model_path)
    coefficients = {"intercept": float(estimator.intercept_), "slope": float(estimator.coef_[0])}
    manifest = {
        "manifest_version": MANIFEST_VERSION,
        MODEL_VERSION_KEY: _model_version(training, coefficients),
        MODEL_FILE_KEY: MODEL_FILE,
        MODEL_SHA256_KEY: digest,
        "model_type": f"{type(estimator).__module__}.{type(estimator).__qualname__}",
        "features": [FEATURE],
        "target": TARGET,
        "coefficients": coefficients,
        "metrics": metrics,
        "training_data": training,
        "sklearn_version": sklearn.__version__,
        "skops_version": skops.__version__,
        "python_version": platform.python_version(),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    with atomic_writer(directory / MANIFEST_FILE, "w") as handle:
        json.dump(manifest, handle, indent=2)
        handle.write("\n")
    return manifest


def _model_version(training: dict, coefficients: dict) -> str:
    """What the model computes, not how skops laid out its file (which embeds object ids and
    so differs between identical trainings): the same data always gives the same version."""
    facts = json.dumps({"data": training["sha256"], "coefficients": coefficients}, sort_keys=True)
    return hashlib.sha256(facts.encode()).hexdigest()[:12]


def read_manifest(directory: Path) -> dict:
    path = Path(directory) / MANIFEST_FILE
    if not Path(directory).is_dir():
        raise ArtifactError(f"no model directory at {directory} (train one with: modelgate train)")
    try:
        manifest = json.loads(path.read_text())
    except FileNotFoundError:
        raise ArtifactError(f"{path}: manifest missing (train the model with: modelgate train)") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ArtifactError(f"{path}: manifest is not valid JSON ({exc})") from None
    except OSError as exc:  # e.g. a file only root may read, copied into an image that runs as a user
        raise ArtifactError(f"{path}: cannot read the manifest ({exc.strerror})") from None
    if not isinstance(manifest, dict):
        raise ArtifactError(f"{path}: manifest must be a JSON object, got {type(manifest).__name__}")
    missing = [k for k in (MODEL_FILE_KEY, MODEL_SHA256_KEY, "sklearn_version") if k not in manifest]
    if missing:
        raise ArtifactError(f"{path}: manifest lacks {', '.join(missing)}")
    return manifest


def load(directory: str | Path) -> Artifact:
    """Load and verify a model directory; raise :class:`ArtifactError` saying what is wrong."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    name = manifest[MODEL_FILE_KEY]
    model_path = directory / name
    if Path(name).name != name:
        raise ArtifactError(f"{directory / MANIFEST_FILE}: model_file {name!r} must be a file in the model directory")
    if not model_path.is_file():
        raise ArtifactError(f"{model_path}: model file named by the manifest is missing")
    try:
        actual = sha256_file(model_path)
    except OSError as exc:
        raise ArtifactError(f"{model_path}: cannot read the model file ({exc.strerror})") from None
    if actual != manifest[MODEL_SHA256_KEY]:
        raise ArtifactError(
            f"{model_path}: SHA-256 mismatch, the model file was modified or replaced "
            f"(manifest {manifest[MODEL_SHA256_KEY][:12]}…, file {actual[:12]}…); refusing to load it"
        )
    data = model_path.read_bytes()
    try:
        untrusted = sio.get_untrusted_types(data=data)
    except Exception as exc:  # skops raises many types on a corrupt file
        raise ArtifactError(f"{model_path}: not a readable skops model ({exc})") from None
    if untrusted:
        raise ArtifactError(
            f"{model_path}: refusing to load untrusted type(s) {', '.join(sorted(untrusted))}; "
            "only scikit-learn and numpy types are allowed"
        )
    estimator = sio.loads(data)
    if not hasattr(estimator, "predict") or getattr(estimator, "n_features_in_", None) != 1:
        raise ArtifactError(f"{model_path}: not a fitted one-feature scikit-learn regressor")
    return Artifact(estimator, manifest, directory, _version_warnings(manifest))


def _version_warnings(manifest: dict) -> list[str]:
    trained = manifest["sklearn_version"]
    if trained.split(".")[0] != sklearn.__version__.split(".")[0]:
        return [
            f"model was trained with scikit-learn {trained} but this is scikit-learn "
            f"{sklearn.__version__}: predictions may differ; retrain the model"
        ]
    return []
