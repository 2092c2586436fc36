"""Steps for what the service answers: the model's declaration, its agreed answers and the response shape.

The expected values are the features' own: the numbers in each step's text and the contract the features state
(``stated``); the rows are asked the way the features' agreed-answers outline asks them (``steps.asking``).
"""

from __future__ import annotations

import json
import random

import pytest
from modelgate.contracts import sentences as say
from modelgate.contracts.facts import AgreedLabel, GoldenCase
from modelgate.steps.asking import ASK, Asked, query_of, row_of
from pytest_bdd import parsers, then, when

# The agreed rows are listed in the features' order; asked in this seeded shuffle, an answer list that comes back
# sorted (or in any order but the one asked) is caught.
SHUFFLE_SEED = 9


@pytest.fixture
def asked_all(stated) -> list[GoldenCase]:
    """The agreed cases in the order the client asks for them (never the features' order)."""
    cases = list(stated.golden)
    shuffled = random.Random(SHUFFLE_SEED).sample(cases, len(cases))
    assert len(cases) < 2 or shuffled != cases, "the shuffle must not give the features' order"
    return shuffled


def _rows(stated, cases) -> list[dict]:
    return [dict(zip(stated.names, case.values)) for case in cases]


# -- the declaration ---------------------------------------------------------------------------------------------
@then(parsers.re(say.INPUTS.pattern))
def takes_inputs(carried, stated):
    differ = [
        f"{name}: the model carries {carried.input(name).to_dict() if name in carried.names else 'nothing'}, "
        f"the features state {stated.input(name).to_dict() if name in stated.names else 'nothing'}"
        for name in dict.fromkeys([*carried.names, *stated.names])
        if name not in carried.names or name not in stated.names or carried.input(name) != stated.input(name)
    ]
    assert not differ, "; ".join(differ)
    assert carried.names == stated.names, (carried.names, stated.names)


@then(parsers.re(say.CARD.pattern))
def carries_card(carried, stated):
    """The model carries the card its features state, row for row (what it is for, what it was trained on, its owner...)."""
    assert stated.card is not None
    assert carried.card == stated.card, f"the model carries the card {carried.card}, the features state {stated.card}"


@then(parsers.re(say.OUTPUT.pattern))
def answers_output(carried, name, unit, decimals):
    assert (carried.output.name, carried.output.unit, carried.output.decimals) == (name, (unit or "").strip(), int(decimals)), (
        carried.output
    )


# -- asking ------------------------------------------------------------------------------------------------------
@when(Asked(ASK), target_fixture="response")
def ask_one(service, stated, asked):
    row = row_of(stated, asked)
    response = service.ask(query_of(stated, [row]))
    response.asked = [row]
    return response


@when(parsers.re(r"a client asks for the (?P<outputs>\w+) of all agreed (?P<what>\w+) in one request"), target_fixture="response")
def ask_all(service, stated, asked_all):
    response = service.ask(query_of(stated, _rows(stated, asked_all)))
    response.asked = _rows(stated, asked_all)
    return response


@when(parsers.re(r"a client asks for the (?P<outputs>\w+) of each (?P<who>\w+) below"), target_fixture="response")
def ask_table(service, stated, datatable):
    """The rows of the step's own table, asked in one request (in a seeded shuffle of the table's order); each keeps
    its agreed cells (the answer, and a classifier's agreed probability) for the Then step to judge it by."""
    header, *body = datatable
    table = [dict(zip(header, cells)) for cells in body]
    table = random.Random(SHUFFLE_SEED).sample(table, len(table))
    rows = [{spec.name: spec.from_text(cells[spec.name].strip()) for spec in stated.inputs} for cells in table]
    response = service.ask(query_of(stated, rows))
    response.asked, response.agreed = rows, table
    return response


@when(parsers.re(r"a client posts all agreed (?P<what>\w+) as a list"), target_fixture="response")
def post_all(service, stated, asked_all):
    rows = _rows(stated, asked_all)
    body = {spec.name: [json_value(spec, row[spec.name]) for row in rows] for spec in stated.inputs}
    response = service.post(service.path, json.dumps(body))
    response.asked = rows
    return response


@when(parsers.re(r"a client posts all agreed (?P<what>\w+) as a list of records"), target_fixture="response")
def post_records(service, stated, asked_all):
    rows = _rows(stated, asked_all)
    body = [{spec.name: json_value(spec, row[spec.name]) for spec in stated.inputs} for row in rows]
    response = service.post(service.path, json.dumps(body))
    response.asked = rows
    return response


def json_value(spec, value):
    return value  # numbers, categories and yes/no are already what JSON carries; None is null


@when(parsers.parse('a client asks for the {output} with the query "{query}"'), target_fixture="response")
@when(parsers.parse('a client asks for the {output} with the query ""'), target_fixture="response")
def ask_query(service, output, query=""):
    return service.get(f"/{output}", query)


@when(parsers.parse("a client posts the body '{body}'"), target_fixture="response")
def post_body(service, body):
    return service.post(service.path, body)


# -- the agreed answers ------------------------------------------------------------------------------------------
@then(parsers.re(rf"the answer is (?P<value>{say.N})(?: [^,]+?)?, give or take (?P<tolerance>{say.N})(?: .+)?"))
def answer_is(response, stated, value, tolerance):
    assert response.status_code == 200, response.text
    (answer,) = response.json()["response"]
    (row,) = response.asked
    case = GoldenCase(tuple(row[n] for n in stated.names), float(value), float(tolerance))
    assert case.met_by(answer), f"{row}: got {answer}, agreed {value} ± {tolerance}"


@then(parsers.re(r"the answer holds exactly one (?P<output>\w+)"))
def exactly_one(response, output):
    assert len(response.json()["response"]) == 1, response.text


@then(parsers.re(r"there is one answer per (?P<what>\w+), each the agreed (?P<output>\w+) for its (?P=what)"))
@then(parsers.re(rf"each answer is the agreed (?P<output>\w+), give or take (?P<tolerance>{say.N})(?: .+)?"))
@then(parsers.re(say.GOLDEN_LABEL_TABLE.pattern))
def one_per_row(response, stated, golden, output, tolerance=None):
    """Each answer against its row's agreed answer: from the asking step's own table where it had one (with this
    step's tolerance), else the features' agreed rows; a classifier's every answer also as the contract checks one."""
    assert response.status_code == 200, response.text
    answers, probabilities = answers_of(response, stated)
    assert len(answers) == len(response.asked), response.text
    agreed = getattr(response, "agreed", None) or [None] * len(answers)
    for row, cells, answer, chances in zip(response.asked, agreed, answers, probabilities):
        values = tuple(row[n] for n in stated.names)
        if stated.output.is_class:
            case = golden[values] if cells is None else agreed_label(stated, values, cells, tolerance)
            problem = label_problem(stated, case, answer, chances)
            assert problem is None, f"{row}: {problem} (asked in order {response.asked})"
            continue
        case = golden[values] if cells is None else GoldenCase(values, float(cells[output]), 0.0)
        if tolerance is not None:  # the step's own tolerance
            case = GoldenCase(case.values, case.expected, float(tolerance))
        assert case.met_by(answer), f"{row}: got {answer}, agreed {case.expected} (asked in order {response.asked})"


def answers_of(response, stated) -> tuple[list, list]:
    """The answers, and a classifier's probabilities of each answer (one per answer; None for a regression)."""
    body = response.json()
    answers = body["response"]
    if not stated.output.is_class:
        return answers, [None] * len(answers)
    probabilities = body.get("probabilities")
    assert isinstance(probabilities, list) and len(probabilities) == len(answers), f"one set of probabilities per answer: {body}"
    return answers, probabilities


def agreed_label(stated, values: tuple, cells: dict, tolerance: str | None) -> AgreedLabel:
    """The agreed class of a table's row and, where its probability cell is filled and the step gives a tolerance,
    the agreed probability."""
    agreed = (cells.get(say.PROBABILITY_COLUMN) or "").strip()
    probability = float(agreed) if agreed and tolerance is not None else None
    return AgreedLabel(values, cells[stated.output.name].strip(), probability, float(tolerance or 0))


def label_problem(stated, case: AgreedLabel, label, probabilities) -> str | None:
    """What is wrong with a classifier's answer to an agreed row: as an answer (the contract's one check), or against
    the agreed class and probability; None if nothing."""
    problem = stated.output.answer_problem(label, probabilities)
    if problem is not None:
        return problem
    if case.met_by(label, probabilities):
        return None
    agreed = "" if case.probability is None else f", its probability {case.probability} ± {case.tolerance}"
    return f"got {label} ({probabilities}), agreed {case.label}{agreed}"


# An agreed-classes outline's Then step with its cells filled in (an empty probability cell leaves two spaces).
AGREED_LABEL = (
    rf"the answer is (?P<label>[^,<>]+?)"
    rf"(?:, its probability\s+(?:(?P<probability>{say.N})\s+)?give or take (?P<tolerance>{say.N}))?"
)


@then(parsers.re(AGREED_LABEL))
def answer_is_label(response, stated, label, probability, tolerance):
    """An agreed-classes outline's row (its cells written into the step): the class and, where agreed, its probability."""
    assert stated.output.is_class, f"the agreed answer {label!r} is a class, but the model answers a number"
    assert response.status_code == 200, response.text
    (answer,), (chances,) = answers_of(response, stated)
    (row,) = response.asked
    agreed = None if probability is None else float(probability)
    case = AgreedLabel(tuple(row[n] for n in stated.names), label.strip(), agreed, float(tolerance or 0))
    problem = label_problem(stated, case, answer, chances)
    assert problem is None, f"{row}: {problem}"


# -- the response shape ------------------------------------------------------------------------------------------
@then(parsers.parse("the response status is {status:d}"))
def status_is(response, status):
    assert response.status_code == status, f"{response.status_code}: {response.text}"


@then(parsers.parse('the body is a JSON object whose only key is "{key}"'))
def only_key(response, key):
    assert response.headers["content-type"].startswith("application/json")
    assert list(response.json()) == [key], response.text


@then(parsers.parse('"response" is a list of {count:d} number with at most {decimals:d} decimals'))
def list_of_numbers(response, count, decimals):
    values = response.json()["response"]
    assert isinstance(values, list) and len(values) == count, values
    for value in values:
        assert isinstance(value, float | int) and not isinstance(value, bool), value
        assert round(value, decimals) == value, f"{value} has more than {decimals} decimals"


@then(parsers.parse('the error names the {name} and the range "{allowed}"'))
@then(parsers.parse('the error names the {name} and the values "{allowed}"'))
def error_names_range(response, name, allowed):
    detail = response.json()["detail"]
    assert detail and all(set(item) == {"loc", "msg", "type"} for item in detail), detail
    assert any(name in item["loc"] and allowed in item["msg"] for item in detail), detail


def _values(node):
    if isinstance(node, dict):
        for value in node.values():
            yield from _values(value)
    elif isinstance(node, list):
        for value in node:
            yield from _values(value)
    else:
        yield node


@then("the body has no empty, null or NA values")
def no_empty_values(response):
    for value in _values(response.json()):
        assert value is not None and value != "" and str(value).lower() not in {"na", "nan", "null"}, response.text


@then('the health check answers "ok"')
def health_ok(service):
    response = service.get("/health")
    assert response.status_code == 200 and response.json() == {"status": "ok"}, response.text


@then('the readiness check answers "ready" with the model version')
def ready(service, manifest_on_disk):
    response = service.get("/ready")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ready", response.text
    assert body["model_version"] == manifest_on_disk["model_version"], (body, manifest_on_disk["model_version"])


@then("the metadata names the model's fingerprint and training data")
def metadata(service, manifest_on_disk):
    served = service.get("/metadata").json()
    for key in ("model_version", "model", "training_data"):
        expected = manifest_on_disk[key]
        assert served.get(key) == expected, f"{key}: service says {served.get(key)!r}, the manifest file {expected!r}"
