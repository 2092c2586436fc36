"""The FastAPI service (``app.api``) for any contract: the scoring endpoint ``/<output>`` for GET (a row per repeat
of the inputs) and POST (columns or records), errors naming the input and its rule, ``/ready``, ``/metadata`` and the
OpenAPI document, all derived from the model's contract. Tested with the bundled one-number model and the penguin
example of four inputs, as a linear model (a serving form) and as a random forest (its skops file)."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from modelgate.app.main import create_app

from modelgate.settings import Settings
from tests.app.penguins import BILLS, RULES, features_of
from tests.app.support import error_items, own_answers, query


def client_of(model_dir, env: dict | None = None) -> TestClient:
    return TestClient(create_app(model_dir, Settings.from_env(env or {})))


@pytest.fixture(scope="module")
def penguin_client(penguins):
    with client_of(penguins) as client:
        yield client


@pytest.fixture(scope="module")
def forest_client(penguins_forest):
    with client_of(penguins_forest) as client:
        yield client


@pytest.fixture(params=["penguin_client", "forest_client"])
def client(request):
    return request.getfixturevalue(request.param)


ROWS = [
    {"bill_length": 40.0, "flipper_length": 190.0, "island": "Biscoe", "adult": True},
    {"bill_length": 50.0, "flipper_length": None, "island": "Dream", "adult": False},
    {"bill_length": 45.5, "flipper_length": 210.0, "island": "Torgersen", "adult": None},
    {"bill_length": 64.0, "flipper_length": 239.0, "island": "Dream", "adult": True},
]


def written(value) -> str:
    """A value as a query writes it: a yes/no by its spelling, a missing value empty."""
    return {True: "yes", False: "no", None: ""}[value] if value is None or isinstance(value, bool) else str(value)


def as_query(rows: list[dict]) -> str:
    return query([{name: written(value) for name, value in row.items()} for row in rows]).decode()


def model_dir(client) -> str:
    return client.app.state.model_dir


def test_several_rows_answer_alike_by_get_columns_and_records_as_the_model_itself(client):
    by_get = client.get(f"/body_mass?{as_query(ROWS)}")
    columns = {name: [row[name] for row in ROWS] for name in ROWS[0]}
    by_columns = client.post("/body_mass", json=columns)
    by_records = client.post("/body_mass", json=ROWS)
    assert by_get.status_code == by_columns.status_code == by_records.status_code == 200, (by_get.text, by_columns.text)
    assert by_get.content == by_columns.content == by_records.content
    answers = by_get.json()["response"]
    # What scikit-learn answers from the skops file, rounded to the contract's 1 decimal (the features' "1 decimal"):
    # one unit of it allowed for a sum taken in another order, and no more decimals than that.
    for answer, own in zip(answers, own_answers(model_dir(client), ROWS), strict=True):
        assert abs(answer - own) <= 0.1 + 1e-9 and round(answer, 1) == answer, (answer, own)


def test_the_agreed_penguins_score_to_their_agreed_body_mass(client):
    from modelgate.contracts.reader import read_contract

    agreed = read_contract(features_of(model_dir(client))).golden  # the features' table, read afresh
    response = client.post("/body_mass", json=[dict(zip(RULES, case.values)) for case in agreed])
    assert response.status_code == 200, response.text
    for case, answer in zip(agreed, response.json()["response"], strict=True):
        assert case.met_by(answer), (case, answer)


def test_extra_query_parameters_are_ignored_but_extra_fields_are_refused(client):
    for asked in (ROWS[:1], ROWS):  # one row, several: a parameter named once is not a row short
        plain = client.get(f"/body_mass?{as_query(asked)}")
        extra = client.get(f"/body_mass?{as_query(asked)}&source=crm&bill_length_cm=4")
        assert plain.status_code == extra.status_code == 200 and plain.content == extra.content, extra.text
    for body in ({**{k: [v] for k, v in ROWS[0].items()}, "source": ["crm"]}, [{**ROWS[0], "source": "crm"}]):
        response = client.post("/body_mass", json=body)
        (item,) = error_items(response.content)
        assert response.status_code == 422 and item["type"] == "extra_forbidden" and "source" in item["loc"], response.text


def _refused(response, loc: list, kind: str, *words: str) -> dict:
    assert response.status_code == 422, response.text
    items = [item for item in error_items(response.content) if item["loc"] == loc]
    assert items, (loc, response.text)
    (item,) = items
    assert item["type"] == kind and all(word in item["msg"] for word in words), item
    return item


@pytest.mark.parametrize(
    ("name", "bad"), [("bill_length", 65.5), ("flipper_length", 159.0), ("island", "Mars"), ("adult", "maybe")]
)
def test_a_value_not_accepted_is_refused_naming_the_input_and_its_rule(client, name, bad):
    one = as_query([{**ROWS[0], name: bad}]) + "&ignored=1"
    _refused(client.get(f"/body_mass?{one}"), ["query", name], "input_invalid", name, repr(written(bad)), *RULES[name])
    rows = [ROWS[0], {**ROWS[1], name: bad}]
    _refused(client.get(f"/body_mass?{as_query(rows)}"), ["query", name, 1], "input_invalid", *RULES[name])
    columns = {k: [row[k] for row in rows] for k in ROWS[0]}
    _refused(client.post("/body_mass", json=columns), ["body", name, 1], "input_invalid", name, repr(bad), *RULES[name])
    _refused(client.post("/body_mass", json=rows), ["body", 1, name], "input_invalid", name, *RULES[name])


def test_a_missing_value_is_refused_where_the_contract_forbids_it(client):
    item = _refused(
        client.get(f"/body_mass?{as_query([{**ROWS[0], 'bill_length': None}])}"), ["query", "bill_length"], "input_missing"
    )
    assert "may not be missing" in item["msg"] and RULES["bill_length"][0] in item["msg"]
    _refused(
        client.post("/body_mass", json=[ROWS[0], {**ROWS[1], "bill_length": None}]), ["body", 1, "bill_length"], "input_missing"
    )
    columns = {k: [None if k == "bill_length" else v] for k, v in ROWS[0].items()}
    _refused(client.post("/body_mass", json=columns), ["body", "bill_length", 0], "input_missing")
    # Not there at all: named, with the way to ask.
    absent = {k: v for k, v in ROWS[0].items() if k != "island"}
    _refused(client.post("/body_mass", json=[absent]), ["body", 0, "island"], "input_missing", "null where it is missing")
    _refused(client.get(f"/body_mass?{as_query([absent])}"), ["query", "island"], "input_missing", "GET /body_mass?")


def test_a_missing_value_is_answered_where_the_contract_allows_it(client):
    rows = [{**ROWS[0], "flipper_length": None, "adult": None}]
    by_get = client.get(f"/body_mass?{as_query(rows)}")
    by_post = client.post("/body_mass", json=rows)
    assert by_get.status_code == by_post.status_code == 200 and by_get.content == by_post.content, by_get.text
    (answer,) = by_get.json()["response"]
    (own,) = own_answers(model_dir(client), rows)
    assert abs(answer - own) <= 0.1 + 1e-9


@pytest.mark.parametrize(("value", "same_as"), [(True, True), ("yes", True), (False, False), ("no", False)])
def test_a_yes_no_is_true_false_or_its_spelling_in_json(client, value, same_as):
    spelled = client.post("/body_mass", json=[{**ROWS[0], "adult": value}])
    plain = client.get(f"/body_mass?{as_query([{**ROWS[0], 'adult': same_as}])}")
    assert spelled.status_code == 200 and spelled.content == plain.content


@pytest.mark.parametrize("value", [1, 0, "true", "Yes", "", [True]])
def test_a_yes_no_is_nothing_else(client, value):
    _refused(
        client.post("/body_mass", json=[{**ROWS[0], "adult": value}]), ["body", 0, "adult"], "input_invalid", *RULES["adult"]
    )


@pytest.mark.parametrize("value", ["biscoe", " Biscoe", 1, True])
def test_a_category_is_exactly_one_of_its_values(client, value):
    _refused(
        client.post("/body_mass", json=[{**ROWS[0], "island": value}]), ["body", 0, "island"], "input_invalid", *RULES["island"]
    )


def test_every_input_must_give_as_many_rows(client):
    uneven = as_query(ROWS[:2]) + "&island=Dream"
    _refused(client.get(f"/body_mass?{uneven}"), ["query"], "rows_mismatch", "island 3", "bill_length 2")
    columns = {k: [row[k] for row in ROWS[:2]] for k in ROWS[0]} | {"island": ["Dream"]}
    _refused(client.post("/body_mass", json=columns), ["body"], "rows_mismatch")


def test_every_error_of_a_request_is_named_at_once(client):
    rows = [{**ROWS[0], "bill_length": 10.0, "island": "Mars"}, {**ROWS[1], "adult": "maybe"}]
    response = client.post("/body_mass", json=rows)
    assert {tuple(item["loc"]) for item in error_items(response.content)} == {
        ("body", 0, "bill_length"),
        ("body", 0, "island"),
        ("body", 1, "adult"),
    }


def test_ready_says_which_form_answers(any_model):
    with client_of(any_model) as client:
        ready = client.get("/ready").json()
    manifest = json.loads((any_model / "manifest.json").read_text())
    # A serving form is a file of the folder; without one the skops file answers.
    assert ready == {
        "status": "ready",
        "model_version": manifest["model_version"],
        "serving_form": "linear" if (any_model / "serving.json").is_file() else "skops",
    }


def test_metadata_is_the_manifest_the_form_and_the_contract(any_model):
    with client_of(any_model) as client:
        metadata = client.get("/metadata").json()
    on_disk = json.loads((any_model / "manifest.json").read_text())
    assert metadata["contract_terms"] == json.loads((any_model / "contract.json").read_text())
    assert metadata["contract"] == json.loads((any_model / "manifest.json").read_text())["contract"]  # the signed file
    assert metadata["serving_form"] == on_disk["form"]
    for key in set(on_disk) - {"contract"}:  # "contract" names the signed file on disk; the service gives the contract
        assert metadata[key] == on_disk[key], key


def test_a_forest_and_a_line_of_the_same_contract_answer_the_same_way(penguin_client, forest_client):
    """Different models, one contract: the same rows accepted and refused, the same error bytes."""
    for rows in ([ROWS[0], {**ROWS[1], "island": "Mars"}], [{**ROWS[0], "bill_length": None}], [{"bill_length": 40}]):
        line, forest = penguin_client.post("/body_mass", json=rows), forest_client.post("/body_mass", json=rows)
        assert line.status_code == forest.status_code == 422 and line.content == forest.content
    assert penguin_client.get("/openapi.json").json()["paths"] == forest_client.get("/openapi.json").json()["paths"]


def test_the_openapi_document_states_the_contract(penguin_client):
    spec = penguin_client.get("/openapi.json").json()
    assert spec["info"]["title"] == "Penguin body mass model"  # the declaring feature's name
    get, post = spec["paths"]["/body_mass"]["get"], spec["paths"]["/body_mass"]["post"]
    assert {"200", "422", "503"} <= set(get["responses"]) and {"200", "413", "422", "503"} <= set(post["responses"])
    parameters = {p["name"]: p for p in get["parameters"]}
    assert set(parameters) == set(RULES) and all(p["in"] == "query" and p["required"] for p in parameters.values())
    bill = parameters["bill_length"]["schema"]["items"]
    assert bill["exclusiveMinimum"] == 25 and bill["maximum"] == 65 and bill["type"] == "number"
    assert set(parameters["adult"]["schema"]["items"]["enum"]) == {"yes", "no", ""}  # "" is a missing one
    # A number that may be missing: its range, or the empty text of a missing one.
    number, empty = parameters["flipper_length"]["schema"]["items"]["anyOf"]
    assert (number["type"], number["minimum"], number["maximum"]) == ("number", 160, 240) and empty == {
        "type": "string",
        "enum": [""],
    }
    body = post["requestBody"]["content"]["application/json"]["schema"]["oneOf"]
    columns, records = body
    assert set(columns["required"]) == set(RULES) and columns["additionalProperties"] is False
    assert records["items"]["properties"]["island"]["enum"] == ["Biscoe", "Dream", "Torgersen"]
    flipper = records["items"]["properties"]["flipper_length"]["anyOf"]
    assert {"type": "null"} in flipper and any(
        s.get("minimum") == 160 and s.get("maximum") == 240 for s in flipper
    )  # "from 160 to 240"


def test_the_features_of_the_example_are_the_contract_the_model_carries(penguins, penguins_forest):
    from modelgate.contracts.reader import read_contract

    for model in (penguins, penguins_forest):
        assert json.loads((model / "contract.json").read_text()) == read_contract(features_of(model)).to_dict()
    assert BILLS[0] > 25  # the training bills lie inside what the contract accepts: the extrapolation tests need room


def test_the_openapi_document_of_the_one_number_model_states_its_range(trained_model):
    with client_of(trained_model) as client:
        spec = client.get("/openapi.json").json()
    (parameter,) = [p for p in spec["paths"]["/weight"]["get"]["parameters"] if p["in"] == "query"]
    items = parameter["schema"]["items"]
    assert parameter["name"] == "height" and items["exclusiveMinimum"] == 45 and items["maximum"] == 150  # the features' range
