"""The serving form of the model: ``serving.json``, the fitted line in plain JSON, written at training
time beside the skops file and signed by the same manifest.

The service and ``modelgate selftest`` load the model through this module alone, so serving needs
neither scikit-learn nor numpy (they cost most of a cold start and most of an image). Training checks
that this form gives the same answers as the skops model, bit for bit (``artifact.save``); loading
checks the SHA-256 of both files against the manifest and that the form's line is the one the
manifest's ``model_version`` names.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from modelgate.contracts.manifest import SERVING_FILE, SERVING_FILE_KEY, SERVING_SHA256_KEY
from modelgate.contracts.ranges import FEATURE, TARGET, WEIGHT_DECIMALS
from modelgate.model.manifest import (
    ArtifactError,
    model_version,
    read_manifest,
    signed_file,
)

FORMAT = "modelgate.linear/1"
_SCALE = 10.0**WEIGHT_DECIMALS


@dataclass(frozen=True)
class LinearForm:
    """``weight = intercept + slope * height``, rounded to the contract's decimals."""

    intercept: float
    slope: float

    def predict_list(self, heights: list[float]) -> list[float]:
        """Weights for validated heights, with numpy's float operations in numpy's order:
        ``h * slope + intercept``, then ``np.round``'s multiply, round-half-even, divide (sign of
        zero kept). Python floats, no numpy: for a few heights numpy's per-call overhead is most of
        the cost. Tests hold this equal, bit for bit, to the numpy path and to scikit-learn's predict."""
        slope, intercept, scale = self.slope, self.intercept, _SCALE
        return [math.copysign(round(y) / scale, y) for y in ((h * slope + intercept) * scale for h in heights)]

    @property
    def coefficients(self) -> dict:
        return {"intercept": self.intercept, "slope": self.slope}


@dataclass(frozen=True)
class Served:
    """A verified model directory as the service holds it."""

    form: LinearForm
    manifest: dict
    directory: Path

    @property
    def version(self) -> str:
        return self.manifest["model_version"]


def dumps(form: LinearForm, version: str) -> bytes:
    """The serving file's bytes. JSON writes a float with ``repr``, which reads back as the same float."""
    body = {"format": FORMAT, "model_version": version, "feature": FEATURE, "target": TARGET, **form.coefficients}
    return (json.dumps(body, indent=2) + "\n").encode()


def load(directory: str | Path) -> Served:
    """Load and verify a model directory for serving; raise :class:`ArtifactError` saying what is wrong."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    if SERVING_FILE_KEY not in manifest or SERVING_SHA256_KEY not in manifest:
        raise ArtifactError(
            f"{directory}: the manifest names no serving form ({SERVING_FILE}); "
            "the model predates it: retrain with modelgate train"
        )
    # The skops file is not deserialised here, but it is the model the release names: it must be intact too.
    signed_file(directory, manifest, "model_file", "model_sha256", "model file")
    path = signed_file(directory, manifest, SERVING_FILE_KEY, SERVING_SHA256_KEY, "serving form")
    form = _parse(path, manifest)
    return Served(form, manifest, directory)


def _parse(path: Path, manifest: dict) -> LinearForm:
    try:
        body = json.loads(path.read_bytes())
    except (ValueError, OSError) as exc:
        raise ArtifactError(f"{path}: not a readable serving form ({exc})") from None
    if not isinstance(body, dict) or body.get("format") != FORMAT:
        raise ArtifactError(f"{path}: not a serving form of format {FORMAT}")
    if (body.get("feature"), body.get("target")) != (FEATURE, TARGET):
        raise ArtifactError(f"{path}: scores {body.get('feature')!r} -> {body.get('target')!r}, not {FEATURE!r} -> {TARGET!r}")
    numbers = [body.get("intercept"), body.get("slope")]
    if not all(type(n) is float and math.isfinite(n) for n in numbers):
        raise ArtifactError(f"{path}: intercept and slope must be finite numbers, got {numbers}")
    form = LinearForm(*numbers)
    version = manifest["model_version"]
    training = manifest.get("training_data") or {}
    if body.get("model_version") != version or "sha256" not in training or model_version(training, form.coefficients) != version:
        raise ArtifactError(f"{path}: this line is not model {version} of the manifest; refusing to load it")
    return form
