"""Evidence bound to the artifact: the model a release ships, and whether each suite tested that one.

A suite records the model it tested as ``<properties>`` of its ``<testsuite>`` (``model_sha256``, the
SHA-256 of the model file, and ``model_version``, both as in the model's ``manifest.json``). The release's
model comes from its folder (``--model DIR``: the manifest, checked against the model file) or, for a
model that is not on disk, from its version alone (``--model-version V``). The manifest is read as JSON:
judging evidence must not need the model's libraries.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from modelgate.contracts.contract import differences
from modelgate.contracts.errors import ModelgateError
from modelgate.contracts.evidence import MODEL_SHA256, MODEL_VERSION
from modelgate.junit import ModelClaim, Suite
from modelgate.model.manifest import read_manifest


@dataclass(frozen=True)
class ReleaseModel:
    version: str
    sha256: str = ""


def release_from_folder(folder: Path) -> tuple[ReleaseModel | None, str | None]:
    """The model in ``folder`` and None, or None and the one-line reason it cannot be identified (its manifest
    unreadable, its model file not the one the manifest signs)."""
    try:
        manifest = read_manifest(folder)
        manifest.path(Path(folder), "model file")
    except ModelgateError as exc:
        return None, f"release model: {exc}"
    return ReleaseModel(manifest.model_version, manifest.sha256), None


def contract_problem(folder: Path, features: Path) -> str | None:
    """Why the contract the model in ``folder`` carries is not the one the features in ``features`` state, or None."""
    from modelgate.contracts.reader import ContractError, read_contract, require_card

    try:
        carried = read_manifest(folder).read_contract(Path(folder))
    except ModelgateError as exc:
        return f"release model's contract: {exc}"
    try:
        stated = require_card(read_contract(features), features)
    except ContractError as exc:
        return f"the features' contract: {'; '.join(exc.problems[:3])} (see modelgate package)"
    except ModelgateError as exc:
        return f"the features' contract: {str(exc).splitlines()[0]} (see modelgate package)"
    found = differences(carried, stated)
    if not found:
        return None
    return f"the model's contract is not the one {features} states (repackage it): " + "; ".join(line.strip() for line in found)


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
