"""A model's contract as one typed object: its inputs, its output and the facts reviewers agreed for it.

It is compiled from the model's features (:func:`modelgate.contracts.reader.read_contract`), written into the model
folder when the model is packaged (``contract.json``, signed by the manifest) and read back from there by every
consumer: the service, both batch engines, the watcher, the self-test, the Databricks jobs. Nothing here names an
input or a limit of any one model; those are the features' words.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field

from modelgate.contracts.card import Card
from modelgate.contracts.facts import (
    FLAG,
    AgreedLabel,
    Band,
    BaselineMargin,
    CalibrationLimit,
    ChampionMargin,
    ChampionMetric,
    Coverage,
    DriftLimits,
    GoldenCase,
    GroupLimit,
    MetricBand,
    Monotonic,
    OutputBounds,
    TypicalError,
)
from modelgate.contracts.inputs import Input
from modelgate.contracts.rationale import Rationale
from modelgate.contracts.rationale import changes as rationale_changes

FORMAT = "modelgate.contract/1"
CONTRACT_FILE = "contract.json"  # in the model folder, beside the model file; the manifest signs it

# The most rows one request may carry (a service limit, the same for every model).
MAX_ROWS_PER_REQUEST = 10_000


NUMBER_OUTPUT, CLASS_OUTPUT = "number", "class"


@dataclass(frozen=True)
class Output:
    """What the model answers: a number, with its unit and the decimals every channel rounds it to; or one of its
    ``classes`` (business names, in the order stated) with the probability of each, rounded to ``decimals``. A binary
    model may name its ``positive`` class and a ``threshold``: the positive class is answered when its probability
    is at least that; otherwise (and for more classes) the most probable class, the first stated on a tie."""

    name: str
    unit: str = ""
    decimals: int = 4
    kind: str = NUMBER_OUTPUT
    classes: tuple[str, ...] = ()
    positive: str | None = None
    threshold: float | None = None

    @property
    def is_class(self) -> bool:
        return self.kind == CLASS_OUTPUT

    def describe(self) -> str:
        if self.is_class:
            return f"{self.name}, one of {', '.join(self.classes)}"
        return f"{self.name} in {self.unit}" if self.unit else self.name

    def unit_problem(self, unit: str | None, where: str) -> str | None:
        """The one line for a sentence that states its number in another unit than the output's (None if it does not)."""
        unit = (unit or "").strip()
        if unit and self.unit and unit != self.unit:
            return f"{where}: the unit is {unit!r}, but the model answers in {self.unit!r}"
        return None

    def probability_column(self, label: str) -> str:
        """The batch output column holding the probability of ``label``."""
        return f"probability_{label}"

    def interval_columns(self, level: str) -> tuple[str, str]:
        """The batch output columns holding the low and the high end of the range answers state for ``level`` in 100."""
        return f"{self.name}_low_{level}", f"{self.name}_high_{level}"

    @property
    def columns(self) -> list[str]:
        """Every column scoring adds to a batch file: the answer, and a classifier's probability of each class."""
        return [self.name, *(self.probability_column(c) for c in self.classes)]

    def decide(self, probabilities) -> str:
        """The declared decision rule on the probabilities (in the order of ``classes``)."""
        if self.threshold is not None and self.positive is not None:
            other = next(c for c in self.classes if c != self.positive)
            return self.positive if probabilities[self.classes.index(self.positive)] >= self.threshold else other
        best = max(range(len(self.classes)), key=lambda i: (probabilities[i], -i))
        return self.classes[best]

    def answer_problem(self, label: object, probabilities: object) -> str | None:
        """What is wrong with one classifier answer (its class and the probability of each class by name), or None:
        every declared class and no other, each a probability from 0 to 1 rounded to ``decimals``, summing to 1 within
        :attr:`sum_tolerance`, and the class the one the decision rule picks from them."""
        if not isinstance(probabilities, dict) or list(probabilities) != list(self.classes):
            keys = list(probabilities) if isinstance(probabilities, dict) else probabilities
            return f"the probabilities must name {', '.join(self.classes)} in this order, got {keys!r}"
        values = list(probabilities.values())
        if not all(isinstance(p, float | int) and not isinstance(p, bool) and 0 <= p <= 1 for p in values):
            return f"each probability must be a number from 0 to 1, got {probabilities}"
        if any(round(p, self.decimals) != p for p in values):
            return f"each probability must be rounded to {self.decimals} decimals, got {probabilities}"
        if abs(math.fsum(values) - 1.0) > self.sum_tolerance:
            return f"the probabilities sum to {math.fsum(values):.6g}, not 1 within {self.sum_tolerance:g}: {probabilities}"
        if label not in self.classes:
            return f"the answer {label!r} is not one of {', '.join(self.classes)}"
        if label != self.decide(values):
            return f"the answer is {label!r}, but the decision rule picks {self.decide(values)!r} from {probabilities}"
        return None

    @property
    def sum_tolerance(self) -> float:
        """How far the rounded probabilities of one answer may sum from 1: half the last decimal, for each class."""
        return len(self.classes) * 0.5 * 10.0**-self.decimals

    def to_dict(self) -> dict:
        found: dict = {"name": self.name, "unit": self.unit, "decimals": self.decimals, "kind": self.kind}
        if self.is_class:
            found |= {"classes": list(self.classes), "positive": self.positive, "threshold": self.threshold}
        return found

    @classmethod
    def from_dict(cls, found: dict) -> Output:
        return cls(
            found["name"],
            found.get("unit", ""),
            int(found.get("decimals", 4)),
            found.get("kind", NUMBER_OUTPUT),
            tuple(found.get("classes", ())),
            found.get("positive"),
            found.get("threshold"),
        )


@dataclass(frozen=True)
class Contract:
    inputs: tuple[Input, ...]
    output: Output
    golden: tuple[GoldenCase | AgreedLabel, ...] = ()  # agreed numbers, or a classifier's agreed classes
    r2_band: Band | None = None
    typical_error: TypicalError | None = None
    champion_margin: ChampionMargin | None = None
    output_bounds: OutputBounds | None = None
    monotonic: tuple[Monotonic, ...] = ()
    drift: DriftLimits | None = None
    extrapolation: str = FLAG
    # A classifier's quality: bands on its metrics, the margin over the most-frequent-class baseline, calibration,
    # and what it may give up against the model in production.
    metric_bands: tuple[MetricBand, ...] = ()
    baseline: BaselineMargin | None = None
    calibration: CalibrationLimit | None = None
    champion_metric: ChampionMetric | None = None
    title: str = ""  # the model, in the reviewer's words (the declaring feature's name)
    card: Card | None = None  # what it is for, what it was trained on, who owns it (required to package and release)
    groups: tuple[GroupLimit, ...] = ()  # the typical error agreed in each group of an input (a regression's)
    intervals: tuple[Coverage, ...] = ()  # the ranges a regression's answers state, by level, with their agreed coverage
    rationales: tuple[Rationale, ...] = ()  # where each agreed number comes from and who owns it, in the features' order
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
        """``flipper_length_mm → body_mass_g``: the model by what it is told and what it answers."""
        told = ", ".join(self.names) if len(self.inputs) <= 3 else f"{len(self.inputs)} inputs"
        return f"{told} → {self.output.name}"

    def golden_row(self, index: int) -> str:
        """A golden row by its inputs, for messages: ``flipper_length_mm=190``."""
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
            "output": self.output.to_dict(),
            "golden": [g.to_dict() for g in self.golden],
            "r2_band": _pair(self.r2_band),
            "typical_error": self.typical_error.limit if self.typical_error else None,
            "champion_margin": self.champion_margin.margin if self.champion_margin else None,
            "output_bounds": _pair(self.output_bounds),
            "monotonic": [{"input": m.input, "direction": m.direction} for m in self.monotonic],
            "drift": None if self.drift is None else _drift_dict(self.drift),
            "extrapolation": self.extrapolation,
            **self._classifier_dict(),
            # Absent without a card, so the contracts of features written before cards keep their bytes.
            **({"card": self.card.to_dict()} if self.card is not None else {}),
            **({"groups": [g.to_dict() for g in self.groups]} if self.groups else {}),
            **({"intervals": [c.to_dict() for c in self.intervals]} if self.intervals else {}),
            **({"rationales": [r.to_dict() for r in self.rationales]} if self.rationales else {}),
        }

    def _classifier_dict(self) -> dict:
        """A classifier's facts (absent for a regression: its contract's bytes are as before)."""
        if not self.output.is_class:
            return {}
        return {
            "metric_bands": [{"metric": b.metric, "low": b.low, "high": b.high, "on": b.on} for b in self.metric_bands],
            "baseline": None if self.baseline is None else {"metric": self.baseline.metric, "margin": self.baseline.margin},
            "calibration": None if self.calibration is None else self.calibration.limit,
            "champion_metric": None
            if self.champion_metric is None
            else {"metric": self.champion_metric.metric, "margin": self.champion_metric.margin},
        }

    @classmethod
    def from_dict(cls, found: dict) -> Contract:
        if found.get("format") != FORMAT:
            raise ValueError(f"not a contract of format {FORMAT} (format {found.get('format')!r})")
        out = found["output"]
        drift = found.get("drift")
        return cls(
            inputs=tuple(Input.from_dict(i) for i in found["inputs"]),
            output=Output.from_dict(out),
            golden=tuple(AgreedLabel.from_dict(g) if "label" in g else GoldenCase.from_dict(g) for g in found.get("golden", ())),
            r2_band=Band(*found["r2_band"]) if found.get("r2_band") else None,
            typical_error=TypicalError(found["typical_error"]) if found.get("typical_error") is not None else None,
            champion_margin=ChampionMargin(found["champion_margin"]) if found.get("champion_margin") is not None else None,
            output_bounds=OutputBounds(*found["output_bounds"]) if found.get("output_bounds") else None,
            monotonic=tuple(Monotonic(m["input"], m["direction"]) for m in found.get("monotonic", ())),
            drift=DriftLimits(
                drift["warn"], drift["refuse"], int(drift["min_rows"]), drift.get("small_rows"), drift.get("small_refuse")
            )
            if drift
            else None,
            extrapolation=found.get("extrapolation", FLAG),
            metric_bands=tuple(
                MetricBand(b["metric"], b["low"], b["high"], b.get("on", "unseen")) for b in found.get("metric_bands", ())
            ),
            baseline=BaselineMargin(**found["baseline"]) if found.get("baseline") else None,
            calibration=CalibrationLimit(found["calibration"]) if found.get("calibration") is not None else None,
            champion_metric=ChampionMetric(**found["champion_metric"]) if found.get("champion_metric") else None,
            title=found.get("title", ""),
            card=Card.from_dict(found["card"]) if found.get("card") else None,
            groups=tuple(GroupLimit.from_dict(g) for g in found.get("groups", ())),
            intervals=tuple(Coverage.from_dict(c) for c in found.get("intervals", ())),
            rationales=tuple(Rationale.from_dict(r) for r in found.get("rationales", ())),
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


def _drift_dict(drift: DriftLimits) -> dict:
    """The drift rule; the smaller files' rule only where stated, so the contracts of features without one keep their bytes."""
    found: dict = {"warn": drift.warn, "refuse": drift.refuse, "min_rows": drift.min_rows}
    small = {"small_rows": drift.small_rows, "small_refuse": drift.small_refuse}
    return found | (small if drift.small_rows is not None else {})


def _pair(found) -> list[float] | None:
    return None if found is None else [found.low, found.high]


def differences(ours: Contract, theirs: Contract) -> list[str]:
    """What differs between two contracts, one line per fact (empty when they agree): for the gate's verdict."""
    left, right = ours.to_dict(), theirs.to_dict()
    lines = []
    for key in dict.fromkeys([*left, *right]):
        if left.get(key) == right.get(key):
            continue
        if key == "card":
            lines += _card_differences(ours.card, theirs.card)
        elif key == "inputs":
            lines += _input_differences(ours, theirs)
        elif key == "rationales":
            lines += rationale_changes(ours.rationales, theirs.rationales, "against")
        elif key == "golden":
            lines.append(f"the agreed answers differ ({len(ours.golden)} rows against {len(theirs.golden)})")
            lines += [
                f"  row {ours.golden_row(i)}: {_agreed(a)!r} against {_agreed(b)!r}"
                for i, (a, b) in enumerate(zip(ours.golden, theirs.golden))
                if a.to_dict() != b.to_dict()
            ][:5]
        else:
            lines.append(f"{key.replace('_', ' ')}: {left.get(key)!r} against {right.get(key)!r}")
    return lines


def _card_differences(ours: Card | None, theirs: Card | None) -> list[str]:
    if ours is None or theirs is None:
        return [f"the model's card: {'none' if ours is None else 'stated'} against {'none' if theirs is None else 'stated'}"]
    return [f"the card's {what!r}: {a!r} against {b!r}" for (what, a), (_, b) in zip(ours.rows(), theirs.rows()) if a != b]


def _agreed(case: GoldenCase | AgreedLabel) -> object:
    return case.label if isinstance(case, AgreedLabel) else case.expected


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
