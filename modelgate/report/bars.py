"""Plots by category, as inline SVG of the same size as every other plot (:class:`.plots.Chart`): the residuals of
each category of a category input, and one input's share of rows per bin in the training data beside a batch's."""

from __future__ import annotations

import numpy as np

from modelgate.report.plots import AGREED, INK, LINE, POINT, Chart, sample


def category_residuals(labels: list[str], groups: list[np.ndarray], xlabel: str, ylabel: str) -> str:
    """Each category's residuals as dots (spread across its slot) and their mean as a line across it, with the
    ±1 RMSE band of all rows: a mean off the zero line is a category the model misjudges as a whole."""
    every = np.concatenate([g for g in groups if g.size] or [np.zeros(1)])
    rmse = float(np.sqrt(np.mean(every**2)))
    bound = float(np.max(np.abs(every))) or 1.0
    chart = Chart((0, 0), (-bound, bound), xlabel, ylabel, categories=labels)
    chart.band(-rmse, rmse)
    chart.line(chart.x0, 0, chart.x1, 0, color=LINE, width=1.5)
    rng = np.random.default_rng(0)  # the dots' spread across the slot, seeded: the same page every time
    for slot, (label, found) in enumerate(zip(labels, groups)):
        drawn = found[sample(found.size)]
        chart.points(slot + rng.uniform(-0.3, 0.3, drawn.size), drawn)
        if found.size:
            mean = float(found.mean())
            chart.line(
                slot - 0.35, mean, slot + 0.35, mean, INK, 3.5, tip=f"{label}: mean residual {mean:+.4g} over {found.size} rows"
            )
    return chart.svg(f"residuals by {xlabel}")


def drift_bars(labels: list[str], training: list[float], batch: list[float], xlabel: str) -> str:
    """Per bin of an input's training profile (deciles of a number, values of a category, missing last): the share
    of training rows beside the share of the batch's rows."""
    peak = max([*training, *batch, 0.1]) * 100
    legend = [("training", POINT), ("batch", AGREED)]
    chart = Chart((0, 0), (0, peak), xlabel, "share of rows (%)", categories=labels, legend=legend)
    for slot, (label, train, found) in enumerate(zip(labels, training, batch)):
        chart.bar(slot, 0.1, 0.38, 0, train * 100, POINT, f"{label}: {train:.1%} of the training rows")
        chart.bar(slot, 0.52, 0.38, 0, found * 100, AGREED, f"{label}: {found:.1%} of the batch's rows")
    return chart.svg(f"drift: {xlabel}, training against the batch")
