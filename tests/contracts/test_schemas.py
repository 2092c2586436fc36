"""contracts.schemas: the pandera schemas derived from a contract hold its bounds exactly, at and beside each end, open
or closed; its categories; whether a value may be missing; whole numbers; and a finite answer. The verdicts expected
are worked out here from the bounds' numbers, not by ``Range.contains``."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from modelgate.contracts.contract import CLASS_OUTPUT, Contract, Output
from modelgate.contracts.inputs import CATEGORY, NUMBER, WHOLE, YES_NO, Input, Range
from modelgate.contracts.reader import read_contract
from modelgate.contracts.schemas import FINITE, WHOLE_CHECK, batch_input, batch_output, rule_names, training
from modelgate.contracts.validation import NOT_NULL, run_schema
from modelgate.steps.support import FEATURES, ROOT

DIABETES = ROOT / "examples" / "diabetes" / "features"
INF = math.inf


def _beside(x: float) -> list[float]:
    return [math.nextafter(x, -INF), x, math.nextafter(x, INF)]


def _expected(bounds: Range, value: float) -> bool:
    """Is ``value`` inside ``bounds``, worked out from the numbers (an absent end is no limit, but still finite)."""
    if not math.isfinite(value):
        return False
    low_ok = bounds.low is None or (value >= bounds.low if bounds.low_closed else value > bounds.low)
    high_ok = bounds.high is None or (value <= bounds.high if bounds.high_closed else value < bounds.high)
    return low_ok and high_ok


def _refused_rows(schema, frame: pd.DataFrame, column: str) -> set[int]:
    return {f.row for f in run_schema(schema, frame) if f.column == column}


def _frame(contract: Contract, column: str, values: list) -> pd.DataFrame:
    """``values`` in ``column``; every other input at its first agreed value."""
    first = dict(zip(contract.names, contract.golden[0].values))
    data = {name: [first[name]] * len(values) for name in contract.names if name != column}
    data[column] = values
    return pd.DataFrame({n: pd.Series(v, dtype="float64" if contract.input(n).numeric else object) for n, v in data.items()})


@pytest.mark.parametrize("folder", [FEATURES, DIABETES], ids=["bundled", "diabetes"])
def test_the_schemas_hold_every_bound_of_the_contract_exactly(folder):
    contract = read_contract(folder)
    for spec in (i for i in contract.inputs if i.numeric):
        values = [*_beside(spec.range.low), *_beside(spec.range.high), INF, -INF, 1e308, -1e308]
        expected = {row for row, v in enumerate(values, start=1) if not _expected(spec.range, v)}
        frame = _frame(contract, spec.name, values)
        for schema in (batch_input(contract), training(contract)):
            assert _refused_rows(schema, frame, spec.name) == expected, spec.name


def test_the_bundled_schema_names_its_checks_as_the_features_word_them():
    text = (FEATURES / "risk.feature").read_text()
    low, high, unit = re.search(
        r"accepts heights (greater than [0-9.]+) and (at most [0-9.]+) (\w+), and no others", text
    ).groups()
    contract = read_contract(FEATURES)
    assert rule_names(contract) == [f"{low} {unit}", f"{high} {unit}"]
    frame = pd.DataFrame({"height": [float(low.split()[-1]), math.nextafter(float(high.split()[-1]), INF)]})
    assert [(f.check, f.row) for f in run_schema(batch_input(contract), frame)] == [(f"{low} {unit}", 1), (f"{high} {unit}", 2)]


@pytest.mark.parametrize("low_closed", [True, False])
@pytest.mark.parametrize("high_closed", [True, False])
def test_open_and_closed_ends_are_held_exactly(low_closed, high_closed):
    bounds = Range(-2.5, 7.25, low_closed, high_closed)
    contract = Contract((Input("x", NUMBER, unit="mm", range=bounds),), Output("y"))
    values = [*_beside(-2.5), *_beside(7.25), 0.0]
    expected = {row for row, v in enumerate(values, start=1) if not _expected(bounds, v)}
    found = run_schema(batch_input(contract), pd.DataFrame({"x": values}))
    assert {f.row for f in found} == expected
    names = {
        1: "at least -2.5 mm" if low_closed else "greater than -2.5 mm",
        2: "at most 7.25 mm" if high_closed else "less than 7.25 mm",
    }
    assert {f.check for f in found} == {names[1], names[2]}


@pytest.mark.parametrize(
    "bounds",
    [Range(0.0, None, True), Range(None, 10.0, high_closed=False), Range(None, None), None],
    ids=["low", "high", "any", "none"],
)
def test_an_open_ended_number_still_refuses_the_infinities(bounds):
    contract = Contract((Input("x", NUMBER, range=bounds),), Output("y"))
    values = [INF, -INF, 5.0, -1e308 if bounds is None or bounds.low is None else 1e308]
    expected = {row for row, v in enumerate(values, start=1) if not (_expected(bounds, v) if bounds else math.isfinite(v))}
    found = run_schema(batch_input(contract), pd.DataFrame({"x": values}))
    assert {f.row for f in found} == expected and {1, 2} <= expected
    assert FINITE in {f.check for f in found}


def test_a_whole_number_refuses_fractions():
    contract = Contract((Input("n", WHOLE, range=Range(2007.0, 2009.0, True, True), missing=True),), Output("y"))
    frame = pd.DataFrame({"n": [2007.0, 2008.5, math.nextafter(2009.0, -INF), 2009.0, np.nan, 2006.0]})
    assert sorted((f.row, f.check) for f in run_schema(batch_input(contract), frame)) == [
        (2, WHOLE_CHECK),
        (3, WHOLE_CHECK),
        (6, "at least 2007"),
    ]


@pytest.mark.parametrize("missing", [True, False])
def test_categories_and_missing_values_are_held_as_declared(missing):
    contract = Contract(
        (
            Input("island", CATEGORY, values=("Biscoe", "Dream"), missing=missing),
            Input("bill", NUMBER, range=Range(30.0, 60.0, True, True), missing=missing),
            Input("tagged", YES_NO, values=("yes", "no"), missing=missing),
        ),
        Output("mass"),
    )
    frame = pd.DataFrame(
        {
            "island": pd.Series(["Biscoe", "Dream", np.nan, "biscoe", "Dream "], dtype=object),
            "bill": [30.0, np.nan, 60.0, 45.0, 45.0],
            "tagged": pd.Series([True, False, np.nan, True, False], dtype=object),
        }
    )
    found = sorted((f.column, f.row, f.check) for f in run_schema(batch_input(contract), frame))
    nulls = [] if missing else [("bill", 2, NOT_NULL), ("island", 3, NOT_NULL), ("tagged", 3, NOT_NULL)]
    assert found == sorted([*nulls, ("island", 4, "one of Biscoe, Dream"), ("island", 5, "one of Biscoe, Dream")])


def test_an_answer_must_be_a_finite_number_and_training_rows_need_one():
    contract = read_contract(FEATURES)
    answers = pd.DataFrame({"height": [70.0, 71.0, 72.0, 73.0], "weight": [150.0, INF, -INF, np.nan]})
    assert sorted((f.column, f.row) for f in run_schema(batch_output(contract), answers)) == [
        ("weight", 2),
        ("weight", 3),
        ("weight", 4),
    ]
    rows = pd.DataFrame({"height": [70.0, 71.0, 0.0], "weight": [150.0, np.nan, 120.0]})
    assert sorted((f.column, f.row) for f in run_schema(training(contract), rows)) == [("height", 3), ("weight", 2)]
    (lacking,) = run_schema(training(contract), pd.DataFrame({"height": [70.0]}))
    assert (lacking.value, lacking.row) == ("'weight'", None)


def test_the_rules_are_every_check_once_in_the_contracts_order():
    contract = Contract(
        (
            Input("a", NUMBER, unit="cm", range=Range(0.0, None, True)),
            Input("b", WHOLE, range=Range(1.0, 10.0, False, False)),
            Input("c", CATEGORY, values=("x", "y")),
            Input("d", NUMBER, unit="cm", range=Range(0.0, None, True)),
        ),
        Output("o"),
    )
    assert rule_names(contract) == ["at least 0 cm", FINITE, "greater than 1", "less than 10", WHOLE_CHECK, "one of x, y"]


def _checks(schema, frame: pd.DataFrame) -> list[tuple]:
    return sorted((f.row, f.column, f.check) for f in run_schema(schema, frame))


def _by_row(schema, frame: pd.DataFrame) -> dict[int | None, set[tuple[str, str]]]:
    """Each refused row's (column, check) pairs."""
    found: dict[int | None, set[tuple[str, str]]] = {}
    for f in run_schema(schema, frame):
        found.setdefault(f.row, set()).add((f.column, f.check))
    return found


def test_a_classifiers_answer_is_a_class_and_its_probabilities_from_0_to_1_sum_to_1_within_the_rounding():
    # Two classes at 2 decimals: each probability is off by at most 0.005, so their sum by at most 0.01.
    contract = Contract((Input("x", NUMBER),), Output("species", kind=CLASS_OUTPUT, classes=("Adelie", "Gentoo"), decimals=2))
    frame = pd.DataFrame(
        {
            "species": ["Adelie", "adelie", "Gentoo", "Gentoo", "Gentoo", "Gentoo"],
            "probability_Adelie": [0.75, 0.75, 1.5, 0.5, 0.5, 0.49],
            "probability_Gentoo": [0.25, 0.25, -0.5, 0.52, 0.505, 0.496],
        }
    )
    within, sums = "a probability from 0 to 1", "probabilities sum to 1 within 0.01"
    assert _by_row(batch_output(contract), frame) == {
        2: {("species", "one of Adelie, Gentoo")},
        3: {("probability_Adelie", within), ("probability_Gentoo", within)},
        4: {("species", sums), ("probability_Adelie", sums), ("probability_Gentoo", sums)},  # 1.02
        6: {("species", sums), ("probability_Adelie", sums), ("probability_Gentoo", sums)},  # 0.986
    }


def test_probabilities_rounded_to_whole_numbers_may_sum_to_0_or_2_but_no_further():
    # At 0 decimals each of three probabilities may be off by 0.5: sums from -0.5 to 2.5 are within the rounding.
    classes = ("a", "b", "c")
    contract = Contract((Input("x", NUMBER),), Output("y", kind=CLASS_OUTPUT, classes=classes, decimals=0))
    rows = [(0.0, 0.0, 0.0), (1.0, 1.0, 0.0), (1.0, 1.0, 1.0)]
    frame = pd.DataFrame({"y": ["a"] * 3} | {f"probability_{c}": [r[n] for r in rows] for n, c in enumerate(classes)})
    assert {row for row, *_ in _checks(batch_output(contract), frame)} == {3}
    pair = Contract((Input("x", NUMBER),), Output("y", kind=CLASS_OUTPUT, classes=("a", "b"), decimals=0))
    frame = pd.DataFrame({"y": ["a", "a"], "probability_a": [0.0, 1.0], "probability_b": [0.0, 1.0]})
    assert _checks(batch_output(pair), frame) == []  # two halves each rounded to 0, or each to 1: exactly 1 off


def test_an_answers_range_holds_the_answer_and_both_ends_are_finite_numbers():
    contract = read_contract(FEATURES)
    low, high = contract.output.interval_columns("90")
    frame = pd.DataFrame(
        {
            "weight": [150.0, 150.0, 150.0, 150.0, 150.0],
            low: [150.0, 140.0, 151.0, -INF, 140.0],
            high: [150.0, 160.0, 160.0, 160.0, 149.0],
        }
    )
    within = "the answer lies within its range for 90 in 100"
    assert _by_row(batch_output(contract, ["90"]), frame) == {
        3: {("weight", within), (low, within), (high, within)},  # low end above the answer
        4: {(low, FINITE)},
        5: {("weight", within), (low, within), (high, within)},  # high end below it
    }
    # With its ranges the answer itself is still held to be a finite number.
    frame = pd.DataFrame({"weight": [INF], low: [140.0], high: [160.0]})
    assert (contract.output.name, FINITE) in _by_row(batch_output(contract, ["90"]), frame)[1]


def test_text_where_a_number_belongs_fails_the_schema_as_a_whole_column():
    # A frame built by hand (not read through validation.parse_column) may hold a number column as text.
    contract = read_contract(FEATURES)
    frame = pd.DataFrame({"height": pd.Series(["70", "71"], dtype=object)})
    assert ("height", "dtype('float64')") in _by_row(batch_input(contract), frame)[None]
    answers = pd.DataFrame({"weight": pd.Series(["150"], dtype=object)})
    assert ("weight", "dtype('float64')") in _by_row(batch_output(contract), answers)[None]
    classes = Contract((Input("x", NUMBER),), Output("y", kind=CLASS_OUTPUT, classes=("a", "b")))
    text = pd.DataFrame({"y": ["a"], "probability_a": pd.Series(["1"], dtype=object), "probability_b": [0.0]})
    assert ("probability_a", "dtype('float64')") in _by_row(batch_output(classes), text)[None]
