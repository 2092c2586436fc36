"""The service of a classifier (the penguins example, three species; the breast cancer example, two diagnoses with a
positive class and a threshold): each answer is the class and the probability of each class by name, exactly as the
model's own skops file says (``support.own_classes``), byte for byte alike on the fast path and FastAPI, for GET and
POST; the OpenAPI document names every class; a refused value gets the same refusal as a regression of the same
inputs; ``/metadata`` carries the classes as the features state them."""

from __future__ import annotations

import json
import re
import shutil

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from modelgate.app.api import create_api
from modelgate.app.client import ask
from modelgate.app.fast import FastAnswer
from modelgate.app.main import create_app
from modelgate.contracts.inputs import YES_NO
from modelgate.contracts.reader import read_contract
from modelgate.steps.support import ROOT, Fallback, train_into

from modelgate.settings import Settings
from tests.app.support import drawn_rows, error_items, loaded_state, own_classes, query, refusal

CLASSIFIERS = ["penguins_model", "cancer_model"]
EXAMPLE = {"penguins_model": ROOT / "examples" / "penguins", "cancer_model": ROOT / "examples" / "cancer"}


def _text(spec, value) -> str:
    if value is None:
        return ""
    if spec.kind == YES_NO:
        return spec.values[0] if value else spec.values[1]
    return repr(value) if isinstance(value, float) else str(value)


def _query(contract, rows: list[dict]) -> bytes:
    return query([{spec.name: _text(spec, row[spec.name]) for spec in contract.inputs} for row in rows])


def _asked(contract) -> list[list[dict]]:
    """Requests of one row, of a few and of many (every category, and missing values where the contract allows them)."""
    rows = drawn_rows(contract, 200, seed=7)
    return [rows[:1], rows[1:4], rows[4:60], rows[60:]]


def _expected(model_dir, rows: list[dict]) -> dict:
    labels, probabilities = own_classes(model_dir, rows)
    return {"response": labels, "probabilities": probabilities}


@pytest.mark.parametrize("model", CLASSIFIERS)
def test_a_classifier_is_answered_byte_for_byte_alike_on_the_fast_path_and_fastapi(request, model):
    model_dir = request.getfixturevalue(model)
    state = loaded_state(model_dir)
    output = state.contract.output
    behind, api = Fallback(), create_api(state)
    for rows in _asked(state.contract):
        text = _query(state.contract, rows)
        fast, slow = ask(FastAnswer(behind, state), "GET", state.path, text), ask(api, "GET", state.path, text)
        assert behind.seen == [], "the fast path left a request it can answer"
        assert fast.status == slow.status == 200, slow.body
        assert fast.body == slow.body
        for header in ("content-type", "content-length", "x-modelgate-extrapolated"):
            assert fast.headers[header] == slow.headers[header], header
        body = json.loads(fast.body)
        assert list(body) == ["response", "probabilities"] and body == _expected(model_dir, rows)
        assert [list(p) for p in body["probabilities"]] == [list(output.classes)] * len(rows)  # keyed in the stated order
        assert [output.answer_problem(label, p) for label, p in zip(body["response"], body["probabilities"])] == [None] * len(
            rows
        )


@pytest.mark.parametrize("model", CLASSIFIERS)
def test_get_and_post_give_the_same_answer_on_the_whole_service(request, model):
    model_dir = request.getfixturevalue(model)
    contract = loaded_state(model_dir).contract
    path = f"/{contract.output.name}"
    with TestClient(create_app(model_dir, Settings.from_env({}))) as client:
        for rows in _asked(contract)[:3]:
            text = _query(contract, rows).decode()
            fast, slow = client.get(f"{path}?{text}"), client.get(f"{path}?{text}&via=fast%41pi")
            columns = client.post(path, content=json.dumps({n: [r[n] for r in rows] for n in contract.names}))
            records = client.post(path, content=json.dumps(rows))
            assert [r.status_code for r in (fast, slow, columns, records)] == [200] * 4
            assert fast.content == slow.content == columns.content == records.content
            assert fast.json() == _expected(model_dir, rows)


# -- the OpenAPI document --------------------------------------------------------------------------------------------
def _valid(schema: dict, value) -> bool:
    """Does ``value`` meet ``schema``? The keywords an answer's schema uses, judged here."""
    kinds = {"object": dict, "array": list, "string": str, "number": (int, float)}
    if "type" in schema and (not isinstance(value, kinds[schema["type"]]) or isinstance(value, bool)):
        return False
    if "enum" in schema and value not in schema["enum"]:
        return False
    if ("minimum" in schema and value < schema["minimum"]) or ("maximum" in schema and value > schema["maximum"]):
        return False
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        if any(k not in value for k in schema.get("required", [])):
            return False
        if schema.get("additionalProperties") is False and any(k not in properties for k in value):
            return False
        return all(_valid(properties[k], v) for k, v in value.items() if k in properties)
    if isinstance(value, list):
        return all(_valid(schema.get("items", {}), v) for v in value)
    return True


@pytest.mark.parametrize("model", CLASSIFIERS)
def test_the_answer_schema_names_every_class_and_its_probability(request, model):
    model_dir = request.getfixturevalue(model)
    contract = read_contract(EXAMPLE[model] / "features")
    classes = list(contract.output.classes)
    path = f"/{contract.output.name}"
    with TestClient(create_app(model_dir, Settings.from_env({}))) as client:
        document = client.get("/openapi.json").json()
        answer = client.get(f"{path}?{_query(contract, _asked(contract)[1]).decode()}").json()
    for method in ("get", "post"):
        schema = document["paths"][path][method]["responses"]["200"]["content"]["application/json"]["schema"]
        assert schema["required"] == ["response", "probabilities"] and schema["additionalProperties"] is False
        assert schema["properties"]["response"]["items"] == {"type": "string", "enum": classes}
        each = schema["properties"]["probabilities"]["items"]
        assert list(each["properties"]) == classes and each["required"] == classes and each["additionalProperties"] is False
        assert all(p == {"type": "number", "minimum": 0, "maximum": 1} for p in each["properties"].values())
        assert _valid(schema, answer)
        first = answer["probabilities"][0]
        for wrong in (
            {**answer, "response": ["Emperor"]},
            {**answer, "probabilities": [list(first.values())]},  # a bare array
            {**answer, "probabilities": [{k: v for k, v in first.items() if k != classes[0]}]},
            {**answer, "probabilities": [{**first, "Emperor": 0.0}]},
            {"response": answer["response"]},
        ):
            assert not _valid(schema, wrong), wrong
    if contract.output.threshold is not None:
        rule = schema["properties"]["response"]["description"]
        assert f"{contract.output.positive} when its probability is at least {contract.output.threshold:g}" in rule


# -- refusals, as for a regression ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def penguins_twin(tmp_path_factory):
    """A regression of exactly the penguins example's inputs (its inputs table, copied), answering a number."""
    folder = tmp_path_factory.mktemp("twin")
    features = folder / "features"
    features.mkdir()
    declared = _declared()
    sentence = re.search(r"And it answers the species, .+", declared)[0]
    (features / "model.feature").write_text(
        declared.replace(sentence, "And it answers the size in points, rounded to 2 decimals")
    )
    (features / "scoring.feature").write_text(
        "Feature: Agreed sizes\n  Scenario Outline: An agreed size\n    When a client asks for the size of the penguin\n"
        "    Then the answer is <size> points, give or take 100 points\n\n    Examples:\n"
        "      | island | sex    | bill_length_mm | bill_depth_mm | flipper_length_mm | body_mass_g | size |\n"
        "      | Biscoe | female | 35.5           | 16.2          | 195               | 3350        | 20   |\n"
    )
    data = pd.read_csv(EXAMPLE["penguins_model"] / "data" / "penguins.csv", dtype=str, keep_default_na=False)
    data = data[data["flipper_length_mm"] != ""].drop(columns=["species"])
    data["size"] = data["flipper_length_mm"].astype(float) / 10
    data.to_csv(folder / "sizes.csv", index=False, lineterminator="\n")
    return train_into(folder / "model", features, folder / "sizes.csv", estimator="ridge")


GOOD = {"island": "Biscoe", "sex": "female", "bill_length_mm": "35.5", "bill_depth_mm": "16.2"}
GOOD |= {"flipper_length_mm": "195", "body_mass_g": "3350"}
BAD = [
    {"island": "Mars"},
    {"island": "biscoe"},
    {"island": ""},
    {"sex": "unknown"},
    {"bill_length_mm": "24.9"},
    {"flipper_length_mm": "250.5"},
    {"body_mass_g": "heavy"},
    {"body_mass_g": "7000.5"},
]


def test_a_refused_value_gets_the_refusal_a_regression_of_the_same_inputs_gives(penguins_model, penguins_twin):
    with (
        TestClient(create_app(penguins_model, Settings.from_env({}))) as classifier,
        TestClient(create_app(penguins_twin, Settings.from_env({}))) as regression,
    ):
        for change in BAD:
            text = query([GOOD, {**GOOD, **change}]).decode()
            mine, theirs = classifier.get(f"/species?{text}"), regression.get(f"/size?{text}")
            assert mine.status_code == theirs.status_code == 422 and mine.content == theirs.content, change
            (item,) = error_items(mine.content)
            (name,) = change
            assert item["loc"] == ["query", name, 1] and item["msg"].startswith(f"{name} "), item
            records = [dict(GOOD), {**GOOD, **change}]
            body = json.dumps([{k: _json(k, v) for k, v in r.items()} for r in records])
            mine, theirs = classifier.post("/species", content=body), regression.post("/size", content=body)
            assert mine.status_code == theirs.status_code == 422 and mine.content == theirs.content, change
        (item,) = error_items(classifier.get(f"/species?{query([{**GOOD, 'island': 'Mars'}]).decode()}").content)
    # The refusal names the island's values as the features' inputs table lists them.
    (listed,) = re.findall(r"\| island +\|[^|]+\|[^|]+\| category \| ([^|]+?) +\|", _declared())
    assert item == {
        "loc": ["query", "island"],
        "msg": f"island must be one of {', '.join(re.split(', | or ', listed))}; got 'Mars'",
        "type": "input_invalid",
    }


def _declared() -> str:
    return (EXAMPLE["penguins_model"] / "features" / "model.feature").read_text()


def _json(name: str, text: str):
    if name in ("island", "sex"):
        return text or None
    try:
        return float(text) if text else None
    except ValueError:
        return text


# -- /metadata -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("model", CLASSIFIERS)
def test_the_metadata_carries_the_classes_as_the_features_state_them(request, model, tmp_path):
    model_dir = request.getfixturevalue(model)
    copy = tmp_path / "model"
    shutil.copytree(model_dir, copy)
    with TestClient(create_app(copy, Settings.from_env({}))) as client:
        found = client.get("/metadata").json()
    manifest = json.loads((copy / "manifest.json").read_text())
    assert found["model_version"] == manifest["model_version"] and found["serving_form"] == "logistic"
    assert found["contract_terms"] == json.loads((copy / "contract.json").read_text())
    stated = read_contract(EXAMPLE[model] / "features").output
    output = found["contract_terms"]["output"]
    assert (output["kind"], output["classes"], output["positive"], output["threshold"]) == (
        "class",
        list(stated.classes),
        stated.positive,
        stated.threshold,
    )
    assert found["metrics"]["cv"]["folds"] == 5 and set(stated.classes) == {
        k.removeprefix("F1 for ") for k in found["metrics"]["cv"] if k.startswith("F1 for ")
    }


def test_a_classifier_counts_its_extrapolations_alike_on_both_paths_and_refuses_them_when_told(penguins_model):
    """A training penguin, and the same penguin with a bill a millimetre longer than the longest training bill (read
    from the training file here): the second is an extrapolation, counted in the header of a classifier's answer as
    of a regression's, and refused by a service told to refuse them, naming the value and the training span."""
    training = pd.read_csv(EXAMPLE["penguins_model"] / "data" / "penguins.csv")
    bills = training["bill_length_mm"].dropna().astype(float).tolist()
    answered, refusing = loaded_state(penguins_model), loaded_state(penguins_model, "refuse")
    contract = answered.contract
    first = training.dropna().iloc[0]
    inside = {name: first[name] if isinstance(first[name], str) else float(first[name]) for name in contract.names}
    outside = {**inside, "bill_length_mm": max(bills) + 1}
    for rows, count in (([inside], 0), ([inside, outside, outside], 2)):
        text = _query(contract, rows)
        behind = Fallback()
        fast = ask(FastAnswer(behind, answered), "GET", answered.path, text)
        slow = ask(create_api(answered), "GET", answered.path, text)
        assert behind.seen == [] and fast.status == slow.status == 200 and fast.body == slow.body, slow.body
        assert fast.headers["x-modelgate-extrapolated"] == slow.headers["x-modelgate-extrapolated"] == str(count)
    refused = ask(create_api(refusing), "GET", refusing.path, _query(contract, [outside]))
    assert refused.status == 422 and error_items(refused.body) == [
        {
            "loc": ["query", "bill_length_mm"],
            "msg": refusal("bill_length_mm", max(bills) + 1, f"{min(bills):g} to {max(bills):g} mm"),
            "type": "extrapolation",
        }
    ]
