"""Quality per group: the features bound the typical error in each group of an input (bands of a number cut at the
stated points, or a category's values) and the gap between the best and the worst group. Read into the contract,
judged by the quality step from the cross-validation recomputed there: a model accurate for all but one group fails,
naming that group, while its typical error over everyone still passes."""

from __future__ import annotations

import csv
import re
import shutil
import subprocess
import sys

import pytest
from modelgate.contracts.contract import Contract
from modelgate.contracts.facts import GroupLimit
from modelgate.contracts.reader import ContractError, read_contract
from modelgate.steps.support import FEATURES, ROOT, TRAINING_DATA

from modelgate.cli import main
from tests.contracts.folders import line_of

GROUPED = "typical error for each height group split at 62 and 70 inches is at most 12 pounds"
GAP = "the typical errors of its best and worst height groups differ by at most 3 pounds"


def test_the_bundled_contract_bounds_each_height_group_as_its_quality_feature_says():
    text = (FEATURES / "quality.feature").read_text(encoding="utf-8")
    assert GROUPED in text and GAP in text
    (found,) = read_contract(FEATURES).groups
    assert found == GroupLimit("height", 12.0, (62.0, 70.0), 3.0)
    assert Contract.loads(read_contract(FEATURES).dumps()).groups == (found,)


@pytest.mark.parametrize(
    ("value", "group"),
    [
        (55.0, "below 62"),
        (61.99, "below 62"),
        (62.0, "62 up to 70"),
        (69.9, "62 up to 70"),
        (70.0, "70 and over"),
        (None, "missing"),
    ],
)
def test_each_cut_point_opens_the_band_above_it(value, group):
    assert GroupLimit("height", 12.0, (62.0, 70.0)).group_of(value) == group


def test_a_group_over_its_limit_and_a_gap_too_wide_are_each_one_line():
    limit = GroupLimit("height", 12.0, (62.0, 70.0), 3.0)
    assert limit.problems({"below 62": 9.0, "62 up to 70": 9.7, "70 and over": 11.9}) == []
    assert limit.problems({"below 62": 9.0, "62 up to 70": 12.0, "70 and over": 12.5}) == [
        "height 70 and over: typical error 12.5, agreed at most 12",
        "height: best group (below 62) and worst (70 and over) differ by 3.5, agreed at most 3",
    ]
    assert GroupLimit("island", 1.0).group_of("Dream") == "Dream"


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("each height group split", "each age group split", "'age' is not an input of the contract"),
        (" split at 62 and 70 inches", "", "a number input's groups need their cut points"),
        ("split at 62 and 70 inches", "split at 70 and 62 inches", "the cut points of 'height' must rise, each once"),
        ("split at 62 and 70 inches", "split at 62 and 70 cm", "the cut points are in 'cm', but height is in 'inches'"),
        ("worst height groups", "worst age groups", "no typical error per age group is stated for this gap to bound"),
        ("split at 62 and 70 inches", "split at tall and short inches", "a number input's groups need their cut points"),
        ("inches is at most 12 pounds", "inches is at most 12 kg", "the unit is 'kg', but the model answers in 'pounds'"),
    ],
)
def test_groups_the_contract_cannot_judge_stop_packaging_in_one_line(tmp_path, old, new, problem):
    problems, quality = _problems_of(tmp_path, "bundled", old, new)
    where = _where(quality, "best and worst" if "groups" in old else "typical error for each")
    # One line, but where the group sentence names another input: then the gap of height's groups bounds nothing too.
    assert len(problems) == (2 if "age group split" in new else 1), problems
    assert problems[0].startswith(f"{where}: {problem}")


def _curved(into) -> None:
    """The bundled training people, the tall ones heavier than the line by 2 pounds for each square inch over 70."""
    with open(TRAINING_DATA, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with open(into, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["height", "weight"])
        for row in rows:
            height, weight = float(row["height"]), float(row["weight"])
            out.writerow([row["height"], round(weight + (2 * (height - 70) ** 2 if height >= 70 else 0), 1)])


def test_a_model_accurate_for_all_but_the_tall_fails_the_group_scenario_naming_that_group(tmp_path, capsys):
    features = tmp_path / "features"
    shutil.copytree(FEATURES, features, ignore=shutil.ignore_patterns("signoffs.jsonl"))
    (tmp_path / "data").mkdir()
    _curved(tmp_path / "data" / "curved.csv")  # beside the features, where the steps look for the data the record names
    model = tmp_path / "model"
    assert main(["train", "--features", str(features), "--data", str(tmp_path / "data" / "curved.csv"), "--out", str(model)]) == 0
    capsys.readouterr()
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "steps", "-q", "-p", "no:cacheprovider", "-o", f"bdd_features_base_dir={features}",
         "--model", str(model), "-m", "model", "-k", "short_as_for_tall or typical_error_is_small", "-rA"],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    assert run.returncode == 1, run.stdout[-2000:]
    assert re.search(r"PASSED .*typical_error_is_small", run.stdout), run.stdout[-2000:]  # over everyone: within 11
    assert re.search(r"FAILED .*short_as_for_tall", run.stdout), run.stdout[-2000:]
    assert re.search(r"over the agreed 12 in height 70 and over \(50 rows\): 1[3-9]\.\d{4}", run.stdout), run.stdout[-2000:]
    assert "below 62" not in run.stdout.split("over the agreed 12 in", 1)[1].splitlines()[0]

    # The report's table says the same, from the model's record: the tall people's group over its limit, flagged.
    from tests.modelgate.test_report import results

    out = tmp_path / "page.html"
    main(["report", "--out", str(out), "--features", str(features), "--model", str(model), *results(tmp_path)])
    table = re.search(r"<h3>Typical error by height group</h3>.*?</table>", out.read_text()).group(0)
    assert re.findall(r'<td class="cat">([^<]+)</td>', table) == ["below 62", "62 up to 70", "70 and over"]
    assert "<b>2 group limit(s) broken:</b>" in table and "<li>height 70 and over: typical error 1" in table
    assert "<li>height: best group (below 62) and worst (70 and over) differ by " in table
    assert re.search(r'70 and over</td><td class="num">50</td><td class="num">1[3-9]\.\d\d</td><td>OVER the limit</td>', table)


def test_groups_come_in_order_and_only_those_with_rows_are_recorded():
    import numpy as np
    from modelgate.model.metrics import by_group

    limit = GroupLimit("height", 12.0, (62.0, 70.0))
    assert limit.labels() == ["below 62", "62 up to 70", "70 and over", "missing"]
    assert GroupLimit("island", 1.0).labels(("Biscoe", "Dream")) == ["Biscoe", "Dream", "missing"]
    found = by_group(limit, (), np.array([75.0, 60.0, 80.0, 66.0]), np.array([-2.0, 1.0, 4.0, -0.5]))
    assert found == {
        "below 62": {"rows": 1, "mae": 1.0},
        "62 up to 70": {"rows": 1, "mae": 0.5},
        "70 and over": {"rows": 2, "mae": 3.0},
    }


def _problems_of(tmp_path, model: str, old: str, new: str) -> tuple[list[str], object]:
    """The problems reading a copy of ``model``'s features (the bundled ones, or examples/<model>) with ``old`` in its
    quality feature replaced by ``new``, and that feature's path."""
    features = tmp_path / "features"
    shutil.copytree(FEATURES if model == "bundled" else ROOT / "examples" / model / "features", features)
    quality = features / "quality.feature"
    text = quality.read_text(encoding="utf-8")
    assert old in text
    quality.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ContractError) as refused:
        read_contract(features)
    return refused.value.problems, quality


def _where(quality, needle: str) -> str:
    """``<path>, line N``: where ``needle`` is written in that quality feature (on one line only)."""
    return line_of(quality.parent, quality.name, needle)


def test_a_category_input_is_grouped_by_its_values_and_cut_points_for_it_are_one_line(tmp_path):
    (sex,) = read_contract(ROOT / "examples" / "diabetes" / "features").groups
    assert sex == GroupLimit("sex", 55.0, (), 10.0)  # the quality feature: at most 55 points, 10 apart
    problems, quality = _problems_of(tmp_path, "diabetes", "each sex group is", "each sex group split at 1 and 2 is")
    assert problems == [f"{_where(quality, 'each sex group')}: 'sex' is not a number: its groups are its values, not cut"]


def test_the_groups_of_an_input_stated_twice_are_one_line_at_the_second(tmp_path):
    text = (FEATURES / "quality.feature").read_text(encoding="utf-8")
    step = next(row for row in text.splitlines() if GROUPED in row)
    again = step.replace("Then ", "And ").replace("at most 12 pounds", "at most 13 pounds")
    problems, quality = _problems_of(tmp_path, "bundled", step, f"{step}\n{again}")
    assert problems == [f"{_where(quality, again)}: the groups of 'height' are stated again"]


def test_a_classifiers_quality_per_group_is_not_a_typical_error_one_line(tmp_path):
    old = "Then its accuracy on penguins it was not trained on is between 0.97 and 1"
    group = "And on penguins it was not trained on, its typical error for each island group is at most 1"
    problems, quality = _problems_of(tmp_path, "penguins", old, f"{group}\n    {old.replace('Then ', 'And ')}")
    where = _where(quality, "its typical error for each island group")
    assert problems == [f"{where}: a classifier's quality per group is not stated as a typical error"]


def test_a_gap_in_another_unit_than_the_models_answers_is_one_line(tmp_path):
    problems, quality = _problems_of(tmp_path, "bundled", GAP, GAP.replace("3 pounds", "3 kg"))
    assert problems == [f"{_where(quality, 'best and worst')}: the unit is 'kg', but the model answers in 'pounds'"]


@pytest.mark.parametrize(
    ("cuts", "read"),
    [
        ("62 and 70", (62.0, 70.0)),  # no unit: the input's own
        ("60, 65 and 70 inches", (60.0, 65.0, 70.0)),
        ("  58.5 and 71 inches ", (58.5, 71.0)),
    ],
)
def test_cut_points_are_a_list_of_numbers_with_or_without_the_inputs_unit(tmp_path, cuts, read):
    features = tmp_path / "features"
    shutil.copytree(FEATURES, features)
    quality = features / "quality.feature"
    quality.write_text(quality.read_text(encoding="utf-8").replace("split at 62 and 70 inches", f"split at {cuts}"))
    (found,) = read_contract(features).groups
    assert found == GroupLimit("height", 12.0, read, 3.0)


def test_what_is_no_list_of_cut_points_reads_as_none():
    from modelgate.contracts.groups import cuts_of

    assert cuts_of("62 and 70 inches") == ((62.0, 70.0), "inches")
    assert cuts_of("62 and 70") == ((62.0, 70.0), "")
    assert cuts_of("tall and short") is None
    assert cuts_of("") is None and cuts_of(" and 70") is None


def _refused(tmp_path, model: str, change) -> tuple[list[str], object]:
    """The problems reading a copy of ``model``'s features after ``change`` rewrote its quality feature's text."""
    features = tmp_path / "features"
    shutil.copytree(FEATURES if model == "bundled" else ROOT / "examples" / model / "features", features)
    quality = features / "quality.feature"
    quality.write_text(change(quality.read_text(encoding="utf-8")), encoding="utf-8")
    with pytest.raises(ContractError) as refused:
        read_contract(features)
    return refused.value.problems, quality


def _group(what: str, cuts: str = "", limit: str = "12 pounds", who: str = "people") -> str:
    split = f" split at {cuts}" if cuts else ""
    return f"And on {who} it was not trained on, its typical error for each {what} group{split} is at most {limit}"


def test_every_group_sentence_is_read_after_one_that_is_refused(tmp_path):
    before = [_group("age", "62 and 70 inches"), _group("height", "70 and 62 inches"), _group("height")]
    again = _group("height", "60 and 70 inches", "13 pounds")

    def change(text):
        text = text.replace(
            f"Then on people it was not trained on, its {GROUPED}",
            "\n    ".join([*before, f"And on people it was not trained on, its {GROUPED}"]),
        )
        return text.replace(f"And {GAP}", f"And {GAP}\n    {again}\n    {_group('shoe', '1 and 2 inches')}")

    problems, quality = _refused(tmp_path, "bundled", change)
    assert problems == [
        f"{_where(quality, 'each age group')}: 'age' is not an input of the contract",
        f"{_where(quality, 'split at 70 and 62')}: the cut points of 'height' must rise, each once (70 and 62 inches)",
        f"{_where(quality, 'each height group is')}: a number input's groups need their cut points ('split at 62 and 70 inches')",
        f"{_where(quality, '13 pounds')}: the groups of 'height' are stated again",
        f"{_where(quality, 'each shoe group')}: 'shoe' is not an input of the contract",
    ]


def test_every_gap_is_read_after_one_whose_groups_were_refused_or_never_stated(tmp_path):
    def change(text):
        text = text.replace("split at 62 and 70 inches", "split at 70 and 62 inches")  # refused: its gap bounds nothing
        gaps = [GAP.replace("height", what) for what in ("age", "shoe")]
        return text.replace(f"And {GAP}", "\n    ".join([f"And {GAP}", *(f"And {g}" for g in gaps)]))

    problems, quality = _refused(tmp_path, "bundled", change)
    assert problems[1:] == [
        f"{_where(quality, 'worst age groups')}: no typical error per age group is stated for this gap to bound",
        f"{_where(quality, 'worst shoe groups')}: no typical error per shoe group is stated for this gap to bound",
    ]
    assert problems[0].startswith(f"{_where(quality, 'split at 70 and 62')}: the cut points of 'height' must rise")


@pytest.mark.parametrize(
    ("model", "old", "problem"),
    [
        ("diabetes", "each sex group is", "'sex' is not a number: its groups are its values, not cut"),
        ("penguins", None, "a classifier's quality per group is not stated as a typical error"),
    ],
)
def test_a_group_sentence_refused_for_its_input_or_model_is_refused_each_time_it_is_written(tmp_path, model, old, problem):
    def change(text):
        if old:
            step = next(row.strip() for row in text.splitlines() if old in row)
            twice = step.replace(old, "each sex group split at 1 and 2 is")
            return text.replace(step, f"{twice}\n    {twice.replace('Then ', 'And ')}")
        anchor = next(row.strip() for row in text.splitlines() if row.strip().startswith("Then "))
        groups = [_group("island", limit="1", who="penguins"), _group("sex", limit="1", who="penguins")]
        return text.replace(anchor, "\n    ".join([anchor, *groups]), 1)

    problems, quality = _refused(tmp_path, model, change)
    written = quality.read_text(encoding="utf-8").splitlines()
    lines = [n for n, row in enumerate(written, 1) if "group" in row and "at most" in row and "worst" not in row]
    assert len(lines) == 2
    assert [p for p in problems if problem in p] == [f"{quality}, line {n}: {problem}" for n in lines]
