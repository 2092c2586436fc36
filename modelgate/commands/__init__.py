"""One module per ``modelgate`` command, each with ``register(sub, settings)``; its ``run(args)``
parses nothing and calls one importable function."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from modelgate.settings import Settings

# The commands in the order ``--help`` lists them; each is modelgate/commands/<name>.py.
NAMES = ["train", "score", "watch", "serve", "selftest", "compare", "publish", "gate", "report"]

# The model in production: where compare, report and the risk scenario read it and publish writes it.
PRODUCTION_ENV = "MODELGATE_PRODUCTION_MODEL"
PRODUCTION_FORMS = "a model folder, a folder URL (abfs://container/path) or a registry alias (models:/NAME@ALIAS, extra mlflow)"


def model_arg(parser: argparse.ArgumentParser, settings: Settings) -> None:
    parser.add_argument(
        "--model",
        type=Path,
        default=settings.model_dir,
        metavar="DIR",
        help=f"model directory with manifest.json (default: $MODELGATE_MODEL_DIR or {settings.model_dir})",
    )


def production_arg(parser: argparse.ArgumentParser, name: str, what: str, metavar: str = "SRC") -> None:
    """The production model's place, read from ``$MODELGATE_PRODUCTION_MODEL`` unless given (``name`` an option or a
    positional, then optional)."""
    optional = {} if name.startswith("-") else {"nargs": "?"}
    parser.add_argument(
        name,
        default=os.environ.get(PRODUCTION_ENV),
        metavar=metavar,
        help=f"{what}: {PRODUCTION_FORMS} (default: ${PRODUCTION_ENV})",
        **optional,
    )


def features_arg(
    parser: argparse.ArgumentParser, settings: Settings, what: str = "the features stating the drift levels, risk.feature"
) -> None:
    parser.add_argument(
        "--features",
        type=Path,
        default=settings.features_dir,
        metavar="DIR",
        help=f"{what} (default: $MODELGATE_FEATURES_DIR or {settings.features_dir})",
    )


def heights_policy(manifest: dict, features: Path):
    """(training heights, drift levels, refuse extrapolations?) for a batch run: the model's record, the risk
    feature's levels, the MODELGATE_EXTRAPOLATION setting. A model that records no training heights is scored
    without these checks, with a warning."""
    import sys

    from modelgate.contracts.errors import ModelgateError
    from modelgate.contracts.risk import drift_limits
    from modelgate.model import drift

    profile = drift.training_heights(manifest)
    if profile is None:
        print(
            "modelgate: warning: the model records no training heights: no drift or extrapolation check; retrain it",
            file=sys.stderr,
        )
        return None, None, False
    try:
        limits = drift_limits(features)
    except (OSError, LookupError, ValueError) as exc:
        raise ModelgateError(f"cannot read the drift levels: {exc}") from None
    return profile, limits, Settings.from_env().extrapolation == "refuse"


def heights_lines(heights: dict | None) -> list[str]:
    """The drift and extrapolation findings of a batch run, one line each, for the terminal."""
    if not heights:
        return []
    lines = [f"{heights['extrapolated']['count']} height(s) outside the training heights (flagged in the report)"]
    if "drift" in heights:
        found = heights["drift"]
        lines.append(f"input drift: stability index {found['psi']:.3f}, {found['verdict']}")
    return lines
