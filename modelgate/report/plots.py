"""Plots as inline SVG, written by hand so the report needs no plotting library and no network.

Every plot is a :class:`Chart` of one size (``WIDTH`` × ``HEIGHT``, ``class="plot"``), so a page of many inputs shows
them all at one scale and one font size: the scatter plots here (the data with the model's line, predicted against
actual, residuals by a number), the bar charts in :mod:`.bars`, and the R² gauge, drawn at the same width.
"""

from __future__ import annotations

import math
from html import escape

import numpy as np

from modelgate.contracts.facts import Band

INK, MUTED, GRID = "#1f2a44", "#6b7385", "#e6e9ef"
POINT, LINE, AGREED, WARN = "#3b6fd8", "#e0762b", "#159a6b", "#c23b3b"
WIDTH, HEIGHT = 380, 290
MAX_POINTS = 2_000  # dots drawn per scatter: more would add bytes, not information
LABEL_CHARS = 14  # a category label longer than this is cut (its full text is the bar's tooltip)


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values (steps of 1, 2 or 5 × 10^k) covering [low, high]."""
    if high <= low:
        high = low + 1.0
    raw = (high - low) / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    first = math.ceil(low / step) * step
    return [round(first + i * step, 10) for i in range(int((high - first) / step + 1e-9) + 1)]


def sample(count: int) -> np.ndarray:
    """Which of ``count`` rows a scatter draws: all of them, or a seeded ``MAX_POINTS`` (the same page every time)."""
    if count <= MAX_POINTS:
        return np.arange(count)
    return np.sort(np.random.default_rng(0).choice(count, MAX_POINTS, replace=False))


def short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1] + "…"


class Chart:
    """A plot area with a linear y axis and a linear or categorical x axis (``categories``: one slot per label);
    collects SVG fragments and renders them with axes, labels and a legend ((text, colour) pairs) above the plot area."""

    def __init__(self, x: tuple[float, float], y: tuple[float, float], xlabel: str, ylabel: str, categories=None, legend=()):
        self.categories = [str(c) for c in categories] if categories is not None else None
        if self.categories is not None:
            x, pad_x = (-0.5, len(self.categories) - 0.5), 0.0
        else:
            pad_x = (x[1] - x[0]) * 0.04 or 1.0
        pad_y = (y[1] - y[0]) * 0.06 or 1.0
        self.x0, self.x1, self.y0, self.y1 = x[0] - pad_x, x[1] + pad_x, y[0] - pad_y, y[1] + pad_y
        self.width, self.height = WIDTH, HEIGHT
        slot = (WIDTH - 70) / max(len(self.categories or ()), 1)
        # Labels that would not fit side by side are turned, and the plot leaves room below for them.
        longest = max((len(short(c)) for c in self.categories or ()), default=0)
        self.turned = longest * 6.6 + 4 > slot
        self.left, self.right, self.top, self.bottom = (
            56,
            14,
            (30 if legend else 14),
            (max(44, 40 + 4 * longest) if self.turned else 44),
        )
        self.whole = False  # a whole-number x axis: ticks only at whole numbers
        self.xlabel, self.ylabel = xlabel, ylabel
        self.parts: list[str] = []
        self.legend = list(legend)

    def px(self, x: float) -> float:
        return self.left + (x - self.x0) / (self.x1 - self.x0) * (self.width - self.left - self.right)

    def py(self, y: float) -> float:
        return self.height - self.bottom - (y - self.y0) / (self.y1 - self.y0) * (self.height - self.top - self.bottom)

    def points(self, xs, ys, color=POINT, radius=2.6, opacity=0.55) -> None:
        self.parts += [
            f'<circle cx="{self.px(x):.1f}" cy="{self.py(y):.1f}" r="{radius}" fill="{color}" fill-opacity="{opacity}"/>'
            for x, y in zip(xs, ys)
        ]

    def diamonds(self, xs, ys, labels: list[str], color=AGREED) -> None:
        for x, y, label in zip(xs, ys, labels):
            cx, cy = self.px(x), self.py(y)
            self.parts.append(
                f'<path d="M{cx:.1f} {cy - 6:.1f}L{cx + 6:.1f} {cy:.1f}L{cx:.1f} {cy + 6:.1f}L{cx - 6:.1f} {cy:.1f}Z" '
                f'fill="{color}" stroke="#fff" stroke-width="1.5"><title>{escape(label)}</title></path>'
            )

    def line(self, xa: float, ya: float, xb: float, yb: float, color=LINE, width=2.5, dash: str = "", tip: str = "") -> None:
        self.curve([xa, xb], [ya, yb], color, width, dash, tip)

    def curve(self, xs, ys, color=LINE, width=2.5, dash: str = "", tip: str = "") -> None:
        dashed = f' stroke-dasharray="{dash}"' if dash else ""
        path = " ".join(f"{self.px(x):.1f},{self.py(y):.1f}" for x, y in zip(xs, ys))
        title = f"<title>{escape(tip)}</title>" if tip else ""
        self.parts.append(
            f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="{width}"{dashed} '
            f'stroke-linecap="round" stroke-linejoin="round">{title}</polyline>'
        )

    def band(self, ya: float, yb: float, color=LINE, opacity=0.1) -> None:
        top, bottom = self.py(max(ya, yb)), self.py(min(ya, yb))
        self.parts.append(
            f'<rect x="{self.left}" y="{top:.1f}" width="{self.width - self.left - self.right}" height="{bottom - top:.1f}" '
            f'fill="{color}" fill-opacity="{opacity}"/>'
        )

    def bar(self, slot: float, offset: float, share: float, ya: float, yb: float, color: str, tip: str) -> None:
        """A bar in category slot ``slot``: ``offset`` and ``share`` of the slot's width (0-1), from ``ya`` to ``yb``."""
        span = self.px(0.5) - self.px(-0.5)
        left = self.px(slot - 0.5) + offset * span
        top, bottom = self.py(max(ya, yb)), self.py(min(ya, yb))
        self.parts.append(
            f'<rect x="{left:.1f}" y="{top:.1f}" width="{share * span:.1f}" height="{max(bottom - top, 0.5):.1f}" '
            f'fill="{color}"><title>{escape(tip)}</title></rect>'
        )

    def _x_ticks(self) -> tuple[list[str], list[str]]:
        grid, ticks = [], []
        if self.categories is None:
            for tx in nice_ticks(self.x0, self.x1):
                if self.whole and tx != round(tx):
                    continue
                x = f"{self.px(tx):.1f}"
                grid.append(f'<line x1="{x}" y1="{self.top}" x2="{x}" y2="{self.height - self.bottom}"/>')
                ticks.append(f'<text x="{x}" y="{self.height - self.bottom + 16}" text-anchor="middle">{tx:g}</text>')
            return grid, ticks
        y = self.height - self.bottom + 14
        for i, label in enumerate(self.categories):
            x = f"{self.px(i):.1f}"
            text = escape(short(label))
            if self.turned:
                ticks.append(f'<text transform="translate({x} {y}) rotate(-40)" text-anchor="end">{text}</text>')
            else:
                ticks.append(f'<text x="{x}" y="{y + 2}" text-anchor="middle">{text}</text>')
        return grid, ticks

    def _legend(self) -> str:
        items, x = [], self.width - self.right - 6
        for text, color in reversed(self.legend):
            x -= len(text) * 6 + 18
            items.append(
                f'<rect x="{x:.0f}" y="8" width="10" height="10" fill="{color}"/>'
                f'<text x="{x + 14:.0f}" y="17">{escape(text)}</text>'
            )
        return f'<g fill="{INK}" font-size="11">{"".join(items)}</g>' if items else ""

    def svg(self, label: str) -> str:
        grid, ticks = self._x_ticks()
        for ty in nice_ticks(self.y0, self.y1):
            grid.append(f'<line x1="{self.left}" y1="{self.py(ty):.1f}" x2="{self.width - self.right}" y2="{self.py(ty):.1f}"/>')
            ticks.append(f'<text x="{self.left - 7}" y="{self.py(ty) + 4:.1f}" text-anchor="end">{ty:g}</text>')
        mid_y = (self.top + self.height - self.bottom) / 2
        return (
            f'<svg xmlns="http://www.w3.org/2000/svg" class="plot" viewBox="0 0 {self.width} {self.height}" role="img" '
            f'aria-label="{escape(label)}">'
            f'<g stroke="{GRID}" stroke-width="1">{"".join(grid)}</g>'
            f'<rect x="{self.left}" y="{self.top}" width="{self.width - self.left - self.right}" '
            f'height="{self.height - self.top - self.bottom}" fill="none" stroke="#cfd5df"/>'
            f"{''.join(self.parts)}"
            f'<g fill="{MUTED}" font-size="11">{"".join(ticks)}</g>{self._legend()}'
            f'<text x="{(self.left + self.width - self.right) / 2}" y="{self.height - 8}" text-anchor="middle" '
            f'fill="{INK}" font-size="12">{escape(self.xlabel)}</text>'
            f'<text transform="translate(15 {mid_y}) rotate(-90)" text-anchor="middle" fill="{INK}" font-size="12">'
            f"{escape(self.ylabel)}</text></svg>"
        )


def fit_plot(
    xs, ys, curve: tuple[np.ndarray, np.ndarray], agreed: list[tuple[float, float, str]], xlabel: str, ylabel: str
) -> str:
    """The training data and the model's answers across it; agreed answers inside the data's span as diamonds."""
    lo, hi = float(np.min(xs)), float(np.max(xs))
    line_x, line_y = curve
    chart = Chart((lo, hi), (min(np.min(ys), np.min(line_y)), max(np.max(ys), np.max(line_y))), xlabel, ylabel)
    drawn = sample(len(xs))
    chart.points(xs[drawn], ys[drawn])
    chart.curve(line_x, line_y)
    inside = [(x, y, tip) for x, y, tip in agreed if lo <= x <= hi]
    chart.diamonds([x for x, _, _ in inside], [y for _, y, _ in inside], [tip for *_, tip in inside])
    return chart.svg(f"training data with the model's answers: {ylabel} by {xlabel}")


def predicted_vs_actual(actual: np.ndarray, fitted: np.ndarray, what: str) -> str:
    """Each row's actual answer against the model's; the diagonal is a perfect prediction."""
    lo, hi = float(min(actual.min(), fitted.min())), float(max(actual.max(), fitted.max()))
    chart = Chart((lo, hi), (lo, hi), f"predicted {what}", f"actual {what}")
    chart.line(lo, lo, hi, hi, color=MUTED, width=1.5, dash="5 4")
    drawn = sample(len(actual))
    chart.points(fitted[drawn], actual[drawn])
    return chart.svg(f"predicted against actual {what}")


def residual_plot(xs: np.ndarray, residuals: np.ndarray, xlabel: str, ylabel: str, whole: bool = False) -> str:
    """Actual minus predicted by one number, with the ±1 RMSE band; no pattern is what a good fit shows."""
    rmse = float(np.sqrt(np.mean(residuals**2)))
    bound = float(max(abs(residuals.min()), abs(residuals.max()))) or 1.0
    chart = Chart((float(xs.min()), float(xs.max())), (-bound, bound), xlabel, ylabel)
    chart.whole = whole
    chart.band(-rmse, rmse)
    chart.line(chart.x0, 0, chart.x1, 0, color=LINE, width=1.5)
    drawn = sample(len(xs))
    chart.points(xs[drawn], residuals[drawn], color=POINT)
    return chart.svg(f"residuals by {xlabel}")


def r2_gauge(band: Band, value: float | None, height=70) -> str:
    """A 0-1 scale with the agreed band shaded and a marker where the model's R² falls."""
    left, right, bar_y = 16, WIDTH - 16, 26
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
        f'<svg xmlns="http://www.w3.org/2000/svg" class="plot gauge" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-label="R² band"><g fill="{MUTED}" font-size="11">{"".join(parts)}</g></svg>'
    )
