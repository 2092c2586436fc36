"""model.checks: the check rows every serving form is held to and the model version is computed from: every agreed
row, each input at the edges of what it accepts (every category, missing where allowed), 30,000 seeded random accepted
rows, and for a contract of one number every value with two decimals it accepts. Counted and bounded here."""

from __future__ import annotations

import math

import pytest
from modelgate.contracts.contract import Contract, Output
from modelgate.contracts.inputs import NUMBER, YES_NO, Input, Range
from modelgate.contracts.reader import read_contract
from modelgate.model.checks import RANDOM_ROWS, check_rows
from modelgate.model.manifest import read_manifest
from modelgate.steps.support import FEATURES

from tests.model import penguins


@pytest.fixture(scope="module")
def bundled(trained_model) -> tuple[Contract, dict]:
    return read_contract(FEATURES), read_manifest(trained_model).training_data["profile"]


def test_the_rows_are_every_agreed_row_then_the_edges_then_every_two_decimal_value_then_the_random_rows(bundled):
    contract, profiles = bundled
    rows = check_rows(contract, profiles)
    spec = contract.inputs[0]
    agreed = [{"height": g.values[0]} for g in contract.golden]
    assert rows[: len(agreed)] == agreed
    low, high = spec.range.low, spec.range.high  # greater than low, at most high
    assert rows[len(agreed) : len(agreed) + 2] == [{"height": math.nextafter(low, math.inf)}, {"height": high}]
    grid = [i / 100 for i in range(round(low * 100) + 1, round(high * 100) + 1)]
    start = len(agreed) + 2
    assert rows[start : start + len(grid)] == [{"height": v} for v in grid]
    drawn = rows[start + len(grid) :]
    assert len(drawn) == RANDOM_ROWS == 30_000 and all(low < r["height"] <= high for r in drawn)
    assert len({r["height"] for r in drawn}) > 29_000  # drawn, not repeated


def test_the_rows_are_the_same_every_time(bundled):
    contract, profiles = bundled
    assert check_rows(contract, profiles) == check_rows(contract, profiles)


def test_every_check_row_is_accepted_by_the_contract(bundled, tmp_path):
    for contract in (bundled[0], read_contract(penguins.features(tmp_path / "penguin"))):
        rows = check_rows(contract)
        refused = [(r, i.name) for r in rows for i in contract.inputs if not i.accepts(r[i.name])]
        assert refused == [] and all(set(r) == set(contract.names) for r in rows)


def test_the_edges_of_many_inputs_are_every_category_every_end_and_missing_where_allowed(tmp_path):
    contract = read_contract(penguins.features(tmp_path / "penguin"))
    rows = check_rows(contract, {})
    agreed = len(contract.golden)
    edges = rows[agreed : len(rows) - RANDOM_ROWS]
    island, _, bill, flipper, year = contract.inputs
    expected = {
        "island": ["Biscoe", "Dream", "Torgersen"],
        "sex": ["female", "male", None],
        "bill_length_mm": [bill.range.low, bill.range.high, None],
        "flipper_length_mm": [math.nextafter(flipper.range.low, math.inf), flipper.range.high],
        "year": [year.range.low, year.range.high],
    }
    middle = {name: values[0] for name, values in expected.items()}  # each input moves alone, the others at their first
    assert edges == [middle | {name: value} for name, values in expected.items() for value in values]
    drawn = rows[len(rows) - RANDOM_ROWS :]
    assert {r["year"] for r in drawn} == {2007.0, 2008.0, 2009.0} and {r["island"] for r in drawn} == set(island.values)
    missing = sum(r["sex"] is None for r in drawn)
    assert 0.03 * RANDOM_ROWS < missing < 0.07 * RANDOM_ROWS  # about one in twenty, where a value may be missing
    assert not any(r["year"] is None or r["island"] is None for r in drawn)


@pytest.mark.parametrize(
    ("bounds", "span"),
    [(Range(0.0, None, True), (0.0, 20.0 + 1.0 + 1.0)), (Range(None, None), (10.0 - 1.0 - 1.0, 20.0 + 1.0 + 1.0))],
    ids=["open above", "open both ways"],
)
def test_an_open_end_is_drawn_a_little_past_the_training_data(bounds, span):
    """Past the training data by a tenth of its width and one more: here 10 to 20, so a width of 10."""
    contract = Contract((Input("x", NUMBER, range=bounds),), Output("y"))
    rows = check_rows(contract, {"x": {"min": 10.0, "max": 20.0}})
    values = [r["x"] for r in rows]
    assert min(values) == span[0] and max(values) == span[1]
    assert [i / 100 for i in range(round(span[0] * 100), round(span[1] * 100) + 1)] == values[
        2 : 2 + round((span[1] - span[0]) * 100) + 1
    ]


def test_a_yes_no_input_is_checked_both_ways():
    contract = Contract((Input("tagged", YES_NO, values=("yes", "no")),), Output("y"))
    rows = check_rows(contract)
    assert rows[:2] == [{"tagged": True}, {"tagged": False}] and len(rows) == 2 + RANDOM_ROWS
    assert {r["tagged"] for r in rows} == {True, False}
