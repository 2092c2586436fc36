"""The model's ``manifest.json``: reading it, checking a file it signs, and the model version.

Nothing here needs scikit-learn or numpy: the service verifies its model with this module alone.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from modelgate.contracts.errors import ModelgateError
from modelgate.contracts.manifest import (  # noqa: F401 (re-exported: the model's readers take them from here)
    MANIFEST_FILE,
    MANIFEST_VERSION,
    MODEL_FILE,
    MODEL_FILE_KEY,
    MODEL_SHA256_KEY,
    SERVING_FILE,
    SERVING_FILE_KEY,
    SERVING_SHA256_KEY,
)
from modelgate.model.files import sha256_file


class ArtifactError(ModelgateError):
    """The model directory is missing, incomplete, tampered with or holds an untrusted type."""


def model_version(training: dict, coefficients: dict) -> str:
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


def signed_file(directory: Path, manifest: dict, name_key: str, sha_key: str, what: str) -> Path:
    """The file the manifest names under ``name_key``, once its SHA-256 matches ``sha_key``; ``what`` names
    it in the error (``model file``, ``serving form``)."""
    directory = Path(directory)
    name = manifest[name_key]
    path = directory / name
    if not isinstance(name, str) or Path(name).name != name:
        raise ArtifactError(f"{directory / MANIFEST_FILE}: {name_key} {name!r} must be a file in the model directory")
    if not path.is_file():
        raise ArtifactError(f"{path}: {what} named by the manifest is missing")
    try:
        actual = sha256_file(path)
    except OSError as exc:
        raise ArtifactError(f"{path}: cannot read the {what} ({exc.strerror})") from None
    if actual != manifest[sha_key]:
        raise ArtifactError(
            f"{path}: SHA-256 mismatch, the {what} was modified or replaced "
            f"(manifest {str(manifest[sha_key])[:12]}…, file {actual[:12]}…); refusing to load it"
        )
    return path


def model_files(directory: Path) -> list[Path]:
    """The files of a model folder as its manifest signs them, each verified, the manifest last: the order to
    publish them in, so a reader never finds a manifest naming a file that is not there yet."""
    manifest = read_manifest(directory)
    files = [signed_file(directory, manifest, MODEL_FILE_KEY, MODEL_SHA256_KEY, "model file")]
    if SERVING_FILE_KEY in manifest:  # a model trained before the serving form has none
        files.append(signed_file(directory, manifest, SERVING_FILE_KEY, SERVING_SHA256_KEY, "serving form"))
    return [*files, Path(directory) / MANIFEST_FILE]


PROFILE_KEY = "heights"  # under the manifest's training_data: the training heights' profile (modelgate.model.drift)


def training_heights(manifest: dict) -> dict | None:
    """The training-height profile of a model's manifest; None for a model trained before it was recorded."""
    found = (manifest.get("training_data") or {}).get(PROFILE_KEY)
    return found if isinstance(found, dict) and {"min", "max", "deciles", "shares"} <= set(found) else None
