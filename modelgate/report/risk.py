"""The report's model-risk section: the new model against the one in production (typical errors, moved agreed
answers), plausible answers and monotonicity over accepted rows (:mod:`.sweeps`), and a batch's extrapolations,
stability index and drift plot for each input (:mod:`.drift`).

Every verdict is the contract's (``ChampionMargin`` via the comparison, ``OutputBounds.contains``, ``Monotonic.holds``,
``DriftLimits.verdict``), so the page says what the scenarios and commands say.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, cast

import numpy as np

from modelgate.contracts.contract import Contract
from modelgate.contracts.facts import FLAG, REFUSE, RISES
from modelgate.report.bars import drift_bars
from modelgate.report.drift import BatchDrift, answer_drift, batch_drift, psi_text
from modelgate.report.sweeps import Broken, bases, broken, sweep

if TYPE_CHECKING:
    from modelgate.model.artifact import Artifact
    from modelgate.model.compare import ClassComparison, Comparison

POLICY = {FLAG: "answered and marked as extrapolations", REFUSE: "refused"}


@dataclass
class Risk:
    contract: Contract
    comparison: Comparison | ClassComparison | None = None
    evaluation: str = ""
    lowest: float | None = None
    highest: float | None = None
    judged: int = 0  # accepted rows answered for the plausibility check
    monotonic: list[Broken] = field(default_factory=list)
    batch: BatchDrift | None = None
    missing: list[str] = field(default_factory=list)
    # What moved from the contract the model in production carries to this one's (None: no production model).
    contract_changes: list[str] | None = None


def gather_risk(model: Artifact, production: str | None, evaluation: Path, batch: Path) -> Risk:
    risk = Risk(model.contract, evaluation=str(evaluation))
    _compare(risk, model, production, Path(evaluation))
    try:
        if not model.contract.output.is_class:  # a classifier's contract states no bounds and no monotonicity
            _sweep(risk, model)
    except Exception as exc:  # an estimator that cannot answer a row is itself a finding
        risk.missing.append(f"plausible answers and monotonicity: {type(exc).__name__}: {exc}")
    training = model.manifest.training_data.get("profile")
    if not training:
        risk.missing.append("extrapolation and drift: the model's record has no training profile (package it again)")
    elif not Path(batch).is_file():
        risk.missing.append(f"extrapolation and drift: no batch file at {batch} (give one with --batch)")
    else:
        try:
            risk.batch = batch_drift(model.contract, training, Path(batch))
            risk.batch.answers = answer_drift(model, Path(batch))
        except Exception as exc:  # unreadable, an input column missing: said here, the batch guard says more
            risk.missing.append(f"extrapolation and drift: {batch}: {type(exc).__name__}: {exc}")
    return risk


def _compare(risk: Risk, model: Artifact, production: str | None, evaluation: Path) -> None:
    from modelgate.model.batch.production import production_model
    from modelgate.model.compare import compare

    try:
        with production_model(production) as production_dir:
            if production_dir is not None:
                _changes_since(risk, production_dir, model)
            if not evaluation.is_file():
                risk.missing.append(f"champion/challenger: no evaluation data at {evaluation} (give it with --evaluation)")
                return
            risk.comparison = compare(production_dir, model.directory, evaluation)
    except Exception as exc:  # a production model that cannot be read or compared: named, not fatal
        risk.missing.append(f"champion/challenger: {exc}")


def _changes_since(risk: Risk, production_dir: Path, model: Artifact) -> None:
    """What moved from the production model's contract to the new model's, one line per fact (``modelgate.signoff``'s
    words: old → new); said as missing for a production model that carries no readable contract."""
    from modelgate.contracts.errors import ModelgateError
    from modelgate.model.manifest import read_manifest
    from modelgate.signoff import changes

    try:
        risk.contract_changes = changes(read_manifest(production_dir).read_contract(production_dir), model.contract)
    except ModelgateError as exc:
        risk.missing.append(f"the contract since the model in production: {exc}")


def _sweep(risk: Risk, model: Artifact) -> None:
    from modelgate.model.checks import check_rows
    from modelgate.model.scorer import columns_of

    contract, scorer = model.contract, model.scorer()
    training = model.manifest.training_data.get("profile") or {}
    rows = check_rows(contract, training)
    answers = [scorer.predict(columns_of(contract, rows))]
    held = bases(rows)
    swept = {}
    for spec in contract.inputs:
        if spec.numeric:
            swept[spec.name] = sweep(scorer, contract, spec, held, training.get(spec.name))
            answers.append(swept[spec.name].answers.ravel())
    every = np.concatenate(answers)
    risk.lowest, risk.highest, risk.judged = float(np.min(every)), float(np.max(every)), int(every.size)
    for rule in contract.monotonic:
        found = swept.get(rule.input)
        if found is None:
            risk.missing.append(f"monotonicity in {rule.input}: it is not a number input, so it cannot be swept")
            continue
        risk.monotonic.append(broken(rule, found))


def _unit(contract: Contract) -> str:
    return f" {contract.output.unit}" if contract.output.unit else ""


def _rows(risk: Risk) -> list[tuple[str, str]]:
    contract, unit, rows = risk.contract, _unit(risk.contract), []
    c = risk.comparison
    if c is not None and c.production is None and not contract.output.is_class:
        typical = cast("Comparison", c).new.mae
        rows.append(
            (
                "Against the model in production",
                f"first release: not compared with a production model (its typical error on {escape(risk.evaluation)} "
                f"is {typical:.2f}{escape(unit)})",
            )
        )
    elif c is not None:  # a classifier's summary names the contract's champion metric
        rows.append(("Against the model in production", escape(c.summary())))
        if c.production is not None:
            rows.append(("Agreed answers", escape(c.moved_summary())))
    bounds, lowest, highest = contract.output_bounds, risk.lowest, risk.highest
    if bounds is not None and lowest is not None and highest is not None:  # the sweep sets both or neither
        inside = bounds.contains(lowest) and bounds.contains(highest)
        verdict = "within" if inside else "OUTSIDE"
        rows.append(
            (
                f"Plausible {escape(contract.output.name)}",
                f"{risk.lowest:g} to {risk.highest:g}{escape(unit)} over {risk.judged:,} accepted rows: {verdict} the agreed "
                f"{bounds.low:g} – {bounds.high:g}{escape(unit)}",
            )
        )
    for found in risk.monotonic:
        never = "falls" if found.rule.direction == RISES else "rises"
        what = f"The {escape(contract.output.name)} never {never} as {escape(found.rule.input)} grows"
        if found.count:
            rows.append((what, f"BROKEN at {found.count:,} of {found.checked:,} steps, e.g. {escape(found.example)}"))
        else:
            rows.append((what, f"holds over {found.checked:,} steps across its accepted range"))
    if risk.batch is not None:
        b = risk.batch
        share = b.extrapolated / b.rows if b.rows else 0.0
        rows.append(
            (
                "Extrapolated answers",
                f"{b.extrapolated:,} of {b.rows:,} rows of {escape(str(b.file))} ({share:.0%}) have a value outside the "
                f"training data; the contract says such rows are {POLICY.get(contract.extrapolation, contract.extrapolation)}",
            )
        )
    return rows + [("Not shown", escape(m)) for m in risk.missing]


def _drift_table(batch: BatchDrift, output: str) -> str:
    rows = []
    for found in batch.inputs:
        share = found.outside / batch.rows if batch.rows else 0.0
        rows.append(
            f"<tr><td>{escape(found.spec.name)}</td><td class='num'>{found.outside:,} ({share:.0%})</td>"
            f"<td class='num'>{psi_text(found.psi)}</td><td>{escape(found.verdict or 'no drift levels agreed')}</td></tr>"
        )
    if batch.answers is not None:  # a classifier's answers, judged as an input is
        answers = batch.answers
        rows.append(
            f"<tr><td>answered {escape(output)}</td><td class='num'>–</td><td class='num'>{psi_text(answers.psi)}</td>"
            f"<td>{escape(answers.verdict or 'no drift levels agreed')}</td></tr>"
        )
    return (
        '<table class="drift"><thead><tr><th>input</th><th class="num">outside the training data</th>'
        f'<th class="num">stability index</th><th>verdict</th></tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def _drift_plots(batch: BatchDrift, output: str) -> str:
    figures = []
    for found in batch.inputs:
        unit = f" ({found.spec.unit})" if found.spec.unit else ""
        svg = drift_bars(found.labels, found.training, found.batch, f"{found.spec.name}{unit}")
        note = f"stability index {psi_text(found.psi)}" + (f": {found.verdict}" if found.verdict else "")
        figures.append(f"<figure><figcaption>{escape(found.spec.name)}<span>{escape(note)}</span></figcaption>{svg}</figure>")
    if batch.answers is not None:
        answers = batch.answers
        svg = drift_bars(answers.labels, answers.training, answers.batch, f"answered {output}")
        note = f"stability index {psi_text(answers.psi)}" + (f": {answers.verdict}" if answers.verdict else "")
        note += f"; training: the {output} it answers for its training rows"
        figures.append(f"<figure><figcaption>answered {escape(output)}<span>{escape(note)}</span></figcaption>{svg}</figure>")
    return f'<div class="plots">{"".join(figures)}</div>'


def risk_section(risk: Risk | None) -> str:
    if risk is None:
        return ""
    items = "".join(f"<dt>{k}</dt><dd>{v}</dd>" for k, v in _rows(risk))
    drift = ""
    if risk.batch is not None and risk.batch.inputs:
        limits = risk.contract.drift
        levels = (
            f" (warning from {limits.warn:g}, refused from {limits.refuse:g}, judged from {limits.min_rows} rows)"
            if limits
            else ""
        )
        answered = f", and the {risk.contract.output.name} it answers" if risk.batch.answers is not None else ""
        drift = (
            f'<h3>Input drift, input by input</h3><p class="note">Each input of the batch{escape(answered)} against the '
            f"training data: its population stability index{levels}, and its share of rows per bin.</p>"
            f"{_drift_table(risk.batch, risk.contract.output.name)}{_drift_plots(risk.batch, risk.contract.output.name)}"
        )
    lead = '<p class="lead">What a model-risk reviewer signs, computed here from the model, its evaluation data and a batch.</p>'
    return f'<section id="risk"><h2>Model risk</h2>{lead}<dl class="record">{items}</dl>{drift}</section>'
