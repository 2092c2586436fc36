"""A second example model for the service's tests: a penguin's body mass from four inputs, one of each kind the
contract language has (a number that may not be missing, a number that may, a category, a yes/no that may be
missing). Its features are written in the contract's own sentences (as ``features/*.feature`` write them) and its
training data is generated from a known rule, so a test can say what the service must answer without asking it.

Torgersen is an island the contract accepts but no training penguin came from: an unseen category. A bill longer
than the longest training bill, but still accepted, is a number outside the training data.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from modelgate.steps.support import train_into

MODEL_FEATURE = """@model
Feature: Penguin body mass model
  The model answers a penguin's body mass in grams from its bill, its flipper, the island where it was measured
  and whether it is fully grown.

  Scenario: The model is told a penguin's measurements and answers its body mass
    Given the model under test
    Then it takes these inputs
      | input          | meaning                      | unit | kind     | accepted                       | may be missing |
      | bill_length    | the length of its bill       | mm   | number   | greater than 25 and at most 65 | no             |
      | flipper_length | the length of its flipper    | mm   | number   | from 160 to 240                | yes            |
      | island         | the island it was measured on |     | category | Biscoe, Dream or Torgersen     | no             |
      | adult          | whether it is fully grown    |      | yes/no   | yes or no                      | yes            |
    And it answers the body_mass in grams, rounded to 1 decimal
"""

SCORING_FEATURE = """@api
Feature: Agreed body masses
  The reviewers agreed the body mass of three penguins, one of them with no flipper measured.

  Background:
    Given the scoring service is running

  Scenario Outline: An agreed penguin scores to its agreed body mass
    When a client asks for the body mass of the penguin
    Then the answer is <body_mass> grams, give or take 100 grams

    Examples: Agreed body masses
      | bill_length | flipper_length | island | adult | body_mass |
      | 40          | 190            | Biscoe | yes   | 4050      |
      | 50          |                | Dream  | no    | 4250      |
      | 45          | 210            | Dream  | yes   | 4600      |
"""

RISK_FEATURE = """@risk
Feature: Penguins unlike the training penguins
  Scenario: Penguins outside those the model was trained on are answered and marked
    Given the scoring service is running
    Then the answer marks as extrapolations exactly the penguins outside those the model was trained on
"""

FEATURES = {"model.feature": MODEL_FEATURE, "scoring.feature": SCORING_FEATURE, "risk.feature": RISK_FEATURE}

# The training penguins: what they span (the contract accepts more).
BILLS, FLIPPERS, ISLANDS = (32.0, 58.0), (172.0, 230.0), ("Biscoe", "Dream")
ROWS, SEED = 300, 3
# What an error about each input must say: its rule, in the words (or the numbers) of the features' table.
RULES = {
    "bill_length": ("greater than 25 and at most 65",),
    "flipper_length": ("160", "240"),
    "island": ("Biscoe", "Dream", "Torgersen"),
    "adult": ("yes or no",),
}


def body_mass(bill: float, flipper: float | None, island: str, adult: bool | None) -> float:
    """The rule the training data follows (before its noise); a missing flipper counts as a middling one."""
    flipper = 200.0 if flipper is None else flipper
    return 100 + 20 * bill + 15 * flipper + (150 if island == "Dream" else 0) + (300 if adult else 0)


def write_example(folder: Path) -> tuple[Path, Path]:
    """The example's features folder and training CSV, written under ``folder``."""
    features = folder / "features"
    features.mkdir(parents=True, exist_ok=True)
    for name, text in FEATURES.items():
        (features / name).write_text(text, encoding="utf-8")
    rng = random.Random(SEED)
    data = folder / "penguins.csv"
    with open(data, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["bill_length", "flipper_length", "island", "adult", "body_mass"])
        for _ in range(ROWS):
            bill = round(rng.uniform(*BILLS), 1)
            flipper = None if rng.random() < 0.1 else float(round(rng.uniform(*FLIPPERS)))
            island = rng.choice(ISLANDS)
            adult = None if rng.random() < 0.1 else rng.random() < 0.7
            mass = body_mass(bill, flipper, island, adult) + rng.gauss(0, 30)
            writer.writerow(
                [bill, "" if flipper is None else flipper, island, {True: "yes", False: "no", None: ""}[adult], round(mass, 1)]
            )
    # The extremes are in the data, so the training domain is exactly BILLS and FLIPPERS.
    with open(data, "a", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        for bill, flipper in zip(BILLS, FLIPPERS):
            writer.writerow([bill, flipper, "Biscoe", "yes", round(body_mass(bill, flipper, "Biscoe", True), 1)])
    return features, data


def penguin_model(tmp_path_factory, estimator: str) -> Path:
    """The example trained with ``estimator`` (``modelgate train --estimator``), once per session whichever suite asks."""
    root = tmp_path_factory.getbasetemp() / "penguins"
    out = root / estimator
    if not (out / "manifest.json").is_file():
        features, data = (
            write_example(root) if not (root / "penguins.csv").is_file() else (root / "features", root / "penguins.csv")
        )
        train_into(out, features, data, estimator=estimator)
    return out


def features_of(model_dir: Path) -> Path:
    """The features folder a model of this example was trained from."""
    return model_dir.parent / "features"
