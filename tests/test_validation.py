"""contracts.validation: failure records, their counts and the report the batch user reads, from known failures."""

from __future__ import annotations

import pandas as pd
from modelgate.contracts.schemas import BATCH_INPUT, BATCH_OUTPUT, TRAINING
from modelgate.contracts.validation import NOT_A_NUMBER, Failure, Failures, parse_numbers, run_schema


def _three():
    failures = Failures(cap=2)
    failures.extend(
        [
            Failure("height", NOT_A_NUMBER, "'abc'", 1),
            Failure("height", "greater than 45 inches", "0.0", 2),
            Failure("height", NOT_A_NUMBER, "'x'", 3),
        ]
    )
    return failures


def test_the_failure_report_counts_every_failure_and_keeps_the_first_examples():
    assert _three().to_dict() == {
        "total": 3,
        "by_check": [
            {"column": "height", "check": NOT_A_NUMBER, "count": 2},
            {"column": "height", "check": "greater than 45 inches", "count": 1},
        ],
        "examples": [
            {"column": "height", "check": NOT_A_NUMBER, "value": "'abc'", "row": 1, "line": 2},
            {"column": "height", "check": "greater than 45 inches", "value": "0.0", "row": 2, "line": 3},
        ],
        "examples_capped_at": 2,
    }


def test_the_summary_names_each_check_then_the_examples_then_how_many_more():
    assert _three().summary(limit=1) == [
        "2 × column 'height': is_number",
        "1 × column 'height': greater than 45 inches",
        "  line 2 (row 1), column 'height': is_number, got 'abc'",
        "  … and 2 more (see the failure report)",
    ]
    # The default limit is ten examples: the eleventh is "1 more"; exactly ten leave none "more".
    many = Failures()
    many.extend(Failure(None, "bad header", "x", row) for row in range(1, 12))
    shown = [f"  line {row + 1} (row {row}): bad header, got x" for row in range(1, 11)]
    assert many.summary() == ["11 × bad header", *shown, "  … and 1 more (see the failure report)"]
    assert many.summary(limit=11)[-1] == "  line 12 (row 11): bad header, got x"


def test_nan_written_as_text_is_a_missing_value_not_a_non_number():
    text = pd.Series(["nan", " NaN", "+nan", "-NAN", "abc", "7"])
    numbers, failures = parse_numbers(text, "height")
    assert failures == [Failure("height", NOT_A_NUMBER, "'abc'", 5)]
    assert numbers.isna().tolist() == [True, True, True, True, False]


def test_a_schema_failure_names_its_column_and_data_row_and_a_missing_column_names_no_row():
    (bad,) = run_schema(BATCH_INPUT, pd.DataFrame({"height": [70.0, 0.0]}))
    assert (bad.column, bad.row, bad.value) == ("height", 2, "0.0")
    (missing,) = run_schema(BATCH_INPUT, pd.DataFrame({"weight": [70.0]}))
    assert missing.row is None


def test_the_batch_schemas_hold_the_contract_bounds_exactly():
    # The contract in the reviewer's words: a height is greater than 45 and at most 150 inches; a weight is finite.
    heights = pd.DataFrame({"height": [45.0001, 150.0, 150.0001, 45.0, float("nan")]})
    assert sorted((f.row, f.value) for f in run_schema(BATCH_INPUT, heights)) == [(3, "150.0001"), (4, "45.0"), (5, "nan")]
    answers = pd.DataFrame({"height": [70.0, 71.0], "weight": [150.0, float("inf")]})
    assert [(f.column, f.row) for f in run_schema(BATCH_OUTPUT, answers)] == [("weight", 2)]
    training = pd.DataFrame({"height": [70.0, 71.0], "weight": [150.0, 0.0]})
    assert [(f.column, f.row) for f in run_schema(TRAINING, training)] == [("weight", 2)]
