"""pandera schemas for every CSV that crosses the model's boundary, derived from its contract: training data,
batch input and batch output. Every bound, category list and missing-value rule comes from the contract's inputs;
nothing here names an input or repeats a number.

A check's error text is its name in a failure report and a JUnit case: ``greater than 150 mm``, ``one of Biscoe,
Dream``. pandera's defaults are kept where they are what we mean: extra columns pass, a missing value is refused unless
the input may be missing, and a value check skips missing values.
"""

from __future__ import annotations

import numpy as np
import pandera.pandas as pa
from modelgate.contracts.contract import Contract, Output
from modelgate.contracts.inputs import CATEGORY, WHOLE, Input

FINITE = "finite"
WHOLE_CHECK = "a whole number"


def _unit(spec: Input) -> str:
    return f" {spec.unit}" if spec.unit else ""


def _finite() -> pa.Check:
    return pa.Check(np.isfinite, error=FINITE)


def input_checks(spec: Input) -> list[pa.Check]:
    """The value checks of one input, each named as a reviewer reads it (a missing value is pandera's own check)."""
    checks = []
    bounds = spec.range
    if spec.numeric and bounds is not None:
        if bounds.low is not None:
            kind = pa.Check.ge if bounds.low_closed else pa.Check.gt
            checks.append(kind(bounds.low, error=f"{bounds.low_words()}{_unit(spec)}"))
        if bounds.high is not None:
            kind = pa.Check.le if bounds.high_closed else pa.Check.lt
            checks.append(kind(bounds.high, error=f"{bounds.high_words()}{_unit(spec)}"))
        if bounds.low is None or bounds.high is None:  # an open end must still refuse the infinities
            checks.append(_finite())
    elif spec.numeric:
        checks.append(_finite())
    if spec.kind == WHOLE:
        checks.append(pa.Check(lambda s: s == np.floor(s), error=WHOLE_CHECK))
    if spec.kind == CATEGORY:
        checks.append(pa.Check.isin(list(spec.values), error=f"one of {', '.join(spec.values)}"))
    return checks


def input_column(spec: Input) -> pa.Column:
    dtype = float if spec.numeric else None  # text (object or str, by pandas version) or booleans: the checks judge
    return pa.Column(dtype, checks=input_checks(spec), nullable=spec.missing)


SUMS_TO_ONE = "probabilities sum to 1"
WITHIN = "the answer lies within its range for"


def output_column(output: Output) -> pa.Column:
    """The answer: a finite number, or one of the classifier's classes."""
    if output.is_class:
        return pa.Column(checks=[pa.Check.isin(list(output.classes), error=f"one of {', '.join(output.classes)}")])
    return pa.Column(float, checks=[_finite()])


def _probability_column() -> pa.Column:
    return pa.Column(float, checks=[pa.Check.in_range(0.0, 1.0, error="a probability from 0 to 1")])


def batch_input(contract: Contract) -> pa.DataFrameSchema:
    """A batch file's inputs. Extra columns (ids, dates) pass through untouched."""
    return pa.DataFrameSchema({i.name: input_column(i) for i in contract.inputs})


def batch_output(contract: Contract, levels: list[str] | None = None) -> pa.DataFrameSchema:
    """What scoring writes: the answer column (the inputs were checked on the way in); for a classifier also one
    probability column per class, each row's summing to 1 within the rounding (``Output.sum_tolerance``); with
    ``levels``, the low and high end of each range, finite, the answer between them."""
    output = contract.output
    columns = {output.name: output_column(output)}
    if not output.is_class:
        checks = []
        for level in levels or ():
            low, high = output.interval_columns(level)
            columns |= {end: output_column(output) for end in (low, high)}
            checks.append(
                pa.Check(
                    lambda frame, low=low, high=high: (frame[low] <= frame[output.name]) & (frame[output.name] <= frame[high]),
                    error=f"{WITHIN} {level} in 100",
                )
            )
        return pa.DataFrameSchema(columns, checks=checks)
    names = [output.probability_column(c) for c in output.classes]
    columns |= {name: _probability_column() for name in names}
    tolerance = output.sum_tolerance

    def sums_to_one(frame):
        return (frame[names].sum(axis=1) - 1.0).abs() <= tolerance

    checks = [pa.Check(sums_to_one, error=f"{SUMS_TO_ONE} within {tolerance:g}")]
    return pa.DataFrameSchema(columns, checks=checks)


def training(contract: Contract) -> pa.DataFrameSchema:
    """Training data: the inputs as for scoring, and a finite answer in every row."""
    columns = {i.name: input_column(i) for i in contract.inputs} | {contract.output.name: output_column(contract.output)}
    return pa.DataFrameSchema(columns)


def rule_names(contract: Contract) -> list[str]:
    """Every value check a batch file is held to, in the contract's order, each once."""
    names = [str(c.error) for i in contract.inputs for c in input_checks(i)]
    return list(dict.fromkeys(names))
