"""The breast cancer example's model, fitted the way a data-science team fits its own: outside modelgate, with
scikit-learn and pandas, saved with skops. `modelgate package` then packages it with the example's contract.

    python examples/cancer/train_model.py OUT.skops     # fit on examples/cancer/data/training.csv

A Pipeline: the six measurements standardised, then a logistic regression of the diagnosis (malignant or benign).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd
import skops.io as sio
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

DATA = Path(__file__).resolve().parent / "data" / "training.csv"
TARGET = "diagnosis"


def fit(data: Path = DATA) -> Pipeline:
    frame = pd.read_csv(data)
    inputs, target = frame.drop(columns=[TARGET]), frame[TARGET]
    return Pipeline([("scale", StandardScaler()), ("model", LogisticRegression(max_iter=5000))]).fit(inputs, target)


if __name__ == "__main__":
    sio.dump(fit(), sys.argv[1] if len(sys.argv) > 1 else "model.skops")
