"""pandera schemas for every CSV that crosses the model's boundary: training, batch input, batch output.

The bounds come from :mod:`contracts.ranges`; nothing here repeats a number.
"""

from __future__ import annotations

import numpy as np
import pandera.pandas as pa
from modelgate.contracts.ranges import FEATURE, HEIGHT, TARGET


def _finite(series):
    return np.isfinite(series)


# The two column builders run once, when this module is imported, so mutmut 3 (which switches a mutant on per call,
# after import) could never test them: they are left out of the mutation run, and tests/test_validation.py checks
# each bound they set (each hand-mutated in turn fails it; bench/README.md, mutation testing).
def _height_column() -> pa.Column:  # pragma: no mutate block
    return pa.Column(
        float,
        # The two bounds also reject -inf and +inf; NaN is caught as a missing value.
        checks=[
            pa.Check.gt(HEIGHT.low, error=f"greater than {HEIGHT.low:g} {HEIGHT.unit}"),
            pa.Check.le(HEIGHT.high, error=f"at most {HEIGHT.high:g} {HEIGHT.unit}"),
        ],
        nullable=False,
        description=f"height in {HEIGHT.unit}: {HEIGHT.describe()}",
    )


def _weight_column() -> pa.Column:  # pragma: no mutate block
    return pa.Column(
        float,
        checks=[pa.Check(_finite, name="is_finite", error="finite")],
        nullable=False,
        description="weight in pounds",
    )


# A batch file may carry extra columns (ids, dates); they pass through untouched.
BATCH_INPUT = pa.DataFrameSchema({FEATURE: _height_column()}, strict=False, name="batch_input")

BATCH_OUTPUT = pa.DataFrameSchema({FEATURE: _height_column(), TARGET: _weight_column()}, strict=False, name="batch_output")

# Training weights: positive and finite; heights as for scoring.
TRAINING = pa.DataFrameSchema(
    {
        FEATURE: _height_column(),
        TARGET: pa.Column(
            float,
            checks=[pa.Check(_finite, name="is_finite", error="finite"), pa.Check.gt(0, error="greater than 0")],
            nullable=False,
            coerce=True,
        ),
    },
    strict=False,
    name="training",
)
