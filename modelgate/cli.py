"""The ``modelgate`` command: parse arguments, run one command, turn a user's mistake into one line."""

from __future__ import annotations

import argparse
import importlib
import sys

from contracts.errors import ModelgateError
from modelgate.commands import NAMES
from modelgate.settings import Settings


def build_parser(settings: Settings) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="modelgate", description="Train, score and serve the height -> weight model under its contract."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in NAMES:
        importlib.import_module(f"modelgate.commands.{name}").register(sub, settings)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        settings = Settings.from_env()
        args = build_parser(settings).parse_args(argv)
        return args.run(args)
    except ModelgateError as exc:
        print(f"modelgate: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("modelgate: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
