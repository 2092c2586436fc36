"""What both engines check and write before any row is scored: that INPUT and OUTPUT are usable paths, the input's
header line (every input of the contract once, no column named like an answer column), and the scored file's header."""

from __future__ import annotations

import csv
from pathlib import Path

from modelgate.contracts.contract import Contract
from modelgate.contracts.errors import ModelgateError
from modelgate.contracts.validation import CSV, HEADER, UTF8, Failure


def check_paths(*, source: Path, target: Path, folder: bool = False) -> None:
    """Raise :class:`ModelgateError` unless ``source`` is a file to read and ``target`` a file that may be
    written (with ``folder``: a folder of part files, absent or empty) without touching ``source``."""
    if not source.is_file():
        raise ModelgateError(f"{source}: input file not found")
    if folder and target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ModelgateError(f"{target}/: OUTPUT folder exists and is not empty; give a new or empty folder")
    if not folder and target.exists() and target.resolve() == source.resolve():
        raise ModelgateError(f"{target}: OUTPUT must not be the INPUT file (it would be overwritten)")
    if not folder and target.is_dir():
        raise ModelgateError(f"{target}: OUTPUT is a directory; give a file name")
    if not target.parent.is_dir():
        raise ModelgateError(f"{target.parent}: output folder does not exist")


def output_header(header: str, answers: list[str]) -> bytes:
    """The scored file's first line: the input's header with the ``answers`` columns added (the scorer's ``columns``:
    the answer, a classifier's probability of each class, the ends of each range asked for)."""
    return f"{header},{','.join(answers)}\n".encode()


def read_header(src, contract: Contract, answers: list[str] | None = None) -> tuple[list[str], str, list[Failure]]:
    """Read the first line; return (column names, header text, header failures). ``answers``: the columns scoring
    adds (default: ``Output.columns``), none of which the input may have."""
    raw = src.readline()
    inputs = ", ".join(repr(n) for n in contract.names)
    if not raw.strip():
        return [], "", [Failure(None, HEADER, f"empty file: expected a header line naming {inputs}", None)]
    try:
        text = raw.decode("utf-8-sig").rstrip("\r\n")
    except UnicodeDecodeError as exc:
        return [], "", [Failure(None, UTF8, f"header is not UTF-8 text ({exc.reason} at byte {exc.start})", None)]
    try:
        names = next(csv.reader([text]))
    except csv.Error:  # a carriage return inside the first line: lines ending in CR alone (old Mac files)
        return [], "", [Failure(None, CSV, "the first line holds a carriage return: lines must end with LF or CRLF", None)]
    problems = []
    for name in contract.names:
        if names.count(name) != 1:
            found = "twice or more" if names.count(name) else "missing"
            problems.append(Failure(name, HEADER, f"column {name!r} is {found}; header is {names}", None))
    for answer in contract.output.columns if answers is None else answers:
        if answer in names:
            problems.append(Failure(answer, HEADER, f"input already has a {answer!r} column; it would be overwritten", None))
    if len(set(names)) != len(names) and not problems:
        problems.append(Failure(None, HEADER, f"duplicate column names in {names}", None))
    return names, text, problems
