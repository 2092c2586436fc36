"""A model's contract as one typed object: its inputs, its output and the facts reviewers agreed for it.

It is compiled from the model's features (:func:`modelgate.contracts.reader.read_contract`), written into the model
folder when the model is packaged (``contract.json``, signed by the manifest) and read back from there by every
consumer: the service, both batch engines, the watcher, the self-test, the Databricks jobs. Nothing here names an
input or a limit of any one model; those are the features' words.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from modelgate.contracts.facts import (
    FLAG,
    Band,
    ChampionMargin,
    DriftLimits,
    GoldenCase,
    Monotonic,
    OutputBounds,
    TypicalError,
)
from modelgate.contracts.inputs import Input

FORMAT = "modelgate.contract/1"
CONTRACT_FILE = "contract.json"  # in the model folder, beside the model file; the manifest signs it

# The most rows one request may carry (a service limit, the same for every model).
MAX_ROWS_PER_REQUEST = 10_000


@dataclass(frozen=True)
class Output:
    """What the model answers: a number, with its unit and the decimals every channel rounds it to."""

    name: str
    unit: str = ""
    decimals: int = 4
    kind: str = "number"

    def describe(self) -> str:
        return f"{self.name} in {self.unit}" if self.unit else self.name


@dataclass(frozen=True)
class Contract:
    inputs: tuple[Input, ...]
    output: Output
    golden: tuple[GoldenCase, ...] = ()
    r2_band: Band | None = None
    typical_error: TypicalError | None = None
    champion_margin: ChampionMargin | None = None
    output_bounds: OutputBounds | None = None
    monotonic: tuple[Monotonic, ...] = ()
    drift: DriftLimits | None = None
    extrapolation: str = FLAG
    title: str = ""  # the model, in the reviewer's words (the declaring feature's name)
    sources: dict[str, str] = field(default_factory=dict, compare=False)  # feature file -> SHA-256 (not the contract)

    @property
    def names(self) -> list[str]:
        return [i.name for i in self.inputs]

    def input(self, name: str) -> Input:
        for found in self.inputs:
            if found.name == name:
                return found
        raise KeyError(name)

    @property
    def name(self) -> str:
        """``height → weight``: the model by what it is told and what it answers."""
        told = ", ".join(self.names) if len(self.inputs) <= 3 else f"{len(self.inputs)} inputs"
        return f"{told} → {self.output.name}"

    def golden_row(self, index: int) -> str:
        """A golden row by its inputs, for messages: ``height=62.5``."""
        return ", ".join(f"{i.name}={i.to_text(v)}" for i, v in zip(self.inputs, self.golden[index].values))

    def usage(self) -> str:
        """How to ask, with the first agreed row as the example: for the error messages a client reads."""
        from urllib.parse import urlencode

        row = self.golden[0].values if self.golden else tuple("" for _ in self.inputs)
        query = urlencode([(i.name, i.to_text(v)) for i, v in zip(self.inputs, row)])
        body = json.dumps({i.name: [v] for i, v in zip(self.inputs, row)})
        return f"give one or more rows, e.g. GET /{self.output.name}?{query} or POST /{self.output.name} {body}"

    def to_dict(self) -> dict:
        return {
            "format": FORMAT,
            "title": self.title,
            "inputs": [i.to_dict() for i in self.inputs],
            "output": {
                "name": self.output.name,
                "unit": self.output.unit,
                "decimals": self.output.decimals,
                "kind": self.output.kind,
            },
            "golden": [g.to_dict() for g in self.golden],
            "r2_band": _pair(self.r2_band),
            "typical_error": self.typical_error.limit if self.typical_error else None,
            "champion_margin": self.champion_margin.margin if self.champion_margin else None,
            "output_bounds": _pair(self.output_bounds),
            "monotonic": [{"input": m.input, "direction": m.direction} for m in self.monotonic],
            "drift": None
            if self.drift is None
            else {"warn": self.drift.warn, "refuse": self.drift.refuse, "min_rows": self.drift.min_rows},
            "extrapolation": self.extrapolation,
        }

    @classmethod
    def from_dict(cls, found: dict) -> Contract:
        if found.get("format") != FORMAT:
            raise ValueError(f"not a contract of format {FORMAT} (format {found.get('format')!r})")
        out = found["output"]
        drift = found.get("drift")
        return cls(
            inputs=tuple(Input.from_dict(i) for i in found["inputs"]),
            output=Output(out["name"], out.get("unit", ""), int(out.get("decimals", 4)), out.get("kind", "number")),
            golden=tuple(GoldenCase.from_dict(g) for g in found.get("golden", ())),
            r2_band=Band(*found["r2_band"]) if found.get("r2_band") else None,
            typical_error=TypicalError(found["typical_error"]) if found.get("typical_error") is not None else None,
            champion_margin=ChampionMargin(found["champion_margin"]) if found.get("champion_margin") is not None else None,
            output_bounds=OutputBounds(*found["output_bounds"]) if found.get("output_bounds") else None,
            monotonic=tuple(Monotonic(m["input"], m["direction"]) for m in found.get("monotonic", ())),
            drift=DriftLimits(drift["warn"], drift["refuse"], int(drift["min_rows"])) if drift else None,
            extrapolation=found.get("extrapolation", FLAG),
            title=found.get("title", ""),
        )

    def dumps(self) -> bytes:
        """The bytes of ``contract.json``: canonical JSON, so the same contract always has the same digest."""
        return (json.dumps(self.to_dict(), indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()

    def digest(self) -> str:
        """The SHA-256 of :meth:`dumps`: what the model version and the gate compare."""
        return hashlib.sha256(self.dumps()).hexdigest()

    @classmethod
    def loads(cls, data: bytes) -> Contract:
        return cls.from_dict(json.loads(data))


def _pair(found) -> list[float] | None:
    return None if found is None else [found.low, found.high]


def differences(ours: Contract, theirs: Contract) -> list[str]:
    """What differs between two contracts, one line per fact (empty when they agree): for the gate's verdict."""
    left, right = ours.to_dict(), theirs.to_dict()
    lines = []
    for key in left:
        if left[key] == right.get(key):
            continue
        if key == "inputs":
            lines += _input_differences(ours, theirs)
        elif key == "golden":
            lines.append(f"the agreed answers differ ({len(ours.golden)} rows against {len(theirs.golden)})")
            lines += [
                f"  row {ours.golden_row(i)}: {a.expected!r} against {b.expected!r}"
                for i, (a, b) in enumerate(zip(ours.golden, theirs.golden))
                if a.to_dict() != b.to_dict()
            ][:5]
        else:
            lines.append(f"{key.replace('_', ' ')}: {left[key]!r} against {right.get(key)!r}")
    return lines


def _input_differences(ours: Contract, theirs: Contract) -> list[str]:
    lines = []
    mine, other = {i.name: i for i in ours.inputs}, {i.name: i for i in theirs.inputs}
    lines += [f"input {n!r} only in the first" for n in mine if n not in other]
    lines += [f"input {n!r} only in the second" for n in other if n not in mine]
    lines += [
        f"input {n!r}: {mine[n].to_dict()} against {other[n].to_dict()}" for n in mine if n in other and mine[n] != other[n]
    ]
    if not lines and ours.names != theirs.names:
        lines.append(f"the inputs are in another order: {ours.names} against {theirs.names}")
    return lines
