"""The contract language fuzzed: a valid features folder (the bundled model's, the diabetes and penguins examples')
with one drawn corruption (each a named kind: a reversed range, a repeated category, an unknown kind, an agreed row
with a missing cell, non-UTF-8 bytes, a decimal count that is no number...) is refused by the contract reader with
the contract's own error, in one line naming the file and the line the corruption was written on; and ``modelgate
package`` says that one line and exits non-zero, never a traceback.

Where each corruption lands is read here from the files with the Gherkin parser, not from the reader under test.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from gherkin.parser import Parser
from hypothesis import HealthCheck, Phase, event, given, reject, settings
from hypothesis import strategies as st
from modelgate.contracts.reader import ContractError, read_contract
from modelgate.steps.support import FEATURES, ROOT

SOURCES = {
    "bundled": FEATURES,
    "diabetes": ROOT / "examples" / "diabetes" / "features",
    "penguins": ROOT / "examples" / "penguins" / "features",
}
SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck), database=None)
SPAN = re.compile(r"from ([+-]?[0-9.]+) to ([+-]?[0-9.]+)")
BAND = re.compile(r"(.* is between )([0-9.]+) and ([0-9.]+)")
DECIMALS = re.compile(r"(.*rounded to )([0-9]+)( decimals?)")
KINDS = {"number", "whole number", "category", "yes/no", "yes or no", "integer"}  # as the README writes them


@dataclass
class Table:
    file: str
    rows: list[tuple[int, list[str]]]  # (line, cells), the header first
    indent: str


@dataclass
class Source:
    """What a valid features folder says, and where: read here with the Gherkin parser."""

    name: str
    folder: Path
    texts: dict[str, str] = field(default_factory=dict)
    inputs: Table | None = None
    output: tuple[str, int, str] | None = None  # file, line, text of the output's sentence
    agreed: list[Table] = field(default_factory=list)  # every table of agreed answers
    bands: list[tuple[str, int, str]] = field(default_factory=list)  # steps stating a band "between A and B"
    sourced: list[Table] = field(default_factory=list)  # every table of a number's source and owner (two rows)
    output_name: str = ""
    classifier: bool = False


def _table(file: str, lines: list[str], rows: list[dict]) -> Table:
    found = [(r["location"]["line"], [c["value"] for c in r["cells"]]) for r in rows]
    first = lines[found[0][0] - 1]
    return Table(file, found, first[: len(first) - len(first.lstrip())])


def _read(name: str, folder: Path) -> Source:
    source = Source(name, folder)
    for path in sorted(folder.rglob("*.feature")):
        file = path.relative_to(folder).as_posix()
        text = source.texts[file] = path.read_text(encoding="utf-8")
        lines = text.split("\n")
        for child in Parser().parse(text)["feature"]["children"]:
            scenario = child.get("scenario") or child.get("background")
            for step in scenario["steps"]:
                words, line = step["text"], step["location"]["line"]
                rows = step.get("dataTable", {}).get("rows", [])
                if rows and rows[0]["cells"][0]["value"].strip() == "source":
                    source.sourced.append(_table(file, lines, rows))
                if words.startswith("it takes these inputs"):
                    source.inputs = _table(file, lines, step["dataTable"]["rows"])
                elif DECIMALS.fullmatch(words) and words.startswith("it answers the "):
                    source.output, source.output_name = (file, line, words), words.split()[3].rstrip(",")
                    source.classifier = ", one of " in words
                elif BAND.fullmatch(words) and (" R² " in words or " on " in words):
                    source.bands.append((file, line, words))
                elif words.startswith(("each answer is the agreed ", "the answer is <")):
                    if words.startswith("the answer is <"):
                        source.agreed += [
                            _table(file, lines, [e["tableHeader"], *e["tableBody"]]) for e in scenario.get("examples", [])
                        ]
                    else:
                        # The rows: the table before this step (its own states where its tolerance comes from).
                        (tabled,) = [s for s in scenario["steps"] if s.get("dataTable") and s is not step]
                        source.agreed.append(_table(file, lines, tabled["dataTable"]["rows"]))
    return source


READ = {name: _read(name, folder) for name, folder in SOURCES.items()}


@dataclass(repr=False)
class Corruption:
    kind: str
    source: str
    file: str
    line: int  # where the reader must say the problem is
    words: str  # what its one line must say
    content: bytes  # the corrupted file

    def __repr__(self) -> str:
        return f"<{self.kind} in {self.source}'s {self.file}, line {self.line}>"


def _row_text(table: Table, cells: list[str]) -> str:
    return table.indent + "| " + " | ".join(cells) + " |"


def _with_line(source: Source, file: str, line: int, text: str) -> bytes:
    lines = source.texts[file].split("\n")
    lines[line - 1] = text
    return "\n".join(lines).encode("utf-8")


def _declared(source: Source) -> list[tuple[int, dict[str, str]]]:
    assert source.inputs is not None
    header = [h.strip().lower() for h in source.inputs.rows[0][1]]
    return [(line, dict(zip(header, (c.strip() for c in cells)))) for line, cells in source.inputs.rows[1:]]


def _input_row(draw, source: Source, wanted, kind: str, change, words: str) -> Corruption:
    """A drawn row of the inputs table that ``wanted`` picks, its cells changed by ``change(draw, cells)``."""
    table = source.inputs
    assert table is not None
    line, cells = draw(st.sampled_from([(line, cells) for line, cells in _declared(source) if wanted(cells)]))
    changed = change(draw, dict(cells))
    return Corruption(
        kind, source.name, table.file, line, words, _with_line(source, table.file, line, _row_text(table, list(changed.values())))
    )


def _values(cell: str) -> list[str]:
    return [c.strip() for c in re.split(r",| or | and ", f" {cell} ") if c.strip()]


def _listed(values: list[str]) -> str:
    return ", ".join(values[:-1]) + " or " + values[-1]


NUMBERS = st.integers(-1000, 1000)
NAME = st.from_regex(r"[a-z][a-z0-9_]{0,8}", fullmatch=True)


def reversed_range(draw, source):
    low = draw(NUMBERS)
    high = low + draw(st.integers(1, 1000))
    written = draw(
        st.sampled_from(
            [f"from {high} to {low}", f"at least {high} and at most {low}", f"greater than {low} and less than {low}"]
        )
    )
    return _input_row(
        draw, source, lambda c: c.get("kind") == "number" and c.get("accepted"), "a range that accepts no number",
        lambda _, c: c | {"accepted": written}, "accepts no number",
    )  # fmt: skip


def empty_whole_range(draw, source):
    low = draw(st.integers(0, 1000))  # "from 1.2 to 1.8" and "at least 1.5": fractions above a whole number
    written = draw(
        st.sampled_from(
            [
                f"greater than {low} and less than {low + 1}",
                f"from {low}.2 to {low}.8",
                f"at least {low}.5 and less than {low + 1}",
            ]
        )
    )
    return _input_row(
        draw, source, lambda c: c.get("kind") == "number" and c.get("accepted"), "a whole number's range that holds none",
        lambda _, c: c | {"kind": "whole number", "accepted": written}, "accepts no whole number",
    )  # fmt: skip


def repeated_category(draw, source):
    def change(draw, cells):
        values = _values(cells["accepted"])
        return cells | {"accepted": _listed([*values, draw(st.sampled_from(values))])}

    return _input_row(
        draw, source, lambda c: c.get("kind") == "category", "a category list with duplicates", change, "more than once"
    )


def unknown_kind(draw, source):
    kind = draw(st.sampled_from(["numeric", "float", "string", "colour", "bool", "date"]) | NAME.filter(lambda k: k not in KINDS))
    return _input_row(draw, source, lambda c: c.get("accepted"), "an unknown kind", lambda _, c: c | {"kind": kind}, "has kind")


def bad_missing(draw, source):
    said = draw(st.sampled_from(["maybe", "y", "n", "true", "sometimes", "1", "nope"]))
    return _input_row(
        draw, source, lambda c: c.get("accepted") and "may be missing" in c, "a 'may be missing' neither yes nor no",
        lambda _, c: c | {"may be missing": said}, "must be yes or no",
    )  # fmt: skip


def bad_name(draw, source):
    broken = draw(st.sampled_from(["{}-x", "9{}", "{} x", "{}.1"]))
    return _input_row(
        draw, source, lambda c: c.get("accepted"), "an input name that is no column name",
        lambda _, c: c | {"input": broken.format(c["input"])}, "is not a column name",
    )  # fmt: skip


def declared_twice(draw, source):
    names = [cells["input"] for _, cells in _declared(source)]
    first = draw(st.sampled_from(names[:-1]))
    later = [i for i, (_, c) in enumerate(_declared(source)) if i > names.index(first) and c.get("accepted")]
    index = draw(st.sampled_from(later))
    line, cells = _declared(source)[index]
    table = source.inputs
    assert table is not None
    content = _with_line(source, table.file, line, _row_text(table, list((cells | {"input": first}).values())))
    return Corruption("an input declared twice", source.name, table.file, line, "is declared twice", content)


def _agreed_row(draw, source):
    table = draw(st.sampled_from(source.agreed))
    header = [h.strip() for h in table.rows[0][1]]
    line, cells = draw(st.sampled_from(table.rows[1:]))
    return table, header, line, [c.strip() for c in cells]


def undeclared_column(draw, source):
    table = draw(st.sampled_from(source.agreed))
    header = [h.strip() for h in table.rows[0][1]]
    names = {cells["input"] for _, cells in _declared(source)}
    column = draw(st.sampled_from([i for i, h in enumerate(header) if h in names]))
    renamed = draw(st.sampled_from(["{}_x", "{}s", "the_{}"])).format(header[column])
    assert renamed not in names
    header[column] = renamed
    line = table.rows[0][0]
    content = _with_line(source, table.file, line, _row_text(table, header))
    return Corruption("an agreed answer naming an undeclared input", source.name, table.file, line, "not declared", content)


def missing_cell(draw, source):
    table, _, line, cells = _agreed_row(draw, source)
    del cells[draw(st.integers(0, len(cells) - 1))]
    content = _with_line(source, table.file, line, _row_text(table, cells))
    return Corruption("an agreed row with a missing cell", source.name, table.file, line, "inconsistent cell count", content)


def not_a_number(draw, source):
    table, header, line, cells = _agreed_row(draw, source)
    numbered = [i for i, h in enumerate(header) if h in (source.output_name, "probability") and cells[i]]
    if source.classifier:  # a classifier's agreed number is its probability
        numbered = [i for i in numbered if header[i] == "probability"]
    if not numbered:
        return None
    cells[draw(st.sampled_from(numbered))] = draw(st.sampled_from(["eighty", "n/a", "nan", "inf", "1,5", "--", "0x1"]))
    content = _with_line(source, table.file, line, _row_text(table, cells))
    return Corruption("an agreed number that is no number", source.name, table.file, line, "is not a number", content)


def outside_range(draw, source):
    spans = {c["input"]: SPAN.fullmatch(c.get("accepted", "")) for _, c in _declared(source)}
    table, header, line, cells = _agreed_row(draw, source)
    columns = [i for i, h in enumerate(header) if spans.get(h) and cells[i]]
    if not columns:
        return None
    column = draw(st.sampled_from(columns))
    low, high = float(spans[header[column]][1]), float(spans[header[column]][2])
    by = draw(st.sampled_from([0.001, 0.1, 1, 1000]))
    cells[column] = repr(draw(st.sampled_from([low - by, high + by])))
    content = _with_line(source, table.file, line, _row_text(table, cells))
    return Corruption("an agreed row outside the declared range", source.name, table.file, line, "the agreed row's", content)


def wrong_case(draw, source):
    allowed = {c["input"]: _values(c["accepted"]) for _, c in _declared(source) if c.get("kind") == "category"}
    table, header, line, cells = _agreed_row(draw, source)
    columns = [i for i, h in enumerate(header) if h in allowed and cells[i] and cells[i].swapcase() not in allowed[h]]
    if not columns:
        return None
    column = draw(st.sampled_from(columns))
    cells[column] = draw(st.sampled_from([cells[column].swapcase(), cells[column].lower(), cells[column].upper()]).filter(
        lambda v: v not in allowed[header[column]]
    ))  # fmt: skip
    content = _with_line(source, table.file, line, _row_text(table, cells))
    return Corruption("an agreed category in another case", source.name, table.file, line, "the agreed row's", content)


def not_utf8(draw, source):
    file = draw(st.sampled_from(sorted(source.texts)))
    data = source.texts[file].encode("utf-8")
    at = draw(st.integers(0, len(data)))
    bad = draw(st.sampled_from([0x80, 0xA9, 0xBF, 0xC0, 0xC1, 0xF5, 0xFE, 0xFF]))
    line = data[:at].count(b"\n") + 1
    return Corruption("non-UTF-8 bytes", source.name, file, line, "not UTF-8 text", data[:at] + bytes([bad]) + data[at:])


def _decimals(source: Source, written: str, kind: str, words: str) -> Corruption:
    """The output's sentence with ``written`` for its count of decimals."""
    assert source.output is not None
    file, line, sentence = source.output
    match = DECIMALS.fullmatch(sentence)
    assert match is not None
    text = source.texts[file].split("\n")[line - 1].replace(sentence, f"{match[1]}{written}{match[3]}")
    return Corruption(kind, source.name, file, line, words, _with_line(source, file, line, text))


def bad_decimals(draw, source):
    written = draw(st.sampled_from(["two", "2.5", "-1", "many", "", "1e3", "²"]))
    return _decimals(source, written, "a decimal count that is no number", "does not state the output")


def too_many_decimals(draw, source):
    written = str(draw(st.integers(16, 10**30)))
    return _decimals(source, written, "more decimals than a number holds", "more than a number holds")


def reversed_band(draw, source):
    if not source.bands:
        return None
    file, line, words = draw(st.sampled_from(source.bands))
    match = BAND.fullmatch(words)
    assert match is not None
    if float(match[2]) == float(match[3]):
        return None
    text = source.texts[file].split("\n")[line - 1].replace(words, f"{match[1]}{match[3]} and {match[2]}")
    return Corruption(
        "a band whose low end is above its high end", source.name, file, line, "above", _with_line(source, file, line, text)
    )


def misspelt_sentence(draw, source):
    """A band's sentence with one letter of its word "between" dropped, doubled or swapped: it states nothing then
    (the other words of a band may be the reviewer's own: who it was not trained on)."""
    if not source.bands:
        return None
    file, line, _ = draw(st.sampled_from(source.bands))
    at = draw(st.integers(0, len("between") - 2))
    slip = draw(st.sampled_from(["drop", "double", "swap"]))
    word = "between"
    changed = {
        "drop": word[:at] + word[at + 1 :],
        "double": word[: at + 1] + word[at:],
        "swap": word[:at] + word[at + 1] + word[at] + word[at + 2 :],
    }[slip]
    if changed == word:
        return None
    text = source.texts[file].split("\n")[line - 1].replace(f" is {word} ", f" is {changed} ")
    return Corruption("a misspelt sentence", source.name, file, line, "states nothing", _with_line(source, file, line, text))


WHEN_FILLED = re.compile(r"\s*When .*<(\w+)>.*")


def unfilled_placeholder(draw, source):
    """An agreed outline's When step naming a placeholder its examples have no column for (a misspelt column name)."""
    at = [(file, number, row) for file, text in sorted(source.texts.items()) for number, row in enumerate(text.split("\n"), 1)
          if WHEN_FILLED.fullmatch(row)]  # fmt: skip
    if not at:
        return None
    file, line, row = draw(st.sampled_from(at))
    name = draw(st.sampled_from(re.findall(r"<(\w+)>", row)))
    wrong = draw(st.sampled_from([f"{name}s", name[:-1], name.upper()]))
    return Corruption(
        "a placeholder no column fills", source.name, file, line, f"<{wrong}> is filled by no column",
        _with_line(source, file, line, row.replace(f"<{name}>", f"<{wrong}>", 1)),
    )  # fmt: skip


SCENARIO_LINE = re.compile(r"(\s*)Scenario:(.*)")


def misspelt_keyword(draw, source):
    """A ``Scenario:`` keyword misspelt (found in the text here: the lines that begin with it)."""
    at = [(file, number) for file, text in sorted(source.texts.items()) for number, row in enumerate(text.split("\n"), 1)
          if SCENARIO_LINE.fullmatch(row)]  # fmt: skip
    file, line = draw(st.sampled_from(at))
    indent, rest = SCENARIO_LINE.fullmatch(source.texts[file].split("\n")[line - 1]).groups()
    spelt = draw(st.sampled_from(["Scenaro", "Senario", "Scenarion", "Secnario", "scenario"]))
    return Corruption(
        "a misspelt Scenario keyword", source.name, file, line, "meant to be 'Scenario:'",
        _with_line(source, file, line, f"{indent}{spelt}:{rest}"),
    )  # fmt: skip


def bad_source(draw, source):
    """A number's source and owner table with a row of another name, a row saying what the first said, or one empty."""
    table = draw(st.sampled_from(source.sourced))
    (_, first), (_, second) = table.rows
    how = draw(st.sampled_from(["renamed", "twice", "empty"]))
    line, (what, says) = table.rows[draw(st.integers(0, 1))]
    what, says = what.strip(), says.strip()
    if how == "renamed":
        name = draw(st.sampled_from(["sources", "owned by", "rationale", "why", what.upper() + "S", f"{what}s"]))
        cells, words = [name, says], f"the limit has a row {name!r}"
    elif how == "twice":  # the second row names what the first does
        line, cells = table.rows[1][0], [first[0].strip(), second[1].strip()]
        words = f"the limit states {first[0].strip()!r} twice"
    else:
        cells, words = [what, ""], f"the limit's {what!r} is empty"
    content = _with_line(source, table.file, line, _row_text(table, cells))
    return Corruption(f"a number's source and owner with a row {how}", source.name, table.file, line, words, content)


KINDS_OF_CORRUPTION = [
    reversed_range, empty_whole_range, repeated_category, unknown_kind, bad_missing, bad_name, declared_twice, undeclared_column,
    missing_cell, not_a_number, outside_range, wrong_case, not_utf8, bad_decimals, too_many_decimals, reversed_band,
    misspelt_sentence, misspelt_keyword, unfilled_placeholder, bad_source,
]  # fmt: skip


def _applies(kind, source: Source) -> bool:
    """Does ``source`` have a place for ``kind``? (The agreed-row kinds find out from the row drawn.)"""
    declared = [cells for _, cells in _declared(source)]
    needs = {
        reversed_range: any(c.get("kind") == "number" and c.get("accepted") for c in declared),
        empty_whole_range: any(c.get("kind") == "number" and c.get("accepted") for c in declared),
        repeated_category: any(c.get("kind") == "category" for c in declared),
        unknown_kind: any(c.get("accepted") for c in declared),
        bad_name: any(c.get("accepted") for c in declared),
        bad_missing: any(c.get("accepted") and "may be missing" in c for c in declared),
        declared_twice: len(declared) > 1 and any(c.get("accepted") for c in declared[1:]),
    }
    return needs.get(kind, True)


@st.composite
def corruptions(draw) -> Corruption:
    source = READ[draw(st.sampled_from(sorted(READ)))]
    kind = draw(st.sampled_from([k for k in KINDS_OF_CORRUPTION if _applies(k, source)]))
    found = kind(draw, source)
    if found is None:  # the drawn table has no cell of that kind
        reject()
    return found


def _written(corruption: Corruption, into: Path) -> Path:
    folder = into / "features"
    shutil.copytree(SOURCES[corruption.source], folder)
    (folder / corruption.file).write_bytes(corruption.content)
    return folder


@SETTINGS
@given(corruption=corruptions())
def test_a_corrupted_contract_is_refused_in_one_line_naming_the_file_and_line(corruption):
    event(f"{corruption.source}: {corruption.kind}")
    with tempfile.TemporaryDirectory() as into:
        folder = _written(corruption, Path(into))
        with pytest.raises(ContractError) as raised:
            read_contract(folder)
    found = raised.value.problems
    assert len(found) == 1, (corruption.kind, corruption.source, corruption.file, corruption.line, found)
    (problem,) = found
    assert problem.startswith(f"{folder / corruption.file}, line {corruption.line}: "), (corruption.kind, problem)
    assert corruption.words in problem, (corruption.kind, problem)
    assert str(raised.value) == problem


def test_every_kind_of_corruption_applies_to_some_source():
    assert all(any(_applies(k, s) for s in READ.values()) for k in KINDS_OF_CORRUPTION)
    assert all(s.inputs and s.output and s.agreed and s.sourced for s in READ.values())


def _first(kind, source: str) -> Corruption:
    """The corruption ``kind`` of ``source`` that hypothesis's simplest draws give."""
    found: list[Corruption] = []

    @settings(max_examples=1, database=None, phases=[Phase.generate])
    @given(st.data())
    def take(data):
        if not found:
            made = kind(data.draw, READ[source])
            if made is not None:
                found.append(made)

    take()
    return found[0]


@pytest.mark.parametrize(("kind", "source"), [(reversed_range, "diabetes"), (missing_cell, "penguins"), (not_utf8, "bundled")])
def test_packaging_a_corrupted_contract_says_one_line_and_exits_non_zero(tmp_path, kind, source):
    corruption = _first(kind, source)
    folder = _written(corruption, tmp_path)
    modelgate = Path(sys.executable).parent / "modelgate"
    done = subprocess.run(
        [str(modelgate), "package", str(tmp_path / "absent.skops"), "--data", str(tmp_path / "absent.csv"),
         "--features", str(folder), "--out", str(tmp_path / "model")],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode != 0 and done.stdout == "" and "Traceback" not in done.stderr
    (line,) = done.stderr.splitlines()
    assert line.startswith(f"modelgate: error: {folder / corruption.file}, line {corruption.line}: ") and corruption.words in line
    assert not (tmp_path / "model").exists()
