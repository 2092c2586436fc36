"""The report's section on outcomes since release: each period's measure (a regression's typical error, a classifier's
first banded metric) over time against the agreed limit, and a table flagging each period outside the contract. It
reads what ``modelgate monitor --out`` wrote (``model.monitor``)."""

from __future__ import annotations

import json
from html import escape
from pathlib import Path

from modelgate.report import plots
from modelgate.report.quality import figure, label


def read(path: Path | None) -> dict | None:
    """The monitoring JSON, or None where none was given; a file that cannot be read is one line (ValueError)."""
    if path is None:
        return None
    try:
        found = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ValueError(f"{path}: not the JSON modelgate monitor --out writes ({exc})") from None
    if not isinstance(found, dict) or not isinstance(found.get("periods"), list):
        raise ValueError(f"{path}: not the JSON modelgate monitor --out writes (no periods)")
    return found


def monitor_section(found: dict | None, version: str | None) -> str:
    if not found:
        return ""
    periods, measure, limit = found["periods"], found["measure"], found.get("limit")
    unit = found.get("unit") or ""
    other = (
        f'<div class="alert">These outcomes were answered by model {escape(found["model_version"])}, not by this '
        f"model ({escape(version or 'unknown')}).</div>"
        if version and found["model_version"] != version
        else ""
    )
    broken = [p for p in periods if not p["ok"]]
    lead = (
        f'<p class="lead">{len(periods)} {escape(found["period"])}(s) of real outcomes since release: '
        + (f"<b>{len(broken)} outside the contract</b>." if broken else "every one within the contract.")
        + "</p>"
    )
    rows = "".join(
        f'<tr><td class="cat">{escape(p["name"])}</td><td class="num">{p["rows"]}</td><td class="num">{p["measure"]:.2f}</td>'
        f"<td>{'within' if p['ok'] else 'OUTSIDE: ' + escape('; '.join(p['problems']))}</td></tr>"
        for p in periods
    )
    table = (
        f"<table><thead><tr><th>{escape(found['period'])}</th><th>rows</th><th>{escape(label(measure, unit))}</th>"
        f"<th>the contract</th></tr></thead><tbody>{rows}</tbody></table>"
    )
    plot = figure(f"{measure} per {found['period']}", _note(limit, measure, unit), _plot(found))
    return f'<section id="monitor"><h2>Outcomes since release</h2>{other}{lead}<div class="plots">{plot}</div>{table}</section>'


def _note(limit: float | None, measure: str, unit: str) -> str:
    if limit is None:
        return "no agreed limit"
    return f"dashed: the agreed {'most' if measure == 'typical error' else 'least'}, {limit:g}{' ' + unit if unit else ''}"


def _plot(found: dict) -> str:
    periods, limit = found["periods"], found.get("limit")
    values = [p["measure"] for p in periods]
    low, high = min([*values, *([limit] if limit is not None else [])]), max([*values, *([limit] if limit is not None else [])])
    chart = plots.Chart((0, max(len(periods) - 1, 1)), (min(low, 0.0), high), found["period"],
                        label(found["measure"], found.get("unit") or ""), categories=[p["name"] for p in periods])  # fmt: skip
    if limit is not None:
        chart.line(-0.5, limit, len(periods) - 0.5, limit, color=plots.AGREED, width=1.5, dash="6 4", tip=f"agreed {limit:g}")
    chart.curve(range(len(periods)), values, color=plots.POINT, width=2)
    for i, p in enumerate(periods):
        chart.points([i], [p["measure"]], color=plots.POINT if p["ok"] else plots.WARN, radius=4.5, opacity=0.95)
    return chart.svg(f"{found['measure']} per {found['period']}")
