"""A classifier's reliability diagram, as inline SVG of the size of every other plot (:class:`.plots.Chart`): for the
10 equal bins of the probability of the class answered (``model.metrics.calibration_bins``, the bins the expected
calibration error sums), each bin's mean probability against the share of its rows answered right, with the diagonal
a perfectly calibrated model would lie on. A dot's area is its bin's share of the rows; its tooltip gives the numbers.
"""

from __future__ import annotations

import math
from html import escape

from modelgate.report.plots import LINE, MUTED, POINT, Chart

BIN_WIDTH = 0.1  # the bins' width (10 equal bins of a probability)
DOT = 9.0  # the radius of a dot holding every row


def bin_tip(index: int, count: int, confidence: float, accuracy: float) -> str:
    low, high = index * BIN_WIDTH, (index + 1) * BIN_WIDTH
    where = f"probability {'0' if index == 0 else f'above {low:.1f}'} to {high:.1f}"
    return f"{where}: {count} rows, mean probability {confidence:.3f}, answered right {accuracy:.1%}"


def reliability_diagram(bins: list[tuple[int, float, float]], rows: str) -> str:
    """``bins``: per bin (rows, mean probability of the class answered, share answered right); empty bins are skipped."""
    legend = [("its bins", POINT), ("perfect calibration", MUTED)]
    chart = Chart((0, 1), (0, 1), "mean probability of the class answered", "share answered right", legend=legend)
    chart.line(0, 0, 1, 1, color=MUTED, width=1.5, dash="5 4", tip="perfectly calibrated: right as often as it is sure")
    total = sum(count for count, _, _ in bins) or 1
    shown = [(i, count, conf, acc) for i, (count, conf, acc) in enumerate(bins) if count]
    chart.curve([conf for _, _, conf, _ in shown], [acc for *_, acc in shown], color=LINE, width=1.5)
    for index, count, confidence, accuracy in shown:
        radius = max(2.5, DOT * math.sqrt(count / total))
        chart.parts.append(
            f'<circle class="bin" cx="{chart.px(confidence):.1f}" cy="{chart.py(accuracy):.1f}" r="{radius:.1f}" '
            f'fill="{POINT}" fill-opacity="0.75" stroke="#fff"><title>{escape(bin_tip(index, count, confidence, accuracy))}'
            "</title></circle>"
        )
    return chart.svg(f"reliability diagram: {rows}")
