"""A classifier that should not ship does not ship, end to end: the penguins example's own features are run against
it (pytest-bdd, in a subprocess, as the chain runs them), and the gate judges the JUnit they leave.

- a model that always answers the most frequent species (the example's Pipeline ending in scikit-learn's
  ``DummyClassifier``) fails the quality feature on its margin over that baseline, naming both accuracies, and the gate;
- a model fitted on shuffled species fails the champion/challenger scenario against the released model, naming both
  metric values, and the gate.

The expected values are the features' own numbers and the metrics computed here with scikit-learn from the models'
answers (not modelgate's record of them).
"""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest
from modelgate.contracts.reader import read_contract
from modelgate.model.package import package
from modelgate.model.train import read_training
from modelgate.steps.support import ROOT, load_script
from sklearn.dummy import DummyClassifier
from sklearn.metrics import accuracy_score

from modelgate.cli import main

EXAMPLE = ROOT / "examples" / "penguins"
FEATURES = EXAMPLE / "features"
DATA = EXAMPLE / "data" / "penguins.csv"


def _packaged(estimator, out):
    contract = read_contract(FEATURES)
    package(estimator, read_training(DATA, contract), contract, out)
    return out


def _fitted(final=None, shuffle_seed: int | None = None):
    """The example's Pipeline fitted on its training data: with ``final`` as its last step, or on shuffled species."""
    frame = pd.read_csv(DATA)
    inputs, target = frame.drop(columns=["species"]), frame["species"]
    pipeline = load_script(EXAMPLE / "train_model.py").fit()
    if final is not None:
        pipeline.set_params(model=final)
    if shuffle_seed is not None:
        target = pd.Series(np.random.default_rng(shuffle_seed).permutation(target.to_numpy()))
    return pipeline.fit(inputs, target)


def _features(model, marker: str, suite: str, out, *extra: str) -> list[tuple[str, str]]:
    """Run the penguins' features tagged ``marker`` against ``model``; (test case, failure message) of each failure."""
    junit = out / f"{suite}.xml"
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "steps", "-q", "-p", "no:cacheprovider", "-o", f"bdd_features_base_dir={FEATURES}",
         "--model", str(model), "-m", marker, "-o", f"junit_suite_name={suite}", f"--junitxml={junit}", *extra],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=900,
    )  # fmt: skip
    assert run.returncode == 1, run.stdout[-3000:] + run.stderr[-3000:]
    return [
        (case.get("name"), failure.get("message") or "")
        for case in ET.parse(junit).getroot().iter("testcase")
        for failure in case.findall("failure")
    ]


def _gate(out, model, suite: str, capsys) -> tuple[int, str]:
    code = main(
        ["gate", str(out), "--require", suite, "--model", str(model), "--features", str(FEATURES), "--model-suites", suite]
    )
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.fixture(scope="module")
def always_most_frequent(tmp_path_factory):
    return _packaged(_fitted(final=DummyClassifier(strategy="prior")), tmp_path_factory.mktemp("dummy") / "model")


def test_a_model_that_always_answers_the_most_frequent_species_fails_its_baseline_margin_and_the_gate(
    always_most_frequent, tmp_path, capsys
):
    frame = pd.read_csv(DATA)
    most = frame["species"].value_counts().idxmax()
    baseline = accuracy_score(frame["species"], [most] * len(frame))  # the same on every fold's unseen rows, nearly
    failures = _features(always_most_frequent, "model", "bdd-penguins", tmp_path)
    margin = [(name, message) for name, message in failures if "most frequent" in message]
    assert margin, failures
    (name, message), *_ = margin
    scenario = "the_model_answers_much_better_than_always_guessing_the_most_frequent_species"
    assert scenario in name, name
    first = message.splitlines()[0]  # the step's own line (pytest's explanation of the assert follows)
    assert first.count(f"{baseline:.4f}") == 2, message  # the model's accuracy and the baseline's, both named
    code, said = _gate(tmp_path, always_most_frequent, "bdd-penguins", capsys)
    assert code == 1, said
    assert f"[bdd-penguins] steps.test_features::test_{scenario}" in said, said


@pytest.fixture(scope="module")
def shuffled(tmp_path_factory):
    return _packaged(_fitted(shuffle_seed=19), tmp_path_factory.mktemp("shuffled") / "model")


def _log_loss(model, frame) -> float:
    """scikit-learn's log loss of the model's own probabilities on ``frame`` (its answers as served are rounded: the
    figure compared is the first decimals)."""
    from modelgate.model import artifact
    from sklearn.metrics import log_loss

    estimator = artifact.load(model).estimator
    return float(log_loss(frame["species"], estimator.predict_proba(frame.drop(columns=["species"])), labels=estimator.classes_))


def test_a_model_trained_on_shuffled_species_fails_champion_challenger_naming_both_values_and_the_gate(
    shuffled, penguins_model, tmp_path, capsys
):
    failures = _features(shuffled, "risk", "bdd-penguins", tmp_path, "--production-model", str(penguins_model))
    scenario = "the_model_being_released_is_no_worse_than_the_model_in_production"
    (message,) = [m.splitlines()[0] for name, m in failures if scenario in name]
    evaluation = pd.read_csv(EXAMPLE / "data" / "evaluation.csv")
    new, production = _log_loss(shuffled, evaluation), _log_loss(penguins_model, evaluation)
    assert new > production + 0.05, (new, production)  # the shuffled model is worse by far more than the margin
    named = re.search(r"log loss is ([0-9.]+), the production model's ([0-9.]+)", message)
    assert named, message  # both values, each within the rounding of the answers of scikit-learn's own figure
    assert abs(float(named[1]) - new) < 2e-3 and abs(float(named[2]) - production) < 2e-3, (message, new, production)
    code, said = _gate(tmp_path, shuffled, "bdd-penguins", capsys)
    assert code == 1 and f"[bdd-penguins] steps.test_features::test_{scenario}" in said, said
