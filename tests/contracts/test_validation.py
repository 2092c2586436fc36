"""contracts.validation: failure records, their counts and the report the batch user reads, from known failures; and
how a column's text cells become the values its input's kind holds."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pytest
from modelgate.contracts.inputs import CATEGORY, NUMBER, YES_NO, Input
from modelgate.contracts.reader import read_contract
from modelgate.contracts.schemas import batch_input
from modelgate.contracts.validation import (
    NOT_A_NUMBER,
    NOT_NULL,
    NOT_YES_NO,
    Failure,
    Failures,
    parse_column,
    parse_numbers,
    run_schema,
)
from modelgate.steps.support import FEATURES


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
    assert bool(_three()) and not Failures() and Failures().total == 0


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
    assert Failure(None, "header", "no height column", None).describe() == "header: no height column"


def test_nan_written_as_text_is_a_missing_value_not_a_non_number():
    text = pd.Series(["nan", " NaN", "+nan", "-NAN", "abc", "7", ""])
    numbers, failures = parse_numbers(text, "height")
    assert failures == [Failure("height", NOT_A_NUMBER, "'abc'", 5)]
    assert numbers.index.tolist() == [0, 1, 2, 3, 5, 6]  # the failing row is dropped, the others keep their rows
    assert numbers.isna().tolist() == [True, True, True, True, False, True] and numbers[5] == 7.0
    whole, _ = parse_numbers(pd.Series(["7", "8"]), "year")
    assert whole.dtype == np.float64  # as the schema's number columns hold them, even when every one is whole


def test_a_schema_failure_names_its_column_and_data_row_and_a_missing_column_names_no_row():
    schema = batch_input(read_contract(FEATURES))
    (bad,) = run_schema(schema, pd.DataFrame({"height": [70.0, 0.0]}))
    assert (bad.column, bad.row, bad.value, bad.line) == ("height", 2, "0.0", 3)
    (missing,) = run_schema(schema, pd.DataFrame({"weight": [70.0]}))
    assert missing.row is None and missing.line is None
    assert run_schema(schema, pd.DataFrame({"height": [70.0], "id": ["a"]})) == []


def test_a_blank_number_is_missing_and_the_schema_refuses_it_where_it_may_not_be():
    schema = batch_input(read_contract(FEATURES))
    numbers, failures = parse_numbers(pd.Series(["70", ""]), "height")
    assert failures == []
    assert [(f.check, f.row) for f in run_schema(schema, pd.DataFrame({"height": numbers}))] == [(NOT_NULL, 2)]


def test_a_yes_no_column_is_read_as_booleans_by_its_own_spellings():
    spec = Input("tagged", YES_NO, values=("true", "false"), missing=True)
    values, failures = parse_column(spec, pd.Series(["true", "false", "", "yes", "True"]))
    assert failures == [Failure("tagged", NOT_YES_NO, "'yes'", 4), Failure("tagged", NOT_YES_NO, "'True'", 5)]
    assert values.index.tolist() == [0, 1, 2] and values[0] is True and values[1] is False and math.isnan(values[2])


def test_a_category_column_is_kept_exactly_as_written():
    spec = Input("island", CATEGORY, values=("Biscoe", "Dream"))
    values, failures = parse_column(spec, pd.Series(["Biscoe", " Dream", "", "dream"]))
    assert failures == []
    assert values.tolist()[:2] == ["Biscoe", " Dream"] and math.isnan(values[2]) and values[3] == "dream"


@pytest.mark.parametrize("text", ["abc", "1_0", "0x10", "7O"])
def test_a_number_column_refuses_what_is_no_number(text):
    _, failures = parse_column(Input("height", NUMBER), pd.Series(["72", text]))
    assert failures == [Failure("height", NOT_A_NUMBER, repr(text), 2)]


def test_the_failure_report_keeps_as_many_examples_as_the_readme_promises():
    from modelgate.steps.support import ROOT

    promised = int(re.search(r"the report keeps the first (\d+) examples", (ROOT / "README.md").read_text()).group(1))
    failures = Failures()
    failures.extend(Failure("height", NOT_A_NUMBER, repr(str(row)), row) for row in range(1, promised + 2))
    assert failures.total == promised + 1 and len(failures.examples) == promised
    assert failures.to_dict()["examples_capped_at"] == promised and failures.examples[-1].row == promised


@pytest.mark.parametrize(
    ("index", "row"),
    [(None, None), (float("nan"), None), (1, 2), (1.0, 2), (0.0, 1)],
    ids=["none", "nan", "int", "float", "zero as float"],
)
def test_a_failure_record_names_its_data_row_whether_pandas_held_its_index_as_int_or_float(index, row):
    # pandas holds a column of row numbers with a missing one (a whole-column failure beside row failures) as floats.
    from modelgate.contracts.validation import to_failure

    record = {"column": "height", "check": "greater than 45 inches", "failure_case": 0.0, "index": index}
    assert to_failure(record) == Failure("height", "greater than 45 inches", "0.0", row)
