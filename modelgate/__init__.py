"""modelgate: make a model's contract executable and gate its release on it."""

from pathlib import Path

__version__ = "0.1.0"

# The repository (or installed source tree) root: home of features/, data/ and the bundled model.
ROOT = Path(__file__).resolve().parent.parent
