"""The accepted rows the report judges a model on beyond its agreed answers: each number input swept across its
accepted range with the other inputs held at sampled accepted rows, and the contract's check rows
(``model.checks.check_rows``). Their answers give the lowest and highest answer (plausibility) and, for each input the
contract says the answer moves one way with, the places where it moves the other way (monotonicity).

The sweeps are drawn as the risk scenario draws its own (``steps/risk.py``): 60 seeded bases from the check rows, so the
page and the scenario judge like rows. The verdicts are the contract's (``OutputBounds.contains``, ``Monotonic.holds``).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

import numpy as np

from modelgate.contracts.contract import Contract
from modelgate.contracts.facts import Monotonic
from modelgate.contracts.inputs import WHOLE, Input

BASES = 60  # accepted rows each input is swept from, the other inputs held at theirs
SWEEP = 1_001  # values per sweep of one input of a model of several inputs
GRID = 210_001  # values swept for a model of one number input, as the risk scenario sweeps it
SEED = 3  # the bases' draw, as the risk scenario draws them


@dataclass
class Sweep:
    """One input swept: ``answers[b, i]`` is the answer to base row ``b`` with the input at ``values[i]``."""

    spec: Input
    values: np.ndarray
    bases: list[dict]
    answers: np.ndarray
    others: tuple[Input, ...] = ()  # the inputs held


@dataclass
class Broken:
    """Where a monotonic rule fails: how many neighbouring pairs of a sweep move the wrong way, and the first one."""

    rule: Monotonic
    checked: int  # neighbouring pairs compared
    count: int = 0
    example: str = ""


def span(spec: Input, profile: dict | None, steps: int) -> np.ndarray:
    """The accepted numbers of ``spec`` from end to end (an open end: just inside it); a side with no bound ends a
    tenth of the training span past the training data."""
    accepted, seen = spec.range, profile or {}
    width = (seen["max"] - seen["min"]) if "min" in seen else 1.0
    low = accepted.low if accepted and accepted.low is not None else seen.get("min", 0.0) - 0.1 * width - 1.0
    high = accepted.high if accepted and accepted.high is not None else seen.get("max", 0.0) + 0.1 * width + 1.0
    if accepted and accepted.low is not None and not accepted.low_closed:
        low = math.nextafter(low, math.inf)
    if accepted and accepted.high is not None and not accepted.high_closed:
        high = math.nextafter(high, -math.inf)
    if spec.kind == WHOLE:
        first, last = math.ceil(low), math.floor(high)
        return np.unique(np.round(np.linspace(first, last, min(steps, last - first + 1))))
    return np.unique(np.concatenate([[low, high], np.linspace(low, high, steps)[1:-1]]))


def bases(rows: list[dict]) -> list[dict]:
    """The rows each input is swept from: a seeded sample of the check rows."""
    return random.Random(SEED).sample(rows, min(BASES, len(rows)))


def sweep(scorer, contract: Contract, spec: Input, held: list[dict], profile: dict | None) -> Sweep:
    """``spec`` swept across its accepted range from each row of ``held`` (one input alone: from no row)."""
    alone = len(contract.inputs) == 1
    values = span(spec, profile, GRID if alone else SWEEP)
    held = [{}] if alone else held
    columns = {}
    for other in contract.inputs:
        if other.name == spec.name:
            columns[other.name] = np.tile(values, len(held))
            continue
        found = [row.get(other.name) for row in held]
        if other.numeric:
            column = np.array([np.nan if v is None else v for v in found], dtype="float64")
        else:
            column = np.array(found, dtype=object)
        columns[other.name] = np.repeat(column, values.size)
    answers = scorer.predict(columns).reshape(len(held), values.size)
    return Sweep(spec, values, held, answers, tuple(i for i in contract.inputs if i.name != spec.name))


def broken(rule: Monotonic, swept: Sweep) -> Broken:
    """The neighbouring pairs of ``swept`` where ``rule`` does not hold."""
    answers = swept.answers
    wrong = np.logical_not(rule.holds(answers[:, :-1], answers[:, 1:]))
    found = Broken(rule, int(wrong.size), int(np.count_nonzero(wrong)))
    if found.count:
        b, i = (int(n) for n in np.argwhere(wrong)[0])
        values = swept.values
        held = swept.bases[b]
        others = ", ".join(f"{other.name}={_text(other, held.get(other.name))}" for other in swept.others)
        found.example = f"{rule.input} {values[i]:g} → {answers[b, i]:g}, {values[i + 1]:g} → {answers[b, i + 1]:g}" + (
            f" ({others})" if others else ""
        )
    return found


def _text(spec: Input, value: object) -> str:
    if value is None:
        return "missing"
    return f"{value:g}" if spec.numeric else spec.to_text(value)
