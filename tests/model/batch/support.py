"""Helpers of the batch room's tests."""

from __future__ import annotations

from modelgate.cli import main

LINES_LISTED = 100  # a run report lists the first 100 extrapolated lines (and counts them all)


def run(args: list[str], capsys) -> tuple[int, str]:
    """``modelgate ARGS``: (exit code, what it printed, on stdout and stderr)."""
    code = main([*args, "--no-progress"])
    out, err = capsys.readouterr()
    return code, out + err
