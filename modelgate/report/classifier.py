"""The report's quality section for a classifier: what was agreed about its quality (metric bands on rows it was not
trained on and on the evaluation rows, the margin over always answering the most frequent class, the calibration
limit), each met or not; its recorded metrics beside the baseline's; its errors class by class (:mod:`.confusion`);
and reliability diagrams (:mod:`.reliability`).

Every verdict is the contract's (``MetricBand.contains``, ``BaselineMargin.beats``, ``CalibrationLimit.met_by``), on the
numbers the model's record holds (cross-validation at packaging) or the evaluation rows' (``model.metrics``), so the
page says what the self-test and the quality scenarios say.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from modelgate.contracts.facts import EVALUATION, METRICS, f1_of, higher_is_better
from modelgate.report.confusion import errors_by_class
from modelgate.report.features import badge
from modelgate.report.inputs import Inputs
from modelgate.report.quality import figure
from modelgate.report.reliability import reliability_diagram
from modelgate.report.scenarios import FAILED, NOT_RUN, PASSED

ECE = "expected calibration error"
UNSEEN_ROWS = "rows it was not trained on (cross-validation)"
EVALUATION_ROWS = "the evaluation rows"


@dataclass
class Check:
    """One agreement about the model's quality: in words, where it is measured, what was found, and the verdict
    (None: not measured)."""

    what: str
    rows: str
    found: str
    ok: bool | None


def _value(value: object) -> str:
    return f"{value:.4f}" if isinstance(value, float | int) else "–"


def _number(value: object) -> float | None:
    """A recorded metric as a number; None where it is not one (not recorded, or not defined on these rows)."""
    return float(value) if isinstance(value, float | int) and not isinstance(value, bool) else None


def checks(inputs: Inputs) -> list[Check]:
    contract = inputs.contract
    assert contract is not None  # asked for a classifier's contract
    metrics = inputs.manifest.metrics if inputs.manifest else {}
    cv, evaluated = metrics.get("cv") or {}, inputs.evaluated.metrics if inputs.evaluated else None
    found = []
    for band in contract.metric_bands:
        on_evaluation = band.on == EVALUATION
        value = _number((evaluated or {}).get(band.metric) if on_evaluation else cv.get(band.metric))
        rows = EVALUATION_ROWS if on_evaluation else UNSEEN_ROWS
        if on_evaluation and evaluated is None:
            text = "not measured: no evaluation data"
        else:
            text = _value(value) if value is not None else "not recorded"
        ok = band.contains(value) if value is not None else None
        found.append(Check(f"{band.metric} between {band.low:g} and {band.high:g}", rows, text, ok))
    output = contract.output.name
    if contract.baseline is not None:
        margin = contract.baseline
        model, base = _number(cv.get(margin.metric)), _number((cv.get("baseline") or {}).get(margin.metric))
        what = f"{margin.metric} better than always answering the most frequent {output} by at least {margin.margin:g}"
        if model is not None and base is not None:
            gain = model - base if higher_is_better(margin.metric) else base - model
            text = f"{model:.4f} against the baseline's {base:.4f}: better by {gain:.4f}"
            found.append(Check(what, UNSEEN_ROWS, text, margin.beats(model, base)))
        else:
            found.append(Check(what, UNSEEN_ROWS, "not recorded", None))
    if contract.calibration is not None:
        limit, ece = contract.calibration, _number(cv.get(ECE))
        text = _value(ece) if ece is not None else "not recorded"
        found.append(Check(f"{ECE} at most {limit.limit:g}", UNSEEN_ROWS, text, limit.met_by(ece) if ece is not None else None))
    return found


def _headline_metric(inputs: Inputs) -> str:
    contract = inputs.contract
    assert contract is not None
    if contract.metric_bands:
        return contract.metric_bands[0].metric
    return contract.baseline.metric if contract.baseline else "accuracy"


def quality_tile(inputs: Inputs) -> tuple[str, str, str, str]:
    """(state, big figure, what, note) of the key-figures tile: how many quality agreements are met."""
    cv = (inputs.manifest.metrics.get("cv") or {}) if inputs.manifest else {}
    metric = _headline_metric(inputs)
    value = _number(cv.get(metric))
    figure_text = f"{metric} {value:.3f} on rows not trained on" if value is not None else "no model record"
    found = checks(inputs)
    if not found:
        return "none", f"{value:.3f}" if value is not None else "–", f"{metric} on rows not trained on", "no quality agreed"
    met = sum(1 for c in found if c.ok)
    return ("passed" if met == len(found) else "failed"), f"{met} / {len(found)}", "agreed quality met", figure_text


def _verdict(ok: bool | None) -> str:
    return badge(NOT_RUN, "not measured") if ok is None else badge(PASSED if ok else FAILED, "met" if ok else "not met")


def _agreed(inputs: Inputs) -> str:
    found = checks(inputs)
    if not found:
        return '<p class="lead">The features agree no band on this model\'s quality: its figures below are for information.</p>'
    rows = "".join(
        f"<tr><td>{escape(c.what)}</td><td>{escape(c.rows)}</td><td class='num'>{escape(c.found)}</td>"
        f"<td>{_verdict(c.ok)}</td></tr>"
        for c in found
    )
    return (
        '<table class="agreed"><thead><tr><th>agreed</th><th>measured on</th><th class="num">found</th><th>verdict</th>'
        f"</tr></thead><tbody>{rows}</tbody></table>"
    )


def _metrics_table(inputs: Inputs) -> str:
    contract = inputs.contract
    assert contract is not None
    metrics = inputs.manifest.metrics if inputs.manifest else {}
    train, cv = metrics.get("train") or {}, metrics.get("cv") or {}
    columns = [
        ("training rows (as fitted)", train),
        ("rows not trained on (cross-validation)", cv),
        (f"always the most frequent {contract.output.name}, same rows", cv.get("baseline") or {}),
    ]
    if inputs.evaluated is not None:
        columns.append((f"evaluation rows ({inputs.evaluated.count})", inputs.evaluated.metrics))
    agreed = {b.metric for b in contract.metric_bands}
    agreed |= {contract.baseline.metric} if contract.baseline else set()
    agreed |= {ECE} if contract.calibration else set()
    names = [*METRICS, ECE, *(f1_of(c) for c in contract.output.classes)]
    heads = "".join(f'<th class="num">{escape(title)}</th>' for title, _ in columns)
    rows = []
    for name in names:
        shown = f"<b>{escape(name)}</b>" if name in agreed else escape(name)
        cells = "".join(f'<td class="num">{_value(found.get(name))}</td>' for _, found in columns)
        rows.append(f"<tr><td>{shown}</td>{cells}</tr>")
    most = _most_frequent(inputs)
    note = (
        f'<p class="note">The baseline always answers the most frequent {escape(contract.output.name)} of the rows it is '
        f"fitted on ({escape(most)} in the training data), with their shares as its probabilities; agreed metrics in bold."
        "</p>"
    )
    return f'<table class="metrics"><thead><tr><th>metric</th>{heads}</tr></thead><tbody>{"".join(rows)}</tbody></table>{note}'


def _most_frequent(inputs: Inputs) -> str:
    contract, metrics = inputs.contract, inputs.manifest.metrics if inputs.manifest else {}
    assert contract is not None
    shares = (metrics.get("classes") or {}).get("training")
    if not shares:
        return "unknown"
    return contract.output.classes[max(range(len(shares)), key=lambda i: (shares[i], -i))]


def _calibration(inputs: Inputs) -> str:
    from modelgate.model.metrics import calibration_bins

    contract = inputs.contract
    assert contract is not None
    cv = (inputs.manifest.metrics.get("cv") or {}) if inputs.manifest else {}
    recorded, limit = _number(cv.get(ECE)), contract.calibration
    if recorded is None:
        lead = "The model's record has no expected calibration error on rows it was not trained on."
    elif limit is None:
        lead = f"Its {ECE} on rows it was not trained on is {recorded:.4f} (recorded at packaging); no limit is agreed."
    else:
        verdict = "met" if limit.met_by(recorded) else "NOT met"
        lead = (
            f"Its {ECE} on rows it was not trained on is {recorded:.4f} (recorded at packaging): the agreed at most "
            f"{limit.limit:g} is {verdict}."
        )
    figures = []
    for title, found in (("rows not trained on", inputs.unseen), ("evaluation rows", inputs.evaluated)):
        if found is None:
            continue
        bins = calibration_bins(contract.output, found.truth, found.probabilities, found.answered)
        note = (
            f"Drawn from {found.rows}: {ECE} {found.metrics[ECE]:.4f}. Dots on the dashed diagonal are right as often as "
            "they are sure; a dot's size is its share of the rows."
        )
        figures.append(figure(f"Reliability: {title}", note, reliability_diagram(bins, title)))
    plots = f'<div class="plots">{"".join(figures)}</div>' if figures else ""
    return (
        f'<h3>Calibration</h3><p class="note">{escape(lead)} The rows are put in 10 equal bins of the probability of the '
        f"{escape(contract.output.name)} answered; each bin's mean probability is drawn against the share of its rows "
        f"answered right.</p>{plots}"
    )


def classifier_section(inputs: Inputs) -> str:
    contract = inputs.contract
    if contract is None:
        return ""
    if inputs.manifest is None:
        return (
            f'<section id="quality"><h2>How well the model answers the {escape(contract.output.name)}</h2>'
            f"{_agreed(inputs)}</section>"
        )
    return (
        f'<section id="quality"><h2>How well the model answers the {escape(contract.output.name)}</h2>{_agreed(inputs)}'
        f"<h3>Its metrics</h3>{_metrics_table(inputs)}{errors_by_class(inputs)}{_calibration(inputs)}</section>"
    )
