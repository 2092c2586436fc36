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

# The modules of the `batch` extra (pyproject.toml): the core installation (the serving image) lacks them.
BATCH_MODULES = frozenset({"sklearn", "skops", "numpy", "pandas", "pandera", "pyarrow", "scipy", "tqdm", "fsspec"})


def missing_extra(exc: ModuleNotFoundError, command: str) -> str | None:
    """The one line for a command that needs the batch extra where it is not installed, or None."""
    if (exc.name or "").partition(".")[0] not in BATCH_MODULES:
        return None
    return (
        f"modelgate: error: 'modelgate {command}' needs the batch extra, which this installation lacks (no module {exc.name!r}): "
        "pip install 'modelgate[batch]', or use the full image"
    )


def build_parser(settings: Settings) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="modelgate", description="Package, score, serve and gate a tabular model under the contract its features state."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in NAMES:
        importlib.import_module(f"modelgate.commands.{name}").register(sub, settings)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = None
    try:
        settings = Settings.from_env()
        args = build_parser(settings).parse_args(argv)
        return args.run(args)
    except ModelgateError as exc:
        print(f"modelgate: error: {exc}", file=sys.stderr)
        return exc.exit_code
    except ModuleNotFoundError as exc:
        line = missing_extra(exc, getattr(args, "command", None) or "this command")
        if line is None:
            raise
        print(line, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("modelgate: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
