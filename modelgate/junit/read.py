"""Read JUnit XML from any producer (pytest, ruff, Surefire, Ant, Gradle, jest, mocha, go, PHPUnit, Bazel,
the in-image self-test...) into plain results the release gate and the report share, as each producer means it.

A *suite* here is one JUnit file, named by its path under the reports folder without ``.xml``
(``reports/junit/unit.xml`` -> ``unit``): every tox environment writes ``<env>.xml``, whatever
``<testsuite name>`` its tool chooses (ruff names its suites after the linted files). The
``<testsuite>`` names inside a file are kept too, so a suite can be required by either.

Reading rules: every ``<testcase>`` at any depth counts once; a ``<failure>``/``<error>`` placed directly
in a ``<testsuite>`` (Ant, when a class cannot start) is an errored case named after that suite; Surefire's
``flakyFailure``/``flakyError`` (passed on a rerun) make a *flaky* pass, ``rerunFailure``/``rerunError``
without a passing run a failure; ``<skipped>``, ``<disabled>`` and ``status``/``result`` saying so are
skipped. The suites' own counts are compared with the cases in ``modelgate.junit.counts``.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field, replace
from pathlib import Path

from modelgate.contracts.evidence import FIRST_RELEASE, MODEL_SHA256, MODEL_VERSION
from modelgate.junit.counts import compare

OUTCOMES = ("failure", "error", "skipped")
_SKIPPED_STATUS = {"disabled", "skipped", "notrun"}  # status=; googletest and CTest write "notrun"
_SKIPPED_RESULT = {"skipped", "suppressed"}  # googletest: result="suppressed" for DISABLED_ tests
_FAILED_STATUS = {"fail": "failure", "failed": "failure", "failure": "failure", "error": "error", "errored": "error"}


@dataclass(frozen=True)
class Case:
    suite: str
    classname: str
    name: str
    outcome: str  # "passed", "failure", "error", "skipped" or "flaky" (failed, then passed on a rerun)
    message: str = ""
    time: float | None = None  # None: missing or negative in the file
    marks: frozenset[str] = frozenset()  # every outcome element present: pytest can add <error> to a <failure>
    first_release: bool = False  # it had no production model to compare with (its or its suite's property says so)

    @property
    def title(self) -> str:
        return f"{self.classname}::{self.name}" if self.classname else self.name


@dataclass(frozen=True)
class ModelClaim:
    """The model a ``<testsuite>`` says it tested, from its ``<properties>``."""

    testsuite: str
    sha256: str = ""
    version: str = ""


@dataclass
class Suite:
    """One JUnit file: its cases, or the one-line reason it could not be read."""

    name: str
    path: Path
    testsuite_names: list[str] = field(default_factory=list)
    cases: list[Case] = field(default_factory=list)
    time: float = 0.0  # 0.0 when unknown: see time_known
    time_known: bool = False
    problem: str | None = None  # unreadable: not XML, not JUnit, truncated, empty
    warnings: list[str] = field(default_factory=list)  # the file's own counts disagree with its cases
    unexplained: list[str] = field(default_factory=list)  # failures it claims but no case shows: fail the gate
    models: list[ModelClaim] = field(default_factory=list)

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

    @property
    def flaky(self) -> list[Case]:
        return [case for case in self.cases if case.outcome == "flaky"]

    @property
    def time_text(self) -> str:
        return f"{self.time:.1f}s" if self.time_known else "?"

    @property
    def first_release(self) -> list[Case]:
        """The cases that passed without a production model to compare with (a first release)."""
        return [case for case in self.cases if case.first_release and case.outcome == "passed"]

    def answers_to(self, wanted: str) -> bool:
        """Whether ``--require wanted`` is satisfied by this file: by its name, its file stem or a <testsuite name>."""
        return wanted in (self.name, self.path.stem, *self.testsuite_names)


def find_files(folder: Path, exclude: tuple[Path, ...] = ()) -> list[Path]:
    """Every ``*.xml`` under ``folder`` in a stable order, without the ``exclude``d files."""
    skip = {p.resolve() for p in exclude}
    return sorted(p for p in Path(folder).rglob("*.xml") if p.is_file() and p.resolve() not in skip)


def read_suite(path: Path, folder: Path) -> Suite:
    """Parse one file; a file that is not well-formed JUnit yields a Suite with ``problem`` set."""
    suite = Suite(name=path.relative_to(folder).with_suffix("").as_posix(), path=path)
    try:
        if not path.read_bytes().strip():
            suite.problem = f"{path}: empty file, no JUnit XML in it"
            return suite
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        suite.problem = f"{path}: not well-formed XML, truncated or not XML ({exc})"
        return suite
    except OSError as exc:
        suite.problem = f"{path}: cannot be read ({exc.strerror})"
        return suite
    for element in root.iter():  # JUnit has no namespace; a stray default one must not hide it
        if isinstance(element.tag, str):
            element.tag = element.tag.rpartition("}")[2]
    if root.tag not in ("testsuites", "testsuite"):
        suite.problem = f"{path}: not JUnit XML (root element <{root.tag}>, expected <testsuites> or <testsuite>)"
        return suite
    _walk(root, suite.name, suite)
    suite.time, suite.time_known = _suite_time(root, suite.cases)
    for element in [root, *(e for e in root.iter("testsuite") if e is not root)]:
        label = suite.name if element is root else f"{suite.name}: <testsuite name={element.get('name', '')!r}>"
        warnings, unexplained = compare(element, label)
        suite.warnings += warnings
        suite.unexplained += unexplained
    return suite


def _walk(element: ET.Element, suite_name: str, suite: Suite, first: bool = False) -> None:
    """Collect the cases under ``element``, each in the innermost <testsuite> that holds it."""
    if element.tag == "testsuite":
        name = element.get("name")
        suite_name = name or suite_name
        if name:
            suite.testsuite_names.append(name)
        claim = _model_claim(element, suite_name)
        if claim:
            suite.models.append(claim)
    first = first or (element.tag == "testsuite" and _first_release(element))
    for child in element:
        if child.tag == "testsuite":
            _walk(child, suite_name, suite, first)
        elif child.tag == "testcase":
            case = _case(suite_name, child)
            suite.cases.append(replace(case, first_release=True) if first or _first_release(child) else case)
        elif child.tag in ("failure", "error") and element.tag == "testsuite":
            # Ant writes the error of a class that could not start (or of its @BeforeClass) here, with no case.
            message = _message(child, child.tag)
            suite.cases.append(Case(suite_name, "", suite_name, "error", message, None, frozenset({child.tag})))


def _case(suite_name: str, element: ET.Element) -> Case:
    tags = {child.tag: child for child in element}
    status = (element.get("status") or "").lower()
    result = (element.get("result") or "").lower()
    found = next((tag for tag in ("failure", "error", "rerunFailure", "rerunError") if tag in tags), None)
    if found:  # a failing first run; rerun* alone still means no run passed
        outcome, message = ("error" if "rror" in found else "failure"), _message(tags[found], found)
    elif status in _FAILED_STATUS:
        outcome, message = _FAILED_STATUS[status], f'status="{status}"'
    elif flaky := next((tag for tag in ("flakyFailure", "flakyError") if tag in tags), None):
        outcome, message = "flaky", _message(tags[flaky], flaky)
    elif "skipped" in tags or "disabled" in tags or status in _SKIPPED_STATUS or result in _SKIPPED_RESULT:
        skipped = tags.get("skipped", tags.get("disabled"))
        outcome, message = "skipped", _message(skipped, "skipped") if skipped is not None else f"status={status!r}"
    else:
        outcome, message = "passed", ""
    return Case(
        suite=suite_name,
        classname=element.get("classname") or element.get("class") or "",
        name=element.get("name", "?"),
        outcome=outcome,
        message=message,
        time=seconds(element.get("time")),
        marks=frozenset(tag for tag in OUTCOMES if tag in tags),
    )


def _message(element: ET.Element, fallback: str) -> str:
    text = (element.get("message") or "").strip() or (element.text or "").strip()
    for tag in ("stackTrace",):  # Surefire's rerun/flaky elements hold their trace in a child
        child = element.find(tag)
        if not text and child is not None:
            text = (child.text or "").strip()
    return text.splitlines()[0].strip() if text else fallback


def _first_release(element: ET.Element) -> bool:
    return any(prop.get("name") == FIRST_RELEASE for prop in element.findall("properties/property"))


def _model_claim(element: ET.Element, suite_name: str) -> ModelClaim | None:
    values = {}
    for prop in element.findall("properties/property"):
        name = prop.get("name")
        if name in (MODEL_SHA256, MODEL_VERSION):
            values[name] = (prop.get("value") or prop.text or "").strip()
    if not any(values.values()):
        return None
    return ModelClaim(suite_name, values.get(MODEL_SHA256, "").lower(), values.get(MODEL_VERSION, ""))


def _suite_time(root: ET.Element, cases: list[Case]) -> tuple[float, bool]:
    """The file's duration: its root's, else the sum of its outermost suites', else of its cases'."""
    outermost = [root] if root.tag == "testsuite" else root.findall("testsuite")
    candidates = [[seconds(root.get("time"))], [seconds(s.get("time")) for s in outermost], [c.time for c in cases]]
    for times in candidates:
        known = [t for t in times if t is not None]
        if times and len(known) == len(times):
            return sum(known), True
    return 0.0, False


def seconds(raw: str | None) -> float | None:
    """A ``time`` attribute in seconds; None when missing, unparsable or negative (shown as unknown).
    Surefire groups thousands ("1,234.5") under an English locale."""
    try:
        value = float(raw.replace(",", "")) if raw else None
    except ValueError:
        return None
    return value if value is not None and math.isfinite(value) and value >= 0 else None
