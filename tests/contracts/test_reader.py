"""contracts.reader: the contract compiled from a features folder holds exactly what its feature files say (read here
from the files' own text, with the Gherkin parser and plain patterns), and a folder that does not state a usable
contract gets one line per problem naming the file and line, never a traceback."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
from gherkin.parser import Parser
from modelgate.contracts.reader import ContractError, read_contract
from modelgate.steps.support import FEATURES, ROOT, TRAINING_DATA

from modelgate.cli import main
from tests.contracts.folders import agreed, declaration, line_of, placed, shown, write_features

DIABETES = ROOT / "examples" / "diabetes" / "features"
NUMBER = r"([+-]?[0-9]+(?:\.[0-9]+)?)"


# -- what the feature files say, read here --------------------------------------------------------------------------
def _texts(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.feature"))}


def _steps(folder: Path) -> list[tuple[dict, dict]]:
    """(scenario, step) for every step of every feature below ``folder``."""
    found = []
    for text in _texts(folder).values():
        for child in Parser().parse(text)["feature"]["children"]:
            for item in child["rule"]["children"] if "rule" in child else [child]:
                scenario = item.get("scenario") or item.get("background")
                found += [(scenario, step) for step in scenario["steps"]]
    return found


def _rows(rows: list[dict]) -> list[tuple[int, list[str]]]:
    return [(r["location"]["line"], [c["value"] for c in r["cells"]]) for r in rows]


def _declared(folder: Path) -> list[dict[str, str]]:
    """The rows of the inputs table, header -> cell."""
    ((_, step),) = [(s, t) for s, t in _steps(folder) if t["text"].startswith("it takes these inputs")]
    (_, header), *rows = _rows(step["dataTable"]["rows"])
    return [dict(zip(header, cells)) for _, cells in rows]


def _agreed(folder: Path) -> tuple[float, list[tuple[int, dict[str, str]]]]:
    """The tolerance and the agreed rows (line, header -> cell): the Examples of the scenario whose Then step says
    "give or take", or the table of the step before it."""
    ((scenario, step),) = [(s, t) for s, t in _steps(folder) if "give or take" in t["text"]]
    tolerance = float(re.search(rf"give or take {NUMBER}", step["text"])[1])
    if scenario.get("examples"):
        (examples,) = scenario["examples"]
        table = _rows([examples["tableHeader"], *examples["tableBody"]])
    else:
        # The Then step's own table is where its tolerance comes from (source and owner), not rows.
        (table_step,) = [t for t in scenario["steps"] if t.get("dataTable") and t is not step]
        table = _rows(table_step["dataTable"]["rows"])
    (_, header), *rows = table
    return tolerance, [(line, dict(zip(header, cells))) for line, cells in rows]


def _numbers(folder: Path, pattern: str) -> list[float]:
    """The numbers ``pattern`` captures in the one feature file that holds it."""
    (found,) = [m for t in _texts(folder).values() if (m := re.search(pattern, t))]
    return [float(g) for g in found.groups()]


def _accepted(folder: Path, row: dict[str, str]) -> tuple[float, float, bool, bool]:
    """(low, high, low closed, high closed) of an input: its table cell, or the sentence saying what the service accepts."""
    words = row.get("accepted") or ""
    if not words:
        ((words,),) = [
            re.findall(rf"accepts {row['input']}s? (.+?) {row['unit']}, and no others", t)
            for t in _texts(folder).values()
            if f"accepts {row['input']}" in t
        ]
    span = re.fullmatch(rf"from {NUMBER} to {NUMBER}", words)
    if span:
        return float(span[1]), float(span[2]), True, True
    low = re.fullmatch(rf"(greater than|at least) {NUMBER} and (at most|less than) {NUMBER}", words)
    return float(low[2]), float(low[4]), low[1] == "at least", low[3] == "at most"


@pytest.mark.parametrize("folder", [FEATURES, DIABETES], ids=["bundled", "diabetes"])
def test_the_contract_holds_exactly_the_inputs_and_output_the_features_declare(folder):
    contract = read_contract(folder)
    rows = _declared(folder)
    assert contract.names == [r["input"] for r in rows]
    for spec, row in zip(contract.inputs, rows):
        assert (spec.kind, spec.unit, spec.meaning, spec.missing) == (
            row["kind"],
            row["unit"],
            row["meaning"],
            row["may be missing"] == "yes",
        )
        if spec.numeric:
            bounds = spec.range
            assert (bounds.low, bounds.high, bounds.low_closed, bounds.high_closed) == _accepted(folder, row), spec.name
        else:
            assert spec.values == tuple(re.split(r", | or ", row["accepted"])), spec.name
    (declaring,) = [t for t in _texts(folder).values() if "it takes these inputs" in t]
    name, unit, decimals = re.search(r"it answers the (\w+) in (.+), rounded to ([0-9]+) decimals", declaring).groups()
    assert (contract.output.name, contract.output.unit, contract.output.decimals) == (name, unit, int(decimals))
    assert contract.title == re.search(r"^Feature: (.+)$", declaring, flags=re.MULTILINE)[1]
    assert contract.sources == {n: hashlib.sha256((folder / n).read_bytes()).hexdigest() for n in _texts(folder)}


@pytest.mark.parametrize("folder", [FEATURES, DIABETES], ids=["bundled", "diabetes"])
def test_the_contract_holds_exactly_the_agreed_answers_the_features_write(folder):
    contract = read_contract(folder)
    tolerance, rows = _agreed(folder)
    expected = []
    for line, cells in rows:
        values = tuple(float(cells[i.name]) if i.numeric else cells[i.name] for i in contract.inputs)
        expected.append((values, float(cells[contract.output.name]), tolerance, line))
    assert len(expected) >= 8
    assert [(g.values, g.expected, g.tolerance, g.line) for g in contract.golden] == expected


@pytest.mark.parametrize("folder", [FEATURES, DIABETES], ids=["bundled", "diabetes"])
def test_the_contract_holds_exactly_the_quality_and_risk_numbers_the_features_write(folder):
    contract = read_contract(folder)
    assert [contract.r2_band.low, contract.r2_band.high] == _numbers(
        folder, rf"R² on the training data is between {NUMBER} and {NUMBER}"
    )
    assert [contract.typical_error.limit] == _numbers(folder, rf"its typical error is at most {NUMBER}")
    assert [contract.champion_margin.margin] == _numbers(folder, rf"typical error is at most {NUMBER} \w+ worse than")
    bounds = _numbers(folder, rf"it gives for (?:an? )?accepted \w+ is at least {NUMBER} and at most {NUMBER}")
    assert [contract.output_bounds.low, contract.output_bounds.high] == bounds
    drift = contract.drift
    assert [drift.warn] == _numbers(folder, rf"below the warning level of {NUMBER}")
    assert [drift.refuse] == _numbers(folder, rf"stability index being at least {NUMBER}")
    assert [drift.min_rows] == _numbers(folder, r"a file of ([0-9]+) or more")
    assert contract.extrapolation == "flag"  # the features mark extrapolations, and refuse none
    rising = [
        name
        for text in _texts(folder).values()
        for pattern in (r"over all accepted (\w+?)s? an? \w+ \w+ never gets an? lower", r"the \w+ never falls as (\w+) rises?")
        for name in re.findall(pattern, text)
    ]
    assert sorted(m.input for m in contract.monotonic) == sorted(rising) and {m.direction for m in contract.monotonic} == {
        "rises"
    }


def test_the_facts_are_found_inside_a_rule_too(tmp_path):
    """Gherkin 6's ``Rule:`` groups scenarios; an agreed answer stated under one is still the same one."""
    shutil.copytree(FEATURES, tmp_path / "f")
    scoring = tmp_path / "f" / "scoring.feature"
    outline = "  Scenario Outline: An agreed"
    scoring.write_text(scoring.read_text().replace(outline, f"  Rule: Agreed weights hold\n{outline}"))
    _, rows = _agreed(FEATURES)
    assert [(g.values, g.expected) for g in read_contract(tmp_path / "f").golden] == [
        ((float(cells["height"]),), float(cells["weight"])) for _, cells in rows
    ]


# -- folders that state no usable contract ---------------------------------------------------------------------------
INPUTS = [
    ("island", "where it was seen", "", "category", "Biscoe, Dream or Torgersen", "no"),
    ("bill", "its bill's length", "mm", "number", "from 30 to 60", "yes"),
]
GOLDEN = [("island", "bill", "mass"), ("Biscoe", "40", "4000")]


def _folder(tmp_path: Path, inputs=INPUTS, golden=GOLDEN, output="mass", files=None) -> Path:
    written = {
        "model.feature": declaration(inputs, output, "grams", 1),
        "scoring.feature": agreed(golden, output, "grams", "0.5"),
    }
    return write_features(tmp_path / "features", {**written, **(files or {})})


def _with(index: int, **cells) -> list[tuple]:
    rows = [list(r) for r in INPUTS]
    for column, value in cells.items():
        rows[index][["input", "meaning", "unit", "kind", "accepted", "missing"].index(column)] = value
    return [tuple(r) for r in rows]


NO_ANSWERS = (
    "{folder}: no agreed answers (a Scenario Outline whose Then step is 'the answer is <mass> …, give or take N',"
    " or a table of rows on a When step followed by 'each answer is the agreed mass, give or take N')"
)
RISK = "Feature: Risk\n  Scenario: Plausible bills\n    Then the service accepts bills from 30 to 60 mm, and no others\n"
NOT_UTF8 = "Feature: Notes\n  Scenario: Café\n    Given nothing\n".encode("latin-1")
TABLE = "(input | meaning | unit | kind | accepted | may be missing | source | owner)"
# case: (what the folder holds, the problems it has, written as ``folders.placed`` fills them in)
CASES = {
    "a range whose low end is above its high end": (
        {"inputs": _with(1, accepted="from 60 to 30")},
        ["{model.feature|from 60 to 30}: input 'bill': 'from 60 to 30' accepts no number: its low end is not below its high end"],
    ),
    "a category list with duplicates": (
        {"inputs": _with(0, accepted="Biscoe, Dream or Biscoe")},
        ["{model.feature|Biscoe, Dream or Biscoe}: input 'island': the allowed values name Biscoe more than once"],
    ),
    "an agreed-answers table naming an undeclared input": (
        {"golden": [("island", "bill", "depth", "mass"), ("Biscoe", "40", "17", "4000")]},
        [
            "{scoring.feature|depth}: the agreed answers' columns are ['island', 'bill', 'depth', 'mass']; they must be exactly "
            "the inputs and 'mass' (not declared: ['depth'])",
        ],
    ),
    "an agreed-answers table missing an input": (
        {"golden": [("island", "mass"), ("Biscoe", "4000")]},
        [
            "{scoring.feature|island}: the agreed answers' columns are ['island', 'mass']; they must be exactly "
            "the inputs and 'mass' (missing ['bill'])",
        ],
    ),
    "a number and classes both stated as the output": (
        {
            "files": {
                "classes.feature": "Feature: Classes\n  Scenario: Its answer\n    Then it answers the species, one of "
                "Adelie or Gentoo, with the probability of each rounded to 2 decimals\n"
            }
        },
        ["{classes.feature|it answers}: the output is stated again (first at {model.feature|it answers})"],
    ),
    "directions that cannot be judged, each read after one refused": (
        {
            "files": {
                "directions.feature": "Feature: Directions\n  Scenario: Its answers' direction\n"
                "    Then the mass never falls as the depth rises\n"
                "    And the mass never falls as the island rises\n"
                "    And the weight never falls as the bill rises\n"
                "    And the mass never falls as the bill rises\n"
            }
        },
        [
            "{directions.feature|depth}: 'depth' is not a number input of the contract",
            "{directions.feature|island}: 'island' is not a number input of the contract",
            "{directions.feature|weight}: states answers of 'weight', but the model answers 'mass'",
            "{directions.feature|And the mass never falls as the bill}: the direction of 'bill' is stated again",
        ],
    ),
    "an unknown kind": (
        {"inputs": _with(0, kind="colour")},
        ["{model.feature|colour}: input 'island' has kind 'colour'; the kinds are number, whole number, category, yes/no"],
    ),
    "the output also an input": (
        {"output": "bill", "golden": [("island", "bill"), ("Biscoe", "40")]},
        ["{model.feature|it answers}: the output 'bill' is also an input"],
    ),
    "no agreed answers": ({"golden": [GOLDEN[0]]}, [NO_ANSWERS]),
    "an input whose accepted numbers are stated twice": (
        {"files": {"risk.feature": RISK}},
        [
            "{model.feature|its bill's length}: input 'bill': its accepted numbers are stated twice: "
            "here and at {risk.feature|accepts}"
        ],
    ),
    "no inputs table": (
        {"inputs": []},
        [f"{{model.feature|it takes these inputs}}: the inputs need a table: a header {TABLE} and a row per input"],
    ),
    "a table with a missing cell": (
        {"golden": [GOLDEN[0], ("Biscoe", "4000")]},
        [
            "{scoring.feature|Biscoe}: not a readable feature: inconsistent cell count within the table",
        ],
    ),
    "a misspelt keyword Gherkin reads as description": (
        {"files": {"extra.feature": "Feature: Notes\n\n  Scenaro: Bills\n    Then nothing\n"}},
        [
            "{extra.feature}, line 3: 'Scenaro:' is no Gherkin keyword, so what follows it is read as a description and "
            "states nothing; is it meant to be 'Scenario:'?"
        ],
    ),
    "a misspelt keyword Gherkin stops at": (
        {"files": {"extra.feature": "Featur: Notes\n  Scenario: Bills\n    Then nothing\n"}},
        [
            "{extra.feature}, line 1: not a readable feature: expected: #EOF, #Language, #TagLine, #FeatureLine, #Comment, "
            "#Empty, got 'Featur: Notes'; is 'Featur:' meant to be 'Feature:'? (and 2 more errors after it)"
        ],
    ),
    "non-UTF-8 text": (
        {"files": {"extra.feature": NOT_UTF8}},
        ["{extra.feature}, line 2: not UTF-8 text (byte 30); save the file as UTF-8"],  # the é of "Café"
    ),
}


def _no_table(folder: Path) -> None:
    """Drop the inputs table: the step stays, with no table under it."""
    path = folder / "model.feature"
    path.write_text("\n".join(line for line in path.read_text().splitlines() if not line.lstrip().startswith("|")) + "\n")


@pytest.mark.parametrize("case", CASES)
def test_every_problem_is_one_line_naming_the_file_and_line(tmp_path, case):
    options, problems = CASES[case]
    folder = _folder(tmp_path, **options)
    if options.get("inputs") == []:
        _no_table(folder)
    with pytest.raises(ContractError) as raised:
        read_contract(folder)
    expected = [placed(folder, p) for p in problems]
    assert raised.value.problems == expected
    assert str(raised.value).splitlines() == shown(folder, expected)


@pytest.mark.parametrize("case", CASES)
def test_packaging_a_contract_with_problems_says_so_in_lines_not_a_traceback(tmp_path, capsys, case):
    options, problems = CASES[case]
    folder = _folder(tmp_path, **options)
    if options.get("inputs") == []:
        _no_table(folder)
    out = tmp_path / "model"
    assert main(["train", "--features", str(folder), "--data", str(TRAINING_DATA), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    lines = shown(folder, [placed(folder, p) for p in problems])
    assert err.splitlines() == [f"modelgate: error: {lines[0]}", *lines[1:]]
    assert not out.exists()


def test_a_folder_with_no_features_says_so(tmp_path):
    with pytest.raises(ContractError) as raised:
        read_contract(tmp_path)
    assert raised.value.problems[0] == f"{tmp_path}: no *.feature files (is this the model's features folder?)"


def test_a_contract_stated_twice_names_both_places(tmp_path):
    folder = _folder(tmp_path, files={"second.feature": declaration(INPUTS, "mass", "grams", 1)})
    with pytest.raises(ContractError) as raised:
        read_contract(folder)
    first, second = line_of(folder, "model.feature", "it takes these"), line_of(folder, "second.feature", "it takes these")
    assert f"{second}: the inputs table ('Then it takes these inputs' with a table) is stated again (first at {first})" in (
        raised.value.problems
    )


# -- a sentence written nearly right states nothing: it is refused, not passed over ----------------------------------
@pytest.mark.parametrize(
    ("file", "written", "slip"),
    [
        ("quality.feature", "its typical error is at most 11 pounds", "its typical eror is at most 11 pounds"),
        ("quality.feature", "its typical error is at most 11 pounds", "its typical error is at most eleven pounds"),
        (
            "risk.feature",
            "a file of 100 or more heights is judged for drift",
            "a file of 100 or more heights is judged for drfit",
        ),
        ("risk.feature", "the answer marks as extrapolations exactly", "the answer marks as extrapolation exactly"),
        ("risk.feature", "is at least 25 and at most 600 pounds", "is at least 25 and at moost 600 pounds"),
    ],
)
def test_a_contract_sentence_written_nearly_right_is_refused_where_it_is(tmp_path, file, written, slip):
    shutil.copytree(FEATURES, tmp_path / "features")
    path = tmp_path / "features" / file
    text = path.read_text(encoding="utf-8")
    assert text.count(written) == 1, written
    path.write_text(text.replace(written, slip), encoding="utf-8")
    line = text[: text.index(written)].count("\n") + 1
    with pytest.raises(ContractError) as raised:
        read_contract(tmp_path / "features")
    (problem,) = raised.value.problems
    assert problem.startswith(f"{path}, line {line}: ") and "states nothing: it nearly reads" in problem, problem


def test_an_agreed_row_asking_what_the_model_refuses_is_named_with_the_inputs_rule(tmp_path):
    folder = tmp_path / "features"
    shutil.copytree(FEATURES, folder)
    scoring = folder / "scoring.feature"
    scoring.write_text(scoring.read_text(encoding="utf-8").replace("| 138    | 498.2981 |", "| 160    | 498.2981 |"), "utf-8")
    with pytest.raises(ContractError) as raised:
        read_contract(folder)
    # The features accept a height greater than 45 and at most 150 inches.
    assert raised.value.problems == [
        f"{line_of(folder, 'scoring.feature', '| 160 ')}: the agreed row's height must be a finite number greater than "
        "45 and at most 150 inches; got '160'"
    ]


@pytest.mark.parametrize("beside", [True, False], ids=["beside agreed answers", "alone"])
def test_a_step_written_like_agreed_answers_that_states_none_stops_packaging_in_one_line(tmp_path, beside):
    folder = tmp_path / "features"
    shutil.copytree(FEATURES, folder)
    scoring = folder / "scoring.feature"
    typo = "Then the answer is <weight> pounds, more or less"
    text = scoring.read_text(encoding="utf-8")
    if beside:  # a second outline, its agreed rows in a step the contract language does not have
        text += (
            "\n  Scenario Outline: More agreed weights\n"
            "    When a client asks for the weight of a person <height> inches tall\n"
            f"    {typo}\n\n    Examples:\n      | height | weight |\n      | 70     | 160    |\n"
        )
    else:
        text = text.replace("Then the answer is <weight> pounds, give or take 0.0001 pounds", typo)
    scoring.write_text(text, encoding="utf-8")
    with pytest.raises(ContractError) as raised:
        read_contract(folder)
    assert raised.value.problems == [
        f"{line_of(folder, 'scoring.feature', typo)}: {typo.removeprefix('Then ')!r} does not state the agreed answers: "
        "write 'the answer is <weight> …, give or take N'"
    ]
