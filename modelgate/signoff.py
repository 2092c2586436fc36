"""Sign-off bound to the contract: who agreed which stakeholder features, in which role, when, and against which model.

The record lives beside what it signs, in the features folder: ``signoffs.jsonl``, one JSON object a line, appended,
never rewritten (so the repository's history is the sign-offs' history). A record holds who (``by``), their ``role``,
an optional ``note``, when (``at``, UTC, ISO 8601), the ``model_version`` of the model folder the features were read
against (its manifest's), the ``fingerprint`` of the stakeholder features, the SHA-256 of each of those files, and the
contract they compile to (``contract``, as ``contract.json`` holds it), so a later change can be named fact by fact.

The fingerprint covers the features a reviewer signs: every ``*.feature`` directly in the features folder (not
``technical/``, the mechanics), as the SHA-256 of the lines ``<sha256 of the file>  <file name>`` (``sha256sum``'s
format), one per file in name order, each ending in a newline. Any byte changed in them, a file added or removed,
changes it. ``modelgate gate --require-signoff`` fails when the fingerprint in force is not the last record's, naming
what moved (:func:`changes`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from modelgate.contracts import rationale
from modelgate.contracts.contract import Contract
from modelgate.contracts.errors import ModelgateError
from modelgate.model.manifest import read_manifest

SIGNOFF_FILE = "signoffs.jsonl"  # in the features folder
FORMAT = "modelgate.signoff/1"


# How a fact of the contract is named in a change, where its key does not read as words.
NAMES = {"r2_band": "the R² band", "typical_error": "the typical error limit", "champion_margin": "the champion margin",
         "output_bounds": "the plausible answers", "title": "the model's title",
         "groups": "the typical error per group"}  # fmt: skip
DRIFT_NAMES = {"warn": "the drift warning level", "refuse": "the drift refusal level", "min_rows": "the rows judged for drift",
               "small_rows": "the rows of a smaller file judged on five bands",
               "small_refuse": "the refusal level of a smaller file"}  # fmt: skip


class SignoffError(ModelgateError):
    """A sign-off that cannot be recorded or read: one line."""


@dataclass(frozen=True)
class Signoff:
    by: str
    role: str
    at: str  # UTC, ISO 8601
    model_version: str
    fingerprint: str
    files: dict[str, str]  # stakeholder feature file -> SHA-256
    contract: dict  # the contract the features compile to (Contract.to_dict)
    note: str = ""
    format: str = FORMAT

    def signed_contract(self) -> Contract:
        try:
            return Contract.from_dict(self.contract)
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise SignoffError(f"the sign-off of {self.by} on {self.at} holds no readable contract ({exc!r})") from None

    def describe(self) -> str:
        note = f" ({self.note})" if self.note else ""
        return f"{self.by}, {self.role}, on {self.at} against model {self.model_version}{note}"


def stakeholder_files(features: Path) -> dict[str, str]:
    """Every ``*.feature`` directly in ``features`` (the set a reviewer signs) -> its SHA-256, in name order."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(Path(features).glob("*.feature"))}


def fingerprint(files: dict[str, str]) -> str:
    """The SHA-256 of ``<sha256>  <name>\\n`` for each file in name order (what ``sha256sum *.feature | sha256sum`` gives)."""
    return hashlib.sha256("".join(f"{digest}  {name}\n" for name, digest in sorted(files.items())).encode()).hexdigest()


def record_path(features: Path) -> Path:
    return Path(features) / SIGNOFF_FILE


def read_signoffs(features: Path) -> list[Signoff]:
    """Every sign-off of ``features``, oldest first; none when there is no record file; one line if it is unreadable."""
    path = record_path(features)
    if not path.is_file():
        return []
    found = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            if item.get("format") != FORMAT:
                raise ValueError(f"format {item.get('format')!r}, not {FORMAT}")
            found.append(Signoff(**item))
        except (ValueError, TypeError, AttributeError) as exc:
            raise SignoffError(f"{path}, line {number}: not a sign-off record ({exc})") from None
    return found


def sign(features: Path, model_dir: Path, by: str, role: str, note: str = "", now: datetime | None = None) -> Signoff:
    """Append the sign-off of ``by`` in ``role`` to the features' record, against the model in ``model_dir``."""
    from modelgate.contracts.reader import read_contract, require_card

    if not by.strip() or not role.strip():
        raise SignoffError("a sign-off names who signs (--by) and their role (--role)")
    contract = require_card(read_contract(features), features)
    files = stakeholder_files(features)
    at = (now or datetime.now(UTC)).astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    version = read_manifest(model_dir).model_version
    record = Signoff(by.strip(), role.strip(), at, version, fingerprint(files), files, contract.to_dict(), note.strip())
    path = record_path(features)
    with open(path, "a", encoding="utf-8", newline="\n") as handle:
        handle.write(json.dumps(asdict(record), sort_keys=True, ensure_ascii=False) + "\n")
    return record


@dataclass
class Standing:
    """The features in force against their last sign-off: ``signed`` (the last record, or None) and ``changed`` (what
    moved since, one line each: empty when the features are the signed ones)."""

    features: Path
    signed: Signoff | None
    changed: list[str] = field(default_factory=list)

    @property
    def current(self) -> bool:
        return self.signed is not None and not self.changed

    def problem(self) -> str | None:
        """The gate's reason, or None when the features in force are the last signed ones."""
        if self.signed is None:
            how = f"modelgate signoff --features {self.features} --by NAME --role ROLE"
            return f"no sign-off of the features in {self.features} ({record_path(self.features)} has none): {how}"
        if not self.changed:
            return None
        return (
            f"the features in {self.features} changed since their last sign-off ({self.signed.describe()}): "
            + "; ".join(self.changed)
            + ": sign them off again (modelgate signoff)"
        )


def standing(features: Path) -> Standing:
    """Where the features in ``features`` stand against their last sign-off."""
    from modelgate.contracts.reader import read_contract

    features = Path(features)
    records = read_signoffs(features)
    if not records:
        return Standing(features, None)
    last = records[-1]
    files = stakeholder_files(features)
    if fingerprint(files) == last.fingerprint:
        return Standing(features, last)
    moved = changes(last.signed_contract(), read_contract(features))
    if not moved:  # the words changed, no fact of the contract: name the files
        edited = sorted(n for n in {*files, *last.files} if files.get(n) != last.files.get(n))
        moved = [f"the text of {', '.join(edited)} changed (no fact of the contract moved)"]
    return Standing(features, last, moved)


def changes(signed: Contract, now: Contract) -> list[str]:
    """What moved from the signed contract to the one in force, one line per fact, old → new: each agreed answer by
    its row, each band, limit and rule, inputs added or removed or changed, the card."""
    lines: list[str] = []
    before, after = signed.to_dict(), now.to_dict()
    for key in dict.fromkeys([*before, *after]):
        old, new = before.get(key), after.get(key)
        if old == new:
            continue
        if key == "golden":
            lines += _golden_changes(signed, now)
        elif key == "inputs":
            lines += _input_changes(signed, now)
        elif key == "rationales":
            lines += rationale.changes(signed.rationales, now.rationales)
        elif key == "drift" and isinstance(old, dict) and isinstance(new, dict):
            lines += [
                f"{DRIFT_NAMES.get(part, part)}: {_text(old.get(part))} → {_text(new.get(part))}"
                for part in dict.fromkeys([*old, *new])
                if old.get(part) != new.get(part)
            ]
        elif key == "intervals":
            lines += _interval_changes(signed, now)
        elif key == "card":
            old_rows, new_rows = dict(signed.card.rows()) if signed.card else {}, dict(now.card.rows()) if now.card else {}
            lines += [
                f"the card's {what}: {old_rows.get(what)!r} → {new_rows.get(what)!r}"
                for what in dict.fromkeys([*old_rows, *new_rows])
                if old_rows.get(what) != new_rows.get(what)
            ]
        else:
            lines.append(f"{NAMES.get(key, key.replace('_', ' '))}: {_text(old)} → {_text(new)}")
    return lines


def _interval_changes(signed: Contract, now: Contract) -> list[str]:
    """Each level's agreed coverage, old → new: ``the range for 80 in 100: none → holds at least 74 in 100``."""
    old, new = ({c.level: c.coverage for c in contract.intervals} for contract in (signed, now))

    def held(level: int, found: dict) -> str:
        return f"holds at least {found[level]:g} in 100" if level in found else "none"

    return [
        f"the range for {level} in 100: {held(level, old)} → {held(level, new)}"
        for level in sorted({*old, *new})
        if old.get(level) != new.get(level)
    ]


def _text(value: object) -> str:
    if isinstance(value, list) and len(value) == 2 and all(isinstance(v, int | float) for v in value):
        return f"{value[0]:g} to {value[1]:g}"
    return "none" if value is None else (f"{value:g}" if isinstance(value, float) else json.dumps(value, ensure_ascii=False))


def _golden_changes(signed: Contract, now: Contract) -> list[str]:
    output = now.output.name
    unit = f" {now.output.unit}" if now.output.unit else ""

    def rows(contract: Contract) -> dict[str, dict]:
        return {contract.golden_row(i): case.to_dict() for i, case in enumerate(contract.golden)}

    old, new = rows(signed), rows(now)
    lines = []
    for row in dict.fromkeys([*old, *new]):
        a, b = old.get(row), new.get(row)
        if a == b:
            continue
        if a is None:
            lines.append(f"agreed {output} for {row} added: {_agreed(b)}{unit}")
        elif b is None:
            lines.append(f"agreed {output} for {row} removed (was {_agreed(a)}{unit})")
        elif _agreed(a) != _agreed(b):
            lines.append(f"agreed {output} for {row}: {_agreed(a)} → {_agreed(b)}{unit}")
        else:
            lines.append(f"agreed {output} for {row}: {_fields(a)} → {_fields(b)}")
    return lines


def _agreed(case: dict | None) -> str:
    if case is None:
        return "none"
    value = case.get("label", case.get("expected"))
    return f"{value:g}" if isinstance(value, float) else str(value)


def _fields(case: dict) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(case.items()) if k not in ("values", "expected", "label"))


def _input_changes(signed: Contract, now: Contract) -> list[str]:
    old, new = {i.name: i for i in signed.inputs}, {i.name: i for i in now.inputs}
    lines = [f"input {n!r} added" for n in new if n not in old]
    lines += [f"input {n!r} removed" for n in old if n not in new]
    for name in (n for n in old if n in new and old[n] != new[n]):
        a, b = old[name].to_dict(), new[name].to_dict()
        keys = [k for k in dict.fromkeys([*a, *b]) if a.get(k) != b.get(k)]
        lines += [f"input {name!r} {k}: {_text(a.get(k))} → {_text(b.get(k))}" for k in keys]
    if not lines and signed.names != now.names:
        lines.append(f"the inputs' order: {signed.names} → {now.names}")
    return lines
