"""A second model for the batch room's tests, unlike the bundled one-number model: a flat's asking price from four
inputs of three kinds (a number, a category, a number that may be missing, a yes/no), fitted by ``modelgate train
--estimator ridge`` (a Pipeline that imputes and one-hot encodes). Its features are written here in the contract's own
sentences, and its training data is drawn from a seeded rule, so a test knows what the training data holds without
asking the code under test.

West is a district the contract accepts but no training flat is in: an unseen category. An area above the largest
training area, but still accepted, is a number outside the training data.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

NAMES = ("area", "district", "age", "garden")
OUTPUT = "price"
DISTRICTS = ("North", "South", "East", "West")  # as the contract lists them
TRAINED_DISTRICTS = {"North": 0.5, "South": 0.3, "East": 0.2}  # West: never in the training data
AREA_DRAWN = (25.0, 160.0)  # training areas lie inside this span; the contract accepts 10 to 400
AGE_MISSING = 0.15  # the share of training flats with no building age
# The value rules as the features below state them, in the words a failure report and a JUnit case use.
RULES = [
    "at least 10 m2",
    "at most 400 m2",
    "one of North, South, East, West",
    "at least 0 years",
    "at most 150 years",
]

MODEL_FEATURE = """@model
Feature: Flat price model
  The model answers a flat's asking price in thousands from its floor area, its district, the age of its
  building (not always known) and whether it has a garden.

  Scenario: The model is told a flat and answers its price
    Given the model under test
    Then it takes these inputs
      | input    | meaning                 | unit  | kind     | accepted                   | may be missing |
      | area     | its floor area          | m2    | number   | from 10 to 400             | no             |
      | district | the district it is in   |       | category | North, South, East or West | no             |
      | age      | its building's age      | years | number   | at least 0 and at most 150 | yes            |
      | garden   | whether it has a garden |       | yes/no   | yes or no                  | no             |
    And it answers the price in thousands, rounded to 2 decimals
"""

SCORING_FEATURE = """@api
Feature: Agreed prices
  Scenario: The agreed flats score to their agreed price
    When a client asks for the price of each flat below
      | area | district | age | garden | price |
      | 50   | North    | 10  | yes    | 130   |
      | 80   | South    |     | no     | 121   |
    Then each answer is the agreed price, give or take 5 thousands
"""

RISK_FEATURE = """@risk
Feature: Model risk
  Scenario: The model being released is not worse than the model in production
    Given the model under test and the model in production
    When both score the evaluation flats, which neither was trained on
    Then the new model's typical error is at most 2 thousands worse than the production model's

  Scenario: A file of flats like the training flats is scored as usual
    Given a file of the evaluation flats
    When the file is scored with the drift check
    Then its inputs' stability index against the training inputs is below the warning level of 0.1
    And the file is scored

  Scenario: A file of flats from another town is refused
    Given a file of flats from another town
    And a file of 100 or more flats is judged for drift
    When the file is scored with the drift check
    Then the file is refused, its inputs' stability index being at least 0.25
    And nothing is written for it

  Scenario: Flats outside those the model was trained on are answered and marked
    Given the scoring service is running
    When a client asks for the price of these flats
    Then the answer marks as extrapolations exactly the flats outside those the model was trained on
"""

WARN, REFUSE, MIN_ROWS = 0.1, 0.25, 100  # as RISK_FEATURE states them


def write_features(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (("model.feature", MODEL_FEATURE), ("scoring.feature", SCORING_FEATURE), ("risk.feature", RISK_FEATURE)):
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def draw(rng: random.Random) -> list[str]:
    """One flat like the training flats, as CSV cells in NAMES order (a blank age: not known)."""
    district = rng.choices(list(TRAINED_DISTRICTS), weights=list(TRAINED_DISTRICTS.values()))[0]
    age = "" if rng.random() < AGE_MISSING else str(rng.randint(0, 80))
    return [f"{rng.uniform(*AREA_DRAWN):.1f}", district, age, rng.choice(["yes", "no"])]


def price(cells: list[str], rng: random.Random) -> str:
    area, district, age, garden = cells
    base = {"North": 40.0, "South": 10.0, "East": 0.0}[district]
    years = float(age) if age else 30.0
    return f"{1.5 * float(area) + base - 0.3 * years + (20.0 if garden == 'yes' else 0.0) + rng.gauss(0, 5):.2f}"


def write_training(path: Path, rows: int = 400, seed: int = 1848) -> Path:
    rng = random.Random(seed)
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([*NAMES, OUTPUT])
        for _ in range(rows):
            cells = draw(rng)
            writer.writerow([*cells, price(cells, rng)])
    return path


def training_rows(path: Path) -> list[list[str]]:
    """The training file's input cells, in NAMES order, as written."""
    with open(path, newline="") as handle:
        return [[row[name] for name in NAMES] for row in csv.DictReader(handle)]


def write_file(path: Path, rows: list[list[str]], extra: tuple[str, ...] = ()) -> Path:
    """A batch file: a header of ``extra`` columns then NAMES, one line per row (cells as given, ``extra`` first)."""
    with open(path, "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([*extra, *NAMES])
        writer.writerows(rows)
    return path
