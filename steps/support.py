"""Test support shared by the steps, ``tests/``, ``fuzz/`` and ``bench/``: where the repository is, and
small builders every suite needs (one home each, so suites cannot drift apart)."""

from __future__ import annotations

from pathlib import Path

# The checkout the tests run from: home of features/, data/, docker/ and pipelines/. Installed code never
# uses it (its defaults come from settings and the working directory).
ROOT = Path(__file__).resolve().parent.parent

from modelgate.settings import DEFAULT_MODEL_DIR, DEFAULT_TRAINING_DATA  # noqa: E402

BUNDLED_MODEL = ROOT / DEFAULT_MODEL_DIR  # the model that ships: what the features judge by default
TRAINING_DATA = ROOT / DEFAULT_TRAINING_DATA  # the bundled training data
FEATURES = ROOT / "features"


def heights_like_training(rows: int) -> list[str]:
    """``rows`` heights of the training people, over and over, as written in the training data: a batch the
    drift check accepts (a spread such as 50-140 inches is refused as drifted input)."""
    heights = [line.split(",")[0] for line in TRAINING_DATA.read_text().splitlines()[1:]]
    return [heights[i % len(heights)] for i in range(rows)]


def bundled_model() -> Path:
    """``model/bundled``, trained from the bundled data first if there is none (never replaced)."""
    from modelgate.model import artifact
    from modelgate.model.train import train

    if not (BUNDLED_MODEL / artifact.MANIFEST_FILE).is_file():
        train(TRAINING_DATA, BUNDLED_MODEL)
    return BUNDLED_MODEL
