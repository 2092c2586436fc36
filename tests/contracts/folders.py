"""Feature folders written by a test, as a reviewer writes them: the declaration of a model's inputs and output,
its agreed answers, and any other feature file. The contract compiled from them is the code under test."""

from __future__ import annotations

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
