"""The penguins example's model, fitted the way a data-science team fits its own: outside modelgate, with
scikit-learn and pandas, saved with skops. `modelgate package` then packages it with the example's contract.

    python examples/penguins/train_model.py OUT.skops     # fit on examples/penguins/data/penguins.csv

A Pipeline: the island and the sex one-hot encoded (a missing sex filled with the most frequent), the four
measurements filled with their median where missing and standardised, then a multinomial logistic regression of
the species.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import skops.io as sio
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

DATA = Path(__file__).resolve().parent / "data" / "penguins.csv"
TARGET = "species"
CATEGORIES = ["island", "sex"]


def fit(data: Path = DATA) -> Pipeline:
    frame = pd.read_csv(data)
    inputs, target = frame.drop(columns=[TARGET]), frame[TARGET]
    numbers = [c for c in inputs.columns if c not in CATEGORIES]
    categories = Pipeline([("fill", SimpleImputer(strategy="most_frequent")), ("onehot", OneHotEncoder(handle_unknown="ignore"))])
    measurements = Pipeline([("fill", SimpleImputer(strategy="median")), ("scale", StandardScaler())])
    prepare = ColumnTransformer([("categories", categories, CATEGORIES), ("measurements", measurements, numbers)])
    return Pipeline([("prepare", prepare), ("model", LogisticRegression(max_iter=5000))]).fit(inputs, target)


if __name__ == "__main__":
    sio.dump(fit(), sys.argv[1] if len(sys.argv) > 1 else "model.skops")
