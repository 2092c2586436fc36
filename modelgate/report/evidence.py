"""HTML for the evidence behind the verdict: the model's record (its manifest) and the JUnit results."""

from __future__ import annotations

from html import escape

from modelgate.report.features import badge
from modelgate.report.inputs import Inputs
from modelgate.report.scenarios import FAILED, NOT_RUN, PASSED

MAX_COEFFICIENTS = 20  # rows of a linear model's coefficients shown; the manifest holds them all
FORMS = {
    "linear": "an exact linear form (serving.json): the service answers without scikit-learn",
    "logistic": "an exact logistic form (serving.json): the service answers without scikit-learn",
    "skops": "the model file itself: the service answers with scikit-learn",
}


def _mono(text: object) -> str:
    return f'<span class="mono">{escape(str(text))}</span>'


def coefficients(found: dict | None) -> str:
    """A linear model's fitted numbers as a short table, in the manifest's order (the intercept, then input by
    input); of more than ``MAX_COEFFICIENTS`` the largest by size."""
    if not found:
        return ""
    largest = sorted(found, key=lambda k: (k != "intercept" and not k.endswith(": intercept"), -abs(found[k])))[:MAX_COEFFICIENTS]
    shown = [k for k in found if k in largest]
    rows = "".join(f'<tr><td class="mono">{escape(k)}</td><td class="num">{found[k]:.6g}</td></tr>' for k in shown)
    more = len(found) - len(shown)
    tail = f'<p class="note">… and {more} smaller ones, in manifest.json</p>' if more > 0 else ""
    head = '<thead><tr><th>term</th><th class="num">coefficient</th></tr></thead>'
    return f'<table class="coefficients">{head}<tbody>{rows}</tbody></table>{tail}'


def _metrics(metrics: dict, unit: str) -> str:
    names = {"r2_train": ("R²", ""), "rmse_train": ("RMSE", unit), "mae_train": ("MAE", unit)}
    return " · ".join(
        f"{names.get(k, (k, ''))[0]} {v:.4f}{names.get(k, (k, ''))[1]}" for k, v in metrics.items() if isinstance(v, float)
    )


CLASSIFIER_METRICS = ("accuracy", "balanced accuracy", "macro F1", "log loss", "expected calibration error")


def _class_metrics(found: dict) -> str:
    """A classifier's headline metrics in one line (the quality section shows them all)."""
    return " · ".join(f"{name} {found[name]:.4f}" for name in CLASSIFIER_METRICS if isinstance(found.get(name), float))


def cross_validation(cv: dict | None, unit: str) -> str:
    if not cv:
        return "not recorded (package the model again)"
    if "mae" not in cv:  # a classifier's
        return f"{_class_metrics(cv)} ({cv['folds']}-fold cross-validation, seed {cv['seed']})"
    return (
        f"typical error {cv['mae']:.4g}{unit} · RMSE {cv['rmse']:.4g}{unit} · R² {cv['r2']:.4f} "
        f"({cv['folds']}-fold cross-validation, seed {cv['seed']})"
    )


def record(inputs: Inputs) -> str:
    manifest, model = inputs.manifest, inputs.model
    if manifest is None or model is None:  # the manifest is the model's: both or neither
        return ""
    contract = model.contract
    unit = escape(f" {contract.output.unit}" if contract.output.unit else "")
    data = manifest.training_data
    matches = {True: " · matches the data plotted here", False: " · differs from the data plotted here!", None: ""}
    form = escape(FORMS.get(manifest.form, manifest.form)) + (f" ({escape(manifest.form_note)})" if manifest.form_note else "")
    if inputs.stated is None:
        agrees = "not compared: the features state no readable contract"
    elif inputs.contract_differences:
        agrees = "DIFFERS from the one the features state (see above)"
    else:
        agrees = "the one the features state"
    libraries = ", ".join(f"{escape(k)} {escape(str(v))}" for k, v in manifest.libraries.items())
    rows = [
        ("Model version", escape(manifest.model_version)),
        ("Model file SHA-256", _mono(manifest.sha256)),
        ("Model type", _mono(manifest.model_type)),
        ("Answers", f"{escape(contract.output.describe())} from {escape(', '.join(manifest.inputs))}"),
        ("Contract", f"{escape(agrees)} · SHA-256 {_mono(manifest.contract.sha256)}"),
        ("Served by", form),
        (
            "Training data",
            f"{escape(str(data.get('file', '?')))}, {data.get('rows', '?')} rows{matches[inputs.data_matches_manifest]}",
        ),
        ("Training data SHA-256", _mono(data.get("sha256", "?"))),
        ("Metrics (training data)", _class_metrics(manifest.metrics.get("train") or {}) or _metrics(manifest.metrics, unit)),
        ("On rows it was not trained on", cross_validation(manifest.metrics.get("cv"), unit)),
        ("Built with", libraries or "not recorded"),
        ("Trained at", escape(manifest.created_at or "?")),
    ]
    if manifest.coefficients:
        rows.insert(6, ("Coefficients", coefficients(manifest.coefficients)))
    items = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in rows)
    lead = '<p class="lead">From manifest.json, verified against the model file.</p>'
    return f'<section id="record"><h2>The model\'s record</h2>{lead}<dl class="record">{items}</dl></section>'


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
