"""Compile a model's contract from its features folder: every ``*.feature`` below it, read with the Gherkin parser
(the features' own grammar), each contract sentence (:mod:`.sentences`) recognised by its whole text.

Every problem is reported, one line each, naming the feature file and line: an incomplete, contradictory or
unreadable contract stops packaging before a model is written (:class:`ContractError`); so does a draft that still
holds a value to be agreed (:mod:`.unagreed`), one line per value.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from gherkin.dialect import Dialect
from gherkin.errors import CompositeParserException
from gherkin.parser import Parser
from modelgate.contracts import agreed, classes, rationale, unagreed
from modelgate.contracts import sentences as say
from modelgate.contracts.card import Card, card_problem, read_card
from modelgate.contracts.contract import Contract, Output
from modelgate.contracts.errors import ModelgateError
from modelgate.contracts.facts import (
    FALLS,
    FLAG,
    REFUSE,
    RISES,
    AgreedLabel,
    Band,
    ChampionMargin,
    Coverage,
    DriftLimits,
    GoldenCase,
    Monotonic,
    OutputBounds,
    TypicalError,
)
from modelgate.contracts.groups import read_groups
from modelgate.contracts.inputs import CATEGORY, KINDS, WHOLE, YES_NO, Input, parse_range, parse_values, parse_yes_no
from modelgate.contracts.places import at, beside, line_of

# A float holds about 15 significant decimal digits: more decimals than that round nothing.
MAX_DECIMALS = 15
# Gherkin's own keywords that end in a colon, as its English dialect spells them: a misspelt one is named.
_DIALECT = Dialect.for_name("en")
KEYWORDS = [
    *_DIALECT.feature_keywords, *_DIALECT.rule_keywords, *_DIALECT.background_keywords, *_DIALECT.scenario_keywords,
    *_DIALECT.scenario_outline_keywords, *_DIALECT.examples_keywords,
]  # fmt: skip
# The shape of the output's sentence: a step of that shape that is neither form is named as a problem, not passed over.
_LIKE_OUTPUT = re.compile(r"(?:it|the model) answers .*\brounded to\b")
_LIKE_AGREED = re.compile(r"(?:the answer is <|each answer is the agreed )")


class ContractError(ModelgateError):
    """The features do not state a usable contract; ``problems`` has one line each, naming file and line."""

    def __init__(self, folder: Path, problems: list[str]):
        self.problems = problems
        if len(problems) == 1:  # the one line, which names the file and line itself
            super().__init__(problems[0])
            return
        super().__init__(f"the contract in {folder} has {len(problems)} problems:\n" + "\n".join(f"  {p}" for p in problems))


@dataclass
class Step:
    text: str
    where: str  # "features/risk.feature, line 12"
    table: list[list[tuple[str, int]]] | None  # rows of (cell, line)
    scenario: dict
    feature: str  # the Feature's name


@dataclass
class Found:
    steps: list[Step] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    unreadable: bool = False  # a file could not be read: what it would have stated is not reported missing as well
    unfilled: list[tuple[str, str, str]] = field(default_factory=list)  # (where, <placeholder>, what would fill it)


def read_steps(folder: Path) -> Found:
    """Every step of every feature below ``folder`` (with its scenario), the files' SHA-256 and what could not be read."""
    found = Found()
    files = sorted(folder.rglob("*.feature")) if folder.is_dir() else []
    if not files:
        found.problems.append(f"{folder}: no *.feature files (is this the model's features folder?)")
    for path in files:
        name = path.relative_to(folder).as_posix()
        data = path.read_bytes()
        found.sources[name] = hashlib.sha256(data).hexdigest()
        try:
            text = data.decode("utf-8-sig")  # an editor's byte-order mark is no part of the text
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            found.problems.append(f"{at(path, line)}: not UTF-8 text (byte {exc.start}); save the file as UTF-8")
            found.unreadable = True
            continue
        try:
            document = Parser().parse(text)
        except CompositeParserException as exc:
            # The first error is where the file went wrong (a misspelt keyword, say); the rest follow from it.
            more = len(exc.errors) - 1
            found.problems.append(_parse_problem(path, exc.errors[0]) + (f" (and {more} more errors after it)" if more else ""))
            found.unreadable = True
            continue
        misspelt = _misspelt_keywords(path, text)
        if misspelt:  # what follows such a line is read as description: its steps would state nothing
            found.problems += misspelt
            found.unreadable = True
            continue
        feature = document.get("feature") or {}
        for child in feature.get("children", []):
            for item in child["rule"]["children"] if "rule" in child else [child]:
                scenario = item.get("scenario") or item.get("background")
                found.unfilled += _unfilled(path, scenario or {})
                for step in (scenario or {}).get("steps", []):
                    rows = step.get("dataTable", {}).get("rows")
                    table = [[(c["value"], r["location"]["line"]) for c in r["cells"]] for r in rows] if rows else None
                    where = at(path, step["location"]["line"])
                    found.steps.append(Step(step["text"], where, table, scenario, feature["name"]))
    return found


def _unfilled(path: Path, scenario: dict) -> list[tuple[str, str, str]]:
    """Each step's ``<placeholder>`` that no column of its scenario's examples fills (or that stands in a scenario with
    none): (where, the placeholder, what the columns are). The step would be run with the placeholder's own text."""
    columns = {c["value"] for table in scenario.get("examples", []) for c in table.get("tableHeader", {}).get("cells", [])}
    filled = f"its examples' columns are {', '.join(sorted(columns))}" if columns else "its scenario has no examples"
    return [
        (at(path, step["location"]["line"]), name, filled)
        for step in scenario.get("steps", [])
        for name in dict.fromkeys(re.findall(r"<([^<>]+)>", step["text"]))
        if name not in columns
    ]


def _parse_problem(path: Path, error: Exception) -> str:
    """A Gherkin parser's error as the one line every problem is: the file and line, then what is wrong."""
    message, location = str(error.args[0]), getattr(error, "location", None) or {}
    slip = _misspelling(re.search(r"got '\s*([A-Za-z][A-Za-z ]*):", message))
    if slip:
        message += f"; is {slip[0]!r} meant to be {slip[1]!r}?"
    if location.get("line"):
        message = re.sub(r"^\(\d+:\d+\): ", "", message)
        return f"{at(path, location['line'])}: not a readable feature: {message}"
    return f"{path}: not a readable feature: {message}"


def _misspelling(keyword: re.Match | None) -> tuple[str, str] | None:
    """(the word ``keyword`` caught, the Gherkin keyword it misspells), each with its colon (``Scenaro:``,
    ``Scenario:``); None if nothing was caught, or it is a keyword, or near none."""
    word = keyword[1] if keyword else ""
    close = difflib.get_close_matches(word, KEYWORDS, n=1, cutoff=0.75) if word else []
    return (word + ":", close[0] + ":") if close and close[0] != word else None


def _misspelt_keywords(path: Path, text: str) -> list[str]:
    """Lines that begin with a misspelt keyword and a colon (``Scenaro: ...``): Gherkin reads them, and the steps after
    them, as the description above, so a whole scenario would state nothing."""
    found, quoted = [], False
    for number, line in enumerate(text.splitlines(), 1):
        if line.strip().startswith(('"""', "```")):
            quoted = not quoted
        slip = None if quoted else _misspelling(re.match(r"\s*([A-Za-z][A-Za-z ]*):", line))
        if slip:
            found.append(f"{at(path, number)}: {slip[0]!r} is no Gherkin keyword, so what follows it is read as "
                         f"a description and states nothing; is it meant to be {slip[1]!r}?")  # fmt: skip
    return found


def read_contract(folder: str | Path) -> Contract:
    """The contract the features in ``folder`` state; :class:`ContractError` listing every problem otherwise."""
    folder = Path(folder)
    marked = unagreed.find(folder)
    if marked:  # a draft: every value still to be agreed, one line each, before anything read from it is trusted
        raise ContractError(folder, marked)
    found = read_steps(folder)
    problems = found.problems
    stated: dict[str, list[tuple[re.Match, Step]]] = {}
    patterns = {k: v for k, v in vars(say).items() if isinstance(v, re.Pattern)}
    nearly = False
    for step in found.steps:
        matched = False
        for key, pattern in patterns.items():
            match = pattern.fullmatch(step.text)
            if match:
                stated.setdefault(key, []).append((match, step))
                matched = True
        # A step like the output's or an agreed answer's sentence has its own problem, said where it is judged.
        like = None if matched or _LIKE_OUTPUT.match(step.text) or _LIKE_AGREED.match(step.text) else say.near_miss(step.text)
        if like:
            problems.append(f"{step.where}: {step.text!r} states nothing: it nearly reads {like!r}; write that sentence exactly")
            nearly = True
    if nearly:  # what the sentence meant to state is missing now; its line is the one problem to fix, not the gaps
        raise ContractError(folder, problems)

    def one(key: str, what: str, required: bool = False):
        items = stated.get(key, [])
        if len(items) > 1:
            problems.append(f"{items[1][1].where}: {what} is stated again (first at {items[0][1].where})")
        if not items and required and not found.unreadable:
            problems.append(f"{folder}: no step states {what}")
        return items[0] if items else None

    declared = one("INPUTS", "the inputs table ('Then it takes these inputs' with a table)", required=True)
    # An input row that could not be read is still declared: what depends on the inputs (the agreed answers, the
    # directions) is judged only once every row is read, so its problem is not reported again as theirs.
    before = len(problems)
    inputs = _inputs(declared, stated.get("ACCEPTS", []), problems, found.unreadable) if declared else []
    complete = len(problems) == before
    output, where = _output(stated, one, folder, found, problems)
    if output is not None and output.decimals > MAX_DECIMALS:
        problems.append(f"{where}: {output.decimals} decimals is more than a number holds; state at most {MAX_DECIMALS}")
    if not inputs or output is None:
        raise ContractError(folder, problems or [f"{folder}: no inputs declared"])
    if output.name in {i.name for i in inputs}:
        problems.append(f"{where}: the output {output.name!r} is also an input")
    # A placeholder naming an input or the output is right, its missing column is the problem, which the agreed
    # answers name; any other is misspelt.
    named = {i.name for i in inputs} | {output.name}
    problems += [
        f"{where}: <{name}> is filled by no column: {filled}" for where, name, filled in found.unfilled if name not in named
    ]
    golden = _golden(stated, inputs, output, folder, problems, found) if complete else []
    contract = Contract(
        inputs=tuple(inputs),
        output=output,
        golden=tuple(golden),
        r2_band=_number_pair(one("R2_BAND", "the R² band"), Band, problems),
        typical_error=_single(one("TYPICAL_ERROR", "the typical error"), "limit", TypicalError, output, problems),
        champion_margin=_single(one("MARGIN", "the champion margin"), "margin", ChampionMargin, output, problems),
        output_bounds=_number_pair(one("OUTPUT_BOUNDS", "the plausible answers"), OutputBounds, problems, output),
        monotonic=tuple(_monotonic(stated, inputs, output, problems)) if complete else (),
        groups=read_groups(stated, inputs, output, problems) if complete else (),
        intervals=_intervals(stated.get("INTERVAL", []), output, problems),
        drift=_drift(one("DRIFT_WARN", "the drift warning level"), one("DRIFT_REFUSE", "the drift refusal level"),
                     one("DRIFT_ROWS", "the rows judged for drift"), problems, one("DRIFT_SMALL", "the smaller files' rule")),
        extrapolation=_extrapolation(one("EXTRAPOLATION_FLAG", "the extrapolation policy"),
                                     one("EXTRAPOLATION_REFUSE", "the extrapolation policy"), problems),
        **classes.facts(stated, output, one, problems),
        title=declared[1].feature,
        card=_card(one("CARD", "the model's card"), problems),
        rationales=_rationales(found.steps, problems),
        sources=found.sources,
    )  # fmt: skip
    if problems:
        raise ContractError(folder, problems)
    return contract


def _rationales(steps: list[Step], problems: list[str]) -> tuple[rationale.Rationale, ...]:
    """The source and owner stated under each step that states an agreed number (one without is the gate's to fail)."""
    found: list[rationale.Rationale] = []
    for step in steps:
        if rationale.is_limit(step.text):
            read = rationale.read(step.text, step.table, step.where, problems)
            found += [read] if read is not None else []
        found += rationale.table_rationales(step)  # the accepted ranges an inputs table states
    return tuple(found)


def _card(item, problems: list[str]) -> Card | None:
    if item is None:
        return None  # required for packaging and release (require_card), not for reading
    _, step = item
    return read_card(step.table, step.where, problems)


def require_card(contract: Contract, folder: str | Path) -> Contract:
    """``contract``, if its features state the model's card; :class:`ContractError` (one line) otherwise: what packaging
    and the release gate require, so no model is released without saying what it is for and who owns it."""
    problem = card_problem(contract.card, folder)
    if problem:
        raise ContractError(Path(folder), [problem])
    return contract


def _output(stated: dict, one, folder: Path, read: Found, problems: list[str]) -> tuple[Output | None, str]:
    """The output a step states (a number, or a classifier's classes) and where; None (with the problem) if none."""
    found = one("OUTPUT", "the output") or one("OUTPUT_CLASSES", "the output")
    if found is None:
        # A step that begins as the output's sentence but is not one: name it, not the folder.
        near = next((s for s in read.steps if _LIKE_OUTPUT.match(s.text)), None)
        if near is not None:
            problems.append(
                f"{near.where}: {near.text!r} does not state the output: write 'it answers the <output> in <unit>, rounded "
                "to <n> decimals' (n a whole number), or a classifier's 'it answers the <output>, one of <classes>, with "
                "the probability of each rounded to <n> decimals'"
            )
        elif not read.unreadable:
            problems.append(
                f"{folder}: no step states the output ('And it answers the <output> in <unit>, rounded to <n> decimals', "
                "or for a classifier 'And it answers the <output>, one of <classes>, with the probability of each rounded "
                "to <n> decimals')"
            )
        return None, ""
    if stated.get("OUTPUT") and stated.get("OUTPUT_CLASSES"):
        first, again = stated["OUTPUT"][0][1].where, stated["OUTPUT_CLASSES"][0][1].where
        problems.append(f"{again}: the output is stated again (first at {first})")
    match, step = found
    if match.re is say.OUTPUT_CLASSES:
        return classes.class_output(match, step.where, problems), step.where
    return Output(match["name"], (match["unit"] or "").strip(), int(match["decimals"])), step.where


def _golden(stated: dict, inputs: list[Input], output: Output, folder: Path, problems: list[str], read: Found) -> list:
    """The agreed answers: numbers with their tolerance, or a classifier's agreed classes. A step written like them
    that states none is a problem; none found is a problem of its own only when nothing else was (and no file went
    unread)."""
    golden: list[GoldenCase] | list[AgreedLabel]
    before = len(problems)
    keys = ("GOLDEN_OUTLINE", "GOLDEN_TABLE", "GOLDEN_LABEL_OUTLINE", "GOLDEN_LABEL_TABLE")
    matched = {step.text for key in keys for _, step in stated.get(key, [])}
    if output.is_class:
        golden = agreed.labels(stated, inputs, output, problems)
        outline = f"'the answer is <{output.name}>'"
        table = f"'each answer is the agreed {output.name}'"
    else:
        golden = agreed.numbers(stated, inputs, output, problems)
        outline = f"'the answer is <{output.name}> …, give or take N'"
        table = f"'each answer is the agreed {output.name}, give or take N'"
    # A step written like agreed answers that states none (a typo) would drop its rows from the contract unseen.
    near = [s for s in read.steps if _LIKE_AGREED.match(s.text) and s.text not in matched]
    problems += [f"{s.where}: {s.text!r} does not state the agreed answers: write {outline}" for s in near]
    if not golden and len(problems) == before and not read.unreadable:
        problems.append(
            f"{folder}: no agreed answers (a Scenario Outline whose Then step is {outline},"
            f" or a table of rows on a When step followed by {table})"
        )
    return golden


def _inputs(declared, accepts: list, problems: list[str], unreadable: bool = False) -> list[Input]:
    _, step = declared
    if not step.table or len(step.table) < 2:
        problems.append(f"{step.where}: the inputs need a table: a header ({' | '.join(say.INPUT_COLUMNS)}) and a row per input")
        return []
    header = [cell.strip().lower() for cell, _ in step.table[0]]
    unknown = [h for h in header if h not in say.INPUT_COLUMNS]
    if unknown or "input" not in header or "kind" not in header:
        problems.append(
            f"{step.where}: the inputs table has columns {header}; it needs input and kind, "
            f"and may have {', '.join(say.INPUT_COLUMNS)}"
        )
        return []
    sentences = _accepted_sentences(accepts)
    inputs: list[Input] = []
    named: list[str] = []  # every row's name, read or not: a sentence about a refused input names a declared one
    for row in step.table[1:]:
        cells = {h: cell.strip() for h, (cell, _) in zip(header, row)}
        named.append(cells["input"])
        line = beside(step.where, row[0][1])
        made = _input(cells, line, sentences, problems, unreadable)
        if made is None:
            continue
        if made.name in {i.name for i in inputs}:
            problems.append(f"{line}: input {made.name!r} is declared twice")
            continue
        inputs.append(made)
    for what, (_, where) in sentences.items():
        if not any(say.names(what, name) for name in named):
            problems.append(f"{where}: the service accepts {what}, but no input of that name is declared")
    return inputs


def _accepted_sentences(accepts: list) -> dict[str, tuple[re.Match, str]]:
    return {match["what"]: (match, step.where) for match, step in accepts}


def _input(cells: dict, line: str, sentences: dict, problems: list[str], unreadable: bool = False) -> Input | None:
    name, kind = cells["input"], cells["kind"].lower()  # the header holds both, and Gherkin every row's every cell
    kind = {"yes or no": YES_NO, "integer": WHOLE}.get(kind, kind)
    if not re.fullmatch(say.WORD, name):
        problems.append(f"{line}: input {name!r} is not a column name (letters, digits and _, not starting with a digit)")
        return None
    if kind not in KINDS:
        problems.append(f"{line}: input {name!r} has kind {cells.get('kind')!r}; the kinds are {', '.join(KINDS)}")
        return None
    missing = cells.get("may be missing", "no").lower() or "no"
    if missing not in ("yes", "no"):
        problems.append(f"{line}: 'may be missing' for {name!r} must be yes or no, got {missing!r}")
        return None
    accepted, unit = cells.get("accepted", ""), cells.get("unit", "")
    sentence = next(((m, w) for what, (m, w) in sentences.items() if say.names(what, name)), None)
    try:
        if kind in ("number", WHOLE):
            if accepted and sentence:
                raise ValueError(f"its accepted numbers are stated twice: here and at {sentence[1]}")
            if not accepted and sentence is None and unreadable:
                return None  # its sentence may be in the file that could not be read: that is the problem to fix
            if not accepted and sentence is None:
                raise ValueError("its accepted numbers are not stated: fill in 'accepted' (e.g. 'from 0 to 120')")
            if sentence is not None:
                accepted = sentence[0]["range"]
                stated_unit = (sentence[0]["unit"] or "").strip()
                if stated_unit != unit:
                    raise ValueError(f"its unit is {unit!r} here and {stated_unit!r} at {sentence[1]}")
            return Input(
                name,
                kind,
                cells.get("meaning", ""),
                unit,
                range=parse_range(accepted, kind == WHOLE),
                missing=missing == "yes",
                where=line,
            )
        if sentence is not None:
            raise ValueError(f"a {kind} input takes its values from the table, not from {sentence[1]}")
        values = parse_values(accepted) if kind == CATEGORY else parse_yes_no(accepted)
        return Input(name, kind, cells.get("meaning", ""), unit, values=values, missing=missing == "yes", where=line)
    except ValueError as exc:
        problems.append(f"{line}: input {name!r}: {exc}")
        return None


def _number_pair(item, kind, problems: list[str], output: Output | None = None):
    if item is None:
        return None
    match, step = item
    low, high = float(match["low"]), float(match["high"])
    if low > high:
        problems.append(f"{step.where}: the low end {low:g} is above the high end {high:g}")
    if output is not None and match.group("output") != output.name:
        problems.append(f"{step.where}: states answers of {match['output']!r}, but the model answers {output.name!r}")
    return kind(low, high)


def _single(item, group: str, kind, output: Output, problems: list[str]):
    if item is None:
        return None
    match, step = item
    if problem := output.unit_problem(match["unit"], step.where):
        problems.append(problem)
    return kind(float(match[group]))


def _monotonic(stated: dict, inputs: list[Input], output: Output, problems: list[str]) -> list[Monotonic]:
    found: list[Monotonic] = []
    for key in ("MONOTONIC", "MONOTONIC_PLAIN"):
        for match, step in stated.get(key, []):
            spec = next((i for i in inputs if say.names(match["what"], i.name)), None)
            if spec is None or not spec.numeric:
                problems.append(f"{step.where}: {match['what']!r} is not a number input of the contract")
                continue
            if match["output"] != output.name:
                problems.append(f"{step.where}: states answers of {match['output']!r}, but the model answers {output.name!r}")
            direction = RISES if match["way"] in ("lower", "falls") else FALLS
            if any(m.input == spec.name for m in found):
                problems.append(f"{step.where}: the direction of {spec.name!r} is stated again")
                continue
            found.append(Monotonic(spec.name, direction))
    return found


def _intervals(items: list, output: Output, problems: list[str]) -> tuple[Coverage, ...]:
    """The levels of the ranges answers state, each with its agreed coverage, from the lowest level up."""
    found: dict[int, Coverage] = {}
    for match, step in items:
        level, coverage = int(match["level"]), float(match["coverage"])
        if output.is_class:
            problems.append(f"{step.where}: a classifier's answer states the probability of each class, not a range")
        elif match["output"] != output.name:
            problems.append(f"{step.where}: states answers of {match['output']!r}, but the model answers {output.name!r}")
        elif not 1 <= level <= 99:
            problems.append(f"{step.where}: a range for {level} in 100 is not a range: state a level from 1 to 99")
        elif not 0 < coverage <= 100:
            problems.append(f"{step.where}: at least {coverage:g} in 100 is not a share of the rows: state one above 0, to 100")
        elif level in found:
            problems.append(f"{step.where}: the range for {level} in 100 is stated again")
        else:
            found[level] = Coverage(level, coverage, match["who"])
    return tuple(found[level] for level in sorted(found))


def _drift(warn, refuse, rows, problems: list[str], small=None) -> DriftLimits | None:
    given = [x for x in (warn, refuse, rows) if x is not None]
    if not given:
        if small is not None:
            problems.append(f"{small[1].where}: a rule for smaller files needs the drift rule (its levels and the rows judged)")
        return None
    if len(given) != 3:
        problems.append(f"{given[0][1].where}: the drift rule needs its warning level, its refusal level and the rows judged")
        return None
    limits = DriftLimits(float(warn[0]["warn"]), float(refuse[0]["refuse"]), int(rows[0]["rows"]))
    if small is not None:
        fewer = int(small[0]["rows"])
        if not 0 < fewer < limits.min_rows:
            problems.append(
                f"{small[1].where}: a smaller file of {fewer} or more rows must be smaller than the {limits.min_rows} "
                f"judged at {line_of(rows[1].where)} (and have one row or more)"
            )
        limits = DriftLimits(limits.warn, limits.refuse, limits.min_rows, fewer, float(small[0]["refuse"]))
    if not limits.warn < limits.refuse:
        problems.append(f"{warn[1].where}: the warning level {limits.warn:g} must be below the refusal level {limits.refuse:g}")
    return limits


def _extrapolation(flag, refuse, problems: list[str]) -> str:
    if flag and refuse:
        problems.append(f"{refuse[1].where}: extrapolations are both marked ({flag[1].where}) and refused")
    return REFUSE if refuse and not flag else FLAG
