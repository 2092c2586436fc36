"""One module per ``modelgate`` command, each with ``register(sub, settings)``; its ``run(args)``
parses nothing and calls one importable function."""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any

from modelgate.settings import Settings

# The commands in the order ``--help`` lists them; each is modelgate/commands/<name>.py.
NAMES = [
    "init", "train", "package", "score", "watch", "serve", "selftest", "check", "compare", "monitor", "publish", "signoff",
    "gate", "report",
]  # fmt: skip

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
    optional: dict[str, Any] = {} if name.startswith("-") else {"nargs": "?"}
    parser.add_argument(
        name,
        default=os.environ.get(PRODUCTION_ENV),
        metavar=metavar,
        help=f"{what}: {PRODUCTION_FORMS} (default: ${PRODUCTION_ENV})",
        **optional,
    )


def features_arg(
    parser: argparse.ArgumentParser, settings: Settings, what: str = "the model's features, stating its contract"
) -> None:
    parser.add_argument(
        "--features",
        type=Path,
        default=settings.features_dir,
        metavar="DIR",
        help=f"{what} (default: $MODELGATE_FEATURES_DIR or {settings.features_dir})",
    )


def batch_policy(loaded):
    """The drift and extrapolation check of a batch run (``model.batch.inputs_check.Policy``): the model's training
    profile, its contract's levels and rule, and the operator's MODELGATE_EXTRAPOLATION. A model that records no
    training profile is scored without these checks, with a warning."""
    import sys

    from modelgate.model.batch.inputs_check import Policy

    policy = Policy.of_model(loaded, Settings.from_env().extrapolation)
    if policy is None:
        print("modelgate: warning: the model records no training profile: no drift or extrapolation check", file=sys.stderr)
    return policy


def inputs_lines(found: dict | None) -> list[str]:
    """The drift and extrapolation findings of a batch run, one line each, for the terminal."""
    if not found:
        return []
    lines = [f"{found['extrapolated']['count']} row(s) with a value outside the training data ({found['extrapolation']})"]
    if "drift" in found:
        drift = found["drift"]
        each = ", ".join(f"{name} {v['psi']:.3f}" for name, v in drift["by_input"].items())
        lines.append(f"input drift: stability index {each}; {drift['verdict']}")
    answers = found.get("answers")
    if answers and "verdict" in answers:
        lines.append(f"predicted class drift: stability index {answers['psi']:.3f}; {answers['verdict']}")
    return lines
