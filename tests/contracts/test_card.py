"""The model's card: read from the features into the contract (and so into the model folder), every row required,
and required itself to package or release a model. Each problem is one line naming the file and line."""

from __future__ import annotations

import re
import shutil

import pytest
from modelgate.contracts.card import HOW, ROWS, Card
from modelgate.contracts.contract import Contract
from modelgate.contracts.reader import ContractError, read_contract
from modelgate.steps.support import FEATURES, ROOT, TRAINING_DATA

from modelgate.cli import main
from tests.contracts.folders import line_of, number_of

MODELS = [FEATURES, *sorted((ROOT / "examples").glob("*/features"))]


@pytest.mark.parametrize("features", MODELS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_models_features_state_its_whole_card(features):
    card = read_contract(features).card
    assert isinstance(card, Card)
    assert [what for what, _ in card.rows()] == list(ROWS)
    assert all(says.strip() for _, says in card.rows())


def test_the_bundled_card_says_the_data_is_generated_and_how_and_names_the_owner():
    card = read_contract(FEATURES).card
    assert card.population.startswith("240 generated people, not real ones")
    assert "normal distribution around 66 inches" in card.population and "55 and 80 inches" in card.population
    assert "5 pounds per inch" in card.population and "12 pounds" in card.population
    assert card.owner == "The modelgate maintainers, who run this repository's release chain"


def test_the_card_travels_in_the_contract_and_back():
    contract = read_contract(FEATURES)
    again = Contract.loads(contract.dumps())
    assert again.card == contract.card and again == contract
    assert '"owner": "The modelgate maintainers' in contract.dumps().decode()


@pytest.fixture
def features(tmp_path):
    copy = tmp_path / "features"
    shutil.copytree(FEATURES, copy)
    return copy


def _drop_row(features, what: str) -> int:
    """Remove the card's row ``what`` from model.feature; the line of the card's step."""
    path = features / "model.feature"
    lines = path.read_text().splitlines(keepends=True)
    path.write_text("".join(line for line in lines if not line.strip().startswith(f"| {what} ")))
    return next(n for n, line in enumerate(lines, 1) if "its card reads" in line)


def test_a_card_without_its_owner_is_one_line_naming_the_file_the_line_and_the_owner(features):
    line = _drop_row(features, "owner")
    with pytest.raises(ContractError) as raised:
        read_contract(features)
    assert raised.value.problems == [
        f"{features / 'model.feature'}, line {line}: the model's card states no owner (a row '| owner | … |')"
    ]


def test_a_card_row_of_another_name_or_empty_is_named(features):
    path = features / "model.feature"
    text = re.sub(r"\| period +\|[^|]*\|", "| period | |", path.read_text()).replace("| owner              |", "| owned by |")
    path.write_text(text)
    with pytest.raises(ContractError) as raised:
        read_contract(features)
    problems = raised.value.problems
    assert len(problems) == 2, problems  # the misspelt row is the owner missing: one line, not two
    assert "the card has a row 'owned by'" in problems[0] or "the card has a row 'owned by'" in problems[1]
    assert any("the card's 'period' is empty" in p for p in problems)
    assert not any("states no owner" in p for p in problems)


def without_card(features) -> None:
    path = features / "model.feature"
    text = path.read_text()
    start = text.index("  Scenario: The model's card")
    end = text.index("  Scenario:", start + 1)
    path.write_text(text[:start] + text[end:])


def test_features_without_a_card_are_read_but_not_packaged(features, tmp_path, capsys):
    without_card(features)
    assert read_contract(features).card is None  # readable: the card is required to package and release
    out = tmp_path / "model"
    assert main(["train", "--features", str(features), "--data", str(TRAINING_DATA), "--out", str(out)]) == 2
    err = capsys.readouterr().err.splitlines()
    # one problem is one line (issue 22): what is missing, naming the folder
    assert err[0].startswith(f"modelgate: error: {features}: no model's card (what it is for, trained on, period, not to be")
    assert len(err) == 1 and not out.exists()


def test_the_gate_refuses_features_without_a_card_in_one_reason(features, trained_model, tmp_path, capsys):
    without_card(features)
    junit = tmp_path / "junit"
    junit.mkdir()
    (junit / "unit.xml").write_text('<testsuite name="unit" tests="1"><testcase name="t" classname="c"/></testsuite>')
    code = main(["gate", str(junit), "--model", str(trained_model), "--features", str(features)])
    verdict = capsys.readouterr().err.strip().splitlines()[-1]
    assert code == 1
    assert verdict.startswith("gate: FAILED: the features' contract: ")
    assert f"{features}: no model's card (what it is for" in verdict


def test_the_service_shows_the_card_the_model_carries(trained_model):
    from tests.app.test_api import client_of

    with client_of(trained_model) as client:
        card = client.get("/metadata").json()["contract_terms"]["card"]
    assert card == read_contract(FEATURES).card.to_dict()
    assert card["owner"] and card["purpose"].startswith("Showing how a model's release is gated")


def _card_refused(features, change) -> tuple[list[str], object, list[str]]:
    """The problems reading the features after ``change`` rewrote model.feature's lines; that file and its new lines."""
    path = features / "model.feature"
    lines = change(path.read_text(encoding="utf-8").splitlines())
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ContractError) as raised:
        read_contract(features)
    return raised.value.problems, path, lines


def test_a_card_row_is_named_as_the_reviewer_writes_it_capitalised_or_with_a_colon(features):
    path = features / "model.feature"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("| owner              |", "| Owner:             |").replace("| period ", "| Period "))
    card = read_contract(features).card
    assert card.owner.startswith("The modelgate maintainers") and card.period.startswith("No period")


def test_an_empty_card_row_names_its_own_line(features):
    problems, *_ = _card_refused(features, lambda lines: [re.sub(r"\| period +\|[^|]*\|", "| period | |", x) for x in lines])
    assert problems == [f"{line_of(features, 'model.feature', '| period')}: the card's 'period' is empty"]


def _card_rows(lines: list[str]) -> range:
    return range(number_of(lines, "Then its card reads"), number_of(lines, "| owner "))  # 0-based indexes of the card's rows


@pytest.mark.parametrize("columns", [1, 3])
def test_a_card_table_of_other_than_two_columns_names_each_row_not_a_traceback(features, columns):
    def change(lines):
        rows = _card_rows(lines)
        reshaped = (lambda x: x[: x.index("|", x.index("|") + 1) + 1]) if columns == 1 else (lambda x: x + " more |")
        return [reshaped(x) if n in rows else x for n, x in enumerate(lines)]

    problems, path, lines = _card_refused(features, change)
    rows = _card_rows(lines)
    assert len(problems) == len(ROWS) == len(rows)
    for problem, n, what in zip(problems, rows, ROWS, strict=True):
        assert (
            problem
            == f"{path}, line {n + 1}: the card has a row {what!r}; its rows are {', '.join(ROWS)}, each with what it says"
        )


def test_a_card_row_stated_twice_is_named_at_the_second(features):
    def change(lines):
        owner = number_of(lines, "| owner ")
        return [*lines[:owner], lines[owner - 1].replace("The modelgate", "Another"), *lines[owner:]]

    problems, *_ = _card_refused(features, change)
    assert problems == [f"{line_of(features, 'model.feature', '| Another')}: the card states 'owner' twice"]


def test_a_card_missing_two_rows_names_both_in_one_line(features):
    problems, *_ = _card_refused(features, lambda lines: [x for x in lines if not x.strip().startswith(("| period", "| owner"))])
    card = line_of(features, "model.feature", "Then its card reads")
    assert problems == [f"{card}: the model's card states no period and no owner (a row '| period | … |')"]


def test_a_card_step_without_its_table_is_one_line(features):
    def change(lines):
        rows = _card_rows(lines)
        return [x for n, x in enumerate(lines) if n not in rows]

    problems, *_ = _card_refused(features, change)
    card = line_of(features, "model.feature", "Then its card reads")
    assert problems == [f"{card}: the model's card needs its table ({HOW})"]


def test_a_card_read_back_without_a_row_has_it_empty_and_every_row_as_text():
    # A contract file written by hand or by an older modelgate may lack a row: it reads as empty, never as "None".
    card = Card.from_dict({"owner": "Risk team", "period": 2024})
    assert card.owner == "Risk team" and card.period == "2024"
    assert [says for what, says in card.rows() if what not in ("owner", "period")] == [""] * (len(ROWS) - 2)
