"""Steps for a classifier: its declaration, the shape of its answers, and its quality against the agreed bands, the
most-frequent-class baseline and the calibration limit.

The expected values are the features' own (the numbers in each step's text, the contract they state: ``stated``).
The metrics are recomputed here from the model's answers with ``steps.class_metrics``' own arithmetic: on the rows
each fold's model (refitted here, ``steps.quality``) was not fitted on, and on the evaluation rows as the model
folder answers them. The model's record must state the same numbers, so a record that lies fails.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import pytest
from modelgate.contracts import sentences as say
from modelgate.contracts.contract import CLASS_OUTPUT, Output
from modelgate.contracts.facts import F1_OF, BaselineMargin, CalibrationLimit, MetricBand
from modelgate.contracts.inputs import parse_values
from modelgate.model import artifact
from modelgate.model.scorer import columns_of
from modelgate.steps import class_metrics
from modelgate.steps.answers import answers_of
from pytest_bdd import parsers, then

# Two computations of the same metric in float64 agree far closer than this; a record off by one row is not.
CLOSE = 1e-9


def _show(value) -> str:
    return "undefined" if value is None else f"{value:.4f}"


def same(recorded, computed) -> bool:
    """Does a recorded number (or confusion table) equal the one computed here, to :data:`CLOSE`?"""
    if isinstance(computed, list) or computed is None:
        return recorded == computed
    return isinstance(recorded, int | float) and math.isclose(recorded, computed, rel_tol=CLOSE, abs_tol=1e-12)


def differences(recorded: dict, computed: dict, where: str) -> list[str]:
    return [
        f"{where} {key}: recorded {recorded.get(key)!r}, its answers give {value!r}"
        for key, value in computed.items()
        if not isinstance(value, dict) and not same(recorded.get(key), value)
    ]


# -- the declaration ---------------------------------------------------------------------------------------------
@then(parsers.re(say.OUTPUT_CLASSES.pattern))
def answers_classes(carried, stated, name, classes, positive, threshold, decimals):
    """The output the step's words state, the features' contract and the model's own: the same name, classes in the
    same order, positive class, threshold and decimals."""
    positive = positive.strip() if positive else None
    written = Output(
        name, "", int(decimals), CLASS_OUTPUT, parse_values(classes), positive, float(threshold) if threshold else None
    )
    for where, output in (("the features state", stated.output), ("the model carries", carried.output)):
        assert output == written, f"{where} {output.to_dict()}, the step says {written.to_dict()}"


# -- the shape of an answer (technical) --------------------------------------------------------------------------
def _quoted(text: str) -> list[str]:
    return re.findall(r'"([^"]*)"', text)


@then(parsers.re(r'the body is a JSON object whose keys are (?P<keys>".+"), in this order'))
def keys_are(response, keys):
    assert response.headers["content-type"].startswith("application/json"), response.headers["content-type"]
    assert list(response.json()) == _quoted(keys), response.text


@then(parsers.re(r'"response" is a list of (?P<count>[0-9]+) texts?, each one of (?P<classes>".+")'))
def list_of_classes(response, count, classes):
    values = response.json()["response"]
    assert isinstance(values, list) and len(values) == int(count), values
    assert all(isinstance(v, str) and v in _quoted(classes) for v in values), values


@then(parsers.re(r'"probabilities" is a list of (?P<count>[0-9]+) objects? whose keys are (?P<keys>".+"), in this order'))
def list_of_probabilities(response, count, keys):
    found = response.json()["probabilities"]
    assert isinstance(found, list) and len(found) == int(count), found
    for answer in found:
        assert isinstance(answer, dict) and list(answer) == _quoted(keys), f"keys {list(answer)}, not {_quoted(keys)}: {answer}"


@then(parsers.re(r'"response" and "probabilities" hold one entry per (?P<who>\w+) asked'))
def one_entry_each(response):
    body = response.json()
    assert len(body["response"]) == len(body["probabilities"]) == len(response.asked), response.text


@then(parsers.re(r"every probability is a number from 0 to 1 with at most (?P<decimals>[0-9]+) decimals"))
def probabilities_rounded(response, decimals):
    for answer in response.json()["probabilities"]:
        for p in answer.values():
            assert isinstance(p, float | int) and not isinstance(p, bool) and 0 <= p <= 1, answer
            assert round(p, int(decimals)) == p, f"{p} has more than {decimals} decimals: {answer}"


@then(parsers.re(rf"the probabilities of each answer sum to 1 within (?P<tolerance>{say.N})"))
def sums_to_one(response, tolerance):
    for answer in response.json()["probabilities"]:
        total = math.fsum(answer.values())
        assert abs(total - 1) <= float(tolerance), f"{answer} sums to {total!r}, not 1 within {tolerance}"


@then(parsers.re(r'each "response" is the class the declared rule picks from its "probabilities"'))
def rule_picks(response, stated):
    for label, answer in zip(*answers_of(response, stated)):
        picked = class_metrics.decide(stated.output, [answer[c] for c in stated.output.classes])
        assert label == picked, f"answered {label!r}, the rule picks {picked!r} from {answer}"


@then("every answer passes the contract's check of an answer")
def answers_pass(response, stated):
    problems = [stated.output.answer_problem(*pair) for pair in zip(*answers_of(response, stated))]
    assert not any(problems), [p for p in problems if p]


# -- quality -----------------------------------------------------------------------------------------------------
def _measured(held_out: dict, metric: str) -> float | None:
    classes = [k[len(F1_OF) :] for k in held_out if k.startswith(F1_OF)]
    assert metric in held_out, f"{metric!r}: the model's classes are {', '.join(classes)}"
    return held_out[metric]


def _recorded_as(under_test, metric: str, value, who: str, part: str | None = None) -> None:
    cv = under_test.manifest["metrics"]["cv"]
    recorded = (cv.get(part) or {}) if part else cv
    assert same(recorded.get(metric), value), (
        f"its record states {'the baseline' if part else 'its'} {metric} {recorded.get(metric)!r} on {who} it was not "
        f"trained on; the answers computed here give {value!r}"
    )


@then(parsers.re(say.METRIC_UNSEEN.pattern))
def metric_unseen(under_test, held_out, metric, who, low, high):
    value = _measured(held_out, metric)
    _recorded_as(under_test, metric, value, who)
    assert MetricBand(metric, float(low), float(high)).contains(value), (
        f"its {metric} on {who} it was not trained on is {_show(value)}, agreed between {low} and {high}"
    )


@then(parsers.re(say.BASELINE.pattern))
def beats_baseline(under_test, held_out, metric, who, output, margin):
    model, baseline = _measured(held_out, metric), held_out["baseline"][metric]
    _recorded_as(under_test, metric, model, who)
    _recorded_as(under_test, metric, baseline, who, "baseline")
    assert BaselineMargin(metric, float(margin)).beats(model, baseline), (
        f"its {metric} on {who} it was not trained on is {_show(model)}; always answering the most frequent {output} "
        f"gives {_show(baseline)}: it must be better by at least {margin}"
    )


@then(parsers.re(say.CALIBRATION.pattern))
def calibrated(under_test, held_out, who, limit):
    error = held_out["expected calibration error"]
    _recorded_as(under_test, "expected calibration error", error, who)
    assert CalibrationLimit(float(limit)).met_by(error), (
        f"its expected calibration error on {who} it was not trained on is {_show(error)}, agreed at most {limit}"
    )


@then(parsers.re(r"its record states those measures, and those of always answering the most frequent \w+, on those \w+"))
def cv_measures_recorded(under_test, held_out):
    cv = under_test.manifest["metrics"]["cv"]
    problems = differences(cv, held_out, "on rows it was not trained on:")
    problems += differences(cv.get("baseline") or {}, held_out["baseline"], "the baseline's")
    assert not problems, "; ".join(problems)


@then(parsers.re(r"the measures in its record match those of its answers to the training (?P<who>\w+), computed here"))
def train_measures_recorded(under_test, stated):
    labels, probabilities = artifact.load(under_test.directory).scorer().classify(columns_of(stated, under_test.rows))
    computed = class_metrics.metrics(stated.output, under_test.target, probabilities.tolist(), labels.tolist())
    recorded = under_test.manifest["metrics"]
    problems = differences(recorded["train"], computed, "on the training rows:")
    shares = {"training": class_metrics.shares(stated.output, under_test.target)}
    shares["answered"] = class_metrics.shares(stated.output, labels.tolist())
    problems += [
        f"the class shares of {key}: recorded {recorded['classes'][key]}, computed {value}"
        for key, value in shares.items()
        if not all(same(r, v) for r, v in zip(recorded["classes"][key], value)) or len(recorded["classes"][key]) != len(value)
    ]
    assert not problems, "; ".join(problems)


@dataclass
class Evaluated:
    truth: list[str]
    labels: list[str]
    probabilities: list[dict]  # each answer's probability of each class, by name


@pytest.fixture(scope="session")
def evaluated(model_under_test, evaluation_data, stated) -> Evaluated:
    """The evaluation rows as the model folder answers them (the scorer the product loads)."""
    rows, truth = class_metrics.read_labelled(evaluation_data, stated)
    labels, probabilities = artifact.load(model_under_test).scorer().classify(columns_of(stated, rows))
    named = [dict(zip(stated.output.classes, p)) for p in probabilities.tolist()]
    return Evaluated(truth, labels.tolist(), named)


@then(parsers.re(say.METRIC_EVALUATION.pattern))
def metric_evaluation(evaluated, stated, metric, who, low, high):
    problems = [stated.output.answer_problem(*pair) for pair in zip(evaluated.labels, evaluated.probabilities)]
    assert not any(problems), f"the evaluation {who}: {[p for p in problems if p][:3]}"
    probabilities = [[p[c] for c in stated.output.classes] for p in evaluated.probabilities]
    value = _measured(class_metrics.metrics(stated.output, evaluated.truth, probabilities, evaluated.labels), metric)
    assert MetricBand(metric, float(low), float(high)).contains(value), (
        f"its {metric} on the evaluation {who} is {_show(value)}, agreed between {low} and {high}"
    )
