"""Read JUnit XML from any producer (pytest, ruff, the batch validator, the in-image self-test) into
plain results the release gate and the report share.

A *suite* here is one JUnit file, named by its path under the reports folder without ``.xml``
(``reports/junit/unit.xml`` -> ``unit``): every tox environment writes ``<env>.xml``, whatever
``<testsuite name>`` its tool chooses (ruff names its suites after the linted files). The
``<testsuite>`` names inside a file are kept too, so a suite can be required by either.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

OUTCOMES = ("failure", "error", "skipped")


@dataclass(frozen=True)
class Case:
    suite: str
    classname: str
    name: str
    outcome: str  # "passed", "failure", "error" or "skipped"
    message: str = ""
    time: float = 0.0
    marks: frozenset[str] = frozenset()  # every outcome element present: pytest can add <error> to a <failure>

    @property
    def title(self) -> str:
        return f"{self.classname}::{self.name}" if self.classname else self.name


@dataclass
class Suite:
    """One JUnit file: its cases, or the one-line reason it could not be read."""

    name: str
    path: Path
    testsuite_names: list[str] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    time: float = 0.0
    problem: str | None = None

    def count(self, outcome: str) -> int:
        return sum(1 for case in self.cases if case.outcome == outcome)

    @property
    def tests(self) -> int:
        return len(self.cases)

    @property
    def ran(self) -> int:
        """Tests that ran: all but the skipped ones."""
        return self.tests - self.count("skipped")

    @property
    def failed(self) -> list[Case]:
        return [case for case in self.cases if case.outcome in ("failure", "error")]

    def answers_to(self, wanted: str) -> bool:
        """Whether ``--require wanted`` is satisfied by this file: by its name, its file stem or a <testsuite name>."""
        return wanted in (self.name, self.path.stem, *self.testsuite_names)


def find_files(folder: Path, exclude: tuple[Path, ...] = ()) -> list[Path]:
    """Every ``*.xml`` under ``folder`` in a stable order, without the ``exclude``d files."""
    skip = {p.resolve() for p in exclude}
    return sorted(p for p in Path(folder).rglob("*.xml") if p.is_file() and p.resolve() not in skip)


def read_suite(path: Path, folder: Path) -> Suite:
    """Parse one file; a file that is not well-formed JUnit yields a Suite with ``problem`` set."""
    name = path.relative_to(folder).with_suffix("").as_posix()
    suite = Suite(name=name, path=path)
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        suite.problem = f"{path}: not well-formed XML ({exc})"
        return suite
    except OSError as exc:
        suite.problem = f"{path}: cannot be read ({exc.strerror})"
        return suite
    if root.tag == "testsuite":
        testsuites = [root]
    elif root.tag == "testsuites":
        testsuites = list(root.iter("testsuite"))
    else:
        suite.problem = f"{path}: not JUnit XML (root element <{root.tag}>, expected <testsuites> or <testsuite>)"
        return suite
    suite.testsuite_names = [s.get("name", "") for s in testsuites if s.get("name")]
    for element in testsuites:
        # iter() would count a nested suite's cases twice; only direct children belong to this one.
        suite.cases.extend(_case(element.get("name", name), case) for case in element.findall("testcase"))
    # Counts and times of a nested suite are included in its parent's: only the outermost ones add up.
    outermost = [root] if root.tag == "testsuite" else root.findall("testsuite")
    suite.time = _seconds(root.get("time")) or sum(_seconds(s.get("time")) for s in outermost)
    suite.time = suite.time or sum(case.time for case in suite.cases)
    suite.problem = _inconsistent(path, outermost, suite)
    return suite


def _case(suite_name: str, element: ET.Element) -> Case:
    outcome, message = "passed", ""
    for tag in OUTCOMES:
        found = element.find(tag)
        if found is not None:
            text = (found.text or "").strip()
            message = found.get("message") or (text.splitlines()[0] if text else tag)
            outcome = tag
            break
    return Case(
        suite=suite_name,
        classname=element.get("classname", ""),
        name=element.get("name", "?"),
        outcome=outcome,
        message=message.strip().splitlines()[0] if message.strip() else message,
        time=_seconds(element.get("time")),
        marks=frozenset(tag for tag in OUTCOMES if element.find(tag) is not None),
    )


def _inconsistent(path: Path, testsuites: list[ET.Element], suite: Suite) -> str | None:
    """A producer that claims more failures or errors than it lists cases for is not to be trusted:
    the gate must not pass what the tool itself counted as broken."""
    for attribute, outcome in (("failures", "failure"), ("errors", "error")):
        claimed = sum(_int(s.get(attribute)) for s in testsuites)
        listed = sum(1 for case in suite.cases if outcome in case.marks)
        if claimed > listed:
            return f"{path}: claims {claimed} {attribute} but lists {listed} such test case(s)"
    return None


def _seconds(raw: str | None) -> float:
    try:
        return float(raw) if raw else 0.0
    except ValueError:
        return 0.0


def _int(raw: str | None) -> int:
    try:
        return int(raw) if raw else 0
    except ValueError:
        return 0
