"""The diabetes example's model, fitted the way a data-science team fits its own: outside modelgate, with
scikit-learn and pandas, saved with skops. `modelgate package` then packages it with the example's contract.

    python examples/diabetes/train_model.py OUT.skops     # fit on examples/diabetes/data/diabetes.csv

A Pipeline: sex one-hot encoded (the study codes it 1 or 2), the nine measurements standardised, then a ridge
regression of the disease progression one year after baseline.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import skops.io as sio
from sklearn.compose import ColumnTransformer
from sklearn.linear_model import Ridge
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

DATA = Path(__file__).resolve().parent / "data" / "diabetes.csv"
TARGET = "progression"


def fit(data: Path = DATA) -> Pipeline:
    frame = pd.read_csv(data, dtype={"sex": str})
    inputs, target = frame.drop(columns=[TARGET]), frame[TARGET]
    numbers = [c for c in inputs.columns if c != "sex"]
    prepare = ColumnTransformer([("sex", OneHotEncoder(drop="if_binary"), ["sex"]), ("numbers", StandardScaler(), numbers)])
    return Pipeline([("prepare", prepare), ("model", Ridge(alpha=1.0))]).fit(inputs, target)


if __name__ == "__main__":
    sio.dump(fit(), sys.argv[1] if len(sys.argv) > 1 else "model.skops")
