"""The report's model-risk section: the new model against the one in production (errors in pounds,
moved agreed weights), plausibility and monotonicity over the accepted heights, the share of a batch's
heights that are extrapolations, and a drift plot of the training heights against the batch's.

Every verdict is the contract object's (``ChampionMargin`` via the comparison, ``WeightBounds.contains``,
``DriftLimits.verdict``), so the page says what the scenarios and commands say.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from pathlib import Path

import numpy as np

from modelgate.contracts.ranges import HEIGHT
from modelgate.contracts.risk import drift_limits, weight_bounds
from modelgate.report.plots import AGREED, INK, MUTED, POINT

GRID = 210_001  # accepted heights checked, as the risk scenario does


@dataclass
class Risk:
    comparison: object = None  # modelgate.model.compare.Comparison
    lowest: float | None = None
    highest: float | None = None
    bounded: bool | None = None
    monotonic: bool | None = None
    batch: str = ""
    extrapolated: tuple[int, int] | None = None  # (outside the training heights, heights judged)
    psi: float | None = None
    verdict: str = ""
    training_shares: list[float] = field(default_factory=list)
    batch_shares: list[float] = field(default_factory=list)
    deciles: list[float] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def gather_risk(model: Path, features: Path, production: str | None, evaluation: Path, batch: Path) -> Risk:
    from modelgate.champion import compare_models
    from modelgate.model import artifact, drift
    from modelgate.model.batch.heights_check import read_heights
    from modelgate.model.scorer import Scorer

    risk = Risk(batch=str(batch))
    try:
        risk.comparison = compare_models(production, model, evaluation, features)
    except Exception as exc:
        risk.missing.append(f"champion/challenger: {exc}")
    try:
        loaded = artifact.load(model)
        heights = np.unique(np.concatenate([[np.nextafter(HEIGHT.low, np.inf)], np.linspace(HEIGHT.low, HEIGHT.high, GRID)[1:]]))
        weights = Scorer(loaded.estimator).predict(heights)
        bounds = weight_bounds(features)
        risk.lowest, risk.highest = float(weights.min()), float(weights.max())
        risk.bounded = all(bounds.contains(w) for w in (risk.lowest, risk.highest))
        risk.monotonic = bool(np.all(np.diff(weights) >= 0))
        profile = drift.training_heights(loaded.manifest)
        found = read_heights(batch)
        if profile is None or found is None:
            risk.missing.append(f"drift: no training heights in the model's record or no readable heights in {batch}")
            return risk
        found = found[np.isfinite(found) & (found > HEIGHT.low)]
        risk.extrapolated = (int(drift.outside(found, profile).sum()), len(found))
        risk.psi = drift.psi(found, profile)
        risk.verdict = drift_limits(features).verdict(risk.psi, len(found))
        risk.deciles, risk.training_shares, risk.batch_shares = (
            profile["deciles"],
            profile["shares"],
            drift.shares(found, profile["deciles"]),
        )
    except Exception as exc:
        risk.missing.append(f"plausibility and drift: {exc}")
    return risk


def drift_plot(risk: Risk, width: int = 560, height: int = 240) -> str:
    """Bars per training-height decile bin: the training share (10 % each) beside the batch's share."""
    left, bottom, top = 44, 46, 12
    bins = len(risk.training_shares)
    peak = max([*risk.training_shares, *risk.batch_shares, 0.2])
    slot = (width - left - 10) / bins
    y = lambda share: top + (height - top - bottom) * (1 - share / peak)  # noqa: E731
    parts = []
    for i, (train, found) in enumerate(zip(risk.training_shares, risk.batch_shares)):
        x = left + i * slot
        for offset, share, colour in ((0.12, train, POINT), (0.5, found, AGREED)):
            parts.append(
                f'<rect x="{x + offset * slot:.1f}" y="{y(share):.1f}" width="{slot * 0.36:.1f}" '
                f'height="{y(0) - y(share):.1f}" fill="{colour}"><title>{share:.1%}</title></rect>'
            )
        label = f"≤{risk.deciles[i]:g}" if i < len(risk.deciles) else f">{risk.deciles[-1]:g}"
        parts.append(
            f'<text x="{x + slot / 2:.1f}" y="{height - bottom + 14}" font-size="10" text-anchor="middle" '
            f'fill="{MUTED}">{label}</text>'
        )
    parts.append(
        f'<text x="{left}" y="{height - 8}" font-size="11" fill="{INK}">'
        "height bin (inches): training ■ blue, batch ■ green</text>"
    )
    label = "drift: training heights against the batch"
    return f'<svg class="plot" viewBox="0 0 {width} {height}" role="img" aria-label="{label}">{"".join(parts)}</svg>'


def risk_section(risk: Risk | None) -> str:
    if risk is None:
        return ""
    rows = []
    c = risk.comparison
    if c is not None:
        rows.append(("Against the model in production", escape(c.summary())))
        rows.append(("Agreed weights", escape(c.moved_summary() if c.production else "no production model to compare with")))
    if risk.bounded is not None:
        rows.append(
            (
                "Weights over all accepted heights",
                f"{risk.lowest:g} to {risk.highest:g} pounds: {'within' if risk.bounded else 'OUTSIDE'} the agreed range",
            )
        )
        rows.append(("Taller never lighter", "holds" if risk.monotonic else "BROKEN: a taller person gets a lower weight"))
    if risk.extrapolated is not None:
        outside, total = risk.extrapolated
        share = outside / total if total else 0.0
        rows.append(
            (
                "Extrapolated answers",
                f"{outside} of {total} heights of {escape(risk.batch)} ({share:.0%}) lie outside the training heights",
            )
        )
        rows.append(("Input drift", f"stability index {risk.psi:.3f}: {escape(risk.verdict)}"))
    rows += [("Not shown", escape(m)) for m in risk.missing]
    items = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    plot = drift_plot(risk) if risk.batch_shares else ""
    lead = (
        '<p class="lead">What a model-risk reviewer signs (risk.feature), computed here from the model, '
        "the evaluation people and a batch.</p>"
    )
    return f'<section id="risk"><h2>Model risk</h2>{lead}<dl class="record">{items}</dl>{plot}</section>'
