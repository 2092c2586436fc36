"""The features a business reviewer signs (``features/*.feature``) use business words only; the
technical ones live in ``features/technical/``. A stakeholder feature that names a status code, a
format, a check or a tool fails here."""

from __future__ import annotations

import re

import pytest
from modelgate.steps.support import FEATURES, ROOT

# Words a reviewer cannot judge. Status codes, formats and tools by name; the batch guard's check names;
# the words of programmers for a missing value; the web's words for a request. Tag lines (``@api``) select
# scenarios for the test runs and are not part of the text a reviewer signs. File names (``r_input_file1.csv``)
# and escaped line breaks (``"height\n62.5\n"``) are notation: a reviewer reads a file's rows as a table.
TECHNICAL_TERMS = [
    *("200", "201", "204", "400", "401", "403", "404", "413", "422", "500", "503"),
    *("JSON", "JUnit", "XML", "CSV", "Parquet", "YAML", "HTTP", "HTTPS", "API", "REST", "URL", "abfs", "query"),
    *("pandera", "is_number", "not_nullable", "schema", "null", "NaN", "NA", "None", "inf", "1e400"),
    *("Spark", "PySpark", "Databricks", "Azurite", "Docker", "container", "image", "Kubernetes", "partition", "partitions"),
    *("endpoint", "status", "header", "pytest", "fixture", "manifest", "skops", "sklearn", "scikit-learn", "SHA-256", "stdout"),
    *("request body", "posts", "posted"),
]
# The web's verbs in capitals only: "gets" and "get" are English.
_VERB = re.compile(r"(?<![\w-])(GET|POST|PUT|PATCH|DELETE)(?![\w-])")
_ESCAPED_NEWLINE = re.compile(r"\\n")
_FILE_NAME = re.compile(r"\b[\w-]+\.csv\b", re.IGNORECASE)
_TERM = re.compile(r"(?<![\w-])(" + "|".join(map(re.escape, TECHNICAL_TERMS)) + r")(?![\w-])", re.IGNORECASE)

# Every model's features: the bundled model's and each worked example's.
FOLDERS = [FEATURES, *sorted((ROOT / "examples").glob("*/features"))]
STAKEHOLDER = sorted(p for folder in FOLDERS for p in folder.glob("*.feature"))
TECHNICAL = sorted(p for folder in FOLDERS for p in (folder / "technical").glob("*.feature"))


def technical_words(text: str) -> list[tuple[int, str]]:
    """(line, word) for every technical term in a feature's text."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        if line.lstrip().startswith("@"):
            continue
        # In a table row a number is a value the reviewer agreed (a cholesterol of 200), not a status code.
        in_table = line.lstrip().startswith("|")
        words = _TERM.finditer(_FILE_NAME.sub("", line))  # a file name is reported once, as itself
        found += [(number, m.group(0)) for m in words if not (in_table and m.group(0).isdigit())]
        found += [(number, m.group(0)) for pattern in (_VERB, _FILE_NAME, _ESCAPED_NEWLINE) for m in pattern.finditer(line)]
    return found


def test_both_sets_exist():
    names = {p.name for p in STAKEHOLDER}
    assert {"model.feature", "scoring.feature", "quality.feature", "risk.feature", "batch.feature"} <= names
    # The watcher's scenarios name the files it moves (r_input_file1.csv): its mechanics, not what a reviewer signs.
    technical = {p.name for p in TECHNICAL}
    assert {"response_shape.feature", "container.feature", "spark.feature", "batch_guard.feature", "watch.feature"} <= technical


@pytest.mark.parametrize("feature", STAKEHOLDER, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_stakeholder_feature_uses_business_words_only(feature):
    found = technical_words(feature.read_text(encoding="utf-8"))
    assert not found, f"{feature.name}: technical words a reviewer cannot judge: " + ", ".join(
        f"line {n} {w!r}" for n, w in found
    )


@pytest.mark.parametrize(
    ("line", "word"),
    [
        ("Then the response status is 200", "status"),
        ("And the body is a JSON object", "JSON"),
        ('naming line 3 and "is_number"', "is_number"),
        ("the failure report and the JUnit file", "JUnit"),
        ('When a client posts {"height": [null]}', "null"),
        ("a Spark partition", "Spark"),
        ("in Azurite", "Azurite"),
        ("refused with a 422", "422"),
    ],
)
def test_the_check_finds_each_kind_of_technical_word(line, word):
    assert word in [w for _, w in technical_words(line)]


def test_ordinary_numbers_and_english_verbs_are_business_words():
    assert technical_words("When a file of the agreed heights is dropped, 2000 rows, 4220 pounds, he gets a weight") == []


@pytest.mark.parametrize(
    ("line", "word"),
    [
        ('Given a batch file with the lines "height\\n62.5\\n72\\n"', "\\n"),
        ('When "r_input_file1.csv" is dropped into the inbox', "r_input_file1.csv"),
        ("When a client asks with GET", "GET"),
        ("When a client POSTs the heights", None),
        ("When a client posts all agreed heights as a list", "posts"),
        ("the heights in the request body", "request body"),
        ("the response status is fine", "status"),
    ],
)
def test_notation_file_names_and_web_words_are_technical(line, word):
    found = [w for _, w in technical_words(line)]
    assert found if word is None else word in found, found


# Words of the trade a reviewer reads in a limit: each stakeholder feature that uses one says what it means, in its
# own description (the text under its Feature line), so no number is signed on a word nobody defined.
DEFINED = (
    "typical error", "stability index", "macro F1", "log loss", "Brier score", "ROC AUC", "expected calibration error",
)  # fmt: skip


def _description(text: str) -> str:
    """The text under the Feature line, up to the first Background, Scenario or Rule."""
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("Feature:")) + 1
    ends = (i for i, line in enumerate(lines) if i >= start and re.match(r"\s*(Background|Scenario|Rule|@)", line))
    end = next(ends, len(lines))
    return " ".join(line.strip() for line in lines[start:end])


def undefined(text: str) -> list[str]:
    """The words of :data:`DEFINED` a feature uses without its description saying what they mean."""
    said = _description(text)
    return [
        word
        for word in DEFINED
        if word in text.replace(said, "") and not re.search(rf"{word}\b[^.]*? (?:is|compares|means) ", said)
    ]


@pytest.mark.parametrize("feature", STAKEHOLDER, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_stakeholder_feature_defines_the_words_its_limits_use(feature):
    assert undefined(feature.read_text(encoding="utf-8")) == [], f"{feature.name}: say in its description what they mean"


def test_a_word_used_but_not_defined_is_found():
    scenario = "  Scenario: Small\n    Then its typical error is at most 11 pounds\n"
    assert undefined("Feature: Quality\n  It must be accurate.\n\n" + scenario) == ["typical error"]
    defined = "Feature: Quality\n  Its typical error is how far it misses on average.\n\n" + scenario
    assert undefined(defined) == []
