"""The report's quality section: the model's R² against the agreed band, its typical error on rows it was not trained
on, and plots of its fit. A model of one number input gets the data with the model's line, predicted against actual
and the residuals by that input; a model of several inputs gets predicted against actual and the residuals by each
input (by value for a number, per value for a category or a yes/no). Every plot is drawn at one size.
"""

from __future__ import annotations

from html import escape
from typing import cast

import numpy as np

from modelgate.contracts.facts import GoldenCase, GroupLimit
from modelgate.contracts.inputs import WHOLE, YES_NO, Input
from modelgate.report import plots
from modelgate.report.bars import category_residuals
from modelgate.report.drift import MISSING
from modelgate.report.inputs import Inputs


def label(name: str, unit: str) -> str:
    """An axis label: ``rain (mm)``."""
    return f"{name} ({unit})" if unit else name


def figure(title: str, note: str, svg: str) -> str:
    return f"<figure><figcaption>{escape(title)}<span>{escape(note)}</span></figcaption>{svg}</figure>"


def groups(spec: Input, column: np.ndarray) -> tuple[list[str], list[np.ndarray]]:
    """The row masks of a category or yes/no input, one per value in the contract's order, missing last if any."""
    found = column.tolist()
    values: list[object]
    if spec.kind == YES_NO:
        values, labels = [True, False], list(spec.values)
    else:
        values, labels = list(spec.values), list(spec.values)
    masks = [np.array([v is not None and v == value for v in found], dtype=bool) for value in values]
    blank = np.array([v is None for v in found], dtype=bool)
    if blank.any():
        labels, masks = [*labels, MISSING], [*masks, blank]
    return labels, masks


def _lead(inputs: Inputs) -> str:
    contract, manifest = inputs.contract, inputs.manifest
    assert contract is not None  # quality_section returns early without one
    metrics = manifest.metrics if manifest else {}
    unit = f" {contract.output.unit}" if contract.output.unit else ""
    parts = []
    band, r2 = contract.r2_band, metrics.get("r2_train")
    if band:
        if r2 is None:
            verdict = "No model record, so the model's R² is unknown."
        else:
            where = "inside" if band.contains(r2) else "outside"
            verdict = (
                f"The model's R² on its training data is <b>{r2:.3f}</b>, {where} the agreed band {band.low:g} – {band.high:g}."
            )
        parts.append(f'<p class="lead">{verdict}</p><div class="gauge">{plots.r2_gauge(band, r2)}</div>')
    cv = metrics.get("cv")
    if contract.typical_error and cv:
        limit = contract.typical_error
        where = "within" if limit.met_by(cv["mae"]) else "OUTSIDE"
        parts.append(
            f'<p class="lead">On rows it was not trained on ({cv["folds"]}-fold cross-validation) its typical error is '
            f"<b>{cv['mae']:.2f}{escape(unit)}</b>: {where} the agreed at most {limit.limit:g}{escape(unit)}.</p>"
        )
    parts += [_group_table(g, (cv or {}).get("groups", {}).get(g.input), unit) for g in contract.groups]
    if contract.intervals:
        parts.append(_ranges(contract, (cv or {}).get("intervals") or {}, unit))
    return "".join(parts)


def _ranges(contract, recorded: dict, unit: str) -> str:
    """How sure an answer is, in words: at each level the contract states, how far from the answer the real answer
    lay for that share of the rows the model was not trained on (the model's record)."""
    output = escape(contract.output.name)
    lines = []
    for coverage in contract.intervals:
        width = recorded.get(coverage.key)
        if width is None:
            lines.append(f"<li>No range for {coverage.level} in 100 in the model's record: package it again.</li>")
            continue
        lines.append(
            f"<li><b>{coverage.share} {escape(coverage.who)}</b>: the real {output} within <b>± {width:.2f}"
            f"{escape(unit)}</b> of the answer (agreed: such a range holds at least {coverage.coverage:g} in 100 of the "
            f"evaluation {escape(coverage.who)})</li>"
        )
    return (
        '<p class="lead">How sure each answer is, on rows it was not trained on:</p><ul class="ranges">'
        + "".join(lines)
        + "</ul><p>The service states these ranges when asked (header X-Modelgate-Interval); <code>modelgate score "
        "--interval LEVEL</code> writes them as columns.</p>"
    )


def _group_table(limit: GroupLimit, recorded: dict | None, unit: str) -> str:
    """The typical error of each group of one input on rows the model was not trained on (the model's record), each
    against the agreed limit, the gap between the best and the worst group, and a flag on each that breaks it."""
    if not recorded:
        what = escape(limit.input)
        return f'<div class="alert">The model\'s record has no typical error per {what} group: package it again.</div>'
    errors = {name: found["mae"] for name, found in recorded.items()}
    problems = limit.problems(errors)
    over = {name for name in recorded if any(p.startswith(f"{limit.input} {name}:") for p in problems)}
    rows = "".join(
        f'<tr><td class="cat">{escape(name)}</td><td class="num">{found["rows"]}</td><td class="num">{found["mae"]:.2f}</td>'
        f"<td>{'OVER the limit' if name in over else 'within the limit'}</td></tr>"
        for name, found in recorded.items()
    )
    gap = (
        f" The best and worst groups may differ by at most {limit.gap:g}{escape(unit)}; they differ by "
        f"{max(errors.values()) - min(errors.values()):.2f}{escape(unit)}."
        if limit.gap is not None
        else ""
    )
    flag = (
        f'<div class="alert"><b>{len(problems)} group limit(s) broken:</b><ul>'
        + "".join(f"<li>{escape(p)}</li>" for p in problems)
        + "</ul></div>"
        if problems
        else ""
    )
    return (
        f'<h3>Typical error by {escape(limit.input)} group</h3><p class="note">On rows it was not trained on; agreed at most '
        f"{limit.limit:g}{escape(unit)} in each group.{gap}</p>{flag}"
        f'<table class="groups"><thead><tr><th class="cat">{escape(limit.input)}</th><th class="num">rows</th>'
        f'<th class="num">typical error{escape(unit)}</th><th>verdict</th></tr></thead><tbody>{rows}</tbody></table>'
    )


def _figures(inputs: Inputs) -> list[str]:
    contract, training, fitted = inputs.contract, inputs.training, inputs.fitted
    assert contract is not None and training is not None and fitted is not None  # as quality_section checks
    out = contract.output
    what, unit = label(out.name, out.unit), f" {out.unit}" if out.unit else ""
    residuals = training.target - fitted
    rmse = float(np.sqrt(np.mean(residuals**2)))
    across = "the dark line is its rows' mean; the band is ± RMSE"
    figures = []
    if inputs.curve is not None:
        (spec,) = contract.inputs
        xs = training.columns[spec.name]
        agreed = [
            (cast(float, c.values[0]), c.expected, f"agreed: {spec.name} {c.values[0]:g} → {c.expected:g}{unit}")
            for c in inputs.golden
            if isinstance(c, GoldenCase) and c.values and c.values[0] is not None
        ]
        svg = plots.fit_plot(xs, training.target, inputs.curve, agreed, label(spec.name, spec.unit), what)
        figures.append(figure("The data and the model's line", "Each dot is a training row; diamonds are agreed answers.", svg))
    svg = plots.predicted_vs_actual(training.target, fitted, what)
    figures.append(figure("Predicted against actual", "Dots on the dashed diagonal would be perfect predictions.", svg))
    ylabel = f"actual − predicted{f' ({out.unit})' if out.unit else ''}"
    for spec in contract.inputs:
        column = training.columns[spec.name]
        title = "Residuals" if inputs.curve is not None else f"Residuals by {spec.name}"
        if spec.numeric:
            shown = ~np.isnan(column)
            if not shown.any():
                continue
            note = f"Actual minus predicted; the band is ± RMSE ({rmse:.4g}{unit})."
            if not shown.all():
                note += f" {np.count_nonzero(~shown)} rows with {spec.name} missing are not shown."
            whole = spec.kind == WHOLE
            svg = plots.residual_plot(column[shown], residuals[shown], label(spec.name, spec.unit), ylabel, whole)
        else:
            labels, masks = groups(spec, column)
            note = f"Actual minus predicted, per value; {across} ({rmse:.4g}{unit})."
            svg = category_residuals(labels, [residuals[m] for m in masks], spec.name, ylabel)
        figures.append(figure(title, note, svg))
    return figures


def quality_section(inputs: Inputs) -> str:
    if inputs.contract is None:
        return ""
    parts = [_lead(inputs)]
    if inputs.training is not None and inputs.fitted is not None:
        parts.append(f'<div class="plots">{"".join(_figures(inputs))}</div>')
    if not any(parts):
        return ""
    return f'<section id="quality"><h2>How well the model fits</h2>{"".join(parts)}</section>'
