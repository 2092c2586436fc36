"""One module per ``modelgate`` command, each with ``register(sub, settings)``; its ``run(args)``
parses nothing and calls one importable function."""

from __future__ import annotations

import argparse
from pathlib import Path

from modelgate.settings import Settings

# The commands in the order ``--help`` lists them; each is modelgate/commands/<name>.py.
NAMES = ["train", "score", "watch", "serve", "selftest", "gate", "report"]


def model_arg(parser: argparse.ArgumentParser, settings: Settings) -> None:
    parser.add_argument(
        "--model",
        type=Path,
        default=settings.model_dir,
        metavar="DIR",
        help=f"model directory with manifest.json (default: $MODELGATE_MODEL_DIR or {settings.model_dir})",
    )
