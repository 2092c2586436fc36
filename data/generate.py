"""Generate the bundled training data and sample batch input, deterministically.

    python data/generate.py            # rewrites data/weight_data.csv, data/sample_input.csv, data/evaluation.csv

Heights in inches, weights in pounds, the layout of the classic example. A test checks the
committed files are exactly what this script writes, so the data's origin stays reproducible.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

SEED = 20261126
ROWS = 240
# The evaluation file, on which the model being released and the one in production are compared: drawn like
# the training data but with its own seed, so neither model was trained on these people.
EVALUATION_SEED = 20270301
EVALUATION_ROWS = 200
HERE = Path(__file__).resolve().parent


def training_rows(seed: int = SEED, rows: int = ROWS) -> list[tuple[float, float]]:
    rng = np.random.default_rng(seed)
    heights = np.clip(rng.normal(66.0, 4.0, rows), 55.0, 80.0).round(1)
    weights = (-190.0 + 5.0 * heights + rng.normal(0.0, 12.0, rows)).round(1)
    return list(zip(heights.tolist(), weights.tolist()))


def evaluation_rows() -> list[tuple[float, float]]:
    return training_rows(EVALUATION_SEED, EVALUATION_ROWS)


def sample_heights(seed: int = SEED + 1, rows: int = 29) -> list[float]:
    rng = np.random.default_rng(seed)
    return rng.integers(50, 141, rows).astype(float).tolist()


def render_training(rows: list[tuple[float, float]]) -> str:
    return "height,weight\n" + "".join(f"{h:g},{w:g}\n" for h, w in rows)


def render_sample(heights: list[float]) -> str:
    return "height\n" + "".join(f"{h:g}\n" for h in heights)


def main(out_dir: Path = HERE) -> None:
    (out_dir / "weight_data.csv").write_text(render_training(training_rows()), newline="\n")
    (out_dir / "sample_input.csv").write_text(render_sample(sample_heights()), newline="\n")
    (out_dir / "evaluation.csv").write_text(render_training(evaluation_rows()), newline="\n")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE)
