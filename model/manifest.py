"""The model folder's manifest, ``manifest.json``: one typed record of what the folder holds, read, written and
verified here and nowhere else.

It signs every file of the model (the skops model, the contract compiled from the features, the serving form when
there is one) with its SHA-256, names the model by a ``model_version`` derived from what it computes, and records
how it was made. Nothing here needs scikit-learn or numpy: the service, the self-test and the release gate verify a
model folder with this module alone.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from modelgate.contracts.contract import CONTRACT_FILE, Contract
from modelgate.contracts.errors import ModelgateError

from modelgate.files import atomic_writer, sha256_file

MANIFEST_FILE = "manifest.json"
MANIFEST_VERSION = 2  # the manifest's own format
MODEL_FILE = "model.skops"
SERVING_FILE = "serving.json"


class ArtifactError(ModelgateError):
    """The model directory is missing, incomplete, tampered with or holds an untrusted type."""


@dataclass(frozen=True)
class Signed:
    """A file of the model folder and the SHA-256 its content must have."""

    file: str
    sha256: str


def model_version(data_sha256: str, contract_sha256: str, answers_sha256: str, form_sha256: str) -> str:
    """What the model computes, not how skops laid out its file (which differs between identical trainings): the
    training data, the contract it answers under, its answers to the contract's check rows and the numbers of its
    serving form (``model.forms.linear.digest``; empty without one), hashed."""
    facts = {"data": data_sha256, "contract": contract_sha256, "answers": answers_sha256}
    if form_sha256:
        facts["form"] = form_sha256
    return hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()[:12]


@dataclass
class Manifest:
    model_version: str
    model: Signed
    contract: Signed
    serving: Signed | None  # an exact serving form (no scikit-learn needed); None: the full image serves it
    model_type: str
    inputs: list[str]  # the inputs in the order the model takes them
    output: str
    answers_sha256: str  # the SHA-256 of its rounded answers to the check rows (model.checks)
    training_data: dict  # file, sha256, rows, profile (per input: model.profile)
    metrics: dict
    features: dict[str, str] = field(default_factory=dict)  # the feature files the contract came from -> SHA-256
    libraries: dict[str, str] = field(default_factory=dict)  # scikit-learn, skops, python
    created_at: str = ""
    form: str = "skops"  # the serving form's kind, or "skops" when the model file itself answers
    form_sha256: str = ""  # the digest of the serving form's numbers (model.forms.linear.digest), part of the version
    form_note: str = ""  # why a model has no serving form
    coefficients: dict | None = None  # a linear model's fitted numbers (its serving form's), for people to read
    manifest_version: int = MANIFEST_VERSION

    # -- the files ------------------------------------------------------------------------------------------------
    @property
    def sha256(self) -> str:
        """The model file's SHA-256: with ``model_version``, what evidence names (``contracts.evidence``)."""
        return self.model.sha256

    def signed_files(self) -> list[tuple[str, Signed]]:
        files = [("model file", self.model), ("contract", self.contract)]
        return files + ([("serving form", self.serving)] if self.serving else [])

    def path(self, directory: Path, what: str) -> Path:
        """The signed file ``what`` (``model file``, ``contract``, ``serving form``), once its SHA-256 matches."""
        signed = dict(self.signed_files()).get(what)
        if signed is None:
            raise ArtifactError(f"{Path(directory) / MANIFEST_FILE}: the manifest names no {what}")
        return verified(Path(directory), signed, what)

    def files(self, directory: Path) -> list[Path]:
        """Every file of the model folder, each verified, the manifest last: the one list every publisher copies, in
        the order to publish it (a reader never finds a manifest naming a file that is not there yet)."""
        return [verified(Path(directory), signed, what) for what, signed in self.signed_files()] + [
            Path(directory) / MANIFEST_FILE
        ]

    def read_contract(self, directory: Path) -> Contract:
        """The contract the model carries, verified against the manifest (a changed contract is refused)."""
        path = self.path(directory, "contract")
        try:
            contract = Contract.loads(path.read_bytes())
        except (ValueError, KeyError, TypeError) as exc:
            raise ArtifactError(f"{path}: not a readable contract ({exc})") from None
        if contract.digest() != self.contract.sha256:
            raise ArtifactError(f"{path}: the contract is not written as packaged; repackage the model")
        # Signed again by hand, a changed contract would pass the digest check: the model version names the contract.
        if self.expected_version() != self.model_version:
            raise ArtifactError(f"{path}: model {self.model_version} was not packaged with this contract; repackage the model")
        return contract

    def expected_version(self, form_sha256: str | None = None) -> str:
        """The version the manifest's own facts give (with ``form_sha256``: for the serving form as loaded)."""
        form = self.form_sha256 if form_sha256 is None else form_sha256
        return model_version(str(self.training_data.get("sha256")), self.contract.sha256, self.answers_sha256, form)

    # -- how sure its answers are ----------------------------------------------------------------------------------
    @property
    def intervals(self) -> dict[str, float]:
        """The half-width of the range its answers state at each level recorded at packaging (``"80"`` → the miss 80
        in 100 rows it was not fitted on stay within, in the output's unit); empty if its contract states none."""
        return {str(k): float(v) for k, v in ((self.metrics.get("cv") or {}).get("intervals") or {}).items()}

    def widths(self, levels) -> dict[str, float]:
        """The half-widths of the ``levels`` asked for (``["95"]``), in the order asked; :class:`ModelgateError` naming
        the levels this model states if one of them is not."""
        recorded = self.intervals
        unknown = [str(level) for level in levels if str(level) not in recorded]
        if unknown:
            stated = f"ranges for {' and '.join(recorded)} in 100" if recorded else "no ranges (its contract states none)"
            raise ModelgateError(f"model {self.model_version} states {stated}, not for {', '.join(unknown)} in 100")
        return {str(level): recorded[str(level)] for level in levels}

    # -- reading and writing --------------------------------------------------------------------------------------
    def to_dict(self) -> dict:
        return asdict(self)  # the signed files too (asdict recurses into them; no serving form stays None)

    @classmethod
    def from_dict(cls, found: dict, where: Path) -> Manifest:
        if found.get("manifest_version") != MANIFEST_VERSION:
            raise ArtifactError(
                f"{where}: manifest format {found.get('manifest_version')!r} is not {MANIFEST_VERSION} (a model made before its "
                "contract travelled with it); package it again with modelgate train or modelgate package"
            )
        try:
            fields = dict(found)
            for key in ("model", "contract"):
                fields[key] = Signed(**fields[key])
            fields["serving"] = Signed(**fields["serving"]) if fields.get("serving") else None
            made = cls(**fields)
        except (TypeError, KeyError) as exc:
            raise ArtifactError(f"{where}: the manifest lacks or misnames a field ({exc})") from None
        for what, signed in made.signed_files():
            # A plain file name: not a path, not "", "." or ".." (each its own name), not the manifest itself.
            named = isinstance(signed.file, str) and Path(signed.file).name == signed.file
            if not named or signed.file in ("", ".", "..", MANIFEST_FILE):
                raise ArtifactError(f"{where}: the {what} {signed.file!r} must be a file in the model directory")
        return made

    def write(self, directory: Path) -> None:
        """Write the manifest (the model folder's commit point: its files are written first)."""
        with atomic_writer(Path(directory) / MANIFEST_FILE, "w") as handle:
            json.dump(self.to_dict(), handle, indent=2, ensure_ascii=False)
            handle.write("\n")


def verified(directory: Path, signed: Signed, what: str) -> Path:
    """``directory / signed.file`` if its SHA-256 is exactly ``signed.sha256``; else :class:`ArtifactError`."""
    path = directory / signed.file
    if not path.is_file():
        raise ArtifactError(f"{path}: {what} named by the manifest is missing")
    try:
        actual = sha256_file(path)
    except OSError as exc:
        raise ArtifactError(f"{path}: cannot read the {what} ({exc.strerror})") from None
    if actual != signed.sha256:
        raise ArtifactError(
            f"{path}: SHA-256 mismatch, the {what} was modified or replaced "
            f"(manifest {str(signed.sha256)[:12]}…, file {actual[:12]}…); refusing to load it"
        )
    return path


def read_manifest(directory: str | Path) -> Manifest:
    """The manifest of a model folder (its files are verified when they are used); one line if it cannot be read."""
    directory = Path(directory)
    path = directory / MANIFEST_FILE
    if not directory.is_dir():
        raise ArtifactError(f"no model directory at {directory} (make one with: modelgate train or modelgate package)")
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ArtifactError(f"{path}: manifest missing (make the model with: modelgate train or modelgate package)") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ArtifactError(f"{path}: manifest is not valid JSON ({exc})") from None
    except OSError as exc:  # e.g. a file only root may read, copied into an image that runs as a user
        raise ArtifactError(f"{path}: cannot read the manifest ({exc.strerror})") from None
    if not isinstance(found, dict):
        raise ArtifactError(f"{path}: manifest must be a JSON object, got {type(found).__name__}")
    return Manifest.from_dict(found, path)


__all__ = ["CONTRACT_FILE", "MANIFEST_FILE", "MODEL_FILE", "SERVING_FILE", "ArtifactError", "Manifest", "Signed", "read_manifest"]
