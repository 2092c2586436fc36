"""modelgate: make a model's contract executable and gate its release on it."""

__version__ = "0.1.0"
