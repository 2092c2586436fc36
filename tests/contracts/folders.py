"""Feature folders written by a test, as a reviewer writes them: the declaration of a model's inputs and output,
its agreed answers, and any other feature file. The contract compiled from them is the code under test."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

INPUT_COLUMNS = ("input", "meaning", "unit", "kind", "accepted", "may be missing")


def table(rows: Iterable[Sequence[object]], indent: int = 6) -> str:
    return "\n".join(" " * indent + "| " + " | ".join(str(cell) for cell in row) + " |" for row in rows)


def declaration(inputs: Iterable[Sequence[object]], output: str, unit: str, decimals: int) -> str:
    """``model.feature``: the inputs table (rows of INPUT_COLUMNS) and the output sentence."""
    return (
        "Feature: A model written for a test\n"
        "  Scenario: The model is told its inputs and answers its output\n"
        "    Given the model under test\n"
        "    Then it takes these inputs\n"
        f"{table([INPUT_COLUMNS, *inputs])}\n"
        f"    And it answers the {output} in {unit}, rounded to {decimals} decimals\n"
    )


def agreed(rows: Iterable[Sequence[object]], output: str, unit: str, tolerance: str) -> str:
    """``scoring.feature``: a Scenario Outline whose examples (a header, then rows) are the agreed answers."""
    return (
        "Feature: Agreed answers\n"
        "  Scenario Outline: An agreed row scores to its agreed answer\n"
        "    When a client asks for the answer\n"
        f"    Then the answer is <{output}> {unit}, give or take {tolerance} {unit}\n"
        "\n"
        "    Examples: Agreed\n"
        f"{table(rows)}\n"
    )


def write_features(folder: Path, files: dict[str, str | bytes]) -> Path:
    """``folder`` holding ``files`` (name -> text, or bytes written as they are)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def class_declaration(inputs: Iterable[Sequence[object]], answer: str, decimals: int = 4) -> str:
    """``model.feature`` of a classifier: the inputs table and the output sentence, ``answer`` being what follows
    "it answers the" up to the decimals (``diagnosis, one of malignant or benign``, a positive class and threshold)."""
    return (
        "Feature: A classifier written for a test\n"
        "  Scenario: The model is told its inputs and answers one of its classes\n"
        "    Given the model under test\n"
        "    Then it takes these inputs\n"
        f"{table([INPUT_COLUMNS, *inputs])}\n"
        f"    And it answers the {answer}, with the probability of each rounded to {decimals} decimals\n"
    )


def agreed_labels(rows: Iterable[Sequence[object]], output: str, tolerance: str | None = None) -> str:
    """``scoring.feature`` of a classifier: a table of agreed rows (the inputs, the class and perhaps ``probability``)
    under the step that asks for them, then the step that states them (with the probabilities' tolerance)."""
    within = f", its probability give or take {tolerance}" if tolerance is not None else ""
    return (
        "Feature: Agreed classes\n"
        "  Scenario: The agreed rows are answered their agreed class\n"
        f"    When a client asks for the {output} of each row below\n"
        f"{table(rows)}\n"
        f"    Then each answer is the agreed {output}{within}\n"
    )


def agreed_label_outline(rows: Iterable[Sequence[object]], output: str, tolerance: str | None = None) -> str:
    """The same as a Scenario Outline: its examples are the agreed rows, ``probability`` their agreed probability."""
    within = f", its probability <probability> give or take {tolerance}" if tolerance is not None else ""
    return (
        "Feature: Agreed classes\n"
        "  Scenario Outline: An agreed row is answered its agreed class\n"
        "    When a client asks for the answer\n"
        f"    Then the answer is <{output}>{within}\n"
        "\n"
        "    Examples: Agreed\n"
        f"{table(rows)}\n"
    )


def number_of(lines: list[str], needle: str) -> int:
    """The number (from 1) of the one line among ``lines`` where ``needle`` is written."""
    (number,) = [i for i, text in enumerate(lines, start=1) if needle in text]
    return number


def line_of(folder: Path, name: str, needle: str) -> str:
    """``<folder>/<name>, line N``: where ``needle`` is written (on one line only)."""
    return f"{folder / name}, line {number_of((folder / name).read_text(encoding='utf-8').splitlines(), needle)}"


def placed(folder: Path, template: str) -> str:
    """A problem line with its places filled in from the written files: ``{folder}``, ``{file}`` (its path),
    ``{file|needle}`` (where needle is written: ``<path>, line N``), ``{file#needle}`` (that line's number)."""

    def place(match: re.Match) -> str:
        name, mark, needle = match[1], match[2], match[3]
        if not mark:
            return str(folder) if name == "folder" else str(folder / name)
        where = line_of(folder, name, needle)
        return where.rsplit(" ", 1)[1] if mark == "#" else where

    return re.sub(r"\{([\w.]+)(?:([|#])([^}]+))?\}", place, template)


def shown(folder: Path, problems: list[str]) -> list[str]:
    """The lines a contract with ``problems`` is refused in: the one problem alone, or a count then one line each."""
    if len(problems) == 1:
        return problems
    return [f"the contract in {folder} has {len(problems)} problems:"] + [f"  {p}" for p in problems]
