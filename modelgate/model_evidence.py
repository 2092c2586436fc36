"""Evidence bound to the artifact: the model a release ships, and whether each suite tested that one.

A suite records the model it tested as ``<properties>`` of its ``<testsuite>`` (``model_sha256``, the
SHA-256 of the model file, and ``model_version``, both as in the model's ``manifest.json``). The release's
model comes from its folder (``--model DIR``: the manifest, checked against the model file) or, for a
model that is not on disk, from its version alone (``--model-version V``). The manifest is read as JSON:
judging evidence must not need the model's libraries.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from modelgate.contracts.evidence import MODEL_SHA256, MODEL_VERSION
from modelgate.contracts.manifest import MANIFEST_FILE, MODEL_FILE_KEY, MODEL_SHA256_KEY, MODEL_VERSION_KEY
from modelgate.junit import ModelClaim, Suite
from modelgate.model.files import sha256_file


@dataclass(frozen=True)
class ReleaseModel:
    version: str
    sha256: str = ""


def release_from_folder(folder: Path) -> tuple[ReleaseModel | None, str | None]:
    """The model in ``folder`` and None, or None and the one-line reason it cannot be identified."""
    manifest_path = Path(folder) / MANIFEST_FILE
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None, f"release model: no {MANIFEST_FILE} in {folder}"
    except (OSError, ValueError) as exc:
        return None, f"release model: {manifest_path} cannot be read as JSON ({exc})"
    fields = manifest if isinstance(manifest, dict) else {}
    version, sha, file = (str(fields.get(k) or "") for k in (MODEL_VERSION_KEY, MODEL_SHA256_KEY, MODEL_FILE_KEY))
    if not (version and sha and file):
        return None, f"release model: {manifest_path} lacks {MODEL_VERSION_KEY}, {MODEL_SHA256_KEY} or {MODEL_FILE_KEY}"
    model_path = Path(folder) / file
    try:
        actual = sha256_file(model_path)
    except OSError as exc:
        return None, f"release model: {model_path} cannot be read ({exc.strerror})"
    if actual != sha.lower():
        return None, f"release model: {model_path} has SHA-256 {actual[:12]}, not the manifest's {sha.lower()[:12]}"
    return ReleaseModel(version, sha.lower()), None


def label(version: str, sha256: str) -> str:
    """How a model is named in a reason: its version, else the head of its digest."""
    return version or f"sha256:{sha256[:12]}"


def judge(suite: Suite, release: ReleaseModel | None, must_name: bool) -> str | None:
    """Why ``suite``'s evidence does not bind it to ``release`` (or, without one, to a single model), or None."""
    if not suite.models:
        missing = f"suite {suite.name!r} tests a model but names none (no {MODEL_SHA256} or {MODEL_VERSION} property)"
        return missing if must_name else None
    if release is None:
        names = sorted({label(c.version, c.sha256) for c in suite.models})
        return None if len(names) == 1 else f"suite {suite.name!r} names several models: {', '.join(names)}"
    for claim in suite.models:
        if not _same(claim, release):
            ours = label(claim.version, claim.sha256)
            theirs = label(release.version, release.sha256)
            if ours == theirs:  # same version, other file: say which digests differ
                ours, theirs = f"{ours} (sha256:{claim.sha256[:12]})", f"{theirs} (sha256:{release.sha256[:12]})"
            return f"suite {suite.name!r} tested model {ours}, but the release is model {theirs}"
    return None


def agree(suites: list[Suite]) -> str | None:
    """Without a release model, every suite that names one must name the same."""
    named = {s.name: label(s.models[0].version, s.models[0].sha256) for s in suites if s.models}
    if len(set(named.values())) > 1:
        return "suites name different models: " + ", ".join(f"{n} ({m})" for n, m in named.items())
    return None


def _same(claim: ModelClaim, release: ReleaseModel) -> bool:
    if claim.sha256 and release.sha256:
        if claim.sha256 != release.sha256:
            return False
        return not claim.version or claim.version == release.version
    # Only versions can be compared; a claim with a digest alone cannot be checked against a bare version.
    return bool(claim.version) and claim.version == release.version
