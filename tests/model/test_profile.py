"""model.profile: each input's training profile, and a file's values against it. The bins are counted here by their
definition at and beside every cut (repeated cuts too), with NaN and the infinities; categories and missing values have
bins of their own; the stability index is its textbook sum; the bundled model's recorded profile is the training
file's, worked out here."""

from __future__ import annotations

import csv
import math
import random

import numpy as np
import pytest
from modelgate.contracts.inputs import CATEGORY, NUMBER, YES_NO, Input
from modelgate.contracts.reader import read_contract
from modelgate.model import profile as profiles_module
from modelgate.model.manifest import read_manifest
from modelgate.model.profile import bins, counts, outside, profile, profiles, psi, psi_of_counts, shares
from modelgate.model.train import read_training
from modelgate.steps.support import TRAINING_DATA, psi_by_definition

from tests.model import penguins

INF, NAN = math.inf, math.nan


def _bin(value: float, cuts: list[float]) -> int:
    """The bin of a number by the definition: bin 0 is x <= cuts[0], bin i is cuts[i-1] < x <= cuts[i], the last x > cuts[-1]."""
    for index, cut in enumerate(cuts):
        if value <= cut:
            return index
    return len(cuts)


def _tallied(found: dict, values) -> list[int]:
    """The bins of ``values`` one by one, by the service's rule (``model.stability.bin_of``): what the vectorised
    counts must equal."""
    from modelgate.model.stability import bin_of

    tally = [0] * bins(found)
    for value in list(values):
        at = bin_of(found, value)
        if at is not None:
            tally[at] += 1
    return tally


def _numbers(cuts: list[float], missing: bool = False) -> dict:
    return {"kind": "number", "missing": missing, "deciles": cuts}


@pytest.mark.parametrize("missing", [False, True], ids=["never missing", "may be missing"])
@pytest.mark.parametrize(
    "cuts", [[60.0, 64.5, 66.0, 70.25, 72.0], [60.0, 66.0, 66.0, 72.0], [66.0]], ids=["five", "repeated", "one"]
)
def test_bin_counts_follow_the_cuts_at_their_edges(cuts, missing):
    edges = [x for cut in cuts for x in (math.nextafter(cut, -INF), cut, math.nextafter(cut, INF))]
    rng = random.Random(11)
    values = [*edges, NAN, NAN, INF, -INF, 0.0, *(rng.uniform(40, 90) for _ in range(5000))]
    expected = [0] * (len(cuts) + 1)
    for value in values:
        if not math.isnan(value):
            expected[_bin(value, cuts)] += 1
    expected += [2] if missing else []  # the two NaN: the missing bin, where the input may be missing; else no bin
    found = _numbers(cuts, missing)
    assert counts(found, np.array(values)).tolist() == expected == _tallied(found, values)
    assert counts(found, np.array([])).tolist() == [0] * (len(cuts) + 1 + missing)
    assert bins(found) == len(expected)


@pytest.mark.parametrize("missing", [False, True])
def test_categories_are_counted_by_value_and_missing_ones_in_their_own_bin(missing):
    found = {"kind": "category", "missing": missing, "values": ["Biscoe", "Dream", "Torgersen"]}
    values = np.array(["Dream", "Biscoe", "Dream", None, "Mars", "dream", NAN, "Torgersen", "Dream"], dtype=object)
    assert (
        counts(found, values).tolist() == [1, 3, 1, *([2] if missing else [])] == _tallied(found, values)
    )  # "Mars", "dream": in no bin
    assert bins(found) == 3 + missing


def test_yes_no_is_tallied_yes_then_no():
    spec = Input("tagged", YES_NO, values=("yes", "no"), missing=True)
    found = profile(spec, np.array([True, False, True, None, True], dtype=object))
    assert (found["values"], found["shares"]) == ([True, False], [3 / 5, 1 / 5, 1 / 5])
    assert _tallied(found, [True, False, True, None, True]) == [3, 1, 1]


def _deciles(values: list[float]) -> list[float]:
    """The 10 %, …, 90 % points, each interpolated linearly between the two values around its place, worked out here."""
    ordered = sorted(values)
    found = []
    for tenth in range(1, 10):
        place = (len(ordered) - 1) * tenth / 10
        below = math.floor(place)
        above = min(below + 1, len(ordered) - 1)
        found.append(ordered[below] + (place - below) * (ordered[above] - ordered[below]))
    return found


def _shares(values: list[float], cuts: list[float]) -> list[float]:
    tally = [0] * (len(cuts) + 1)
    for value in values:
        tally[_bin(value, cuts)] += 1
    return [n / len(values) for n in tally]


def test_the_bundled_models_recorded_profile_is_the_training_files(trained_model):
    with TRAINING_DATA.open(newline="", encoding="utf-8") as handle:
        heights = [float(row["height"]) for row in csv.DictReader(handle)]
    recorded = read_manifest(trained_model).training_data["profile"]["height"]
    assert (recorded["kind"], recorded["missing"], recorded["min"], recorded["max"]) == (
        "number",
        False,
        min(heights),
        max(heights),
    )
    assert recorded["deciles"] == pytest.approx(_deciles(heights), rel=1e-12)
    assert recorded["shares"] == _shares(heights, recorded["deciles"])


def test_a_number_that_may_be_missing_has_its_missing_share_last(tmp_path):
    spec = Input("bill", NUMBER, missing=True)
    values = [40.0, NAN, 38.5, 51.0, NAN, 44.2, 39.9, 47.3, 50.1, 36.0]
    found = profile(spec, np.array(values))
    present = [v for v in values if not math.isnan(v)]
    assert (found["min"], found["max"]) == (min(present), max(present))
    assert found["deciles"] == pytest.approx(_deciles(present), rel=1e-12)
    assert found["shares"] == [n * len(present) / len(values) for n in _shares(present, found["deciles"])] + [2 / len(values)]
    assert math.isclose(sum(found["shares"]), 1.0)


def test_a_numbers_profile_may_be_read_from_a_plain_list_with_none_for_missing():
    spec = Input("bill", NUMBER, missing=True)
    found = profile(spec, [40.0, None, 38.5, 51.0])
    assert (found["min"], found["max"]) == (38.5, 51.0) and found["shares"][-1] == 0.25
    assert found == profile(spec, np.array([40.0, NAN, 38.5, 51.0]))


def test_the_profiles_of_a_contract_are_each_inputs(tmp_path):
    contract = read_contract(penguins.features(tmp_path / "features"))
    data = read_training(penguins.data(tmp_path / "penguins.csv"), contract)
    found = profiles(contract, data.columns)
    assert list(found) == contract.names and found == {i.name: profile(i, data.columns[i.name]) for i in contract.inputs}
    island = found["island"]
    with (tmp_path / "penguins.csv").open(newline="", encoding="utf-8") as handle:
        written = [row["island"] for row in csv.DictReader(handle)]
    assert island["values"] == ["Biscoe", "Dream", "Torgersen"]
    # the manifest's two kinds of profile: a number's bins, and a tally of values (a category's or a yes/no's)
    assert {name: p["kind"] for name, p in found.items()} == {
        i.name: "number" if i.kind in (NUMBER, "whole number") else "category" for i in contract.inputs
    }
    assert {p["kind"] for p in found.values()} == {"number", "category"}
    assert island["shares"] == [written.count(v) / len(written) for v in island["values"]]
    assert len(found["sex"]["shares"]) == 3 and found["sex"]["shares"][-1] > 0  # some penguins' sex was not recorded


@pytest.mark.parametrize(
    ("counted", "expected"),
    [
        ([10, 10, 10, 10], [0.25, 0.25, 0.25, 0.25]),
        ([40, 0, 0, 0], [0.25, 0.25, 0.25, 0.25]),
        ([5, 15, 30, 50], [0.1, 0.2, 0.3, 0.4]),
        ([0, 0, 100], [0.0, 0.5, 0.5]),
    ],
)
def test_the_stability_index_is_its_textbook_sum(counted, expected):
    assert math.isclose(psi_of_counts(counted, expected), psi_by_definition(counted, expected), rel_tol=1e-12, abs_tol=1e-15)


def test_the_stability_index_of_no_values_is_nan_and_of_the_training_values_zero(trained_model):
    recorded = read_manifest(trained_model).training_data["profile"]["height"]
    assert math.isnan(psi_of_counts([0] * bins(recorded), recorded["shares"]))
    with TRAINING_DATA.open(newline="", encoding="utf-8") as handle:
        heights = np.array([float(row["height"]) for row in csv.DictReader(handle)])
    assert psi(recorded, heights) == pytest.approx(0.0, abs=1e-15)
    assert psi(recorded, heights * 2.54) == pytest.approx(
        psi_by_definition(counts(recorded, heights * 2.54).tolist(), recorded["shares"])
    )
    assert psi(recorded, heights * 2.54) > 1.0
    assert shares([1, 3]) == [0.25, 0.75] and shares([0, 0]) == [0.0, 0.0] and shares([0, 1]) == [0.0, 1.0]


def test_outside_marks_the_values_the_training_data_never_had():
    found = {"kind": "number", "missing": True, "min": 55.0, "max": 76.7, "deciles": [66.0]}
    values = np.array([55.0, 76.7, math.nextafter(55.0, -INF), math.nextafter(76.7, INF), NAN, 66.0, -INF, INF])
    assert outside(found, values).tolist() == [False, False, True, True, False, False, True, True]
    assert outside(found, [50.0, None, 80.0]).tolist() == [True, False, True]  # a list's missing value too
    seen = {"kind": "category", "missing": True, "values": ["Biscoe", "Dream", "Torgersen"], "shares": [0.5, 0.0, 0.4, 0.1]}
    categories = np.array(["Biscoe", "Dream", None, "Torgersen", "Dream"], dtype=object)
    assert outside(seen, categories).tolist() == [False, True, False, False, True]
    # Two categories no training row had: each is marked, wherever it comes.
    two = {"kind": "category", "missing": False, "values": ["Biscoe", "Dream", "Torgersen"], "shares": [1.0, 0.0, 0.0]}
    assert outside(two, categories).tolist() == [False, True, False, True, True]
    assert outside(two, ["Torgersen", "Biscoe", "Dream"]).tolist() == [True, False, True]


def test_the_categories_of_an_input_are_in_the_contracts_order():
    assert profiles_module.categories(Input("c", CATEGORY, values=("b", "a"))) == ["b", "a"]
    assert profiles_module.categories(Input("y", YES_NO, values=("no", "yes"))) == [True, False]
