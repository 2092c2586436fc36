"""Every agreed number states where it comes from and who owns it: a table of two rows under its step, read into the
contract (and so into the model folder, the sign-off and the report). A table that is not one stops packaging with one
line naming file and line; a number without one fails the release gate, one line each."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from gherkin.parser import Parser
from modelgate.contracts import rationale
from modelgate.contracts.contract import Contract
from modelgate.contracts.reader import ContractError, read_contract, read_steps
from modelgate.steps.support import FEATURES, ROOT

from modelgate.gate import evaluate
from modelgate.gate_output import table
from modelgate.signoff import changes
from tests.modelgate.test_gate import case, suite

MODELS = [FEATURES, *sorted((ROOT / "examples").glob("*/features"))]
NUMBER = re.compile(r"(?<![\w<])[+-]?[0-9]+(?:\.[0-9]+)?(?![\w>])")


def _tabled_steps(folder: Path) -> list[tuple[Path, dict]]:
    """Every step of the features below ``folder`` with its data table, read with the Gherkin parser here."""
    found = []
    for path in sorted(folder.rglob("*.feature")):
        feature = Parser().parse(path.read_text(encoding="utf-8")).get("feature") or {}
        for child in feature.get("children", []):
            for item in child["rule"]["children"] if "rule" in child else [child]:
                scenario = item.get("scenario") or item.get("background") or {}
                found += [(path, step) for step in scenario.get("steps", []) if step.get("dataTable")]
    return found


def _cells(step: dict) -> list[list[str]]:
    return [[c["value"].strip() for c in row["cells"]] for row in step["dataTable"]["rows"]]


@pytest.mark.parametrize("features", MODELS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_agreed_number_of_every_model_states_its_source_and_owner(features):
    assert rationale.unsourced(read_steps(features).steps) == []
    # Independently of the reader: the steps whose table is a source and an owner, and the numbers their text holds.
    sourced = []
    for _, step in _tabled_steps(features):
        cells = _cells(step)
        if cells[0][0] == "source":  # a rationale under its step
            sourced.append((step["text"], dict(cells)))
        elif cells[0][0] == "input" and "source" in cells[0]:  # an inputs table: each number's accepted range
            for row in (dict(zip(cells[0], r)) for r in cells[1:]):
                if row["source"]:
                    unit = f" {row['unit']}" if row["unit"] else ""
                    sourced.append((f"{row['input']}: {row['accepted']}{unit}", {"source": row["source"], "owner": row["owner"]}))
    assert sourced, "no step of these features states a source"
    assert all(NUMBER.search(text) for text, _ in sourced), "a source under a step that states no number"
    carried = [(r.stated, {"source": r.source, "owner": r.owner}) for r in read_contract(features).rationales]
    assert carried == sourced
    assert all(len(r.source) >= 20 and r.owner for r in read_contract(features).rationales)


def test_the_bundled_numbers_name_their_sources():
    by = {r.stated: r for r in read_contract(FEATURES).rationales}
    typical = by["on people it was not trained on, its typical error is at most 11 pounds"]
    assert "12 pounds" in typical.source and typical.owner == "The modelgate maintainers"
    assert (
        "stability index in credit scoring" in by["the file is refused, its heights' stability index being at least 0.25"].source
    )
    assert len(by) == 14  # R² band, typical error, 2 per group, 2 ranges, accepted heights, plausible weights, margin, 4 drift,
    # tolerance


def _copy(tmp_path: Path, features: Path = FEATURES) -> Path:
    copied = tmp_path / "features"
    shutil.copytree(features, copied)
    return copied


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


def _passed_suite(tmp_path: Path) -> Path:
    """A folder of JUnit results in which every test passed: what the gate then fails on is the features alone."""
    results = tmp_path / "junit"
    results.mkdir()
    suite(results, "unit", case("test_a"))
    return results


def test_a_number_without_its_source_fails_the_gate_naming_the_file_line_and_step(tmp_path):
    features = _copy(tmp_path)
    quality = features / "quality.feature"
    lines = quality.read_text(encoding="utf-8").splitlines()
    at = _line(quality, "typical error is at most 11 pounds")
    assert lines[at].strip().startswith("| source |") and lines[at + 1].strip().startswith("| owner ")
    quality.write_text("\n".join(lines[:at] + lines[at + 2 :]) + "\n", encoding="utf-8")
    results = _passed_suite(tmp_path)
    verdict = evaluate(results, model_version="abc123", features_dir=features)
    assert not verdict.passed
    assert verdict.unsourced == [
        f"{quality}, line {at}: 'on people it was not trained on, its typical error is at most 11 pounds' "
        f"states no source and owner ({rationale.HOW})"
    ]
    assert f"1 agreed number(s) in {features} state no source and owner (each listed above)" in verdict.reasons
    assert f"  {verdict.unsourced[0]}" in table(verdict)
    # Read, the contract still holds every other number's source: the gate, not packaging, refuses the missing one.
    assert len(read_contract(features).rationales) == 13

    sourced = evaluate(results, model_version="abc123", features_dir=FEATURES)
    assert sourced.unsourced == [] and not any("source" in r for r in sourced.reasons)


def test_an_accepted_range_of_the_inputs_table_without_its_source_fails_the_gate(tmp_path):
    features = tmp_path / "features"
    shutil.copytree(ROOT / "examples" / "diabetes" / "features", features)
    declared = features / "model.feature"
    lines = declared.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith("| age "))
    cells = lines[at].split("|")
    cells[-3] = " " * len(cells[-3])  # the source column left empty, the owner kept
    lines[at] = "|".join(cells)
    declared.write_text("\n".join(lines) + "\n", encoding="utf-8")
    verdict = evaluate(_passed_suite(tmp_path), model_version="abc123", features_dir=features)
    assert not verdict.passed
    assert verdict.unsourced == [
        f"{declared}, line {at + 1}: 'age: from 18 to 90 years' states no source and owner ({rationale.TABLE_HOW})"
    ]
    assert "age: from 18 to 90 years" not in {r.stated for r in read_contract(features).rationales}


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        ("| sourced | the maintainers' choice |", "the limit has a row 'sourced'; its rows are source, owner"),
        ("| source |  |", "the limit's 'source' is empty"),
    ],
)
def test_a_table_that_is_not_a_source_and_owner_stops_packaging_in_one_line(tmp_path, row, problem):
    features = _copy(tmp_path)
    risk = features / "risk.feature"
    at = _line(risk, "below the warning level of 0.1") + 1
    lines = risk.read_text(encoding="utf-8").splitlines()
    lines[at - 1] = "      " + row
    risk.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ContractError) as refused:
        read_contract(features)
    assert len(refused.value.problems) == 1  # a misspelt row is the one missing: said once
    assert refused.value.problems[0].startswith(f"{risk}, line {at}: {problem}")


@pytest.mark.parametrize(
    ("owner_row", "line", "problem"),
    [
        (["      | source | again |"], 2, "the limit states 'source' twice"),
        ([], 0, "the limit states no owner (a row '| owner | … |')"),  # named at the step
    ],
)
def test_a_table_stating_its_source_twice_or_no_owner_is_named_once(tmp_path, owner_row, line, problem):
    features = _copy(tmp_path)
    risk = features / "risk.feature"
    at = _line(risk, "below the warning level of 0.1")
    lines = risk.read_text(encoding="utf-8").splitlines()
    assert lines[at + 1].strip().startswith("| owner ")
    risk.write_text("\n".join([*lines[: at + 1], *owner_row, *lines[at + 2 :]]) + "\n", encoding="utf-8")
    with pytest.raises(ContractError) as refused:
        read_contract(features)
    assert refused.value.problems == [f"{risk}, line {at + line}: {problem}"]


@pytest.mark.parametrize(
    ("text", "states"),
    [
        ("each answer is the agreed species, its probability give or take 0.01", True),
        ("each answer is the agreed species", False),
        ("the answer is <species>", False),
        ("it answers the diagnosis, one of malignant or benign, with the probability of each rounded to 4 decimals", False),
        (
            "it answers the diagnosis, one of malignant or benign, malignant being the positive class when its probability"
            " is at least 0.3, with the probability of each rounded to 4 decimals",
            True,
        ),
        ("a file of 100 or more heights is judged for drift", True),
        ("the file is scored", False),
    ],
)
def test_a_step_states_a_number_only_where_its_sentence_holds_one(text, states):
    assert rationale.is_limit(text) is states


def test_sources_travel_in_the_contract_and_a_contract_without_keeps_its_bytes():
    contract = read_contract(FEATURES)
    assert Contract.loads(contract.dumps()) == contract
    assert '"rationales": [' in contract.dumps().decode()
    bare = Contract.from_dict({k: v for k, v in contract.to_dict().items() if k != "rationales"})
    assert "rationales" not in bare.to_dict()


def test_a_changed_source_is_what_moved_since_the_sign_off(tmp_path):
    features = _copy(tmp_path)
    _edit(features / "quality.feature", "11 pounds leaves room for a line fitted on 240 people", "a guess")
    moved = changes(read_contract(FEATURES), read_contract(features))
    assert len(moved) == 1 and moved[0].startswith(
        "the source of 'on people it was not trained on, its typical error is at most 11 pounds': 'The generated scatter"
    )
    assert moved[0].endswith("(the model today: 9.4); a guess'")


def test_the_report_lists_each_number_with_its_source_and_flags_one_without():
    from types import SimpleNamespace

    from modelgate.report.card import sources_section

    contract = read_contract(FEATURES)
    page = sources_section(SimpleNamespace(stated=contract, unsourced=[]))
    rows = re.findall(r"<tr><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td></tr>", page)
    assert [row[0] for row in rows] == [r.stated.replace("'", "&#x27;").replace("<", "&lt;").replace(">", "&gt;")
                                        for r in contract.rationales]  # fmt: skip
    assert len(rows) == 14 and "alert" not in page
    flagged = sources_section(SimpleNamespace(stated=contract, unsourced=[("features/quality.feature, line 17", "its R²")]))
    assert "1 agreed number(s) state no source and owner" in flagged and "features/quality.feature, line 17: its R²" in flagged


def test_a_number_that_moved_with_its_source_kept_is_the_numbers_change_only(tmp_path):
    features = _copy(tmp_path)
    _edit(features / "quality.feature", "between 0.60 and 0.95", "between 0.55 and 0.95")
    assert changes(read_contract(FEATURES), read_contract(features)) == ["the R² band: 0.6 to 0.95 → 0.55 to 0.95"]


# Two sign-offs' rationales compared directly (the expected lines written out here, as the sign-off shows them).
TYPICAL = rationale.Rationale("its typical error is at most 11 pounds", "a line fitted on 240 people", "the maintainers")
BAND = rationale.Rationale("its R² is between 0.6 and 0.95", "the scatter's spread", "the maintainers")


def test_a_number_whose_source_is_added_or_dropped_shows_none_stated():
    assert rationale.changes((BAND,), (BAND, TYPICAL)) == [
        "the source of 'its typical error is at most 11 pounds': none stated → 'a line fitted on 240 people'",
        "the owner of 'its typical error is at most 11 pounds': none stated → 'the maintainers'",
    ]
    assert rationale.changes((TYPICAL, BAND), (BAND,), "against") == [
        "the source of 'its typical error is at most 11 pounds': 'a line fitted on 240 people' against none stated",
        "the owner of 'its typical error is at most 11 pounds': 'the maintainers' against none stated",
    ]


def test_a_number_changed_with_its_source_kept_is_skipped_and_the_next_one_still_read():
    eleven_to_twelve = rationale.Rationale(TYPICAL.stated.replace("11", "12"), TYPICAL.source, TYPICAL.owner)
    dropped = rationale.Rationale("its typical error is at most 3 pounds worse", "the production model's", "the owners")
    assert rationale.changes((TYPICAL, dropped, BAND), (eleven_to_twelve, BAND)) == [
        "the source of 'its typical error is at most 3 pounds worse': \"the production model's\" → none stated",
        "the owner of 'its typical error is at most 3 pounds worse': 'the owners' → none stated",
    ]


def test_a_source_shared_with_a_step_on_both_sides_does_not_hide_a_dropped_one():
    same_source = rationale.Rationale("its R² is at least 0.5", BAND.source, BAND.owner)
    assert rationale.changes((BAND, same_source), (BAND,)) == [
        "the source of 'its R² is at least 0.5': \"the scatter's spread\" → none stated",
        "the owner of 'its R² is at least 0.5': 'the maintainers' → none stated",
    ]
    assert rationale.changes((BAND,), (BAND, same_source)) == [
        "the source of 'its R² is at least 0.5': none stated → \"the scatter's spread\"",
        "the owner of 'its R² is at least 0.5': none stated → 'the maintainers'",
    ]


def test_a_step_is_quoted_with_its_spaces_made_single():
    spaced = rationale.Rationale("  its typical  error\n is at most 11 pounds ", "a guess", TYPICAL.owner)
    assert (
        rationale.changes((), (spaced,))[0] == "the source of 'its typical error is at most 11 pounds': none stated → 'a guess'"
    )


def test_a_rationale_read_back_without_a_row_holds_empty_text():
    assert rationale.Rationale.from_dict({"stated": TYPICAL.stated, "source": "a guess"}) == rationale.Rationale(
        TYPICAL.stated, "a guess", ""
    )


def test_a_source_changed_beside_a_number_that_moved_with_that_source_is_still_named():
    eleven_to_twelve = rationale.Rationale(TYPICAL.stated.replace("11", "12"), TYPICAL.source, TYPICAL.owner)
    band = rationale.Rationale(BAND.stated, TYPICAL.source, TYPICAL.owner)  # the band once shared the source
    assert rationale.changes((TYPICAL, band), (eleven_to_twelve, BAND)) == [
        "the source of 'its R² is between 0.6 and 0.95': 'a line fitted on 240 people' → \"the scatter's spread\""
    ]
