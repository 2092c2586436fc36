"""contracts.contract: the contract survives being written into the model folder and read back, its digest names
exactly the facts (not where or how the features wrote them), and ``differences`` says what two contracts disagree on."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil

import pytest
from modelgate.contracts.contract import FORMAT, Contract, Output, differences
from modelgate.contracts.facts import DriftLimits, GoldenCase
from modelgate.contracts.inputs import CATEGORY, NUMBER, WHOLE, YES_NO, Input, Range
from modelgate.contracts.reader import read_contract
from modelgate.steps.support import FEATURES, ROOT

DIABETES = ROOT / "examples" / "diabetes" / "features"
# Every kind of input, and none of the optional facts: what a contract with no quality or risk features holds.
EVERY_KIND = Contract(
    inputs=(
        Input("bill", NUMBER, "its bill", "mm", range=Range(None, 70.0, high_closed=False), missing=True),
        Input("year", WHOLE, range=Range(2007.0, 2009.0, True, True)),
        Input("island", CATEGORY, values=("Biscoe", "Dream")),
        Input("tagged", YES_NO, values=("true", "false"), missing=True),
    ),
    output=Output("mass", "grams", 1),
    golden=(GoldenCase((None, 2008.0, "Dream", True), 4000.0, 0.5), GoldenCase((41.5, 2007.0, "Biscoe", None), 3500.0, 0.5)),
)


@pytest.fixture(scope="module")
def bundled() -> Contract:
    return read_contract(FEATURES)


@pytest.mark.parametrize(
    "contract", [read_contract(FEATURES), read_contract(DIABETES), EVERY_KIND], ids=["bundled", "diabetes", "every kind"]
)
def test_the_contract_survives_its_file(contract):
    again = Contract.loads(contract.dumps())
    assert again == contract
    assert Contract.from_dict(json.loads(json.dumps(contract.to_dict()))) == contract
    assert again.dumps() == contract.dumps() and again.digest() == contract.digest()
    assert [type(v) for g in again.golden for v in g.values] == [type(v) for g in contract.golden for v in g.values]


def test_the_digest_is_the_sha256_of_the_file_and_the_file_is_canonical(bundled):
    assert bundled.digest() == hashlib.sha256(bundled.dumps()).hexdigest()
    assert read_contract(FEATURES).digest() == bundled.digest()
    written = bundled.dumps().decode()
    assert written == json.dumps(json.loads(written), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert json.loads(written)["format"] == FORMAT


def test_the_digest_ignores_how_the_features_are_laid_out(tmp_path, bundled):
    shutil.copytree(FEATURES, tmp_path / "f")
    scoring = tmp_path / "f" / "scoring.feature"
    scoring.write_text("# A comment, and the rows two lines further down.\n\n" + scoring.read_text())
    moved = read_contract(tmp_path / "f")
    assert moved.sources["scoring.feature"] != bundled.sources["scoring.feature"]
    assert [g.line for g in moved.golden] == [g.line + 2 for g in bundled.golden]
    assert moved == bundled and moved.digest() == bundled.digest() and differences(moved, bundled) == []


def _first_agreed(contract: Contract, **changes) -> Contract:
    return dataclasses.replace(contract, golden=(dataclasses.replace(contract.golden[0], **changes), *contract.golden[1:]))


@pytest.mark.parametrize(
    "change",
    [
        lambda c: _first_agreed(c, expected=c.golden[0].expected + 1e-4),
        lambda c: _first_agreed(c, tolerance=0.001),
        lambda c: dataclasses.replace(c, golden=c.golden[:-1]),
        lambda c: dataclasses.replace(c, inputs=(dataclasses.replace(c.inputs[0], range=Range(45.0, 150.0, True, True)),)),
        lambda c: dataclasses.replace(c, inputs=(dataclasses.replace(c.inputs[0], missing=True),)),
        lambda c: dataclasses.replace(c, inputs=(dataclasses.replace(c.inputs[0], unit="cm"),)),
        lambda c: dataclasses.replace(c, output=dataclasses.replace(c.output, decimals=3)),
        lambda c: dataclasses.replace(c, r2_band=dataclasses.replace(c.r2_band, low=0.5)),
        lambda c: dataclasses.replace(c, champion_margin=None),
        lambda c: dataclasses.replace(c, extrapolation="refuse"),
        lambda c: dataclasses.replace(c, monotonic=()),
        lambda c: dataclasses.replace(c, drift=dataclasses.replace(c.drift, min_rows=99)),
    ],
    ids=[
        "an agreed answer", "a tolerance", "an agreed row fewer", "an end closed", "missing allowed", "a unit", "the decimals",
        "the R-squared band", "no champion margin", "extrapolations refused", "no direction", "the rows judged for drift",
    ],
)  # fmt: skip
def test_every_fact_is_in_the_digest_and_in_the_differences(bundled, change):
    changed = change(bundled)
    assert changed.digest() != bundled.digest()
    assert differences(changed, bundled) != [] and differences(bundled, changed) != []


def test_the_differences_name_each_fact_that_differs(bundled):
    assert differences(bundled, read_contract(FEATURES)) == []
    golden = list(bundled.golden)
    golden[7] = dataclasses.replace(golden[7], expected=498.3)
    band = dataclasses.replace(bundled.r2_band, low=0.5)
    assert differences(dataclasses.replace(bundled, golden=tuple(golden), r2_band=band), bundled) == [
        f"the agreed answers differ ({len(golden)} rows against {len(golden)})",
        f"  row height=138.0: 498.3 against {bundled.golden[7].expected!r}",
        "r2 band: [0.5, 0.95] against [0.6, 0.95]",
    ]
    age = Input("age", WHOLE, range=Range(18.0, 90.0, True, True))
    two = dataclasses.replace(bundled, inputs=(*bundled.inputs, age))
    assert differences(two, bundled) == ["input 'age' only in the first"]
    assert differences(bundled, two) == ["input 'age' only in the second"]
    swapped = dataclasses.replace(two, inputs=(age, bundled.inputs[0]))
    assert differences(two, swapped) == ["the inputs are in another order: ['height', 'age'] against ['age', 'height']"]
    closed = dataclasses.replace(bundled, inputs=(dataclasses.replace(bundled.inputs[0], range=Range(45.0, 150.0, True, True)),))
    (line,) = differences(closed, bundled)
    assert line.startswith("input 'height': {") and "'low_closed': True" in line and "'low_closed': False" in line
    first = bundled.rationales[0]
    sourced = dataclasses.replace(
        bundled, rationales=(dataclasses.replace(first, owner="the risk team"), *bundled.rationales[1:])
    )
    assert differences(sourced, bundled) == [
        f"the owner of {first.stated!r}: 'the risk team' against {first.owner!r}"  # a gate's line: ours against theirs
    ]


def test_a_file_of_another_format_is_refused(bundled):
    found = bundled.to_dict() | {"format": "modelgate.contract/0"}
    with pytest.raises(ValueError, match=r"not a contract of format modelgate\.contract/1"):
        Contract.from_dict(found)


def test_a_contract_names_its_inputs_its_rows_and_how_to_ask(bundled):
    assert bundled.names == ["height"] and bundled.input("height") is bundled.inputs[0]
    with pytest.raises(KeyError):
        bundled.input("weight")
    first = bundled.golden[0].values[0]
    assert bundled.golden_row(0) == f"height={first!r}"
    assert (
        bundled.usage() == f'give one or more rows, e.g. GET /weight?height={first!r} or POST /weight {{"height": [{first!r}]}}'
    )
    assert bundled.name == "height → weight"
    assert EVERY_KIND.golden_row(0) == "bill=, year=2008.0, island=Dream, tagged=true"
    assert read_contract(DIABETES).name == "10 inputs → progression"


def test_an_earlier_contracts_output_and_inputs_without_the_later_keys_read_as_they_were_meant():
    # Before classifiers an output had no kind, classes, positive class or threshold; before categories and missing
    # values an input had no values or missing (a contract file of modelgate.contract/1 from then, as it was written).
    assert Output.from_dict({"name": "weight", "unit": "pounds", "decimals": 4}) == Output("weight", "pounds", 4, "number")
    assert not Output.from_dict({"name": "weight", "unit": "pounds", "decimals": 4}).is_class
    height = Input.from_dict({"name": "height", "kind": "number", "range": {"low": 45.0, "high": 150.0}})
    assert height == Input("height", NUMBER, range=Range(45.0, 150.0, False, True), values=(), missing=False)
    assert (height.meaning, height.unit) == ("", "")
    # Before small files and the choice to refuse extrapolations: drift without its small rows, answers flagged.
    earlier = Contract.from_dict(
        {
            "format": FORMAT,
            "inputs": [{"name": "height", "kind": "number", "range": {"low": 45.0, "high": 150.0}}],
            "output": {"name": "weight", "unit": "pounds", "decimals": 4},
            "drift": {"warn": 0.1, "refuse": 0.25, "min_rows": 100},
        }
    )
    assert earlier.drift == DriftLimits(0.1, 0.25, 100, None, None) and earlier.extrapolation == "flag"
    assert (earlier.golden, earlier.baseline, earlier.calibration, earlier.card) == ((), None, None, None)


@pytest.mark.parametrize("features", sorted((ROOT / "examples").glob("*/features")), ids=lambda p: p.parent.name)
def test_every_examples_contract_and_a_refusing_one_read_back_from_their_file_as_they_were(features):
    contract = read_contract(features)
    assert Contract.loads(contract.dumps()) == contract
    refusing = dataclasses.replace(contract, extrapolation="refuse")
    assert Contract.loads(refusing.dumps()) == refusing
