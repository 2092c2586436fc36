"""Steps for the model-risk feature. Expected values come from outside the code under test: the feature's numbers,
the training and evaluation files read here (``steps.least_squares.read_rows``), the stability index recomputed
here from the model's recorded profile, and the service answering over HTTP."""

from __future__ import annotations

import math
import os
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from modelgate.contracts import sentences as say
from modelgate.contracts.facts import ChampionMargin, GoldenCase, Monotonic, OutputBounds
from modelgate.contracts.inputs import Input
from modelgate.model import artifact
from modelgate.model.batch.engines import score
from modelgate.model.batch.inputs_check import Policy
from modelgate.model.batch.production import production_model
from pytest_bdd import given, parsers, then, when

from modelgate.commands import PRODUCTION_ENV
from steps.asking import query_of
from steps.least_squares import read_rows, sha256
from steps.support import psi_by_definition

GRID = 210_001  # values checked across an input's accepted range (for heights: every 0.0005 inches)
BASES = 60  # rows of the other inputs each input is swept over, for a model of several inputs
SWEEP = 2_001


def _answers(model_dir: Path, rows: list[dict]) -> np.ndarray:
    from modelgate.model.scorer import columns_of

    loaded = artifact.load(model_dir)
    return loaded.scorer().predict(columns_of(loaded.contract, rows))


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
    rows, _ = read_rows(training_data, stated)

    def unseen(spec, value) -> bool:
        seen = [r[spec.name] for r in rows if r[spec.name] is not None]
        if value is None:
            return False
        return (value < min(seen) or value > max(seen)) if spec.numeric else value not in seen

    expected = sum(1 for row in asked if any(unseen(spec, row[spec.name]) for spec in stated.inputs))
    assert response.headers.get("X-Modelgate-Extrapolated") == str(expected), dict(response.headers)
    assert list(response.json()) == ["response"]


@then(parsers.re(say.EXTRAPOLATION_REFUSE.pattern))
def refuses_extrapolations(answer, stated, training_data):
    """The service refuses the request, one error item per value the training data (read here) never had."""
    asked, response = answer
    rows, _ = read_rows(training_data, stated)
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


@given("the model under test and the model in production", target_fixture="pair")
def pair(model_under_test, request, record_property, tmp_path):
    source = request.config.getoption("--production-model") or os.environ.get(PRODUCTION_ENV)
    with production_model(source) as found:
        if found is None:
            # Said in the result, not silently passed: the JUnit property and the output name the missing model.
            note = f"no production model {'at ' + source if source else 'given (--production-model)'}: nothing to compare against"
            record_property("production_model", f"none: {note}")
            print(note)
            return Pair(model_under_test, None)
        copy = tmp_path / "production"
        shutil.copytree(found, copy)
    record_property("production_model", artifact.read_manifest(copy).model_version)
    return Pair(model_under_test, copy)


@when(parsers.re(r"both score the evaluation (?P<who>\w+), whom neither was trained on"))
def both_score(pair, stated, evaluation_data):
    rows, actual = read_rows(evaluation_data, stated)
    for directory in (pair.new, pair.production):
        if directory is not None:
            assert artifact.read_manifest(directory).training_data["sha256"] != sha256(evaluation_data), (
                f"{directory} was trained on the evaluation data"
            )
    if pair.production is not None:
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


@dataclass
class Batch:
    source: Path
    rows: list[dict]
    result: object = None
    expected_psi: dict | None = None


def _write(tmp_path: Path, stated, rows: list[dict]) -> Batch:
    source = tmp_path / "rows.csv"
    lines = [",".join(stated.names)] + [",".join(spec.to_text(row[spec.name]) for spec in stated.inputs) for row in rows]
    source.write_text("\n".join(lines) + "\n")
    return Batch(source, rows)


@given(parsers.re(r"a file of the (?P<what>\w+) of the evaluation (?P<who>\w+)"), target_fixture="batch")
def evaluation_rows(tmp_path, stated, evaluation_data):
    rows, _ = read_rows(evaluation_data, stated)
    return _write(tmp_path, stated, rows)


# An input given in another unit than the contract's: the factor from the contract's unit (for a file in the wrong unit).
CONVERSIONS = {"centimetres": 2.54, "millimoles per litre": 1 / 18.0}


@given(parsers.re(r"a file of the (?P<what>\w+) of the evaluation (?P<who>\w+), in (?P<unit>[a-z ]+)"), target_fixture="batch")
def evaluation_other_unit(tmp_path, stated, evaluation_data, what, unit):
    spec = next(i for i in stated.inputs if say.names(what, i.name))
    factor = CONVERSIONS[unit]
    rows, _ = read_rows(evaluation_data, stated)
    scaled = [{**row, spec.name: None if row[spec.name] is None else round(row[spec.name] * factor, 1)} for row in rows]
    return _write(tmp_path, stated, scaled)


@given(parsers.re(say.DRIFT_ROWS.pattern))
def judged_rows(batch, rows):
    assert len(batch.rows) >= int(rows), f"the file holds {len(batch.rows)} rows, fewer than the {rows} judged"


@when("the file is scored with the drift check")
def scored_with_drift(batch, model_under_test, stated):
    loaded = artifact.load(model_under_test)
    profiles = loaded.manifest.training_data.get("profile")
    assert profiles, f"{model_under_test}: the model records no training profile; package it again"
    policy = Policy.of(loaded.contract, profiles)
    batch.result = score(batch.source, batch.source.with_name("out.csv"), loaded.scorer(), policy=policy)
    batch.expected_psi = {name: _psi(stated.input(name), seen, [r[name] for r in batch.rows]) for name, seen in profiles.items()}


def _psi(spec: Input, seen: dict, values: list) -> float:
    """The stability index by its definition, from the recorded profile's cuts and shares, counted here."""
    if seen["kind"] == "number":
        cuts = seen["deciles"]
        counts = [0] * (len(cuts) + 1 + (1 if seen["missing"] else 0))
        for v in values:
            if v is None:
                counts[-1] += 1
            elif not math.isnan(v):
                counts[sum(1 for c in cuts if v > c)] += 1
    else:
        counts = [sum(1 for v in values if v == value) for value in seen["values"]] + (
            [values.count(None)] if seen["missing"] else []
        )
    return psi_by_definition(counts, seen["shares"])


@then(parsers.re(say.DRIFT_WARN.pattern))
def stable(batch, warn):
    reported = batch.result.inputs["drift"]["by_input"]
    for name, psi in batch.expected_psi.items():
        assert math.isclose(reported[name]["psi"], psi, rel_tol=1e-9), f"{name}: reported {reported[name]['psi']}, computed {psi}"
        assert psi < float(warn), f"{name}: stability index {psi:.3f} is not below {warn}"


@then("the file is scored")
def is_scored(batch):
    assert batch.result.ok, batch.result.failures.summary()
    assert batch.source.with_name("out.csv").is_file()


@then(parsers.re(say.DRIFT_REFUSE.pattern))
def refused(batch, refuse):
    assert not batch.result.ok, "the file was scored"
    worst = max(batch.expected_psi.values())
    assert worst >= float(refuse), f"stability index {worst:.3f} is below {refuse}"
    reported = batch.result.inputs["drift"]["by_input"]
    for name, psi in batch.expected_psi.items():
        assert math.isclose(reported[name]["psi"], psi, rel_tol=1e-9)
    assert any(check == "input drift" for _, check in batch.result.failures.counts), batch.result.failures.summary()


@then("nothing is written for it")
def nothing_written(batch):
    assert not batch.source.with_name("out.csv").exists()
