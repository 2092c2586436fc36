"""Write the breast cancer example's data from scikit-learn's bundled Wisconsin diagnostic study (569 breast masses,
each a fine needle aspirate imaged and its cell nuclei measured; shipped inside scikit-learn: no download).

    python examples/cancer/data/generate.py   # rewrites training.csv and evaluation.csv here

Six of the study's thirty measurements, under business names, and the diagnosis as the study words it (malignant or
benign). A seeded shuffle puts 140 masses aside for evaluation (no model is trained on them) and the rest in the
training file. A test checks the committed files are exactly what this script writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

SEED = 20261203
EVALUATION_ROWS = 140
HERE = Path(__file__).resolve().parent
# The study's column names -> the names this example's features use.
NAMES = {
    "mean radius": "mean_radius",
    "mean texture": "mean_texture",
    "mean smoothness": "mean_smoothness",
    "mean concave points": "mean_concave_points",
    "worst radius": "worst_radius",
    "worst symmetry": "worst_symmetry",
}
TARGET = "diagnosis"


def frame():
    from sklearn.datasets import load_breast_cancer

    study = load_breast_cancer(as_frame=True)
    found = study.frame[list(NAMES)].rename(columns=NAMES)
    found[TARGET] = [str(study.target_names[t]) for t in study.target]
    return found


def render(rows) -> str:
    return rows.to_csv(index=False, float_format="%g", lineterminator="\n")


def main(out_dir: Path = HERE) -> None:
    data = frame()
    order = np.random.default_rng(SEED).permutation(len(data))
    evaluation, training = data.iloc[order[:EVALUATION_ROWS]], data.iloc[order[EVALUATION_ROWS:]]
    (out_dir / "training.csv").write_text(render(training), newline="\n")
    (out_dir / "evaluation.csv").write_text(render(evaluation), newline="\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
