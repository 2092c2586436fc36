"""model.compare: the model being released against the model in production, on evaluation rows neither was trained on.
A model trained on shuffled answers is worse, and the verdict names both typical errors (worked out here), or for a
classifier both values of its champion metric; the first release says there is nothing to compare against; every agreed
answer that moved beyond its tolerance, or agreed class that changed, is named."""

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
from modelgate.model.compare import NO_PRODUCTION_MODEL, NOT_WORSE, NOT_WORSE_METRIC, UNCHANGED, UNMOVED, compare, write_junit
from modelgate.model.manifest import read_manifest
from modelgate.steps import support
from modelgate.steps.support import FEATURES, ROOT, TRAINING_DATA, train_into

from modelgate.cli import main

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
        f"first release: not compared with a production model (there is none yet); the new model's typical error is "
        f"{error:.2f} {unit} "
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
    assert properties["first_release"] == "first release: not compared with a production model"
    assert "first release: not compared with a production model (there is none yet)" in (tmp_path / "compare.xml").read_text()


def test_a_contract_with_no_champion_margin_cannot_be_compared(tmp_path):
    shutil.copytree(FEATURES, tmp_path / "features")
    risk = tmp_path / "features" / "risk.feature"
    risk.write_text(
        "\n".join(line for line in risk.read_text().splitlines() if "worse than the production model's" not in line) + "\n"
    )
    model = train_into(tmp_path / "model", tmp_path / "features", TRAINING_DATA)
    with pytest.raises(ModelgateError, match=rf"^{model}: its contract states no champion margin"):
        compare(None, model, EVALUATION)


# -- a classifier: the penguins example -----------------------------------------------------------------------------------
# Its contract's champion metric (examples/penguins/features/risk.feature): "the new model's log loss is at most 0.05
# worse than the production model's". Every expected value below is asked of scikit-learn here and worked out in plain
# Python: the log loss and the accuracy by their definitions, the changed agreed rows by comparing the answers.

PENGUINS = ROOT / "examples" / "penguins"
PENGUINS_EVALUATION = PENGUINS / "data" / "evaluation.csv"
SHUFFLE_SEED = 19


def _penguins_model(folder: Path, features: Path, shuffled: bool) -> Path:
    """The example's Pipeline fitted on its training penguins (their species shuffled, seeded, when ``shuffled``),
    packaged with ``features``."""
    from modelgate.contracts.reader import read_contract
    from modelgate.model.package import package
    from modelgate.model.train import read_training

    data = folder / "penguins.csv"
    frame = pd.read_csv(PENGUINS / "data" / "penguins.csv", dtype=str, keep_default_na=False)
    if shuffled:
        frame["species"] = np.random.default_rng(SHUFFLE_SEED).permutation(frame["species"].to_numpy())
    frame.to_csv(data, index=False, lineterminator="\n")
    contract = read_contract(features)
    package(support.load_script(PENGUINS / "train_model.py").fit(data), read_training(data, contract), contract, folder / "model")
    return folder / "model"


@pytest.fixture(scope="module")
def shuffled_penguins(tmp_path_factory) -> Path:
    return _penguins_model(tmp_path_factory.mktemp("shuffled-penguins"), PENGUINS / "features", shuffled=True)


def _classified(model_dir: Path, frame: pd.DataFrame) -> tuple[list[str], list[dict[str, float]]]:
    """The most probable class (the first stated on a tie) and each class's probability by name, rounded to the
    contract's decimals: asked of the estimator here, its ``classes_`` put in the contract's order by name."""
    loaded = artifact.load(model_dir)
    classes, decimals = list(loaded.contract.output.classes), loaded.contract.output.decimals
    raw = loaded.estimator.predict_proba(frame[loaded.manifest.inputs])
    known = [str(c) for c in loaded.estimator.classes_]
    answers = [{c: round(float(row[known.index(c)]), decimals) for c in classes} for row in raw]
    labels = [max(classes, key=lambda c, p=p: (p[c], -classes.index(c))) for p in answers]
    return labels, answers


def _log_loss(model_dir: Path) -> float:
    data = pd.read_csv(PENGUINS_EVALUATION)
    _, answers = _classified(model_dir, data)
    return math.fsum(-math.log(max(p[truth], 1e-15)) for p, truth in zip(answers, data["species"])) / len(data)


def test_a_classifier_trained_on_shuffled_labels_is_worse_and_the_verdict_names_both_log_losses(
    penguins_model, shuffled_penguins
):
    result = compare(penguins_model, shuffled_penguins, PENGUINS_EVALUATION)
    champion, challenger = _log_loss(penguins_model), _log_loss(shuffled_penguins)
    assert (result.metric, result.margin) == ("log loss", 0.05)
    assert (result.production, result.new) == (pytest.approx(champion, rel=1e-9), pytest.approx(challenger, rel=1e-9))
    assert challenger - champion > 0.05 and not result.not_worse
    assert result.summary() == (
        f"the new model {read_manifest(shuffled_penguins).model_version} (log loss {challenger:.4f}) is worse by more than "
        f"0.05 than the production model {read_manifest(penguins_model).model_version} (log loss {champion:.4f})"
    )


def test_a_lower_log_loss_is_better_so_the_good_model_replaces_the_shuffled_one(penguins_model, shuffled_penguins):
    result = compare(shuffled_penguins, penguins_model, PENGUINS_EVALUATION)
    assert result.new < result.production - 0.05 and result.not_worse, result.summary()


def _agreed_frame(contract) -> pd.DataFrame:
    return pd.DataFrame([dict(zip(contract.names, g.values)) for g in contract.golden]).fillna(value=np.nan)


def test_every_agreed_penguin_whose_species_changed_or_whose_agreed_probability_moved_is_named(penguins_model, shuffled_penguins):
    contract = artifact.load(shuffled_penguins).contract
    rows = _agreed_frame(contract)
    (before, old), (after, new) = _classified(penguins_model, rows), _classified(shuffled_penguins, rows)
    expected = [
        (contract.golden_row(i), f"{b} {o[b]:g}", f"{a} {n[a]:g}")
        for i, (g, b, o, a, n) in enumerate(zip(contract.golden, before, old, after, new))
        if a != b or (g.probability is not None and abs(Decimal(repr(n[a])) - Decimal(repr(o[b]))) > Decimal(repr(g.tolerance)))
    ]
    result = compare(penguins_model, shuffled_penguins, PENGUINS_EVALUATION)
    assert expected and result.moved == expected
    assert result.moved_summary() == "agreed species changed: " + "; ".join(f"{r}: {b} -> {a}" for r, b, a in expected)
    assert result.to_dict()["moved"] == [{"row": r, "production": b, "new": a} for r, b, a in expected]


def test_a_classifier_is_not_worse_than_itself_and_changes_no_agreed_species(penguins_model):
    result = compare(penguins_model, penguins_model, PENGUINS_EVALUATION)
    assert result.not_worse and result.moved == [] and result.new == result.production == pytest.approx(_log_loss(penguins_model))
    assert result.moved_summary() == "no agreed species changed"


def test_the_first_release_of_a_classifier_says_its_log_loss(penguins_model):
    result = compare(None, penguins_model, PENGUINS_EVALUATION)
    assert (result.production, result.production_version, result.not_worse, result.moved) == (None, NO_PRODUCTION_MODEL, True, [])
    assert result.summary() == (
        "first release: not compared with a production model (there is none yet); the new model's log loss is "
        f"{_log_loss(penguins_model):.4f} "
        "(this release becomes the first production model)"
    )


def test_the_junit_evidence_of_a_classifier_names_its_metric_and_both_values(penguins_model, shuffled_penguins, tmp_path):
    result = compare(penguins_model, shuffled_penguins, PENGUINS_EVALUATION)
    write_junit(result, str(penguins_model), shuffled_penguins, tmp_path / "compare.xml")
    properties, cases = _suite(tmp_path / "compare.xml")
    assert properties["production_model"] == read_manifest(penguins_model).model_version
    assert (properties["metric"], properties["new_metric"], properties["production_metric"]) == (
        "log loss",
        f"{_log_loss(shuffled_penguins):.4f}",
        f"{_log_loss(penguins_model):.4f}",
    )
    assert "new_mae" not in properties and set(cases) == {NOT_WORSE_METRIC, UNCHANGED}
    assert (
        cases[NOT_WORSE_METRIC].get("message") == result.summary() and cases[UNCHANGED].get("message") == result.moved_summary()
    )


def test_the_compare_command_fails_a_worse_classifier_naming_both_values(penguins_model, shuffled_penguins, capsys):
    args = [
        "compare",
        "--champion",
        str(penguins_model),
        "--challenger",
        str(shuffled_penguins),
        "--data",
        str(PENGUINS_EVALUATION),
    ]
    assert main(args) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == compare(penguins_model, shuffled_penguins, PENGUINS_EVALUATION).summary()
    assert f"(log loss {_log_loss(shuffled_penguins):.4f})" in out[0] and f"(log loss {_log_loss(penguins_model):.4f})" in out[0]
    assert out[1].startswith("agreed species changed: ")


def _features_with(tmp_path: Path, old: str, new: str) -> Path:
    shutil.copytree(PENGUINS / "features", tmp_path / "features")
    risk = tmp_path / "features" / "risk.feature"
    assert old in risk.read_text()
    risk.write_text(risk.read_text().replace(old, new))
    return tmp_path / "features"


def test_a_higher_accuracy_is_better_when_accuracy_is_the_champion_metric(tmp_path):
    features = _features_with(tmp_path, "new model's log loss is at most 0.05", "new model's accuracy is at most 0.02")
    (tmp_path / "good").mkdir(), (tmp_path / "shuffled").mkdir()
    good = _penguins_model(tmp_path / "good", features, shuffled=False)
    shuffled = _penguins_model(tmp_path / "shuffled", features, shuffled=True)
    data = pd.read_csv(PENGUINS_EVALUATION)

    def accuracy(model_dir: Path) -> float:
        labels, _ = _classified(model_dir, data)
        return sum(a == t for a, t in zip(labels, data["species"])) / len(data)

    worse, better = compare(good, shuffled, PENGUINS_EVALUATION), compare(shuffled, good, PENGUINS_EVALUATION)
    assert (worse.metric, worse.new, worse.production) == (
        "accuracy",
        pytest.approx(accuracy(shuffled)),
        pytest.approx(accuracy(good)),
    )
    assert accuracy(good) - accuracy(shuffled) > 0.02 and not worse.not_worse and better.not_worse


def test_a_classifier_contract_with_no_champion_metric_cannot_be_compared(tmp_path):
    features = _features_with(
        tmp_path, "    Then the new model's log loss is at most 0.05 worse than the production model's\n", ""
    )
    (tmp_path / "model").mkdir()
    model = _penguins_model(tmp_path / "model", features, shuffled=False)
    with pytest.raises(ModelgateError, match=rf"^{model}: its contract states no champion metric \('the new model's <metric>"):
        compare(None, model, PENGUINS_EVALUATION)


def test_a_production_model_answering_a_number_cannot_be_compared_with_a_classifier(trained_model, penguins_model):
    with pytest.raises(ModelgateError, match=rf"^{trained_model}: the production model answers weight in pounds, the new model "):
        compare(trained_model, penguins_model, PENGUINS_EVALUATION)
