"""Property tests (hypothesis): every height in range scores to intercept + slope × height, on both
paths and both methods; every other value is a 422 in the error shape.

The coefficients come from the model's manifest, so this checks the service against what the
artifact says it is, not against the scorer it uses.
"""

from __future__ import annotations

import json
import math
import re
from urllib.parse import quote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from modelgate.contracts.golden import GoldenCase
from modelgate.contracts.ranges import HEIGHT, NUMBER_TEXT

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), database=None)

in_range = st.floats(min_value=HEIGHT.low, max_value=HEIGHT.high, exclude_min=True, allow_nan=False)
out_of_range = st.one_of(
    st.floats(max_value=HEIGHT.low),  # zero and below, -inf
    st.floats(min_value=HEIGHT.high, exclude_min=True),  # above, +inf
    st.just(math.nan),
)
not_a_number_text = st.text(min_size=1, max_size=20).filter(lambda t: not _is_number(t))
not_a_json_number = st.one_of(
    st.booleans(),
    st.none(),
    st.text(max_size=20),
    st.lists(st.floats(1, 100), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def _is_number(text: str) -> bool:
    return bool(re.fullmatch(NUMBER_TEXT, text.strip()))


def _expected(manifest: dict, golden: dict, height: float) -> GoldenCase:
    """The line's weight at ``height``, held to the agreed tolerance (the same comparison as the golden cases)."""
    coefficients = manifest["coefficients"]
    tolerance = next(iter(golden.values())).tolerance
    return GoldenCase(height, coefficients["intercept"] + coefficients["slope"] * height, tolerance)


def _assert_422(response) -> None:
    assert response.status_code == 422, f"{response.status_code}: {response.text}"
    detail = response.json()["detail"]
    assert detail and all(set(item) == {"loc", "msg", "type"} for item in detail), detail


@SETTINGS
@given(heights=st.lists(in_range, min_size=1, max_size=5), extra=st.booleans())
def test_any_height_in_range_scores_to_the_line_on_get(http, manifest, golden, heights, extra):
    query = "&".join(f"height={h!r}" for h in heights) + ("&ignored=1" if extra else "")  # fast path / FastAPI
    response = http.get(f"/weight?{query}")
    assert response.status_code == 200, response.text
    for height, answer in zip(heights, response.json()["response"], strict=True):
        assert _expected(manifest, golden, height).met_by(answer), (height, answer)


@SETTINGS
@given(heights=st.lists(in_range, min_size=1, max_size=20))
def test_any_height_in_range_scores_to_the_line_on_post(http, manifest, golden, heights):
    response = http.post("/weight", json.dumps({"height": heights}))
    assert response.status_code == 200, response.text
    for height, answer in zip(heights, response.json()["response"], strict=True):
        assert _expected(manifest, golden, height).met_by(answer), (height, answer)


@SETTINGS
@given(bad=st.one_of(out_of_range.map(repr), not_a_number_text), position=st.integers(0, 2))
def test_anything_else_in_the_query_is_a_422(http, bad, position):
    values = ["72"] * 2
    values.insert(position, quote(bad, safe=""))
    _assert_422(http.get("/weight?" + "&".join(f"height={v}" for v in values)))


@SETTINGS
@given(bad=st.one_of(out_of_range, not_a_json_number), position=st.integers(0, 2))
def test_anything_else_in_the_body_is_a_422(http, bad, position):
    values: list = [72, 138.5]
    values.insert(position, bad)
    _assert_422(http.post("/weight", json.dumps({"height": values})))  # NaN/Infinity as JSON's non-standard tokens
