"""Hypothesis strategies drawn from a contract (the features' own, ``stated``, or a model's): rows of accepted values,
and for each input the values it refuses, as a query writes them and as JSON carries them. Written from the
contract's facts (its ranges, categories, spellings and missing-value rules) with no help from the service's readers,
so a reader that accepts too much or too little is caught."""

from __future__ import annotations

import json
import math

from hypothesis import strategies as st
from modelgate.contracts.inputs import CATEGORY, WHOLE, YES_NO, Input

OPEN_END = 1e6  # how far an input with no bound on one side is drawn
TEXT = st.characters(exclude_categories=("Cs",))  # any text a URL can carry (no lone surrogates)
# Texts Python's float() reads that the contract does not: a number is plain decimals (as the batch reader takes it).
PYTHON_ONLY = ["1_0", "infinity", "-inf", "nan", "NaN", "١٢", "٣.٥", "1e", "0x10", "+-1", "1,5", "1e1.5"]


def _span(spec: Input) -> tuple[float, float, bool, bool]:
    bounds = spec.range
    low = bounds.low if bounds and bounds.low is not None else -OPEN_END
    high = bounds.high if bounds and bounds.high is not None else OPEN_END
    low_closed = bounds.low_closed if bounds and bounds.low is not None else True
    high_closed = bounds.high_closed if bounds and bounds.high is not None else True
    return low, high, low_closed, high_closed


def accepted(spec: Input, missing: bool = True) -> st.SearchStrategy:
    """Values ``spec`` accepts, as Python holds them (float, str, bool; None for missing where allowed and asked)."""
    if spec.kind == CATEGORY:
        found = st.sampled_from(spec.values)
    elif spec.kind == YES_NO:
        found = st.booleans()
    else:
        low, high, low_closed, high_closed = _span(spec)
        if spec.kind == WHOLE:
            found = st.integers(math.ceil(low) + (0 if low_closed or low != math.ceil(low) else 1),
                                math.floor(high) - (0 if high_closed or high != math.floor(high) else 1)).map(float)  # fmt: skip
        else:
            found = st.floats(low, high, exclude_min=not low_closed, exclude_max=not high_closed, allow_nan=False)
    return st.one_of(found, st.none()) if missing and spec.missing else found


def _refused_numbers(spec: Input) -> st.SearchStrategy:
    parts = [st.sampled_from([math.nan, math.inf, -math.inf])]
    bounds = spec.range
    if bounds and bounds.low is not None:
        parts.append(st.floats(max_value=bounds.low, exclude_max=bounds.low_closed, allow_nan=False))
    if bounds and bounds.high is not None:
        parts.append(st.floats(min_value=bounds.high, exclude_min=bounds.high_closed, allow_nan=False))
    if spec.kind == WHOLE:
        parts.append(accepted(spec, missing=False).map(lambda x: x + 0.5))
    return st.one_of(parts)


def _not_a_float(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return True
    return False


def _written_missing(spec: Input, text: str) -> bool:
    try:
        return spec.from_text(text) is None
    except ValueError:
        return False


def refused_text(spec: Input) -> st.SearchStrategy:
    """Query values (text) ``spec`` refuses: out of range or not a number, not a category, not a spelling; an empty
    one where a value may not be missing."""
    empty = [] if spec.missing else [st.just("")]
    if spec.numeric:
        words = st.one_of(st.text(TEXT, min_size=1, max_size=20).filter(_not_a_float), st.sampled_from(PYTHON_ONLY))
        refused = st.one_of(_refused_numbers(spec).map(repr), words, *empty)
        # Where a number may be missing, blanks and NaN are how a missing one is written, not a refused value.
        return refused.filter(lambda t: not _written_missing(spec, t)) if spec.missing else refused
    known = set(spec.values)
    others = st.text(TEXT, min_size=1, max_size=20).filter(lambda t: t not in known)
    near = st.sampled_from([f(v) for v in spec.values for f in (str.lower, str.upper, lambda v: f" {v}", lambda v: f"{v} ")])
    return st.one_of(others, near.filter(lambda t: t not in known), *empty)


def refused_json(spec: Input) -> st.SearchStrategy:
    """JSON values ``spec`` refuses (NaN and the infinities as Python's json writes them); null where it may not be
    missing."""
    empty = [] if spec.missing else [st.none()]
    containers = st.one_of(st.lists(st.integers(), max_size=2), st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))
    if spec.numeric:
        strings = st.one_of(st.text(max_size=20), accepted(spec, missing=False).map(repr))  # "72" is text, not a number
        return st.one_of(_refused_numbers(spec), strings, st.booleans(), containers, *empty)
    if spec.kind == YES_NO:
        spelled = set(spec.values)
        return st.one_of(st.text(max_size=20).filter(lambda t: t not in spelled), st.integers(), st.floats(), containers, *empty)
    known = set(spec.values)
    return st.one_of(st.text(max_size=20).filter(lambda t: t not in known), st.integers(), st.booleans(), containers, *empty)


def rows(inputs: tuple[Input, ...], max_rows: int, missing: bool = True) -> st.SearchStrategy:
    row = st.fixed_dictionaries({spec.name: accepted(spec, missing) for spec in inputs})
    return st.lists(row, min_size=1, max_size=max_rows)


def text_of(spec: Input, value) -> str:
    """A value as a client writes it in a query: a number by ``repr``, a yes/no by its spelling, missing as empty."""
    if value is None:
        return ""
    if spec.kind == YES_NO:
        return spec.values[0] if value else spec.values[1]
    return repr(value) if isinstance(value, float) else str(value)


def columns_body(names: list[str], found: list[dict]) -> str:
    return json.dumps({name: [row[name] for row in found] for name in names})
