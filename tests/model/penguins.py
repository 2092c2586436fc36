"""A second model for the tests of the model room, unlike the bundled one in every way that matters to packaging and
serving: five inputs (two categories, one of them with missing values; two numbers, one with missing values; a whole
number), trained on the Palmer penguins data by a Pipeline of imputers, a scaler, a one-hot encoder and a Ridge."""

from __future__ import annotations

from pathlib import Path

from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from tests.contracts.folders import agreed, declaration, write_features

OUTPUT, UNIT, DECIMALS = "body_mass_g", "grams", 1
INPUTS = [
    ("island", "where it was seen", "", "category", "Biscoe, Dream or Torgersen", "no"),
    ("sex", "its sex", "", "category", "female or male", "yes"),
    ("bill_length_mm", "its bill's length", "mm", "number", "from 25 to 70", "yes"),
    ("flipper_length_mm", "its flipper's length", "mm", "number", "greater than 150 and at most 250", "no"),
    ("year", "the year it was seen", "", "whole number", "from 2007 to 2009", "no"),
]
NAMES = [row[0] for row in INPUTS]
NUMBERS = ["bill_length_mm", "flipper_length_mm", "year"]
CATEGORIES = ["island", "sex"]
GOLDEN = [
    (*NAMES, OUTPUT),
    ("Biscoe", "female", "45.2", "215", "2008", "4750"),
    ("Dream", "", "", "190", "2007", "3500"),
]
BLANKED = 25  # every 25th penguin's bill length is left blank: the training data has missing numbers too


def features(folder: Path) -> Path:
    return write_features(
        folder,
        {
            "model.feature": declaration(INPUTS, OUTPUT, UNIT, DECIMALS),
            "scoring.feature": agreed(GOLDEN, OUTPUT, UNIT, "0.5"),
        },
    )


def data(path: Path) -> Path:
    """The penguins with a body mass, as a training CSV (blank cells for missing values)."""
    from palmerpenguins import load_penguins

    found = load_penguins()
    found = found[found[OUTPUT].notna()].reset_index(drop=True)
    found.loc[found.index % BLANKED == 0, "bill_length_mm"] = None
    found[[*NAMES, OUTPUT]].to_csv(path, index=False, na_rep="", lineterminator="\n")
    return path


def pipeline(**ridge) -> Pipeline:
    numbers = Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())])
    categories = Pipeline(
        [("impute", SimpleImputer(strategy="most_frequent")), ("onehot", OneHotEncoder(handle_unknown="ignore"))]
    )
    prepare = ColumnTransformer([("numbers", numbers, NUMBERS), ("categories", categories, CATEGORIES)])
    return Pipeline([("prepare", prepare), ("model", Ridge(**ridge))])
