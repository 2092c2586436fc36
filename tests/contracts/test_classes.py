"""contracts.classes and a classifier's Output: the classes sentence read into the contract (the classes in the order
written, the positive class, the threshold, the decimals, read here from the files' own text), every problem of a
classifier's features one line naming file and line, the decision rule and the one check of an answer, and the
classifier's contract surviving its file while a regression's file keeps the bytes it had before classifiers."""

from __future__ import annotations

import dataclasses
import json
import math
import re
from pathlib import Path

import pytest
from modelgate.contracts.contract import CLASS_OUTPUT, Contract, Output, differences
from modelgate.contracts.facts import AgreedLabel
from modelgate.contracts.reader import ContractError, read_contract
from modelgate.steps.support import ROOT

from tests.contracts.folders import (
    agreed,
    agreed_label_outline,
    agreed_labels,
    class_declaration,
    declaration,
    placed,
    shown,
    write_features,
)

EXAMPLES = {name: ROOT / "examples" / name / "features" for name in ("penguins", "cancer")}
# The classes sentence, read here with a pattern of this test's own.
SENTENCE = re.compile(
    r"it answers the (\w+), one of (.+?)(?:, (\w+) being the positive class(?: when its probability is at least ([0-9.]+))?)?"
    r", with the probability of each rounded to ([0-9]+) decimals"
)


@pytest.mark.parametrize("example", EXAMPLES)
def test_the_classes_sentence_is_read_into_the_output_as_written(example):
    folder = EXAMPLES[example]
    text = (folder / "model.feature").read_text(encoding="utf-8")
    name, classes, positive, threshold, decimals = SENTENCE.search(text).groups()
    output = read_contract(folder).output
    assert output.is_class and output.kind == CLASS_OUTPUT
    assert output.classes == tuple(re.split(r", | or ", classes))  # in the order written, not sorted
    assert (output.name, output.positive, output.threshold, output.decimals) == (
        name,
        positive,
        None if threshold is None else float(threshold),
        int(decimals),
    )
    assert output.columns == [name, *(f"probability_{c}" for c in re.split(r", | or ", classes))]


def test_the_binary_example_states_its_positive_class_and_threshold():
    """The worked binary example: classes not in scikit-learn's sorted order, and a threshold below a half."""
    output = read_contract(EXAMPLES["cancer"]).output
    assert output.classes == ("malignant", "benign") and output.positive == "malignant" and output.threshold == 0.3


# -- a classifier's features, written here -------------------------------------------------------------------------
INPUTS = [
    ("size", "its size", "mm", "number", "from 0 to 10", "no"),
    ("shape", "its shape", "", "category", "round or oval", "yes"),
]
HEAD = ("size", "shape", "kind", "probability")
ROWS = [HEAD, ("2", "round", "benign", "0.9"), ("8", "", "malignant", "")]
ANSWER = "kind, one of benign or malignant, malignant being the positive class when its probability is at least 0.3"
QUALITY = "Feature: Quality\n  Scenario: Its quality\n    Given the model under test\n    Then {}\n"


def _folder(tmp_path: Path, answer: str = ANSWER, rows=ROWS, tolerance: str | None = "0.01", files=None, outline=False) -> Path:
    scoring = (agreed_label_outline if outline else agreed_labels)(rows, "kind", tolerance)
    written = {"model.feature": class_declaration(INPUTS, answer), "scoring.feature": scoring}
    return write_features(tmp_path / "features", {**written, **(files or {})})


@pytest.mark.parametrize("outline", [False, True], ids=["a table", "an outline"])
def test_the_agreed_classes_and_probabilities_are_read_from_a_table_or_an_outline(tmp_path, outline):
    folder = _folder(tmp_path, outline=outline)
    contract = read_contract(folder)
    assert contract.output == Output("kind", "", 4, CLASS_OUTPUT, ("benign", "malignant"), "malignant", 0.3)
    lines = [int(placed(folder, "{scoring.feature#| " + r[0] + " }")) for r in ROWS[1:]]
    assert [(g.values, g.label, g.probability, g.tolerance, g.line) for g in contract.golden] == [
        ((2.0, "round"), "benign", 0.9, 0.01, lines[0]),
        ((8.0, None), "malignant", None, 0.01, lines[1]),  # a blank probability: only the class was agreed
    ]
    assert all(isinstance(g, AgreedLabel) for g in contract.golden)


def test_a_classifier_without_a_threshold_or_a_positive_class_is_read_so(tmp_path):
    rows = [("size", "shape", "kind"), ("2", "round", "a"), ("5", "oval", "c")]
    folder = _folder(tmp_path, "kind, one of c, a or b", rows, tolerance=None)
    contract = read_contract(folder)
    assert contract.output.classes == ("c", "a", "b") and contract.output.positive is None
    assert contract.output.threshold is None and [g.probability for g in contract.golden] == [None, None]


CLASSES_SENTENCE = "{model.feature|it answers}"
# case: (the folder's options, the problems it has, written as ``folders.placed`` fills them in)
CASES = {
    "one class": (
        {"answer": "kind, one of benign", "rows": [HEAD, ("2", "round", "benign", "0.9")]},
        [f"{CLASSES_SENTENCE}: a classifier answers one of two or more classes, not ['benign']"],
    ),
    "a class named twice": (
        {"answer": "kind, one of benign, malignant or benign"},
        [f"{CLASSES_SENTENCE}: the classes: the allowed values name benign more than once"],
    ),
    "a positive class that is not a class": (
        {"answer": "kind, one of benign or malignant, cancer being the positive class"},
        [f"{CLASSES_SENTENCE}: the positive class 'cancer' is not one of benign, malignant"],
    ),
    "a positive class of three": (
        {"answer": "kind, one of a, b or c, a being the positive class", "rows": [HEAD, ("2", "round", "a", "0.9")]},
        [f"{CLASSES_SENTENCE}: a positive class belongs to a model of two classes, not 3"],
    ),
    "a threshold of 1.5": (
        {"answer": ANSWER.replace("0.3", "1.5")},
        [f"{CLASSES_SENTENCE}: the threshold 1.5 must be between 0 and 1"],
    ),
    "a threshold of 0": (
        {"answer": ANSWER.replace("0.3", "0")},
        [f"{CLASSES_SENTENCE}: the threshold 0 must be between 0 and 1"],
    ),
    "a threshold of 1": (
        {"answer": ANSWER.replace("0.3", "1")},
        [f"{CLASSES_SENTENCE}: the threshold 1 must be between 0 and 1"],
    ),
    "an agreed class that is not a class": (
        {"rows": [HEAD, ("2", "round", "cancer", "0.9"), ROWS[2]]},
        ["{scoring.feature|cancer}: the agreed kind 'cancer' is not one of benign, malignant"],
    ),
    "agreed probabilities outside 0 to 1": (
        {"rows": [HEAD, ("2", "round", "benign", "1.2"), ("8", "", "malignant", "-0.1"), ROWS[2]]},
        [
            "{scoring.feature|1.2}: the agreed probability 1.2 is not between 0 and 1",
            "{scoring.feature|-0.1}: the agreed probability -0.1 is not between 0 and 1",
        ],
    ),
    "a probability column without its tolerance": (
        {"tolerance": None},
        [
            "{scoring.feature|probability}: the agreed answers' columns are ['size', 'shape', 'kind', 'probability']; "
            "they must be exactly the inputs and 'kind' (not declared: ['probability'])",
        ],
    ),
    "agreed numbers, give or take": (
        {"files": {"scoring.feature": agreed([("size", "shape", "kind"), ("2", "round", "3")], "kind", "points", "0.5")}},
        [
            "{scoring.feature|give or take}: a classifier's agreed answers are classes, stated without 'give or take'",
        ],
    ),
    "the R² band": (
        {"files": {"quality.feature": QUALITY.format("its recorded R² on the training data is between 0.6 and 0.9")}},
        ["{quality.feature|R²}: a regression's fact, but the model answers one of its classes"],
    ),
    "a typical error": (
        {"files": {"quality.feature": QUALITY.format("on sizes it was not trained on, its typical error is at most 3")}},
        ["{quality.feature|typical error}: a regression's fact, but the model answers one of its classes"],
    ),
    "plausible answers": (
        {"files": {"quality.feature": QUALITY.format("every kind it gives for accepted sizes is at least 0 and at most 1")}},
        ["{quality.feature|every kind}: a regression's fact, but the model answers one of its classes"],
    ),
    "a margin over the production model": (
        {
            "files": {
                "quality.feature": QUALITY.format("the new model's typical error is at most 3 worse than the production model's")
            }
        },
        ["{quality.feature|the new model's}: a regression's fact, but the model answers one of its classes"],
    ),
    "an answer that never gets lower": (
        {"files": {"quality.feature": QUALITY.format("over all accepted sizes a larger size never gets a lower kind")}},
        ["{quality.feature|never gets}: a regression's fact, but the model answers one of its classes"],
    ),
    "an answer that never falls": (
        {"files": {"quality.feature": QUALITY.format("the kind never falls as the size rises")}},
        ["{quality.feature|never falls}: a regression's fact, but the model answers one of its classes"],
    ),
    "F1 for a class it does not have": (
        {"files": {"quality.feature": QUALITY.format("its F1 for cancer on masses it was not trained on is between 0.8 and 1")}},
        ["{quality.feature|F1 for cancer}: 'F1 for cancer': the classes are benign, malignant"],
    ),
    "a band whose low end is above its high end": (
        {"files": {"quality.feature": QUALITY.format("its accuracy on masses it was not trained on is between 0.9 and 0.8")}},
        ["{quality.feature|accuracy}: the low end 0.9 is above the high end 0.8"],
    ),
    "an evaluation band whose low end is above its high end": (
        {"files": {"quality.feature": QUALITY.format("its log loss on the evaluation masses is between 0.5 and 0.1")}},
        ["{quality.feature|log loss}: the low end 0.5 is above the high end 0.1"],
    ),
    "a band stated twice": (
        {
            "files": {
                "quality.feature": QUALITY.format("its ROC AUC on masses it was not trained on is between 0.9 and 1")
                + "    And its ROC AUC on the masses it was not trained on is between 0.8 and 1\n"
            }
        },
        ["{quality.feature|And its ROC AUC}: the band of ROC AUC is stated again"],
    ),
    "a champion margin stated twice": (
        {
            "files": {
                "quality.feature": QUALITY.format("the new model's accuracy is at most 0.02 worse than the production model's")
                + "    And the new model's accuracy is at most 0.03 worse than the production model's\n"
            }
        },
        ["{quality.feature|0.03}: the champion margin is stated again (first at {quality.feature|0.02})"],
    ),
    "a baseline of another answer": (
        {
            "files": {
                "quality.feature": QUALITY.format(
                    "its macro F1 on masses it was not trained on beats always answering the most frequent diagnosis "
                    "by at least 0.2"
                )
            }
        },
        ["{quality.feature|most frequent}: the baseline answers 'diagnosis', but the model answers 'kind'"],
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_every_problem_of_a_classifiers_features_is_one_line_naming_the_file_and_line(tmp_path, case):
    options, problems = CASES[case]
    folder = _folder(tmp_path, **options)
    with pytest.raises(ContractError) as raised:
        read_contract(folder)
    expected = [placed(folder, p) for p in problems]
    assert raised.value.problems == expected
    assert str(raised.value).splitlines() == shown(folder, expected)


def test_a_band_of_one_number_is_a_band(tmp_path):
    band = "its accuracy on masses it was not trained on is between 0.9 and 0.9"
    folder = _folder(tmp_path, files={"quality.feature": QUALITY.format(band)})
    (read,) = read_contract(folder).metric_bands
    assert (read.metric, read.low, read.high) == ("accuracy", 0.9, 0.9)


CLASSIFIER_FACTS = {
    "a metric band": "its accuracy on masses it was not trained on is between 0.9 and 1",
    "an evaluation band": "its Brier score on the evaluation masses is between 0 and 0.1",
    "a baseline margin": "its balanced accuracy on masses it was not trained on beats always answering the most frequent "
    "weight by at least 0.1",
    "a calibration limit": "its expected calibration error on masses it was not trained on is at most 0.05",
    "a champion metric": "the new model's log loss is at most 0.02 worse than the production model's",
}


@pytest.mark.parametrize("fact", CLASSIFIER_FACTS)
def test_a_classifiers_fact_in_a_regressions_features_is_one_line(tmp_path, fact):
    inputs = [INPUTS[0]]
    folder = write_features(
        tmp_path / "features",
        {
            "model.feature": declaration(inputs, "weight", "grams", 1),
            "scoring.feature": agreed([("size", "weight"), ("2", "40")], "weight", "grams", "0.5"),
            "quality.feature": QUALITY.format(CLASSIFIER_FACTS[fact]),
        },
    )
    with pytest.raises(ContractError) as raised:
        read_contract(folder)
    assert raised.value.problems == [
        placed(folder, "{quality.feature|Then}: a classifier's metric, but the model answers a number")
    ]


# -- the decision rule and the check of one answer ----------------------------------------------------------------
SPECIES = Output("species", "", 4, CLASS_OUTPUT, ("Gentoo", "Adelie", "Chinstrap"))
DIAGNOSIS = Output("diagnosis", "", 4, CLASS_OUTPUT, ("malignant", "benign"), "malignant", 0.3)
PLAIN_BINARY = Output("diagnosis", "", 4, CLASS_OUTPUT, ("malignant", "benign"))


@pytest.mark.parametrize(
    ("output", "probabilities", "label"),
    [
        (DIAGNOSIS, [0.3, 0.7], "malignant"),  # at the threshold: the positive class
        (DIAGNOSIS, [0.2999, 0.7001], "benign"),  # just below it
        (DIAGNOSIS, [0.9, 0.1], "malignant"),
        (PLAIN_BINARY, [0.3, 0.7], "benign"),  # no threshold: the most probable
        (PLAIN_BINARY, [0.5, 0.5], "malignant"),  # a tie: the first stated
        (SPECIES, [0.2, 0.5, 0.3], "Adelie"),
        (SPECIES, [0.4, 0.2, 0.4], "Gentoo"),  # a tie: the first stated, not the first in sorted order
        (SPECIES, [0.2, 0.4, 0.4], "Adelie"),
        (SPECIES, [0.0, 0.0, 1.0], "Chinstrap"),
    ],
)
def test_the_decision_rule_picks_the_class_the_contract_states(output, probabilities, label):
    assert output.decide(probabilities) == label
    assert output.answer_problem(label, dict(zip(output.classes, probabilities))) is None


def test_the_threshold_is_compared_as_the_number_it_is():
    assert DIAGNOSIS.decide([math.nextafter(0.3, 0), 0.7]) == "benign" and DIAGNOSIS.decide([0.3, 0.0]) == "malignant"


def test_the_sum_tolerance_is_half_the_last_decimal_for_each_class():
    assert SPECIES.sum_tolerance == pytest.approx(3 * 0.00005) and DIAGNOSIS.sum_tolerance == pytest.approx(2 * 0.00005)
    assert dataclasses.replace(SPECIES, decimals=2).sum_tolerance == pytest.approx(0.015)


def _named(output: Output, *values) -> dict:
    return dict(zip(output.classes, values))


@pytest.mark.parametrize(
    ("output", "label", "probabilities", "problem"),
    [
        (
            SPECIES,
            "Adelie",
            {"Adelie": 0.5, "Gentoo": 0.2, "Chinstrap": 0.3},
            "must name Gentoo, Adelie, Chinstrap in this order",
        ),
        (SPECIES, "Adelie", {"Gentoo": 0.5, "Adelie": 0.5}, "must name Gentoo, Adelie, Chinstrap in this order"),
        (SPECIES, "Adelie", [0.2, 0.5, 0.3], "must name Gentoo, Adelie, Chinstrap in this order, got [0.2, 0.5, 0.3]"),
        (SPECIES, "Adelie", {**_named(SPECIES, 0.2, 0.5, 0.3), "Emperor": 0.0}, "in this order"),
        (SPECIES, "Adelie", _named(SPECIES, 0.2, 0.5, 0.3002), "the probabilities sum to 1.0002, not 1 within 0.00015"),
        (SPECIES, "Adelie", _named(SPECIES, 0.2, 0.5, 0.2998), "the probabilities sum to 0.9998, not 1 within 0.00015"),
        (DIAGNOSIS, "malignant", _named(DIAGNOSIS, 0.3, 0.7002), "the probabilities sum to 1.0002, not 1 within 0.0001"),
        (SPECIES, "Adelie", _named(SPECIES, 0.2, 0.50001, 0.29999), "each probability must be rounded to 4 decimals"),
        (SPECIES, "Adelie", _named(SPECIES, -0.0, 1.2, -0.2), "each probability must be a number from 0 to 1"),
        (SPECIES, "Adelie", _named(SPECIES, 0.0, True, 0.0), "each probability must be a number from 0 to 1"),
        (SPECIES, "Adelie", _named(SPECIES, 0.0, "1", 0.0), "each probability must be a number from 0 to 1"),
        (SPECIES, "Adelie", _named(SPECIES, math.nan, 1.0, 0.0), "each probability must be a number from 0 to 1"),
        (SPECIES, "Emperor", _named(SPECIES, 0.2, 0.5, 0.3), "the answer 'Emperor' is not one of Gentoo, Adelie, Chinstrap"),
        (SPECIES, "Gentoo", _named(SPECIES, 0.2, 0.5, 0.3), "the answer is 'Gentoo', but the decision rule picks 'Adelie'"),
        (SPECIES, "Adelie", _named(SPECIES, 0.4, 0.2, 0.4), "the answer is 'Adelie', but the decision rule picks 'Gentoo'"),
        (DIAGNOSIS, "benign", _named(DIAGNOSIS, 0.3, 0.7), "the answer is 'benign', but the decision rule picks 'malignant'"),
        (DIAGNOSIS, "malignant", _named(DIAGNOSIS, 0.2999, 0.7001), "the answer is 'malignant', but the decision rule picks"),
    ],
)
def test_an_answer_that_breaks_the_contract_is_named(output, label, probabilities, problem):
    found = output.answer_problem(label, probabilities)
    assert found is not None and problem in found, found


def test_sums_within_the_tolerance_are_answers():
    # Rounded to 4 decimals, three probabilities may sum to 1 +- 0.00015 (each off by at most half the last decimal).
    assert SPECIES.answer_problem("Gentoo", _named(SPECIES, 0.3334, 0.3333, 0.3334)) is None  # 1.0001
    assert SPECIES.answer_problem("Gentoo", _named(SPECIES, 0.3333, 0.3333, 0.3333)) is None  # 0.9999
    assert SPECIES.answer_problem("Gentoo", _named(SPECIES, 0.3334, 0.3334, 0.3334)) is not None  # 1.0002
    assert DIAGNOSIS.answer_problem("benign", _named(DIAGNOSIS, 0.0, 1)) is None  # an integer 1 is a probability


# -- the classifier facts' one comparison -------------------------------------------------------------------------
def test_an_agreed_class_is_met_by_that_class_and_a_probability_within_the_tolerance():
    case = AgreedLabel((1.0,), "Adelie", 0.97, 0.01)
    assert case.met_by("Adelie", {"Adelie": 0.98}) and case.met_by("Adelie", {"Adelie": 0.96})  # exactly the tolerance
    assert not case.met_by("Adelie", {"Adelie": 0.9599}) and not case.met_by("Adelie", {"Adelie": 0.9801})
    assert not case.met_by("Gentoo", {"Adelie": 0.97}) and not case.met_by("Adelie", {"Gentoo": 0.97})
    assert not case.met_by("Adelie", {"Adelie": math.nan})
    label_only = AgreedLabel((1.0,), "Adelie")
    assert label_only.met_by("Adelie", {}) and not label_only.met_by("adelie", {"Adelie": 1.0})


# -- the contract's file -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("example", EXAMPLES)
def test_a_classifiers_contract_survives_its_file(example):
    contract = read_contract(EXAMPLES[example])
    again = Contract.loads(contract.dumps())
    assert again == contract and again.dumps() == contract.dumps() and again.digest() == contract.digest()
    assert Contract.from_dict(json.loads(json.dumps(contract.to_dict()))) == contract
    assert all(isinstance(g, AgreedLabel) for g in again.golden) and again.output.classes == contract.output.classes
    written = json.loads(contract.dumps())
    assert written["output"]["classes"] == list(contract.output.classes)  # the stated order, not sorted
    assert (written["output"]["positive"], written["output"]["threshold"]) == (
        contract.output.positive,
        contract.output.threshold,
    )


def test_a_classifiers_quality_survives_its_file(tmp_path):
    quality = "".join(
        f"    And {sentence}\n"
        for sentence in (
            "its F1 for malignant on masses it was not trained on is between 0.8 and 1",
            "its log loss on the evaluation masses is between 0 and 0.3",
            "its balanced accuracy on masses it was not trained on beats always answering the most frequent kind by at least 0.2",
            "its expected calibration error on masses it was not trained on is at most 0.05",
            "the new model's ROC AUC is at most 0.01 worse than the production model's",
        )
    )
    folder = _folder(tmp_path, files={"quality.feature": QUALITY.format("the model is judged") + quality})
    contract = read_contract(folder)
    assert [(b.metric, b.low, b.high, b.on) for b in contract.metric_bands] == [
        ("F1 for malignant", 0.8, 1.0, "unseen"),
        ("log loss", 0.0, 0.3, "evaluation"),
    ]
    assert (contract.baseline.metric, contract.baseline.margin, contract.calibration.limit) == ("balanced accuracy", 0.2, 0.05)
    assert (contract.champion_metric.metric, contract.champion_metric.margin) == ("ROC AUC", 0.01)
    assert Contract.loads(contract.dumps()) == contract


@pytest.mark.parametrize(
    "change",
    [
        lambda c: dataclasses.replace(c, output=dataclasses.replace(c.output, classes=c.output.classes[::-1])),
        lambda c: dataclasses.replace(c, output=dataclasses.replace(c.output, threshold=0.4)),
        lambda c: dataclasses.replace(c, output=dataclasses.replace(c.output, positive="benign")),
        lambda c: dataclasses.replace(c, golden=(dataclasses.replace(c.golden[0], label="malignant"), *c.golden[1:])),
        lambda c: dataclasses.replace(c, golden=(dataclasses.replace(c.golden[0], probability=0.99), *c.golden[1:])),
    ],
    ids=["the class order", "the threshold", "the positive class", "an agreed class", "an agreed probability"],
)
def test_every_classifier_fact_is_in_the_digest_and_in_the_differences(change):
    contract = read_contract(EXAMPLES["cancer"])
    changed = change(contract)
    assert changed.digest() != contract.digest() and Contract.loads(changed.dumps()) == changed
    assert differences(changed, contract) != [] and differences(contract, changed) != []


# A regression's contract.json as issue 18 wrote it (before classifiers): its bytes, and so its digest and every model
# version derived from it, are unchanged.
REGRESSION_FILE = """{
  "champion_margin": null,
  "drift": null,
  "extrapolation": "flag",
  "format": "modelgate.contract/1",
  "golden": [
    {
      "expected": 40.0,
      "tolerance": 0.5,
      "values": [
        2.0
      ]
    }
  ],
  "inputs": [
    {
      "kind": "number",
      "meaning": "its size",
      "missing": false,
      "name": "size",
      "range": {
        "high": 10.0,
        "high_closed": true,
        "low": 0.0,
        "low_closed": true
      },
      "unit": "mm",
      "values": []
    }
  ],
  "monotonic": [],
  "output": {
    "decimals": 1,
    "kind": "number",
    "name": "weight",
    "unit": "grams"
  },
  "output_bounds": null,
  "r2_band": null,
  "title": "A model written for a test",
  "typical_error": null
}
"""


def test_a_regressions_contract_file_keeps_its_bytes(tmp_path):
    folder = write_features(
        tmp_path / "features",
        {
            "model.feature": declaration([INPUTS[0]], "weight", "grams", 1),
            "scoring.feature": agreed([("size", "weight"), ("2", "40")], "weight", "grams", "0.5"),
        },
    )
    assert read_contract(folder).dumps().decode() == REGRESSION_FILE
