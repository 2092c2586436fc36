"""The check rows of a contract: the rows every serving form is held to and the model version is computed from.

Seeded, so the same contract and training profile always give the same rows: every agreed row, each input at the
edges of what it accepts and at every category (missing too where allowed), and 30,000 random accepted rows. A
contract of one number adds every value with at most two decimals across its accepted range (the old single-input
check, the agreed values among them). Plain Python: no numpy needed to make them.
"""

from __future__ import annotations

import math
import random

from modelgate.contracts.contract import Contract
from modelgate.contracts.inputs import CATEGORY, WHOLE, YES_NO, Input

RANDOM_ROWS = 30_000
SEED = 14
GRID = 100  # steps per unit: every value with at most two decimals


def _span(spec: Input, profile: dict | None) -> tuple[float, float]:
    """The accepted numbers as a closed span to draw from; an open-ended side ends a little past the training data."""
    low = spec.range.low if spec.range and spec.range.low is not None else None
    high = spec.range.high if spec.range and spec.range.high is not None else None
    seen_low, seen_high = (profile or {}).get("min"), (profile or {}).get("max")
    width = (seen_high - seen_low) if seen_low is not None and seen_high is not None else 1.0
    if low is None:
        low = (seen_low if seen_low is not None else 0.0) - 0.1 * width - 1.0
    if high is None:
        high = (seen_high if seen_high is not None else 0.0) + 0.1 * width + 1.0
    return low, high


def _edges(spec: Input, profile: dict | None) -> list[object]:
    if spec.kind in (CATEGORY, YES_NO):
        values: list[object] = list(spec.values) if spec.kind == CATEGORY else [True, False]
    else:
        low, high = _span(spec, profile)
        first = math.nextafter(low, math.inf) if spec.range and spec.range.low is not None and not spec.range.low_closed else low
        last = (
            math.nextafter(high, -math.inf) if spec.range and spec.range.high is not None and not spec.range.high_closed else high
        )
        values = [float(math.ceil(first)), float(math.floor(last))] if spec.kind == WHOLE else [first, last]
    return values + ([None] if spec.missing else [])


def _draw(spec: Input, profile: dict | None, rng: random.Random) -> object:
    if spec.missing and rng.random() < 0.05:
        return None
    if spec.kind == CATEGORY:
        return rng.choice(spec.values)
    if spec.kind == YES_NO:
        return rng.random() < 0.5
    low, high = _span(spec, profile)
    if spec.kind == WHOLE:
        return float(rng.randint(math.ceil(low), math.floor(high)))
    value = rng.uniform(low, high)
    return value if spec.accepts(value) else _edges(spec, profile)[0]


def check_rows(contract: Contract, profiles: dict | None = None) -> list[dict]:
    """The check rows ({input: value}) of ``contract``, with the training ``profiles`` (per input) where known."""
    profiles = profiles or {}
    rows: list[dict] = [dict(zip(contract.names, case.values)) for case in contract.golden]
    middle = {i.name: _edges(i, profiles.get(i.name))[0] for i in contract.inputs}
    for spec in contract.inputs:
        rows += [{**middle, spec.name: value} for value in _edges(spec, profiles.get(spec.name))]
    if len(contract.inputs) == 1 and contract.inputs[0].numeric and contract.inputs[0].range:
        spec = contract.inputs[0]
        low, high = _span(spec, profiles.get(spec.name))
        grid = (i / GRID for i in range(math.ceil(low * GRID), math.floor(high * GRID) + 1))
        rows += [{spec.name: v} for v in grid if spec.accepts(v)]
    rng = random.Random(SEED)
    rows += [{i.name: _draw(i, profiles.get(i.name), rng) for i in contract.inputs} for _ in range(RANDOM_ROWS)]
    return rows
