"""HTML for the evidence behind the verdict: the model's record (its manifest) and the JUnit results."""

from __future__ import annotations

from html import escape

from modelgate.report.features import badge
from modelgate.report.inputs import Inputs
from modelgate.report.scenarios import FAILED, NOT_RUN, PASSED

METRIC_NAMES = {"r2_train": "R²", "rmse_train": "RMSE (lb)", "mae_train": "MAE (lb)"}


def record(manifest: dict, inputs: Inputs) -> str:
    if not manifest:
        return ""
    data = manifest.get("training_data", {})
    metrics = manifest.get("metrics", {})
    c = manifest.get("coefficients", {})
    kind = manifest.get("model_type", "?").rsplit(".", 1)[-1]
    matches = {True: " · matches the data plotted here", False: " · differs from the data plotted here!", None: ""}
    rows = [
        ("Model version", escape(manifest.get("model_version", "?"))),
        ("Model file SHA-256", f'<span class="mono">{escape(manifest.get("model_sha256", "?"))}</span>'),
        ("Model", f"{escape(kind)}: weight = {c.get('intercept', 0):.4f} + {c.get('slope', 0):.4f} × height"),
        (
            "Training data",
            f"{escape(str(data.get('file', '?')))}, {data.get('rows', '?')} rows{matches[inputs.data_matches_manifest]}",
        ),
        ("Training data SHA-256", f'<span class="mono">{escape(str(data.get("sha256", "?")))}</span>'),
        (
            "Metrics (training data)",
            " · ".join(f"{METRIC_NAMES.get(k, k)} {v:.4f}" for k, v in metrics.items() if isinstance(v, float)),
        ),
        ("On people it was not trained on", cross_validation(metrics.get("cv"))),
        (
            "Built with",
            f"scikit-learn {escape(manifest.get('sklearn_version', '?'))}, skops {escape(manifest.get('skops_version', '?'))}, "
            f"Python {escape(manifest.get('python_version', '?'))}",
        ),
        ("Trained at", escape(manifest.get("created_at", "?"))),
    ]
    items = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    lead = '<p class="lead">From manifest.json, verified against the model file.</p>'
    return f'<section id="record"><h2>The model\'s record</h2>{lead}<dl class="record">{items}</dl></section>'


def cross_validation(cv: dict | None) -> str:
    if not cv:
        return "not recorded (retrain the model)"
    return (
        f"typical error {cv['mae']:.2f} pounds · RMSE {cv['rmse']:.2f} pounds · R² {cv['r2']:.4f} "
        f"({cv['folds']}-fold cross-validation, seed {cv['seed']})"
    )


def evidence(inputs: Inputs) -> str:
    if not inputs.tests:
        return ""
    rows = []
    for s in inputs.tests.suites:
        if s.problem:
            problem = f'<td colspan="5">{escape(s.problem)}</td><td>{badge(FAILED, "unreadable")}</td>'
            rows.append(f"<tr><td>{escape(s.name)}</td>{problem}</tr>")
            continue
        state = FAILED if s.failed else (PASSED if s.ran else NOT_RUN)
        counts = "".join(f'<td class="num">{n}</td>' for n in (s.tests, s.count("failure"), s.count("error"), s.count("skipped")))
        rows.append(f'<tr><td>{escape(s.name)}</td>{counts}<td class="num">{s.time:.1f} s</td><td>{badge(state)}</td></tr>')
    failing = [
        f"<li><b>{escape(s.name)}</b> {escape(c.title)}: {escape(c.message)}</li>"
        for s in inputs.tests.readable
        for c in s.failed
    ][:50]
    failures = f'<p><b>Failing tests</b></p><ul class="mono">{"".join(failing)}</ul>' if failing else ""
    return (
        '<section id="evidence"><h2>Test evidence</h2><p class="lead">Every JUnit result file the release gate reads.</p>'
        '<table><thead><tr><th>suite</th><th class="num">tests</th><th class="num">failures</th><th class="num">errors</th>'
        '<th class="num">skipped</th><th class="num">time</th><th>result</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>{failures}</section>"
    )
