"""The features as reviewers wrote them, each scenario with the outcome the BDD run recorded.

Every scenario in ``features/*.feature`` is listed, run or not (a ``@container`` scenario that no
environment ran shows as "not run", never disappears). Outcomes come from pytest-bdd's cucumber
JSON; an outline's examples are matched to results by their substituted step text, not by order.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from gherkin.errors import CompositeParserException
from gherkin.parser import Parser

PASSED, FAILED, SKIPPED, NOT_RUN = "passed", "failed", "skipped", "not run"


@dataclass
class Step:
    keyword: str
    text: str
    line: int
    status: str = NOT_RUN
    error: str = ""


@dataclass
class Example:
    values: list[str]
    status: str = NOT_RUN
    error: str = ""


@dataclass
class Scenario:
    name: str
    keyword: str
    line: int
    tags: list[str]
    steps: list[Step]
    headers: list[str] = field(default_factory=list)
    examples: list[Example] = field(default_factory=list)
    status: str = NOT_RUN
    error: str = ""


@dataclass
class Feature:
    name: str
    description: str
    file: str
    tags: list[str]
    background: list[Step]
    scenarios: list[Scenario]
    technical: bool = False  # under features/technical/: shown as the report's appendix

    @property
    def status(self) -> str:
        return combine([s.status for s in self.scenarios])


def combine(statuses: list[str]) -> str:
    """One status for many: any failure fails; nothing run is not run; some run and the rest skipped is passed."""
    if FAILED in statuses:
        return FAILED
    if not statuses or all(s == NOT_RUN for s in statuses):
        return NOT_RUN
    if PASSED in statuses:
        return PASSED
    return SKIPPED


TECHNICAL_FOLDER = "technical"  # features/technical/: the technical set, beside the stakeholder features


def parse_features(folder: Path) -> tuple[list[Feature], list[str]]:
    """Every ``*.feature`` under ``folder``; returns the features and one line per unreadable file."""
    features, problems = [], []
    for path in sorted(Path(folder).rglob("*.feature")):
        try:
            document = Parser().parse(path.read_text(encoding="utf-8"))
        except (CompositeParserException, OSError, UnicodeDecodeError) as exc:
            problems.append(f"{path}: not a readable feature ({str(exc).splitlines()[0]})")
            continue
        if document.get("feature"):
            feature = _feature(document["feature"], path.name)
            feature.technical = path.parent.name == TECHNICAL_FOLDER
            features.append(feature)
    return features, problems


def _steps(raw: list[dict]) -> list[Step]:
    return [Step(s["keyword"].strip(), s["text"], s["location"]["line"]) for s in raw]


def _feature(raw: dict, file: str) -> Feature:
    background, scenarios = [], []
    for child in raw.get("children", []):
        # Rules group scenarios; the report lists them flat under their feature.
        for item in child["rule"]["children"] if "rule" in child else [child]:
            if "background" in item:
                background = _steps(item["background"]["steps"])
            elif "scenario" in item:
                scenarios.append(_scenario(item["scenario"]))
    description = " ".join(line.strip() for line in raw.get("description", "").splitlines())
    return Feature(raw["name"], description, file, [t["name"] for t in raw.get("tags", [])], background, scenarios)


def _scenario(raw: dict) -> Scenario:
    scenario = Scenario(
        raw["name"], raw["keyword"], raw["location"]["line"], [t["name"] for t in raw.get("tags", [])], _steps(raw["steps"])
    )
    for table in raw.get("examples", []):
        if "tableHeader" not in table:
            continue
        scenario.headers = [c["value"] for c in table["tableHeader"]["cells"]]
        scenario.examples += [Example([c["value"] for c in row["cells"]]) for row in table.get("tableBody", [])]
    return scenario


def load_results(paths: list[Path]) -> tuple[dict[tuple[str, int], list[dict]], list[str]]:
    """Cucumber JSON elements keyed by (feature file name, scenario line); plus one line per unreadable file."""
    results: dict[tuple[str, int], list[dict]] = {}
    problems = []
    for path in paths:
        try:
            document = json.loads(Path(path).read_text(encoding="utf-8"))
            for feature in document:
                for element in feature.get("elements", []):
                    results.setdefault((Path(feature["uri"]).name, element["line"]), []).append(element)
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
            problems.append(f"{path}: not a readable cucumber JSON report ({type(exc).__name__}: {exc})")
    return results, problems


def apply_results(features: list[Feature], results: dict[tuple[str, int], list[dict]]) -> None:
    """Set every scenario's, example's and step's status from the matching cucumber elements."""
    for feature in features:
        for scenario in feature.scenarios:
            elements = results.get((feature.file, scenario.line), [])
            if scenario.examples:
                for example in scenario.examples:
                    texts = {s.line: _substitute(s.text, scenario.headers, example.values) for s in scenario.steps}
                    match = next((e for e in elements if _same_example(e, texts)), None)
                    if match:
                        example.status, example.error = _outcome(match)
                scenario.status = combine([e.status for e in scenario.examples])
                failed = next((e for e in scenario.examples if e.error), None)
                scenario.error = failed.error if failed else ""
            elif elements:
                scenario.status, scenario.error = _outcome(elements[-1])
                by_line = {s.get("line"): s.get("result", {}) for s in elements[-1].get("steps", [])}
                for step in scenario.steps:
                    step.status = by_line.get(step.line, {}).get("status", NOT_RUN)
                    step.error = by_line.get(step.line, {}).get("error_message", "")


def _substitute(text: str, headers: list[str], values: list[str]) -> str:
    for header, value in zip(headers, values):
        text = text.replace(f"<{header}>", value)
    return text


def _same_example(element: dict, texts: dict[int, str]) -> bool:
    """Whether a result is this example's: its recorded steps read as the example's substituted steps
    (a failed step ends the record, so only the recorded ones are compared)."""
    recorded = {s.get("line"): s.get("name") for s in element.get("steps", []) if s.get("line") in texts}
    return bool(recorded) and all(texts[line] == name for line, name in recorded.items())


def _outcome(element: dict) -> tuple[str, str]:
    statuses = [s.get("result", {}).get("status", NOT_RUN) for s in element.get("steps", [])]
    errors = [
        s["result"].get("error_message", "") for s in element.get("steps", []) if s.get("result", {}).get("status") == FAILED
    ]
    if FAILED in statuses:
        return FAILED, (errors[0] if errors else "a step failed").strip()
    if statuses and all(s == PASSED for s in statuses):
        return PASSED, ""
    return (SKIPPED if statuses else NOT_RUN), ""
