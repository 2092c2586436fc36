"""Where a fact of the contract is written, ``<file>, line <n>``: how every problem line and every rationale names its
place. One home for the form, so a table's rows, a step's and a file's own lines are named alike."""

from __future__ import annotations

from pathlib import Path

LINE = ", line "


def at(path: str | Path, line: int) -> str:
    """``<path>, line <line>``."""
    return f"{path}{LINE}{line}"


def beside(where: str, line: int) -> str:
    """Another line of the file a place names: ``beside("f.feature, line 8", 9)`` is ``f.feature, line 9``."""
    return at(where.rpartition(LINE)[0], line)


def line_of(where: str) -> str:
    """A place's line alone, as a sentence names it: ``line 8``."""
    return "line " + where.rpartition(LINE)[2]
