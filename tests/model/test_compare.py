"""model.compare: the model being released against the model in production, on evaluation rows neither was trained on.
A model trained on shuffled answers is worse, and the verdict names both typical errors (worked out here); the first
release says there is nothing to compare against; every agreed answer that moved beyond its tolerance is named."""

from __future__ import annotations

import math
import shutil
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from modelgate.contracts.errors import ModelgateError
from modelgate.model import artifact
from modelgate.model.compare import NO_PRODUCTION_MODEL, NOT_WORSE, UNMOVED, compare, write_junit
from modelgate.model.manifest import read_manifest

from steps import support
from steps.support import FEATURES, ROOT, TRAINING_DATA, train_into

EVALUATION = ROOT / "data" / "evaluation.csv"


@pytest.fixture(scope="module")
def shuffled(tmp_path_factory) -> Path:
    return support.shuffled_model(tmp_path_factory.mktemp("shuffled"))


def _answers(model_dir: Path, frame: pd.DataFrame) -> np.ndarray:
    """The model's answers, asked of scikit-learn here and rounded to the contract's decimals."""
    loaded = artifact.load(model_dir)
    return np.round(loaded.estimator.predict(frame[loaded.manifest.inputs]), loaded.contract.output.decimals)


def _typical_error(model_dir: Path) -> float:
    data = pd.read_csv(EVALUATION)
    misses = _answers(model_dir, data) - data["weight"].to_numpy()
    return math.fsum(abs(m) for m in misses) / len(misses)


def test_a_model_trained_on_shuffled_answers_is_worse_and_the_verdict_names_both_errors(trained_model, shuffled):
    result = compare(trained_model, shuffled, EVALUATION)
    champion, challenger = _typical_error(trained_model), _typical_error(shuffled)
    contract = artifact.load(shuffled).contract
    assert (result.production.mae, result.new.mae) == (pytest.approx(champion, rel=1e-12), pytest.approx(challenger, rel=1e-12))
    assert challenger - champion > contract.champion_margin.margin and not result.not_worse
    unit = contract.output.unit
    assert result.summary() == (
        f"the new model {read_manifest(shuffled).model_version} (typical error {challenger:.2f} {unit}) is worse by more than "
        f"{contract.champion_margin.margin:g} {unit} than the production model {read_manifest(trained_model).model_version} "
        f"(typical error {champion:.2f} {unit})"
    )


def test_every_agreed_answer_that_moved_beyond_its_tolerance_is_named(trained_model, shuffled):
    contract = artifact.load(shuffled).contract
    rows = pd.DataFrame([dict(zip(contract.names, g.values)) for g in contract.golden])
    before, after = _answers(trained_model, rows), _answers(shuffled, rows)
    moved = [
        (contract.golden_row(i), float(b), float(a))
        for i, (g, b, a) in enumerate(zip(contract.golden, before, after))
        if abs(Decimal(repr(float(a))) - Decimal(repr(float(b)))) > Decimal(repr(g.tolerance))
    ]
    result = compare(trained_model, shuffled, EVALUATION)
    assert moved and result.moved == moved
    assert result.moved_summary() == "agreed answers moved: " + "; ".join(f"{r}: {b:g} -> {a:g}" for r, b, a in moved)
    assert result.to_dict()["moved"] == [{"row": r, "production": b, "new": a} for r, b, a in moved]


def test_an_agreed_answer_moves_against_the_production_models_answer_not_the_agreed_one(shuffled):
    """The shuffled model misses its agreed answers, but against itself none of its answers moved."""
    contract = artifact.load(shuffled).contract
    rows = pd.DataFrame([dict(zip(contract.names, g.values)) for g in contract.golden])
    assert not all(g.met_by(float(a)) for g, a in zip(contract.golden, _answers(shuffled, rows)))
    assert compare(shuffled, shuffled, EVALUATION).moved == []


def test_a_model_is_not_worse_than_itself_and_moves_nothing(trained_model):
    result = compare(trained_model, trained_model, EVALUATION)
    assert result.not_worse and result.moved == [] and result.new == result.production
    assert " is not worse than the production model " in result.summary() and result.moved_summary() == "no agreed answer moved"


def test_the_first_release_says_there_is_nothing_to_compare_against(trained_model):
    result = compare(None, trained_model, EVALUATION)
    error, unit = _typical_error(trained_model), artifact.load(trained_model).contract.output.unit
    assert (result.production, result.production_version, result.not_worse, result.moved) == (None, NO_PRODUCTION_MODEL, True, [])
    assert result.summary() == (
        f"no production model yet: nothing to compare against; the new model's typical error is {error:.2f} {unit} "
        "(this release becomes the first production model)"
    )


def _suite(path: Path) -> tuple[dict, dict]:
    suite = ET.parse(path).getroot()
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    cases = {c.get("name"): c.find("failure") for c in suite.iter("testcase")}
    return properties, cases


def test_the_junit_evidence_fails_both_cases_for_a_worse_model_and_names_both_models(trained_model, shuffled, tmp_path):
    result = compare(trained_model, shuffled, EVALUATION)
    write_junit(result, str(trained_model), shuffled, tmp_path / "compare.xml")
    properties, cases = _suite(tmp_path / "compare.xml")
    new = read_manifest(shuffled)
    assert properties["model_sha256"] == new.sha256 and properties["model_version"] == new.model_version
    assert properties["production_model"] == read_manifest(trained_model).model_version
    assert properties["production_source"] == str(trained_model)
    assert (properties["new_mae"], properties["production_mae"]) == (
        f"{_typical_error(shuffled):.4f}",
        f"{_typical_error(trained_model):.4f}",
    )
    assert set(cases) == {NOT_WORSE, UNMOVED}
    assert cases[NOT_WORSE].get("message") == result.summary() and cases[UNMOVED].get("message") == result.moved_summary()


def test_the_junit_evidence_of_the_first_release_passes_and_says_why(trained_model, tmp_path):
    write_junit(compare(None, trained_model, EVALUATION), None, trained_model, tmp_path / "compare.xml")
    properties, cases = _suite(tmp_path / "compare.xml")
    assert properties["production_model"] == NO_PRODUCTION_MODEL and "production_mae" not in properties
    assert cases == {NOT_WORSE: None, UNMOVED: None}
    assert "no production model yet" in (tmp_path / "compare.xml").read_text()


def test_a_contract_with_no_champion_margin_cannot_be_compared(tmp_path):
    shutil.copytree(FEATURES, tmp_path / "features")
    risk = tmp_path / "features" / "risk.feature"
    risk.write_text(
        "\n".join(line for line in risk.read_text().splitlines() if "worse than the production model's" not in line) + "\n"
    )
    model = train_into(tmp_path / "model", tmp_path / "features", TRAINING_DATA)
    with pytest.raises(ModelgateError, match=rf"^{model}: its contract states no champion margin"):
        compare(None, model, EVALUATION)
