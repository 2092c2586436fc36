"""The release gate: turn a folder of JUnit XML files into one pass/fail decision with its reasons.

It passes only if every file is well-formed JUnit, at least one test ran, no test failed or
errored, and every required suite is present and ran a test. Missing evidence is a failure,
never a pass: an empty folder, only skipped tests, a truncated file, a file that is not JUnit
or an absent required suite each fail the gate with a one-line reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from junit_xml import TestCase, TestSuite, to_xml_report_string

from model.files import atomic_writer
from modelgate.junit import Suite, find_files, read_suite

MAX_LISTED_FAILURES = 50  # a broken build can fail thousands of cases; the log needs the first ones


@dataclass
class Verdict:
    folder: Path
    required: list[str]
    suites: list[Suite] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    checks: list[tuple[str, str | None]] = field(default_factory=list)  # (check, why it failed or None)

    @property
    def passed(self) -> bool:
        return not self.reasons

    @property
    def readable(self) -> list[Suite]:
        return [s for s in self.suites if s.problem is None]

    def check(self, name: str, problem: str | None) -> None:
        self.checks.append((name, problem))
        if problem:
            self.reasons.append(problem)

    def summary(self) -> str:
        """The one line that ends the gate's output."""
        if self.passed:
            ran = sum(s.ran for s in self.suites)
            return f"gate: PASSED: {len(self.suites)} suite(s), {ran} test(s) ran, none failed or errored"
        return "gate: FAILED: " + "; ".join(self.reasons)


def evaluate(folder: Path, required: list[str] = (), exclude: tuple[Path, ...] = ()) -> Verdict:
    """Read every JUnit file under ``folder`` (but the ``exclude``d ones) and decide."""
    folder = Path(folder)
    verdict = Verdict(folder, list(dict.fromkeys(required)))
    if not folder.is_dir():
        verdict.check("results folder exists", f"no test results: {folder} is not a folder")
        return verdict
    files = find_files(folder, exclude)
    verdict.check("results exist", None if files else f"no test results: no JUnit XML files under {folder}")
    verdict.suites = [read_suite(path, folder) for path in files]
    for suite in verdict.suites:
        verdict.check(f"well-formed: {suite.name}", suite.problem)
    if files:
        verdict.check("at least one test ran", _nothing_ran(verdict))
    failed = [case for suite in verdict.readable for case in suite.failed]
    verdict.check("no test failed or errored", _failures(failed))
    for wanted in verdict.required:
        verdict.check(f"required suite present: {wanted}", _absent(verdict, wanted))
    return verdict


def _nothing_ran(verdict: Verdict) -> str | None:
    readable = verdict.readable
    if any(s.ran for s in readable):
        return None
    if not readable:
        return "no test ran: no readable JUnit file"
    skipped = sum(s.tests for s in readable)
    if skipped:
        return f"no test ran: all {skipped} test(s) were skipped"
    return "no test ran: the JUnit files hold no test cases"


def _failures(failed) -> str | None:
    if not failed:
        return None
    failures = sum(1 for c in failed if c.outcome == "failure")
    counts = [
        f"{failures} test(s) failed" if failures else "",
        f"{len(failed) - failures} errored" if len(failed) > failures else "",
    ]
    suites = ", ".join(dict.fromkeys(c.suite for c in failed))
    return f"{' and '.join(c for c in counts if c)} (in {suites})"


def _absent(verdict: Verdict, wanted: str) -> str | None:
    matches = [s for s in verdict.suites if s.answers_to(wanted)]
    if not matches:
        return f'required suite {wanted!r} is missing (no {wanted}.xml or <testsuite name="{wanted}"> under {verdict.folder})'
    if all(s.problem for s in matches):
        return None  # already reported as unreadable; one reason per fault
    if not any(s.ran for s in matches):
        return f"required suite {wanted!r} ran no test"
    return None


def table(verdict: Verdict) -> list[str]:
    """A per-suite table, then the failing cases and unreadable files, as printable lines."""
    rows = [("suite", "tests", "passed", "failures", "errors", "skipped", "time")]
    for s in verdict.suites:
        if s.problem:
            rows.append((s.name, "-", "-", "-", "-", "-", "unreadable"))
            continue
        passed = s.count("passed")
        counts = (s.tests, passed, s.count("failure"), s.count("error"), s.count("skipped"))
        rows.append((s.name, *map(str, counts), f"{s.time:.1f}s"))
    rows.extend(
        (w, "-", "-", "-", "-", "-", "MISSING") for w in verdict.required if not any(s.answers_to(w) for s in verdict.suites)
    )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = [
        "  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths))) for row in rows
    ]
    lines.insert(1, "-" * len(lines[0]))
    failed = [(s.name, c) for s in verdict.readable for c in s.failed]
    if failed:
        lines += ["", f"failing test cases ({len(failed)}):"]
        lines += [f"  [{name}] {c.title}: {c.outcome}: {c.message}" for name, c in failed[:MAX_LISTED_FAILURES]]
        if len(failed) > MAX_LISTED_FAILURES:
            lines.append(f"  ... and {len(failed) - MAX_LISTED_FAILURES} more")
    unreadable = [s.problem for s in verdict.suites if s.problem]
    if unreadable:
        lines += ["", "unreadable result files:", *(f"  {p}" for p in unreadable)]
    return lines


def write_junit(verdict: Verdict, out: Path) -> None:
    """The gate's own verdict as JUnit, one test case per check, so the pipeline can publish it too."""
    cases = []
    for name, problem in verdict.checks:
        case = TestCase(name=name, classname="modelgate.gate", file=str(verdict.folder))
        if problem:
            case.add_failure_info(message=problem)
        cases.append(case)
    # The verdict line rides along as the suite's output, for readers of the file (dev.py prints it).
    xml = to_xml_report_string([TestSuite("gate", cases, timestamp=None, stdout=verdict.summary())])
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_writer(out, "w") as handle:
        handle.write(xml)
