"""Steps for the model-risk feature. Expected values come from outside the code under test: the feature's numbers,
the training and evaluation files read here (``steps.least_squares.read_rows``, ``steps.class_metrics.read_labelled``),
and the service answering over HTTP. For a classifier, the champion metric of both models is computed here from their
answers (``steps.class_metrics``, plain Python). The drift scenarios' steps are in :mod:`steps.drift`."""

from __future__ import annotations

import csv
import math
import os
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from modelgate.contracts import sentences as say
from modelgate.contracts.evidence import FIRST_RELEASE, FIRST_RELEASE_NOTE
from modelgate.contracts.facts import AgreedLabel, ChampionMargin, ChampionMetric, GoldenCase, Monotonic, OutputBounds
from modelgate.contracts.inputs import Input
from modelgate.model import artifact
from modelgate.model.batch.production import production_model
from modelgate.steps import class_metrics
from modelgate.steps.asking import query_of
from modelgate.steps.least_squares import read_rows, sha256
from pytest_bdd import given, parsers, then, when

from modelgate.commands import PRODUCTION_ENV

GRID = 210_001  # values checked across an input's accepted range (for heights: every 0.0005 inches)
BASES = 60  # rows of the other inputs each input is swept over, for a model of several inputs
SWEEP = 2_001


def _answers(model_dir: Path, rows: list[dict]) -> np.ndarray:
    from modelgate.model.scorer import columns_of

    loaded = artifact.load(model_dir)
    return loaded.scorer().predict(columns_of(loaded.contract, rows))


def classified(model_dir: Path, rows: list[dict]) -> list[tuple[str, dict[str, float]]]:
    """A classifier's answer to each row: the class it answers and the probability of each class, by name."""
    from modelgate.model.scorer import columns_of

    loaded = artifact.load(model_dir)
    labels, probabilities = loaded.scorer().classify(columns_of(loaded.contract, rows))
    classes = loaded.contract.output.classes
    return [(str(label), dict(zip(classes, map(float, row)))) for label, row in zip(labels.tolist(), probabilities.tolist())]


def read_inputs(path: Path, stated) -> list[dict]:
    """Every row of a CSV as the contract's inputs ({input: value}, None where a cell is empty), read here with ``csv``."""
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return [{spec.name: spec.from_text(row[spec.name]) for spec in stated.inputs} for row in csv.DictReader(handle)]


def _span(spec: Input, steps: int) -> np.ndarray:
    """Every accepted number to a fine step, both edges included (an open edge: just inside it)."""
    bounds = spec.range
    assert bounds and bounds.low is not None and bounds.high is not None, f"{spec.name}: an open-ended range cannot be swept"
    low = bounds.low if bounds.low_closed else np.nextafter(bounds.low, math.inf)
    high = bounds.high if bounds.high_closed else np.nextafter(bounds.high, -math.inf)
    return np.unique(np.concatenate([[low, high], np.linspace(low, high, steps)[1:-1]]))


def _bases(stated, count: int) -> list[dict]:
    from modelgate.model.checks import check_rows

    rows = check_rows(stated)
    return random.Random(3).sample(rows, min(count, len(rows)))


def _sweeps(stated, spec: Input) -> list[tuple[np.ndarray, list[dict]]]:
    """(values, rows) sweeping ``spec`` over its accepted range, the other inputs held at sampled accepted rows."""
    if len(stated.inputs) == 1:
        values = _span(spec, GRID)
        return [(values, [{spec.name: float(v)} for v in values])]
    values = _span(spec, SWEEP)
    return [(values, [{**base, spec.name: float(v)} for v in values]) for base in _bases(stated, BASES)]


@then(parsers.re(say.ACCEPTS.pattern))
def accepted_range(service, stated, what, range, unit):
    spec = next(i for i in stated.inputs if say.names(what, i.name))
    base = dict(zip(stated.names, stated.golden[0].values))
    bounds = spec.range
    probes = []
    for end, closed, inward in ((bounds.low, bounds.low_closed, 1), (bounds.high, bounds.high_closed, -1)):
        if end is not None:
            probes += [(end, closed), (end + inward * 0.0001, True), (end - inward * 0.0001, False)]
    for value, accepted in probes:
        answer = service.ask(query_of(stated, [{**base, spec.name: value}]))
        assert (answer.status_code == 200) is accepted, (
            f"{spec.name} {value!r}: answered {answer.status_code} {answer.text[:200]}"
        )


@then("the service accepts every input's accepted values, and no others")
def every_input_accepted(service, stated):
    base = dict(zip(stated.names, stated.golden[0].values))
    for spec in stated.inputs:
        good = [base[spec.name]]
        bad: list = []
        if spec.numeric and spec.range:
            if spec.range.low is not None:
                (good if spec.range.low_closed else bad).append(spec.range.low)
                bad.append(spec.range.low - 0.0001)
            if spec.range.high is not None:
                (good if spec.range.high_closed else bad).append(spec.range.high)
                bad.append(spec.range.high + 0.0001)
        elif not spec.numeric:
            good += list(spec.values) if spec.kind == "category" else [True, False]
            bad.append("not-" + "-".join(str(v) for v in spec.values))
        good += [None] if spec.missing else []
        bad += [] if spec.missing else [None]
        for value, accepted in [(v, True) for v in good] + [(v, False) for v in bad]:
            text = value if isinstance(value, str) and value.startswith("not-") else spec.to_text(value)
            answer = service.ask([(n, text if n == spec.name else t) for n, t in query_of(stated, [base])])
            assert (answer.status_code == 200) is accepted, (
                f"{spec.name} {value!r}: answered {answer.status_code} {answer.text[:200]}"
            )


@then(parsers.re(say.OUTPUT_BOUNDS.pattern))
def answers_bounded(judged, stated, output, what, low, high, unit):
    bounds = OutputBounds(float(low), float(high))
    for spec in stated.inputs:
        if spec.numeric and spec.range and spec.range.low is not None and spec.range.high is not None:
            for _, rows in _sweeps(stated, spec):
                answers = _answers(judged, rows)
                bad = [(r, a) for r, a in zip(rows, answers.tolist()) if not bounds.contains(a)]
                assert not bad, f"{len(bad)} accepted rows get an answer outside [{low}, {high}], e.g. {bad[:3]}"
    rows = _bases(stated, 30_000)
    answers = _answers(judged, rows)
    bad = [(r, a) for r, a in zip(rows, answers.tolist()) if not bounds.contains(a)]
    assert not bad, f"{len(bad)} accepted rows get an answer outside [{low}, {high}], e.g. {bad[:3]}"


@then(parsers.re(say.MONOTONIC.pattern))
@then(parsers.re(say.MONOTONIC_PLAIN.pattern))
def monotonic(judged, stated, what, way, output):
    spec = next(i for i in stated.inputs if say.names(what, i.name))
    rule = Monotonic(spec.name, "rises" if way in ("lower", "falls") else "falls")
    for values, rows in _sweeps(stated, spec):
        answers = _answers(judged, rows)
        broken = [i for i in range(len(answers) - 1) if not rule.holds(answers[i], answers[i + 1])]
        if broken:
            i = broken[0]
            example = f"{spec.name} {values[i]:g} -> {answers[i]:g}, {values[i + 1]:g} -> {answers[i + 1]:g} (others: {rows[i]})"
            pytest.fail(f"{len(broken)} places where the {output} moves the wrong way, e.g. {example}")


@when(
    parsers.re(r"a client asks for the (?P<outputs>\w+) of (?P<who>\w+) (?P<values>[0-9., and]+?) (?P<words>[a-z ]+)"),
    target_fixture="answer",
)
def ask_several(service, stated, values):
    (spec,) = stated.inputs  # this wording names one number per row: a model of one input
    asked = [{spec.name: float(v)} for v in values.replace(" and ", ", ").split(", ")]
    return asked, service.ask(query_of(stated, asked))


@when(parsers.re(r"a client asks for the (?P<outputs>\w+) of these (?P<who>\w+)"), target_fixture="answer")
def ask_these(service, stated, datatable):
    header, *cells = datatable
    rows = [{spec.name: spec.from_text(dict(zip(header, row))[spec.name]) for spec in stated.inputs} for row in cells]
    return rows, service.ask(query_of(stated, rows))


@then(parsers.re(r"there are (?P<count>\d+) (?P<outputs>\w+), each the agreed (?P<output>\w+) for its (?P<what>\w+)"))
def several_agreed(answer, golden, count):
    asked, response = answer
    assert response.status_code == 200, response.text
    found = response.json()["response"]
    assert len(found) == int(count) == len(asked)
    for row, got in zip(asked, found):
        case = golden[tuple(row.values())]
        assert case.met_by(got), f"{row}: got {got}, agreed {case.expected}"


@then(parsers.re(say.EXTRAPOLATION_FLAG.pattern))
def marks_extrapolations(answer, stated, training_data):
    """The rows with a value the training data (read here) never had: a number outside its range, an unseen category."""
    asked, response = answer
    rows = read_inputs(training_data, stated)

    def unseen(spec, value) -> bool:
        seen = [r[spec.name] for r in rows if r[spec.name] is not None]
        if value is None:
            return False
        return (value < min(seen) or value > max(seen)) if spec.numeric else value not in seen

    expected = sum(1 for row in asked if any(unseen(spec, row[spec.name]) for spec in stated.inputs))
    assert response.headers.get("X-Modelgate-Extrapolated") == str(expected), dict(response.headers)
    body = ["response", "probabilities"] if stated.output.is_class else ["response"]  # the mark is a header, not in the body
    assert list(response.json()) == body, response.json()


@then(parsers.re(say.EXTRAPOLATION_REFUSE.pattern))
def refuses_extrapolations(answer, stated, training_data):
    """The service refuses the request, one error item per value the training data (read here) never had."""
    asked, response = answer
    rows = read_inputs(training_data, stated)
    unseen = []
    for index, row in enumerate(asked):
        for spec in stated.inputs:
            seen = [r[spec.name] for r in rows if r[spec.name] is not None]
            value = row[spec.name]
            if value is not None and ((value < min(seen) or value > max(seen)) if spec.numeric else value not in seen):
                unseen.append((index, spec.name))
    if not unseen:
        assert response.status_code == 200, response.text
        return
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert all(item["type"] == "extrapolation" for item in detail), detail
    got = {(item["loc"][1], item["loc"][2] if len(item["loc"]) > 2 else 0) for item in detail}  # (input, row)
    assert got == {(name, index) for index, name in unseen}, detail


@dataclass
class Pair:
    new: Path
    production: Path | None
    errors: dict | None = None
    metrics: dict | None = None  # a classifier's: {"new": {metric: value}, "production": {...}}, computed here


@given("the model under test and the model in production", target_fixture="pair")
def pair(model_under_test, request, record_property, tmp_path):
    source = request.config.getoption("--production-model") or os.environ.get(PRODUCTION_ENV)
    with production_model(source) as found:
        if found is None:
            # Said in the result, not silently passed: the case's JUnit properties (which the gate's verdict line and
            # the report read) and its output say it is a first release.
            note = f"no production model {'at ' + source if source else 'given (--production-model)'}: nothing to compare against"
            record_property("production_model", f"none: {note}")
            record_property(FIRST_RELEASE, FIRST_RELEASE_NOTE)
            print(f"{FIRST_RELEASE_NOTE} ({note})")
            return Pair(model_under_test, None)
        copy = tmp_path / "production"
        shutil.copytree(found, copy)
    record_property("production_model", artifact.read_manifest(copy).model_version)
    return Pair(model_under_test, copy)


@when(parsers.re(r"both score the evaluation (?P<who>\w+), whom neither was trained on"))
def both_score(pair, stated, evaluation_data):
    if stated.output.is_class:
        rows, truth = class_metrics.read_labelled(evaluation_data, stated)
    else:
        rows, actual = read_rows(evaluation_data, stated)
    for directory in (pair.new, pair.production):
        if directory is not None:
            assert artifact.read_manifest(directory).training_data["sha256"] != sha256(evaluation_data), (
                f"{directory} was trained on the evaluation data"
            )
    if pair.production is not None and stated.output.is_class:
        pair.metrics = {}
        for name, directory in (("new", pair.new), ("production", pair.production)):
            answers = classified(directory, rows)
            probabilities = [[p[c] for c in stated.output.classes] for _, p in answers]
            pair.metrics[name] = class_metrics.metrics(stated.output, truth, probabilities, [label for label, _ in answers])
    elif pair.production is not None:
        pair.errors = {
            name: float(np.mean(np.abs(_answers(d, rows) - np.array(actual))))
            for name, d in (("new", pair.new), ("production", pair.production))
        }


@then(parsers.re(say.MARGIN.pattern))
def not_worse(pair, margin, unit, record_property):
    if pair.production is None:
        return  # the Given step recorded that there is no production model
    new, production = pair.errors["new"], pair.errors["production"]
    record_property("typical_error", f"new {new:.2f}, production {production:.2f}")
    assert ChampionMargin(float(margin)).allows(production, new), (
        f"the new model's typical error is {new:.2f}, the production model's {production:.2f}: "
        f"worse by {new - production:.2f}, more than the agreed {margin}"
    )


@then(parsers.re(say.CHAMPION_METRIC.pattern))
def metric_not_worse(pair, metric, margin, record_property):
    if pair.production is None:
        return  # the Given step recorded that there is no production model
    new, production = pair.metrics["new"][metric], pair.metrics["production"][metric]
    record_property("champion_metric", f"{metric}: new {new:.4f}, production {production:.4f}")
    assert ChampionMetric(metric, float(margin)).allows(production, new), (
        f"the new model's {metric} is {new:.4f}, the production model's {production:.4f}: "
        f"worse by {abs(new - production):.4f}, more than the agreed {margin}"
    )


@then(
    parsers.re(
        r"no agreed (?P<output>\w+) changed from the production model's"
        r"(?:, nor an agreed probability by more than its tolerance)?"
    )
)
def unchanged(pair, stated):
    """The production model's answer to each agreed row is the reference: the new model must answer the same class and,
    where a probability was agreed, give that class a probability within the agreed tolerance of production's."""
    if pair.production is None:
        return
    rows = [dict(zip(stated.names, case.values)) for case in stated.golden]
    old, new = classified(pair.production, rows), classified(pair.new, rows)
    changed = []
    for index, (case, (label, probabilities), (now, now_probabilities)) in enumerate(zip(stated.golden, old, new)):
        agreed = None if case.probability is None else probabilities[label]
        if not AgreedLabel(case.values, label, agreed, case.tolerance).met_by(now, now_probabilities):
            row = stated.golden_row(index)
            changed.append(f"{row}: {label} {probabilities[label]:g} -> {now} {now_probabilities[now]:g}")
    assert not changed, f"agreed {stated.output.name} changed: " + "; ".join(changed)


@then(parsers.re(r"no agreed (?P<output>\w+) moved from the production model's by more than the agreed tolerance"))
def unmoved(pair, stated):
    if pair.production is None:
        return
    rows = [dict(zip(stated.names, case.values)) for case in stated.golden]
    old, new = _answers(pair.production, rows), _answers(pair.new, rows)
    moved = [
        f"{row}: {o:g} -> {n:g}"
        for row, case, o, n in zip(rows, stated.golden, old.tolist(), new.tolist())
        if not GoldenCase(case.values, o, case.tolerance).met_by(n)
    ]
    assert not moved, "agreed answers moved: " + "; ".join(moved)
