"""Write the penguins example's data from the palmerpenguins package (344 penguins of the Palmer archipelago,
2007-2009, shipped inside the package: no download).

    python examples/penguins/data/generate.py   # rewrites penguins.csv, evaluation.csv and sample_input.csv here

The package's own columns: species (the answer), island, sex (missing for a few penguins), bill length and depth,
flipper length and body mass (missing for two penguins, which have no measurement at all). A seeded shuffle puts 84
penguins aside for evaluation (no model is trained on them) and the rest in the training file. A test checks the
committed files are exactly what this script writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

SEED = 20261202
EVALUATION_ROWS = 84
SAMPLE_ROWS = 40
HERE = Path(__file__).resolve().parent
COLUMNS = ["island", "sex", "bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g", "species"]


def frame():
    import palmerpenguins

    return palmerpenguins.load_penguins()[COLUMNS]


def render(rows) -> str:
    return rows.to_csv(index=False, float_format="%g", lineterminator="\n")


def main(out_dir: Path = HERE) -> None:
    data = frame()
    order = np.random.default_rng(SEED).permutation(len(data))
    evaluation, training = data.iloc[order[:EVALUATION_ROWS]], data.iloc[order[EVALUATION_ROWS:]]
    (out_dir / "penguins.csv").write_text(render(training), newline="\n")
    (out_dir / "evaluation.csv").write_text(render(evaluation), newline="\n")
    (out_dir / "sample_input.csv").write_text(render(evaluation.drop(columns=["species"]).iloc[:SAMPLE_ROWS]), newline="\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
