"""The model artifact: a skops file, its serving form (``model.serving``) and ``manifest.json``,
verified on every load.

skops refuses to instantiate any type outside its trusted list, so loading a model never runs
arbitrary code (unlike pickle/joblib). The manifest pins both files' SHA-256. Batch scoring, training
and the report load the skops model here; the service loads the serving form alone.
"""

from __future__ import annotations

import json
import platform
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
import skops
import skops.io as sio
from modelgate.contracts.manifest import (
    MANIFEST_FILE,
    MANIFEST_VERSION,
    MODEL_FILE,
    MODEL_FILE_KEY,
    MODEL_SHA256_KEY,
    MODEL_VERSION_KEY,
    SERVING_FILE,
    SERVING_FILE_KEY,
    SERVING_SHA256_KEY,
)
from modelgate.contracts.ranges import FEATURE, HEIGHT, TARGET, WEIGHT_DECIMALS
from modelgate.model import serving
from modelgate.model.files import atomic_writer, sha256_file
from modelgate.model.manifest import (
    ArtifactError,
    model_version,
    read_manifest,
    signed_file,
)

RANDOM_CHECK_HEIGHTS = 30_000


def check_heights() -> list[float]:
    """Every height with at most two decimals up to the contract's highest (the golden heights among them), and
    30,000 seeded random ones in the contract's range with all their digits: the serving form must answer each
    as the skops model does. Built when a form is checked, not when this module is imported (by every batch run)."""
    rng = random.Random(14)
    grid = [i / 100 for i in range(1, int(HEIGHT.high * 100) + 1)]
    return grid + [rng.uniform(HEIGHT.low, HEIGHT.high) for _ in range(RANDOM_CHECK_HEIGHTS)]


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
    """Write the model file and its serving form (once it answers as the model does), then the manifest
    (the commit point); return the manifest."""
    directory.mkdir(parents=True, exist_ok=True)
    model_path = directory / MODEL_FILE
    data = sio.dumps(estimator)
    form = serving.LinearForm(float(estimator.intercept_), float(estimator.coef_[0]))
    check_serving_form(sio.loads(data), form)
    version = model_version(training, form.coefficients)
    with atomic_writer(model_path) as handle:
        handle.write(data)
    with atomic_writer(directory / SERVING_FILE) as handle:
        handle.write(serving.dumps(form, version))
    manifest = {
        "manifest_version": MANIFEST_VERSION,
        MODEL_VERSION_KEY: version,
        MODEL_FILE_KEY: MODEL_FILE,
        MODEL_SHA256_KEY: sha256_file(model_path),
        SERVING_FILE_KEY: SERVING_FILE,
        SERVING_SHA256_KEY: sha256_file(directory / SERVING_FILE),
        "model_type": f"{type(estimator).__module__}.{type(estimator).__qualname__}",
        "features": [FEATURE],
        "target": TARGET,
        "coefficients": form.coefficients,
        "metrics": metrics,
        "training_data": training,
        "sklearn_version": sklearn.__version__,
        "skops_version": skops.__version__,
        "python_version": platform.python_version(),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    _write_manifest(directory, manifest)
    return manifest


def _write_manifest(directory: Path, manifest: dict) -> None:
    with atomic_writer(directory / MANIFEST_FILE, "w") as handle:
        json.dump(manifest, handle, indent=2)
        handle.write("\n")


def add_serving_form(loaded: Artifact) -> bool:
    """Give a verified model trained before the serving form existed its ``serving.json`` (checked like a new
    one, and bound to the same ``model_version``); False if it has one already. The model file is untouched."""
    manifest, estimator = dict(loaded.manifest), loaded.estimator
    if SERVING_FILE_KEY in manifest:
        return False
    if type(estimator).__name__ != "LinearRegression":
        raise ArtifactError(f"{loaded.directory}: a {type(estimator).__name__} has no serving form; retrain with modelgate train")
    form = serving.LinearForm(float(estimator.intercept_), float(estimator.coef_[0]))
    check_serving_form(estimator, form)
    if model_version(manifest["training_data"], form.coefficients) != loaded.version:
        raise ArtifactError(f"{loaded.directory}: the model's line is not model {loaded.version}; retrain with modelgate train")
    with atomic_writer(loaded.directory / SERVING_FILE) as handle:
        handle.write(serving.dumps(form, loaded.version))
    manifest |= {SERVING_FILE_KEY: SERVING_FILE, SERVING_SHA256_KEY: sha256_file(loaded.directory / SERVING_FILE)}
    _write_manifest(loaded.directory, manifest)
    return True


def check_serving_form(estimator: Any, form: serving.LinearForm, heights: list[float] | None = None) -> None:
    """Raise :class:`ArtifactError` unless ``form`` answers every height (default: :func:`check_heights`) bit for
    bit as scikit-learn's own ``predict`` of ``estimator``, rounded as the contract rounds."""
    heights = check_heights() if heights is None else heights
    expected = np.round(estimator.predict(np.array(heights, dtype="float64").reshape(-1, 1)), WEIGHT_DECIMALS)
    got = np.array(form.predict_list(heights), dtype="float64")
    if got.tobytes() != expected.tobytes():
        first = int(np.flatnonzero(got.view("u8") != expected.view("u8"))[0])
        raise ArtifactError(
            f"the serving form answers height {heights[first]!r} with {got[first]!r}, the model with {expected[first]!r}; "
            "not written"
        )


def load(directory: str | Path) -> Artifact:
    """Load and verify a model directory; raise :class:`ArtifactError` saying what is wrong."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    model_path = signed_file(directory, manifest, MODEL_FILE_KEY, MODEL_SHA256_KEY, "model file")
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
