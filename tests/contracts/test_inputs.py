"""contracts.inputs: the one verdict on a value (``Input.accepts``), how a value is read from text and JSON and written
back, the words every message uses, and how a reviewer's words become a range, a category list or a yes/no."""

from __future__ import annotations

import math

import pytest
from modelgate.contracts.inputs import (
    CATEGORY,
    NUMBER,
    WHOLE,
    YES_NO,
    Input,
    Range,
    parse_range,
    parse_values,
    parse_yes_no,
)

HEIGHT = Input("height", NUMBER, "the person's height", "inches", range=Range(45.0, 150.0, False, True))
AGE = Input("age", WHOLE, unit="years", range=Range(18.0, 90.0, True, True), missing=True)
ISLAND = Input("island", CATEGORY, values=("Biscoe", "Dream", "Torgersen"))
SMOKER = Input("smoker", YES_NO, values=("yes", "no"), missing=True)
UP = math.inf


def _ends(found: Range) -> tuple:
    """(low, high, low closed, high closed), the closedness of an absent end left out (it means nothing)."""
    return (
        found.low,
        found.high,
        found.low_closed if found.low is not None else None,
        found.high_closed if found.high is not None else None,
    )


@pytest.mark.parametrize(
    ("text", "ends"),
    [
        ("greater than 45 and at most 150", (45.0, 150.0, False, True)),
        ("at most 150 and greater than 45", (45.0, 150.0, False, True)),
        ("from 18 to 90", (18.0, 90.0, True, True)),
        ("between 1 and 5", (1.0, 5.0, True, True)),
        ("above 1 and below 2", (1.0, 2.0, False, False)),
        ("at least 0", (0.0, None, True, None)),
        ("more than -3.5", (-3.5, None, False, None)),
        ("less than 10", (None, 10.0, None, False)),
        ("at most 1e3", (None, 1000.0, None, True)),
        ("at least 5 and at most 5", (5.0, 5.0, True, True)),
        ("  Greater   Than 45  ", (45.0, None, False, None)),
        ("any", (None, None, None, None)),
        ("any number", (None, None, None, None)),
        ("", (None, None, None, None)),
    ],
)
def test_a_range_is_read_as_the_reviewer_writes_it(text, ends):
    assert _ends(parse_range(text)) == ends


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("45 to 150", "is not a range: write e.g. 'greater than 45 and at most 150' or 'from 18 to 90'"),
        ("greater than tall", "is not a range"),
        ("from 1 to", "is not a range"),
        ("at least 5 and at least 6", "states a lower bound twice"),
        ("at most 1 and less than 2", "states an upper bound twice"),
        ("from 10 to 5", "accepts no number: its low end is not below its high end"),
        ("greater than 5 and at most 5", "accepts no number"),
        ("at least 5 and less than 5", "accepts no number"),
        ("at least 1e400", "a bound must be a finite number"),
    ],
)
def test_a_range_that_is_not_one_says_what_is_wrong(text, problem):
    with pytest.raises(ValueError, match=rf"^{text!r}.*{problem}"):
        parse_range(text)


@pytest.mark.parametrize(
    ("bounds", "inside", "outside"),
    [
        (Range(45.0, 150.0, False, True), [math.nextafter(45.0, UP), 150.0, 72.0], [45.0, math.nextafter(150.0, UP), -UP, UP]),
        (Range(18.0, 90.0, True, False), [18.0, math.nextafter(90.0, -UP)], [math.nextafter(18.0, -UP), 90.0]),
        (Range(0.0, None, True), [0.0, -0.0, 1e308], [math.nextafter(0.0, -UP), UP]),
        (Range(None, 10.0, high_closed=False), [-1e308, math.nextafter(10.0, -UP)], [10.0, -UP]),
        (Range(None, None), [0.0, -1e308, 1e308], [UP, -UP]),
    ],
)
def test_a_range_holds_its_ends_exactly_and_never_an_infinity_or_nan(bounds, inside, outside):
    assert [bounds.contains(v) for v in inside] == [True] * len(inside)
    assert [bounds.contains(v) for v in [*outside, math.nan]] == [False] * (len(outside) + 1)


def test_a_range_in_words_is_the_words_it_was_read_from():
    for text in ("greater than 45 and at most 150", "at least 18 and less than 90", "at least 0", "less than 10"):
        assert parse_range(text).words() == text
    assert parse_range("from 18 to 90").words() == "at least 18 and at most 90"
    assert parse_range("any").words() == "any"


@pytest.mark.parametrize(
    ("spec", "accepted", "refused"),
    [
        (HEIGHT, [72.0, 72, 150.0, math.nextafter(45.0, UP)], [45.0, 150.5, math.nan, UP, True, "72", None]),
        (AGE, [18.0, 90, 42.0, None], [42.5, math.nextafter(18.0, UP), 17.0, 91.0, UP, False, "42"]),
        (ISLAND, ["Biscoe", "Dream", "Torgersen"], ["biscoe", " Biscoe", "Biscoe ", "", 1, None, True]),
        (SMOKER, [True, False, None], ["yes", "no", 1, 0, 1.0, ""]),
    ],
    ids=["number", "whole number", "category", "yes/no"],
)
def test_accepts_is_the_verdict_on_a_parsed_value(spec, accepted, refused):
    assert [v for v in accepted if not spec.accepts(v)] == []
    assert [v for v in refused if spec.accepts(v)] == []


def test_a_whole_number_with_no_range_refuses_only_fractions_and_infinities():
    spec = Input("count", WHOLE)
    assert (
        spec.accepts(-3.0)
        and spec.accepts(1e300)
        and not spec.accepts(0.5)
        and not spec.accepts(UP)
        and not spec.accepts(math.nan)
    )


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("72", 72.0),
        (" 72 ", 72.0),
        ("+5", 5.0),
        ("-5", -5.0),
        (".5", 0.5),
        ("5.", 5.0),
        ("1e2", 100.0),
        ("1E-2", 0.01),
        ("", None),
        # blanks and NaN are a missing number, as the batch reader (parse_numbers) reads a cell
        (" ", None),
        ("nan", None),
        (" NaN ", None),
        ("-nan", None),
    ],
)
def test_a_number_is_read_from_plain_decimal_text(text, value):
    assert HEIGHT.from_text(text) == value


@pytest.mark.parametrize("text", ["abc", "1_0", "١٢", "inf", "Infinity", "nanx", "0x10", "1,5", "7O", "--5", "n a n"])
def test_text_that_is_no_plain_number_is_refused_with_the_inputs_message(text):
    with pytest.raises(ValueError) as raised:
        HEIGHT.from_text(text)
    assert str(raised.value) == f"height must be a finite number greater than 45 and at most 150 inches; got {text!r}"


def test_categories_and_yes_no_are_read_from_text_as_written():
    assert ISLAND.from_text("Biscoe") == "Biscoe" and ISLAND.from_text(" Dream") == " Dream"  # judged by accepts, not here
    assert ISLAND.from_text("") is None
    assert (SMOKER.from_text("yes"), SMOKER.from_text("no"), SMOKER.from_text("")) == (True, False, None)
    for text in ("Yes", "true", "1", " yes"):
        with pytest.raises(ValueError, match=rf"^smoker must be yes or no \(it may be missing\); got {text!r}$"):
            SMOKER.from_text(text)


@pytest.mark.parametrize(
    ("spec", "given", "value"),
    [
        (HEIGHT, 72, 72.0),
        (HEIGHT, 62.5, 62.5),
        (HEIGHT, None, None),
        (SMOKER, True, True),
        (SMOKER, "no", False),
        (ISLAND, "Dream", "Dream"),
    ],
)
def test_a_value_is_read_from_json_as_json_carries_it(spec, given, value):
    assert spec.from_json(given) == value and type(spec.from_json(given)) is type(value)


@pytest.mark.parametrize(
    ("spec", "given"),
    [(HEIGHT, "72"), (HEIGHT, True), (HEIGHT, [72]), (SMOKER, 1), (SMOKER, "maybe"), (ISLAND, 1), (ISLAND, True)],
)
def test_a_json_value_of_the_wrong_type_is_refused_with_the_inputs_message(spec, given):
    with pytest.raises(ValueError) as raised:
        spec.from_json(given)
    assert str(raised.value) == spec.message(given)


@pytest.mark.parametrize(
    ("spec", "values"),
    [
        (HEIGHT, [72.0, 62.5, 0.1 + 0.2, 1e-7, 150.0]),
        (AGE, [18.0, 90.0, None]),
        (ISLAND, ["Biscoe", "Torgersen", None]),
        (SMOKER, [True, False, None]),
    ],
)
def test_a_value_written_as_text_reads_back_as_the_same_value(spec, values):
    assert [spec.from_text(spec.to_text(v)) for v in values] == values


def test_the_words_name_the_input_its_kind_its_bounds_and_its_unit():
    assert HEIGHT.describe() == "a finite number greater than 45 and at most 150 inches"
    assert AGE.describe() == "a whole number at least 18 and at most 90 years"
    assert Input("x", NUMBER).describe() == "a finite number"
    assert ISLAND.describe() == "one of Biscoe, Dream, Torgersen"
    assert SMOKER.describe() == "yes or no"
    assert HEIGHT.message("0") == "height must be a finite number greater than 45 and at most 150 inches; got '0'"
    assert AGE.message(17.0) == "age must be a whole number at least 18 and at most 90 years (it may be missing); got 17.0"
    assert ISLAND.missing_message() == "island is required and may not be missing; it must be one of Biscoe, Dream, Torgersen"


@pytest.mark.parametrize(
    ("text", "values"),
    [
        ("Biscoe, Dream or Torgersen", ("Biscoe", "Dream", "Torgersen")),
        ("Biscoe, Dream and Torgersen", ("Biscoe", "Dream", "Torgersen")),
        ("1 or 2", ("1", "2")),
        (" solo ", ("solo",)),
        ("Adélie,Gentoo", ("Adélie", "Gentoo")),
    ],
)
def test_categories_are_read_in_the_order_stated(text, values):
    assert parse_values(text) == values


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "a category input needs its allowed values"),
        (" , or ", "a category input needs its allowed values"),
        ("Biscoe, Dream or Biscoe", "the allowed values name Biscoe more than once"),
        ("a, b, a or b", "the allowed values name a, b more than once"),
    ],
)
def test_a_category_list_that_is_not_one_says_what_is_wrong(text, problem):
    with pytest.raises(ValueError, match=problem):
        parse_values(text)


def test_yes_and_no_are_read_yes_first():
    assert parse_yes_no("") == ("yes", "no")
    assert parse_yes_no("true or false") == ("true", "false")
    assert parse_yes_no(" 1 or 0 ") == ("1", "0")
    for text in ("yes", "yes or yes", "yes, no", "yes or no or maybe"):
        with pytest.raises(ValueError, match="a yes/no input is written '<yes> or <no>'"):
            parse_yes_no(text)


@pytest.mark.parametrize("spec", [HEIGHT, AGE, ISLAND, SMOKER, Input("x", NUMBER, range=Range(None, 3.0, high_closed=False))])
def test_an_input_survives_its_dict(spec):
    assert Input.from_dict(spec.to_dict()) == spec


@pytest.mark.parametrize(
    ("text", "holds"),
    # Worked by hand: the whole numbers each range holds.
    [
        ("greater than 2 and less than 3", False),  # none: 2 and 3 are left out
        ("greater than 2.5 and less than 3", False),  # none
        ("greater than 2 and at most 3", True),  # 3
        ("at least 2.5 and less than 4", True),  # 3
        ("from 3 to 3", True),  # 3
        ("from 3.2 to 3.8", False),  # none
    ],
)
def test_a_whole_number_range_must_hold_a_whole_number(text, holds):
    if holds:
        assert parse_range(text, whole=True) == parse_range(text)
    else:
        with pytest.raises(ValueError, match=rf"^{text!r} accepts no whole number$"):
            parse_range(text, whole=True)
