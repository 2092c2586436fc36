"""The agreed answers the business signed off in the features, each against what this model answers: a regression's
agreed numbers with their tolerance, a classifier's agreed classes (and, where one was agreed, the probability of that
class with its tolerance). Every verdict is the contract's (``GoldenCase.met_by``, ``AgreedLabel.met_by``)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

import numpy as np

from modelgate.contracts.contract import Contract
from modelgate.contracts.facts import AgreedLabel, GoldenCase
from modelgate.report.features import badge
from modelgate.report.inputs import Inputs
from modelgate.report.quality import label
from modelgate.report.scenarios import FAILED, NOT_RUN, PASSED


def tolerance(inputs: Inputs) -> str:
    """The agreed tolerance in words: one number when every agreed row shares it."""
    contract = inputs.golden_contract
    assert contract is not None  # asked only when there are agreed answers
    unit = contract.output.unit
    found = {c.tolerance for c in inputs.golden}
    return f"± {found.pop():g}{f' {unit}' if unit else ''}" if len(found) == 1 else "each row's own tolerance"


def golden_rows(inputs: Inputs) -> list[tuple[GoldenCase, float | None, bool]]:
    predicted: Sequence[float | None] = inputs.predicted_golden or [None] * len(inputs.golden)
    rows: list[tuple[GoldenCase, float | None, bool]] = []
    for case, answer in zip(inputs.golden, predicted):
        assert isinstance(case, GoldenCase)  # a regression's agreed rows
        rows.append((case, answer, answer is not None and case.met_by(answer)))
    return rows


def label_rows(inputs: Inputs) -> list[tuple[AgreedLabel, tuple[str, dict[str, float]] | None, bool]]:
    answered: Sequence[tuple[str, dict[str, float]] | None] = inputs.answered_golden or [None] * len(inputs.golden)
    rows: list[tuple[AgreedLabel, tuple[str, dict[str, float]] | None, bool]] = []
    for case, answer in zip(inputs.golden, answered):
        assert isinstance(case, AgreedLabel)  # a classifier's agreed rows
        rows.append((case, answer, answer is not None and case.met_by(*answer)))
    return rows


def met(inputs: Inputs) -> tuple[int, int, bool]:
    """(agreed rows met, agreed rows, whether the model answered them)."""
    rows = label_rows(inputs) if _labels(inputs) else golden_rows(inputs)
    answered = (inputs.answered_golden if _labels(inputs) else inputs.predicted_golden) is not None
    return sum(1 for *_, ok in rows if ok), len(rows), answered


def met_note(inputs: Inputs) -> str:
    """What an agreed row must meet, for the tile under the count."""
    if not _labels(inputs):
        return f"within {tolerance(inputs)}"
    agreed = [c for c in inputs.golden if isinstance(c, AgreedLabel) and c.probability is not None]
    return f"the agreed {_output(inputs)}" + (f", probability within {tolerance(inputs)}" if agreed else "")


def _labels(inputs: Inputs) -> bool:
    return bool(inputs.golden) and isinstance(inputs.golden[0], AgreedLabel)


def _output(inputs: Inputs) -> str:
    contract = inputs.golden_contract
    return contract.output.name if contract else "answer"


def _unseen(inputs: Inputs, name: str, value: object) -> bool:
    """Is ``value`` one the training data never had (outside a number's span, a category no training row has)?"""
    from modelgate.model.profile import outside

    seen = inputs.profiles.get(name)
    if seen is None or value is None:
        return False
    return bool(outside(seen, np.array([value], dtype="float64" if seen["kind"] == "number" else object))[0])


def _trained_on(inputs: Inputs) -> str:
    spans = []
    contract = inputs.golden_contract
    assert contract is not None  # asked only when there are agreed answers
    for spec in contract.inputs:
        seen = inputs.profiles.get(spec.name)
        if seen and seen["kind"] == "number":
            spans.append(f"{spec.name} {seen['min']:g} – {seen['max']:g}{f' {spec.unit}' if spec.unit else ''}")
    return f" The model was trained on {', '.join(spans)}." if spans else ""


def _input_cells(inputs: Inputs, contract: Contract, values: tuple) -> str:
    cells = []
    for spec, value in zip(contract.inputs, values):
        text = escape(spec.to_text(value).removesuffix(".0")) if value is not None else '<span class="note">missing</span>'
        if _unseen(inputs, spec.name, value):
            text += ' <span class="unseen" title="outside the training data">outside the training data</span>'
        cells.append(f'<td class="{"num" if spec.numeric else "cat"}">{text}</td>')
    return "".join(cells)


def _input_heads(contract: Contract) -> str:
    # A column name may break after an underscore: a table of many inputs then fits the page.
    return "".join(
        f'<th class="{"num" if i.numeric else "cat"}">{escape(label(i.name, i.unit)).replace("_", "_<wbr>")}</th>'
        for i in contract.inputs
    )


def _numbers(inputs: Inputs, contract: Contract) -> str:
    out, decimals = contract.output, contract.output.decimals
    rows = []
    for case, predicted, ok in golden_rows(inputs):
        model = f"{predicted:.{decimals}f}" if predicted is not None else "–"
        diff = f"{predicted - case.expected:+.{decimals}f}" if predicted is not None else "–"
        status = badge(PASSED if ok else FAILED, "within" if ok else "outside") if predicted is not None else badge(NOT_RUN)
        rows.append(
            f'<tr>{_input_cells(inputs, contract, case.values)}<td class="num">{case.expected:.{decimals}f}</td>'
            f'<td class="num">{model}</td><td class="num">{diff}</td><td>{status}</td></tr>'
        )
    answer = escape(label(f"agreed {out.name}", out.unit))
    return (
        f'<p class="lead">The {escape(out.name)} the business signed off in the features, against what this model answers. '
        f"Tolerance {escape(tolerance(inputs))}.{escape(_trained_on(inputs))}</p>"
        f'<div class="scroll"><table class="golden"><thead><tr>{_input_heads(contract)}<th class="num">{answer}</th>'
        f'<th class="num">model</th><th class="num">difference</th><th>tolerance</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _classes(inputs: Inputs, contract: Contract) -> str:
    out, decimals = contract.output, contract.output.decimals
    rows = []
    for case, answer, ok in label_rows(inputs):
        agreed = f"{case.probability:.{decimals}f} ± {case.tolerance:g}" if case.probability is not None else "–"
        said, found = answer if answer is not None else ("–", {})
        probability = found.get(case.label)
        model = f"{probability:.{decimals}f}" if probability is not None else "–"
        status = badge(PASSED if ok else FAILED, "met" if ok else "not met") if answer is not None else badge(NOT_RUN)
        rows.append(
            f'<tr>{_input_cells(inputs, contract, case.values)}<td class="cat"><b>{escape(case.label)}</b></td>'
            f'<td class="num agreed">{agreed}</td><td class="cat">{escape(said)}</td><td class="num">{model}</td>'
            f"<td>{status}</td></tr>"
        )
    name = escape(out.name)
    with_probability = any(c.probability is not None for c in inputs.golden if isinstance(c, AgreedLabel))
    rule = (
        f"Each row is met when the model answers the agreed {name} and, where a probability was agreed, its probability "
        f"of that {name} is within the tolerance ({escape(tolerance(inputs))})."
        if with_probability
        else f"No probability was agreed for these rows: each is met when the model answers the agreed {name}."
    )
    return (
        f'<p class="lead">The {name} the business signed off in the features, against what this model answers. '
        f"{rule}{escape(_trained_on(inputs))}</p>"
        f'<div class="scroll"><table class="golden"><thead><tr>{_input_heads(contract)}<th class="cat">agreed {name}</th>'
        f'<th class="num">agreed probability</th><th class="cat">model&#x27;s {name}</th>'
        f'<th class="num">its probability of the agreed {name}</th><th>result</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def golden_section(inputs: Inputs) -> str:
    contract = inputs.golden_contract
    if contract is None or not contract.golden:  # no agreed answers (inputs.golden)
        return ""
    table = _classes(inputs, contract) if _labels(inputs) else _numbers(inputs, contract)
    return f'<section id="golden"><h2>Agreed answers</h2>{table}</section>'
