"""Property tests (hypothesis): any accepted rows score as the model says, on both paths (the fast path and
FastAPI) and both methods (a query, JSON columns or records); every refused value is a 422 in the error shape naming
the input, and the row, it was found in.

Run for the model under test (the one being released: its rows drawn from the features' contract, its answers
computed from the coefficients its manifest states, or by scikit-learn from its own file where it states none), for
the penguin example of four inputs of every kind (tests/app), whose answers are scikit-learn's, and for the classifier
examples (the penguins' species, the breast masses' diagnosis): each answer the class and the probability of each
class by name that scikit-learn's own ``predict_proba`` gives, and every answer one the contract's check passes.
"""

from __future__ import annotations

import json
import math
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from modelgate.contracts.facts import GoldenCase
from modelgate.contracts.reader import read_contract
from modelgate.model import artifact
from modelgate.steps.support import ROOT

from fuzz.strategies import columns_body, refused_json, refused_text, rows, text_of
from tests.app.penguins import features_of
from tests.app.support import error_items, own_answers, own_classes

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), database=None)
# How a query reaches each path: as it is (the fast path), with a parameter the service ignores, with a percent sign
# (FastAPI: the fast path does not decode).
VIA = st.sampled_from(["", "&ignored=1", "&via=fast%41pi"])


class Judged:
    """A service under test and what its model must answer."""

    def __init__(self, http, contract, manifest: dict, loaded):
        self.http, self.contract, self.manifest, self.loaded = http, contract, manifest, loaded
        self.path = f"/{contract.output.name}"
        # A bare linear model of numbers: its answer is the coefficients' sum (a Pipeline's coefficients apply to the
        # columns its preprocessing makes, so its own predict says instead).
        bare = "Pipeline" not in manifest["model_type"] and manifest.get("coefficients")
        self.coefficients = manifest["coefficients"] if bare else None
        self.tolerance = contract.golden[0].tolerance if contract.golden else 10.0**-contract.output.decimals

    def check(self, asked: list[dict], response) -> None:
        assert response.status_code == 200, response.text
        if self.contract.output.is_class:
            self.check_classes(asked, response.json())
            return
        answers = response.json()["response"]
        decimals = self.contract.output.decimals
        assert len(answers) == len(asked) and all(round(a, decimals) == a for a in answers), answers
        if self.coefficients is not None:
            c = self.coefficients
            for row, answer in zip(asked, answers):
                line = c["intercept"] + math.fsum(c[name] * value for name, value in row.items())
                assert GoldenCase(tuple(row.values()), line, self.tolerance).met_by(answer), (row, answer, line)
        else:  # scikit-learn's own answer, to the contract's decimals; one unit of them for a sum in another order
            for row, answer, own in zip(asked, answers, own_answers(self.loaded, asked)):
                assert abs(answer - own) <= 10.0**-decimals + 1e-9, (row, answer, own)

    def check_classes(self, asked: list[dict], body: dict) -> None:
        """A classifier's answers: exactly its skops file's classes and rounded probabilities by name, each answer one
        the contract's one check of an answer passes."""
        output = self.contract.output
        assert list(body) == ["response", "probabilities"], body
        labels, probabilities = own_classes(self.loaded, asked)
        assert body == {"response": labels, "probabilities": probabilities}, (asked, body)
        assert [output.answer_problem(a, p) for a, p in zip(body["response"], body["probabilities"])] == [None] * len(asked)

    def query(self, asked: list[dict], replace: tuple[int, str, str] | None = None) -> str:
        pairs = []
        for index, row in enumerate(asked):
            for spec in self.contract.inputs:
                text = text_of(spec, row[spec.name])
                if replace and replace[:2] == (index, spec.name):
                    text = replace[2]
                pairs.append(f"{quote(spec.name)}={quote(text, safe='')}")
        return "&".join(pairs)


@pytest.fixture(scope="module")
def judged(http, stated, manifest, model_loaded) -> Judged:
    return Judged(http, stated, manifest, model_loaded)


@pytest.fixture(scope="module")
def penguin(penguin_http, penguins, penguin_loaded) -> Judged:
    manifest = json.loads((penguins / "manifest.json").read_text())
    return Judged(penguin_http, read_contract(features_of(penguins)), manifest, penguin_loaded)


CLASSIFIERS = {"species": "penguins", "diagnosis": "cancer"}  # the classifier examples, by what they answer


@pytest.fixture(scope="module")
def classifiers(request, classifier_http):
    """Each classifier example's service, by what it answers."""
    found: dict[str, Judged] = {}

    def of(answer: str) -> Judged:
        if answer not in found:
            example = CLASSIFIERS[answer]
            model_dir = request.getfixturevalue(f"{example}_model")
            manifest = json.loads((model_dir / "manifest.json").read_text())
            contract = read_contract(ROOT / "examples" / example / "features")
            assert contract.output.name == answer and contract.output.is_class
            found[answer] = Judged(classifier_http(f"{example}_model"), contract, manifest, artifact.load(model_dir))
        return found[answer]

    return of


@pytest.fixture(params=["judged", "penguin", *CLASSIFIERS])
def service(request, classifiers) -> Judged:
    return classifiers(request.param) if request.param in CLASSIFIERS else request.getfixturevalue(request.param)


def _rows(data, service: Judged, max_rows: int) -> list[dict]:
    # A bare line's coefficients say nothing of a missing value: none is drawn for it.
    return data.draw(rows(service.contract.inputs, max_rows, missing=service.coefficients is None), label="rows")


@SETTINGS
@given(data=st.data(), via=VIA)
def test_any_accepted_rows_score_as_the_model_says_on_get(service, data, via):
    asked = _rows(data, service, 5)
    service.check(asked, service.http.get(f"{service.path}?{service.query(asked)}{via}"))


@SETTINGS
@given(data=st.data(), records=st.booleans())
def test_any_accepted_rows_score_as_the_model_says_on_post(service, data, records):
    asked = _rows(data, service, 20)
    body = json.dumps(asked) if records else columns_body(service.contract.names, asked)
    service.check(asked, service.http.post(service.path, body))


def _place(data, service: Judged, asked: list[dict]):
    index = data.draw(st.integers(0, len(asked) - 1), label="row")
    spec = data.draw(st.sampled_from(service.contract.inputs), label="input")
    return index, spec


def _assert_refused(response, loc: list) -> None:
    assert response.status_code == 422, f"{response.status_code}: {response.text}"
    items = error_items(response.content)
    assert [item["loc"] for item in items] == [loc], (loc, items)


@SETTINGS
@given(data=st.data(), via=VIA)
def test_any_refused_value_in_the_query_is_a_422_naming_it(service, data, via):
    asked = _rows(data, service, 3)
    index, spec = _place(data, service, asked)
    bad = data.draw(refused_text(spec), label="bad")
    loc = ["query", spec.name] if len(asked) == 1 else ["query", spec.name, index]
    _assert_refused(service.http.get(f"{service.path}?{service.query(asked, (index, spec.name, bad))}{via}"), loc)


@SETTINGS
@given(data=st.data(), records=st.booleans())
def test_any_refused_value_in_the_body_is_a_422_naming_it(service, data, records):
    asked = _rows(data, service, 3)
    index, spec = _place(data, service, asked)
    asked[index] = {**asked[index], spec.name: data.draw(refused_json(spec), label="bad")}  # NaN/Infinity: json's tokens
    body = json.dumps(asked) if records else columns_body(service.contract.names, asked)
    _assert_refused(service.http.post(service.path, body), ["body", index, spec.name] if records else ["body", spec.name, index])
