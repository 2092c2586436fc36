"""The ``modelgate`` command: parse arguments, run one command, turn a user's mistake into one line."""

from __future__ import annotations

import argparse
import importlib
import sys
import warnings

from modelgate.commands import NAMES
from modelgate.contracts.errors import ModelgateError
from modelgate.settings import Settings

# pandera imports pyspark.pandas whenever PySpark is installed, and that warns under pandas 3 on every
# command; modelgate never uses pyspark.pandas (the Spark engine uses mapInPandas), so it is only noise.
PYSPARK_PANDAS_WARNING = "PySpark does not yet fully support pandas"
warnings.filterwarnings("ignore", message=PYSPARK_PANDAS_WARNING, category=FutureWarning)


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
