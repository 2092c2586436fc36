"""Plots as inline SVG, written by hand so the report needs no plotting library and no network.

Each function returns one ``<svg>`` element: the data with the fitted line, predicted against
actual, the residuals, and the R² band with where the model falls.
"""

from __future__ import annotations

import math
from html import escape

import numpy as np

from modelgate.contracts.golden import Band

INK, MUTED, GRID = "#1f2a44", "#6b7385", "#e6e9ef"
POINT, LINE, AGREED, WARN = "#3b6fd8", "#e0762b", "#159a6b", "#c23b3b"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (steps of 1, 2 or 5 × 10^k) covering [low, high]."""
    if high <= low:
        high = low + 1.0
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(low / step) * step
    return [round(first + i * step, 10) for i in range(int((high - first) / step + 1e-9) + 1)]


class Chart:
    """A plot area with linear axes; collects SVG fragments and renders them with axes and labels."""

    def __init__(self, x: tuple[float, float], y: tuple[float, float], xlabel: str, ylabel: str, width=380, height=290):
        pad_x, pad_y = (x[1] - x[0]) * 0.04 or 1.0, (y[1] - y[0]) * 0.06 or 1.0
        self.x0, self.x1, self.y0, self.y1 = x[0] - pad_x, x[1] + pad_x, y[0] - pad_y, y[1] + pad_y
        self.width, self.height = width, height
        self.left, self.right, self.top, self.bottom = 56, 14, 14, 44
        self.xlabel, self.ylabel = xlabel, ylabel
        self.parts: list[str] = []

    def px(self, x: float) -> float:
        return self.left + (x - self.x0) / (self.x1 - self.x0) * (self.width - self.left - self.right)

    def py(self, y: float) -> float:
        return self.height - self.bottom - (y - self.y0) / (self.y1 - self.y0) * (self.height - self.top - self.bottom)

    def points(self, xs, ys, color=POINT, radius=2.6, opacity=0.55, title: str | None = None) -> None:
        tip = f"<title>{escape(title)}</title>" if title else ""
        self.parts += [
            f'<circle cx="{self.px(x):.1f}" cy="{self.py(y):.1f}" r="{radius}" fill="{color}" '
            f'fill-opacity="{opacity}">{tip}</circle>'
            for x, y in zip(xs, ys)
        ]

    def diamonds(self, xs, ys, labels: list[str], color=AGREED) -> None:
        for x, y, label in zip(xs, ys, labels):
            cx, cy = self.px(x), self.py(y)
            self.parts.append(
                f'<path d="M{cx:.1f} {cy - 6:.1f}L{cx + 6:.1f} {cy:.1f}L{cx:.1f} {cy + 6:.1f}L{cx - 6:.1f} {cy:.1f}Z" '
                f'fill="{color}" stroke="#fff" stroke-width="1.5"><title>{escape(label)}</title></path>'
            )

    def line(self, xa: float, ya: float, xb: float, yb: float, color=LINE, width=2.5, dash: str = "") -> None:
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        self.parts.append(
            f'<line x1="{self.px(xa):.1f}" y1="{self.py(ya):.1f}" x2="{self.px(xb):.1f}" y2="{self.py(yb):.1f}" '
            f'stroke="{color}" stroke-width="{width}"{dashed} stroke-linecap="round"/>'
        )

    def band(self, ya: float, yb: float, color=LINE, opacity=0.1) -> None:
        top, bottom = self.py(max(ya, yb)), self.py(min(ya, yb))
        self.parts.append(
            f'<rect x="{self.left}" y="{top:.1f}" width="{self.width - self.left - self.right}" height="{bottom - top:.1f}" '
            f'fill="{color}" fill-opacity="{opacity}"/>'
        )

    def svg(self, label: str) -> str:
        grid, ticks = [], []
        for tx in nice_ticks(self.x0, self.x1):
            grid.append(f'<line x1="{self.px(tx):.1f}" y1="{self.top}" x2="{self.px(tx):.1f}" y2="{self.height - self.bottom}"/>')
            ticks.append(f'<text x="{self.px(tx):.1f}" y="{self.height - self.bottom + 16}" text-anchor="middle">{tx:g}</text>')
        for ty in nice_ticks(self.y0, self.y1):
            grid.append(f'<line x1="{self.left}" y1="{self.py(ty):.1f}" x2="{self.width - self.right}" y2="{self.py(ty):.1f}"/>')
            ticks.append(f'<text x="{self.left - 7}" y="{self.py(ty) + 4:.1f}" text-anchor="end">{ty:g}</text>')
        mid_y = (self.top + self.height - self.bottom) / 2
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.width} {self.height}" role="img" '
            f'aria-label="{escape(label)}">'
            f'<g stroke="{GRID}" stroke-width="1">{"".join(grid)}</g>'
            f'<rect x="{self.left}" y="{self.top}" width="{self.width - self.left - self.right}" '
            f'height="{self.height - self.top - self.bottom}" fill="none" stroke="#cfd5df"/>'
            f"{''.join(self.parts)}"
            f'<g fill="{MUTED}" font-size="11">{"".join(ticks)}</g>'
            f'<text x="{(self.left + self.width - self.right) / 2}" y="{self.height - 8}" text-anchor="middle" '
            f'fill="{INK}" font-size="12">{escape(self.xlabel)}</text>'
            f'<text transform="translate(15 {mid_y}) rotate(-90)" text-anchor="middle" fill="{INK}" font-size="12">'
            f"{escape(self.ylabel)}</text></svg>"
        )


def fit_plot(heights: np.ndarray, weights: np.ndarray, intercept: float, slope: float, agreed: list[tuple[float, float]]) -> str:
    """The training data and the model's line; agreed weights inside the data's heights as diamonds."""
    lo, hi = float(heights.min()), float(heights.max())
    ends = [intercept + slope * lo, intercept + slope * hi]
    chart = Chart((lo, hi), (min(weights.min(), *ends), max(weights.max(), *ends)), "height (inches)", "weight (pounds)")
    chart.points(heights, weights)
    chart.line(lo, ends[0], hi, ends[1])
    inside = [(h, w) for h, w in agreed if lo <= h <= hi]
    chart.diamonds([h for h, _ in inside], [w for _, w in inside], [f"agreed: {h:g} in → {w:g} lb" for h, w in inside])
    return chart.svg("training data with the fitted line")


def predicted_vs_actual(weights: np.ndarray, fitted: np.ndarray) -> str:
    """Each person's actual weight against the model's; the diagonal is a perfect prediction."""
    lo, hi = float(min(weights.min(), fitted.min())), float(max(weights.max(), fitted.max()))
    chart = Chart((lo, hi), (lo, hi), "predicted weight (pounds)", "actual weight (pounds)")
    chart.line(lo, lo, hi, hi, color=MUTED, width=1.5, dash="5 4")
    chart.points(fitted, weights)
    return chart.svg("predicted against actual weight")


def residual_plot(heights: np.ndarray, residuals: np.ndarray) -> str:
    """Actual minus predicted weight by height, with the ±1 RMSE band; no pattern is what a good fit shows."""
    rmse = float(np.sqrt(np.mean(residuals**2)))
    bound = float(max(abs(residuals.min()), abs(residuals.max())))
    chart = Chart((float(heights.min()), float(heights.max())), (-bound, bound), "height (inches)", "actual − predicted (pounds)")
    chart.band(-rmse, rmse)
    chart.line(chart.x0, 0, chart.x1, 0, color=LINE, width=1.5)
    chart.points(heights, residuals, color=POINT)
    return chart.svg("residuals by height")


def r2_gauge(band: Band, value: float | None, width=520, height=70) -> str:
    """A 0-1 scale with the agreed band shaded and a marker where the model's R² falls."""
    left, right, bar_y = 16, width - 16, 26
    low, high = band.low, band.high

    def x(v: float) -> float:
        return left + max(0.0, min(1.0, v)) * (right - left)

    parts = [
        f'<rect x="{left}" y="{bar_y}" width="{right - left}" height="12" rx="6" fill="{GRID}"/>',
        f'<rect x="{x(low):.1f}" y="{bar_y}" width="{x(high) - x(low):.1f}" height="12" fill="{AGREED}" fill-opacity="0.35"/>',
    ]
    # The scale's ends are dropped where they would collide with the band's own labels.
    ticks = [low, high, *(end for end in (0, 1) if min(abs(end - low), abs(end - high)) > 0.08)]
    parts += [f'<text x="{x(t):.1f}" y="{bar_y + 30}" text-anchor="middle">{t:g}</text>' for t in ticks]
    if value is not None:
        color = AGREED if band.contains(value) else WARN
        parts.append(f'<path d="M{x(value):.1f} {bar_y - 2}l-7 -12h14z" fill="{color}"/>')
        parts.append(
            f'<text x="{x(value):.1f}" y="{bar_y - 17}" text-anchor="middle" fill="{color}" font-weight="700">{value:.3f}</text>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" aria-label="R² band">'
        f'<g fill="{MUTED}" font-size="11">{"".join(parts)}</g></svg>'
    )
