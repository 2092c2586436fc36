"""The population stability index and the bins it compares, in plain Python: the one formula and the one binning rule
of drift, for the service (which has no numpy) and for :mod:`.profile`, whose vectorised counts of a large file follow
the same rule (a test holds them equal).

A profile (``training_data.profile`` in the manifest, :func:`.profile.profile`) bins a number by the training deciles:
bin 0 is ``x <= cuts[0]``, bin i is ``cuts[i-1] < x <= cuts[i]``, the last ``x > cuts[-1]``; a category or a yes/no by
its values in order (a value outside them is in no bin); a missing value, where the input may be missing, in one more
bin after those.
"""

from __future__ import annotations

import math
from bisect import bisect_left

# An empty bin would make the index infinite; the usual floor for a share (0.01 %).
FLOOR = 1e-4


def bin_of(found: dict, value: object) -> int | None:
    """The bin of ``value`` in the profile ``found``; None for a value no bin counts."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return (len(found["deciles"]) + 1 if found["kind"] == "number" else len(found["values"])) if found["missing"] else None
    if found["kind"] == "number":
        return bisect_left(found["deciles"], value)
    try:
        return found["values"].index(value)
    except ValueError:
        return None


def widened(found: dict, counted, shares) -> tuple[list, list]:
    """A smaller file's bins (:meth:`~modelgate.contracts.facts.DriftLimits.wide`): a number's ten decile bins merged in
    pairs into five, each a fifth of the training rows, its missing bin kept; a category's or a yes/no's as they are.
    (the counts, the training shares)."""
    counted, shares = list(counted), list(shares)
    if found["kind"] != "number":
        return counted, shares
    tens = len(found["deciles"]) + 1

    def pairs(values: list) -> list:
        return [sum(values[i : min(i + 2, tens)]) for i in range(0, tens, 2)] + values[tens:]

    return pairs(counted), pairs(shares)


def judged(found: dict, counted, limits, rows: int) -> tuple[float, int]:
    """(the stability index the contract's drift rule ``limits`` judges a file of ``rows`` by, the bins compared):
    on the profile's bins, or a smaller file's wider ones."""
    shares = found["shares"]
    if limits is not None and limits.wide(rows):
        counted, shares = widened(found, counted, shares)
    counted = [float(c) for c in counted]
    return index(counted, shares), len(counted)


def index(counted, expected_shares) -> float:
    """Σ (actual − expected) · ln(actual / expected) over the bins, shares floored at :data:`FLOOR`; NaN for no values."""
    counted = [float(c) for c in counted]
    total = math.fsum(counted)
    if total == 0:
        return math.nan
    terms = []
    for count, share in zip(counted, expected_shares):
        actual, expected = max(count / total, FLOOR), max(float(share), FLOOR)
        terms.append((actual - expected) * math.log(actual / expected))
    return math.fsum(terms)
