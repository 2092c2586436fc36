"""contracts.requests: how a request's rows are read from a query or a JSON body (columns or records), and the one
error item for each thing wrong with it, whose message names the input and its rule."""

from __future__ import annotations

import json

import jsonschema_rs
import pytest
from modelgate.contracts.contract import CLASS_OUTPUT, MAX_ROWS_PER_REQUEST, Contract, Output
from modelgate.contracts.facts import GoldenCase
from modelgate.contracts.inputs import CATEGORY, NUMBER, WHOLE, YES_NO, Input, Range
from modelgate.contracts.reader import read_contract
from modelgate.contracts.requests import (
    answer_schema,
    interval_parameter,
    largest_request_bytes,
    query_parameters,
    query_value_schema,
    request_body,
    rows_from_json,
    rows_from_query,
    value_schema,
)
from modelgate.steps.support import FEATURES

BUNDLED = read_contract(FEATURES)
HEIGHT = BUNDLED.inputs[0]
PENGUIN = Contract(
    inputs=(
        Input("island", CATEGORY, values=("Biscoe", "Dream", "Torgersen")),
        Input("bill", NUMBER, unit="mm", range=Range(25.0, 70.0, True, True), missing=True),
        Input("year", WHOLE, range=Range(2007.0, 2009.0, True, True)),
        Input("tagged", YES_NO, values=("yes", "no"), missing=True),
    ),
    output=Output("mass", "grams", 1),
    golden=(GoldenCase(("Dream", 41.5, 2008.0, True), 3500.0, 0.5),),
)
ISLAND, BILL, YEAR, TAGGED = PENGUIN.inputs


def _types(errors) -> list[tuple]:
    return [(tuple(e["loc"]), e["type"]) for e in errors]


# -- a query -------------------------------------------------------------------------------------------------------
def test_a_query_gives_a_row_per_value_in_the_order_asked_and_ignores_other_parameters():
    rows, errors = rows_from_query(BUNDLED, [("height", "138"), ("api_key", "x"), ("height", " 62.5 "), ("height", "1e2")])
    assert (rows, errors) == ([{"height": 138.0}, {"height": 62.5}, {"height": 100.0}], [])


def test_a_query_reads_categories_yes_no_and_missing_values():
    pairs = [
        ("island", "Dream"),
        ("bill", ""),
        ("year", "2008"),
        ("tagged", "no"),
        ("island", "Biscoe"),
        ("bill", "40"),
        ("year", "2009"),
        ("tagged", ""),
    ]
    rows, errors = rows_from_query(PENGUIN, pairs)
    assert errors == []
    assert rows == [
        {"island": "Dream", "bill": None, "year": 2008.0, "tagged": False},
        {"island": "Biscoe", "bill": 40.0, "year": 2009.0, "tagged": None},
    ]


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        ([("height", "45")], [(("query", "height"), "input_invalid")]),
        ([("height", "abc")], [(("query", "height"), "input_invalid")]),
        ([("height", "١٢٠")], [(("query", "height"), "input_invalid")]),
        ([("height", "72"), ("height", "inf")], [(("query", "height", 1), "input_invalid")]),
        ([("height", "72"), ("height", "")], [(("query", "height", 1), "input_missing")]),
        ([], [(("query", "height"), "input_missing")]),
    ],
)
def test_a_bad_query_value_is_named_by_its_place(pairs, expected):
    _, errors = rows_from_query(BUNDLED, pairs)
    assert _types(errors) == expected


def test_the_message_names_the_input_and_its_rule():
    (invalid,) = rows_from_query(BUNDLED, [("height", "0")])[1]
    assert invalid["msg"] == f"height must be {HEIGHT.describe()}; got '0'"
    (missing,) = rows_from_query(BUNDLED, [("height", "")])[1]
    assert missing["msg"] == f"height is required and may not be missing; it must be {HEIGHT.describe()}"
    (absent,) = rows_from_query(BUNDLED, [])[1]
    assert absent["msg"].startswith("height is required; give one or more rows, e.g. GET /weight?height=")
    assert absent["msg"].endswith(f"; each must be {HEIGHT.describe()}")
    pairs = [("island", "biscoe"), ("bill", "20"), ("year", "2008.5"), ("tagged", "true")]
    messages = [e["msg"] for e in rows_from_query(PENGUIN, pairs)[1]]
    assert messages == [
        "island must be one of Biscoe, Dream, Torgersen; got 'biscoe'",
        "bill must be a finite number at least 25 and at most 70 mm (it may be missing); got '20'",
        "year must be a whole number at least 2007 and at most 2009; got '2008.5'",
        "tagged must be yes or no (it may be missing); got 'true'",
    ]


def test_every_input_must_be_given_once_per_row():
    _, errors = rows_from_query(
        PENGUIN, [("island", "Dream"), ("island", "Biscoe"), ("bill", ""), ("year", "2008"), ("tagged", "yes")]
    )
    assert errors == [
        {
            "loc": ["query"],
            "msg": "every input must be given once per row; got island 2, bill 1, year 1, tagged 1",
            "type": "rows_mismatch",
        }
    ]
    _, errors = rows_from_query(PENGUIN, [("island", "Dream"), ("year", "2008")])
    assert _types(errors) == [(("query", "bill"), "input_missing"), (("query", "tagged"), "input_missing")]


def test_a_query_of_more_rows_than_a_request_may_carry_is_refused():
    rows, errors = rows_from_query(BUNDLED, [("height", "72")] * MAX_ROWS_PER_REQUEST)
    assert errors == [] and len(rows) == MAX_ROWS_PER_REQUEST
    rows, errors = rows_from_query(BUNDLED, [("height", "72")] * (MAX_ROWS_PER_REQUEST + 1))
    assert rows == [] and _types(errors) == [(("query",), "too_long")]
    assert str(MAX_ROWS_PER_REQUEST) in errors[0]["msg"]


# -- a JSON body ----------------------------------------------------------------------------------------------------
def test_a_body_of_columns_and_a_body_of_records_give_the_same_rows():
    columns = {"island": ["Dream", "Biscoe"], "bill": [None, 40], "year": [2008, 2009.0], "tagged": [True, "no"]}
    records = [
        {"island": "Dream", "bill": None, "year": 2008, "tagged": "yes"},
        {"tagged": False, "year": 2009, "bill": 40.0, "island": "Biscoe"},
    ]
    expected = [
        {"island": "Dream", "bill": None, "year": 2008.0, "tagged": True},
        {"island": "Biscoe", "bill": 40.0, "year": 2009.0, "tagged": False},
    ]
    assert rows_from_json(PENGUIN, json.loads(json.dumps(columns))) == (expected, [])
    assert rows_from_json(PENGUIN, json.loads(json.dumps(records))) == (expected, [])


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"height": [72, "72"]}, [(("body", "height", 1), "input_invalid")]),
        ({"height": [True]}, [(("body", "height", 0), "input_invalid")]),
        ({"height": [None]}, [(("body", "height", 0), "input_missing")]),
        ({"height": [150.0001]}, [(("body", "height", 0), "input_invalid")]),
        ({"height": []}, [(("body", "height"), "list_type")]),
        ({"height": 72}, [(("body", "height"), "list_type")]),
        ({}, [(("body", "height"), "input_missing")]),
        ({"height": [72], "weight": [150]}, [(("body", "weight"), "extra_forbidden")]),
        ({"height": [72] * (MAX_ROWS_PER_REQUEST + 1)}, [(("body", "height"), "too_long")]),
        ([{"height": 72}, {"height": 0}], [(("body", 1, "height"), "input_invalid")]),
        ([{"height": 72}, {}], [(("body", 1, "height"), "input_missing")]),
        ([{"height": 72, "id": 7}], [(("body", 0, "id"), "extra_forbidden")]),
        ([{"height": 72}, 72], [(("body", 1), "body_type")]),
        ([], [(("body",), "too_short")]),
        ([{"height": 72}] * (MAX_ROWS_PER_REQUEST + 1), [(("body",), "too_long")]),
        ("72", [(("body",), "body_type")]),
        (None, [(("body",), "body_type")]),
    ],
)
def test_a_bad_body_gets_one_error_per_thing_wrong_named_by_its_place(body, expected):
    _, errors = rows_from_json(BUNDLED, body)
    assert _types(errors) == expected


def test_columns_of_different_lengths_are_refused_naming_each_length():
    _, errors = rows_from_json(
        PENGUIN, {"island": ["Dream", "Dream"], "bill": [None], "year": [2008, 2008, 2008], "tagged": [True]}
    )
    lengths = "island 2, bill 1, year 3, tagged 1"
    assert errors == [{"loc": ["body"], "msg": f"every input's list must be as long; got {lengths}", "type": "rows_mismatch"}]


def test_a_body_of_the_most_rows_a_request_may_carry_is_read():
    rows, errors = rows_from_json(BUNDLED, {"height": [72.0] * MAX_ROWS_PER_REQUEST})
    assert errors == [] and len(rows) == MAX_ROWS_PER_REQUEST
    rows, errors = rows_from_json(BUNDLED, [{"height": 72.0}] * MAX_ROWS_PER_REQUEST)
    assert errors == [] and len(rows) == MAX_ROWS_PER_REQUEST


def test_a_json_message_names_the_input_and_its_rule():
    _, errors = rows_from_json(PENGUIN, [{"island": "Mars", "bill": "40", "year": 2007.5, "tagged": 1}])
    assert [e["msg"] for e in errors] == [ISLAND.message("Mars"), BILL.message("40"), YEAR.message(2007.5), TAGGED.message(1)]
    (missing,) = rows_from_json(BUNDLED, [{}])[1]
    assert missing["msg"] == f"height is required (null where it is missing); each must be {HEIGHT.describe()}"


# -- the OpenAPI documents ------------------------------------------------------------------------------------------
def test_the_request_documents_state_the_contracts_bounds_categories_and_missing_values():
    body = request_body(PENGUIN)["content"]["application/json"]["schema"]["oneOf"]
    columns, records = body
    assert columns["required"] == records["items"]["required"] == PENGUIN.names
    assert columns["additionalProperties"] is False and records["items"]["additionalProperties"] is False
    assert records["maxItems"] == MAX_ROWS_PER_REQUEST == columns["properties"]["year"]["maxItems"]
    island, bill, year, tagged = (records["items"]["properties"][n] for n in PENGUIN.names)
    assert island["enum"] == ["Biscoe", "Dream", "Torgersen"] and island["type"] == "string"
    assert bill["anyOf"][0] | {"description": ""} == {"type": "number", "minimum": 25.0, "maximum": 70.0, "description": ""}
    assert bill["anyOf"][1] == {"type": "null"}
    assert (year["type"], year["minimum"], year["maximum"]) == ("integer", 2007.0, 2009.0)
    assert tagged["anyOf"][0]["type"] == "boolean"
    (height,) = request_body(BUNDLED)["content"]["application/json"]["schema"]["oneOf"][1]["items"]["properties"].values()
    bounds = HEIGHT.range
    assert (height["exclusiveMinimum"], height["maximum"]) == (bounds.low, bounds.high) and "minimum" not in height
    query = {p["name"]: p for p in query_parameters(PENGUIN)}
    assert list(query) == PENGUIN.names and all(p["required"] and p["explode"] for p in query.values())
    assert query["tagged"]["schema"]["items"]["enum"] == ["yes", "no", ""]
    assert answer_schema(BUNDLED)["properties"]["response"]["items"] == {"type": "number"}


@pytest.mark.parametrize("contract", [BUNDLED, PENGUIN], ids=["bundled", "penguin"])
def test_the_largest_valid_request_fits_in_the_body_limit_it_sets(contract):
    """The service's body limit is at least four times this estimate: the longest valid request must fit in it."""
    longest = {NUMBER: -1.2345678901234567e-300, WHOLE: -1.2345678901234567e300, YES_NO: "false"}
    record = {i.name: longest.get(i.kind) or max(i.values, key=len) for i in contract.inputs}
    size = len(json.dumps([record] * MAX_ROWS_PER_REQUEST).encode())
    assert size <= 4 * largest_request_bytes(contract)


# The documents judged as a client judges them: a JSON Schema validator (OpenAPI 3.1's dialect) accepts what the
# service sends and is sent, and refuses the near miss beside it. The answers are written out here, in the seed's shape.
SPECIES = Contract(
    inputs=PENGUIN.inputs,
    output=Output("species", kind=CLASS_OUTPUT, classes=("Adelie", "Gentoo"), decimals=2),
    golden=(GoldenCase(("Dream", 41.5, 2008.0, True), "Adelie", None),),
)


def _valid(schema: dict, value) -> bool:
    return jsonschema_rs.validator_for(schema).is_valid(value)


def test_the_documented_answer_is_the_seeds_and_refuses_a_near_miss():
    schema = answer_schema(BUNDLED)
    assert _valid(schema, {"response": [161.8533]})
    assert _valid(schema, {"response": [161.8533], "intervals": [{"80": {"low": 150.1, "high": 170.2}}]})
    for wrong in (
        {"response": 161.8533},
        {"response": ["161.8533"]},
        {},
        {"response": [161.8533], "weight": 161.8533},
        {"response": [161.8533], "intervals": {"80": {"low": 150.1, "high": 170.2}}},
        {"response": [161.8533], "intervals": [[150.1, 170.2]]},
        {"response": [161.8533], "intervals": [{"50": {"low": 150.1, "high": 170.2}}]},
        {"response": [161.8533], "intervals": [{"80": [150.1, 170.2]}]},
        {"response": [161.8533], "intervals": [{"80": {"low": 150.1}}]},
        {"response": [161.8533], "intervals": [{"80": {"low": 150.1, "high": 170.2, "level": 80}}]},
    ):
        assert not _valid(schema, wrong), wrong


def test_a_classifiers_documented_answer_holds_its_classes_and_refuses_a_near_miss():
    schema = answer_schema(SPECIES)
    assert _valid(schema, {"response": ["Gentoo"], "probabilities": [{"Adelie": 0.25, "Gentoo": 0.75}]})
    for wrong in (
        {"response": "Gentoo", "probabilities": [{"Adelie": 0.25, "Gentoo": 0.75}]},
        {"response": ["Chinstrap"], "probabilities": [{"Adelie": 0.25, "Gentoo": 0.75}]},
        {"response": ["Gentoo"], "probabilities": {"Adelie": 0.25, "Gentoo": 0.75}},
        {"response": ["Gentoo"], "probabilities": [[0.25, 0.75]]},
        {"response": ["Gentoo"], "probabilities": [{"Adelie": 0.25}]},
        {"response": ["Gentoo"], "probabilities": [{"Adelie": 0.25, "Gentoo": 0.75, "Chinstrap": 0}]},
        {"response": ["Gentoo"], "probabilities": [{"Adelie": -0.25, "Gentoo": 1.25}]},
        {"response": ["Gentoo"]},
        {"response": ["Gentoo"], "probabilities": [{"Adelie": 0.25, "Gentoo": 0.75}], "intervals": []},
    ):
        assert not _valid(schema, wrong), wrong


def test_a_documented_value_keeps_each_bound_open_or_closed_as_the_contract_states():
    # The features: a height greater than 45 and at most 150 inches.
    height = value_schema(HEIGHT)
    assert [_valid(height, h) for h in (45, 45.0001, 150, 150.0001, "66", None)] == [False, True, True, False, False, False]
    under = Input("bill", NUMBER, unit="mm", range=Range(25.0, 70.0, False, False))
    assert [_valid(value_schema(under), b) for b in (25, 25.5, 69.5, 70)] == [False, True, True, False]
    year = value_schema(YEAR)
    assert [_valid(year, y) for y in (2007, 2009, 2008.5, 2010)] == [True, True, False, False]
    assert [_valid(value_schema(ISLAND), i) for i in ("Dream", "dream", "")] == [True, False, False]
    assert [_valid(value_schema(TAGGED), t) for t in (True, None, "yes")] == [True, True, False]


def test_a_query_value_that_may_be_missing_is_a_number_or_empty_text_only():
    bill = query_value_schema(BILL)
    assert [_valid(bill, b) for b in (41.5, "", 24.9, "41.5x", " ")] == [True, True, False, False, False]
    assert [_valid(query_value_schema(TAGGED), t) for t in ("yes", "no", "", "true")] == [True, True, True, False]
    assert [_valid(query_value_schema(ISLAND), i) for i in ("Dream", "")] == [True, False]


def test_each_documented_value_says_what_the_input_is_and_its_rule_in_the_features_words():
    assert value_schema(HEIGHT)["description"] == "the person's height: a finite number greater than 45 and at most 150 inches"
    bill = "bill: a finite number at least 25 and at most 70 mm"
    assert value_schema(BILL) == {
        "anyOf": [
            {"type": "number", "minimum": 25.0, "maximum": 70.0, "description": f"{bill} (null: missing)"},
            {"type": "null"},
        ],
        "description": f"{bill} (null: missing)",
    }
    assert query_value_schema(BILL)["description"] == f"{bill} (empty: missing)"
    (header,) = interval_parameter(BUNDLED)
    assert header["description"] == (
        "also state each answer's range for these levels in 100 (80, 95), comma-separated: the answer give or take the "
        "miss that so many in 100 rows the model was not trained on stay within"
    )
    assert [_valid(header["schema"], h) for h in ("80", "80, 95", " 95 ,80 ", "90", "80;95", "")] == [True] * 3 + [False] * 3
    assert interval_parameter(PENGUIN) == []
