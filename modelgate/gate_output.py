"""The gate's verdict for people and pipelines: a table per suite for the log, and JUnit XML to publish."""

from __future__ import annotations

from pathlib import Path

from junit_xml import TestCase

from modelgate.gate import Verdict
from modelgate.junit import Suite
from modelgate.junit.write import write_suite
from modelgate.model_evidence import label

MAX_LISTED_FAILURES = 50  # a broken build can fail thousands of cases; the log needs the first ones
HEADER = ("suite", "tests", "passed", "failures", "errors", "skipped", "flaky", "time", "model")


def table(verdict: Verdict) -> list[str]:
    """A per-suite table (a count disagreement as a WARNING at the end of its row), then the failing
    and flaky cases and the unreadable files, as printable lines."""
    rows: list[tuple[str, ...]] = [HEADER]
    notes = [""]
    for s in verdict.suites:
        if s.problem:
            rows.append((s.name, *["-"] * 6, "unreadable", "-"))
            notes.append("")
            continue
        counts = (s.tests, s.count("passed"), s.count("failure"), s.count("error"), s.count("skipped"), len(s.flaky))
        rows.append((s.name, *map(str, counts), s.time_text, _models(s)))
        notes.append("WARNING: " + "; ".join(s.warnings) if s.warnings else "")
    for wanted in verdict.required:
        if not any(s.answers_to(wanted) for s in verdict.suites):
            rows.append((wanted, *["-"] * 6, "MISSING", "-"))
            notes.append("")
    widths = [max(len(r[i]) for r in rows) for i in range(len(HEADER))]
    lines = [
        "  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths)))
        + (f"  {note}" if note else "")
        for row, note in zip(rows, notes)
    ]
    lines.insert(1, "-" * len(lines[0]))
    lines += _listing("failing test cases", [(s.name, c) for s in verdict.readable for c in s.failed])
    lines += _listing("flaky test cases (passed only on a rerun)", [(s.name, c) for s in verdict.readable for c in s.flaky])
    if verdict.unagreed:
        lines += ["", f"values the features state that are still to be agreed ({len(verdict.unagreed)}):"]
        lines += [f"  {line}" for line in verdict.unagreed]
    if verdict.unsourced:
        lines += ["", f"agreed numbers that state no source and owner ({len(verdict.unsourced)}):"]
        lines += [f"  {line}" for line in verdict.unsourced]
    unreadable = [s.problem for s in verdict.suites if s.problem]
    if unreadable:
        lines += ["", "unreadable result files:", *(f"  {p}" for p in unreadable)]
    return lines


def _models(suite: Suite) -> str:
    return ",".join(dict.fromkeys(label(m.version, m.sha256) for m in suite.models)) or "-"


def _listing(title: str, cases: list) -> list[str]:
    if not cases:
        return []
    lines = ["", f"{title} ({len(cases)}):"]
    lines += [f"  [{name}] {c.title}: {c.outcome}: {c.message}" for name, c in cases[:MAX_LISTED_FAILURES]]
    if len(cases) > MAX_LISTED_FAILURES:
        lines.append(f"  ... and {len(cases) - MAX_LISTED_FAILURES} more")
    return lines


def write_verdict_junit(verdict: Verdict, out: Path) -> None:
    """The gate's own verdict as JUnit, one test case per check, so the pipeline can publish it too."""
    cases = []
    for name, problem in verdict.checks:
        case = TestCase(name=name, classname="modelgate.gate", file=str(verdict.folder))
        if problem:
            case.add_failure_info(message=problem)
        cases.append(case)
    # The verdict line rides along as the suite's output, for readers of the file (dev.py prints it).
    write_suite(out, "gate", cases, stdout=verdict.summary())
