"""Write the diabetes example's data from scikit-learn's bundled diabetes study (442 patients, no download).

    python examples/diabetes/data/generate.py   # rewrites diabetes.csv, evaluation.csv and sample_input.csv here

The study's own columns under the names its documentation gives them; sex as the study codes it (1 or 2). A seeded
shuffle puts 100 patients aside for evaluation (no model is trained on them) and the rest in the training file. A
test checks the committed files are exactly what this script writes, so the data's origin stays reproducible.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

SEED = 20261201
EVALUATION_ROWS = 100
SAMPLE_ROWS = 40
HERE = Path(__file__).resolve().parent
# The study's column names -> the names this example's features use.
NAMES = {
    "age": "age",
    "sex": "sex",
    "bmi": "bmi",
    "bp": "blood_pressure",
    "s1": "cholesterol",
    "s2": "ldl",
    "s3": "hdl",
    "s4": "cholesterol_ratio",
    "s5": "triglycerides",
    "s6": "glucose",
    "target": "progression",
}


def frame():
    from sklearn.datasets import load_diabetes

    found = load_diabetes(scaled=False, as_frame=True).frame.rename(columns=NAMES)
    found["sex"] = found["sex"].astype(int).astype(str)
    return found


def render(rows) -> str:
    return rows.to_csv(index=False, float_format="%g", lineterminator="\n")


def main(out_dir: Path = HERE) -> None:
    data = frame()
    order = np.random.default_rng(SEED).permutation(len(data))
    evaluation, training = data.iloc[order[:EVALUATION_ROWS]], data.iloc[order[EVALUATION_ROWS:]]
    (out_dir / "diabetes.csv").write_text(render(training), newline="\n")
    (out_dir / "evaluation.csv").write_text(render(evaluation), newline="\n")
    sample = evaluation.drop(columns=["progression"]).iloc[:SAMPLE_ROWS]
    (out_dir / "sample_input.csv").write_text(render(sample), newline="\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
