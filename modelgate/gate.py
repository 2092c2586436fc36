"""The release gate: turn a folder of JUnit XML files into one pass/fail decision with its reasons.

It passes only if every file is well-formed JUnit, at least one test ran, no test failed or
errored, no suite claims a failure its cases do not show, every required suite is present and ran a
test, and (given the release's model) every suite that names a model names that one. Missing evidence
is a failure, never a pass: an empty folder, only skipped tests, a truncated file, a file that is not
JUnit, an absent required suite or a model suite that names no model each fail the gate with a
one-line reason. How each producer's JUnit is read is ``modelgate.junit``'s business.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from modelgate.junit import Suite, find_files, read_suite
from modelgate.model_evidence import ReleaseModel, agree, contract_problem, judge, label, release_from_folder

MAX_NAMED_FLAKY = 5  # the verdict line names the flaky tests, up to this many


@dataclass
class Verdict:
    folder: Path
    required: list[str]
    suites: list[Suite] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    checks: list[tuple[str, str | None]] = field(default_factory=list)  # (check, why it failed or None)
    release: ReleaseModel | None = None

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
        if not self.passed:
            return "gate: FAILED: " + "; ".join(self.reasons)
        ran = sum(s.ran for s in self.suites)
        line = f"gate: PASSED: {len(self.suites)} suite(s), {ran} test(s) ran, none failed or errored"
        flaky = [(s.name, c) for s in self.readable for c in s.flaky]
        if flaky:
            named = ", ".join(f"[{name}] {c.title}" for name, c in flaky[:MAX_NAMED_FLAKY])
            more = f" and {len(flaky) - MAX_NAMED_FLAKY} more" if len(flaky) > MAX_NAMED_FLAKY else ""
            line += f"; {len(flaky)} flaky (passed only on a rerun): {named}{more}"
        if self.release:
            line += f"; evidence for model {label(self.release.version, self.release.sha256)}"
        return line


def evaluate(
    folder: Path,
    required: list[str] = (),
    exclude: tuple[Path, ...] = (),
    *,
    fail_on_flaky: bool = False,
    model_dir: Path | None = None,
    model_version: str | None = None,
    model_suites: list[str] = (),
    features_dir: Path | None = None,
) -> Verdict:
    """Read every JUnit file under ``folder`` (but the ``exclude``d ones) and decide.

    ``model_dir`` (a model folder) or ``model_version`` names the model being released; ``model_suites``
    are the suites that test a model and so must name the one they tested. With ``model_dir`` and ``features_dir``,
    the contract the model carries must be the one the features state."""
    folder = Path(folder)
    verdict = Verdict(folder, list(dict.fromkeys(required)))
    if model_dir is not None:
        verdict.release, problem = release_from_folder(model_dir)
        verdict.check("release model identified", problem)
        if problem is None and features_dir is not None:
            verdict.check("the model carries the features' contract", contract_problem(model_dir, features_dir))
    elif model_version:
        verdict.release = ReleaseModel(model_version)
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
    claims = [s.unexplained[0] for s in verdict.readable if s.unexplained]  # each names its file
    verdict.check("no failure claimed that no test case shows", "; ".join(claims) or None)
    if fail_on_flaky:
        verdict.check("no flaky test (--fail-on-flaky)", _flaky(verdict))
    for wanted in verdict.required:
        verdict.check(f"required suite present: {wanted}", _absent(verdict, wanted))
    _evidence(verdict, list(dict.fromkeys(model_suites)), model_dir is not None or bool(model_version))
    return verdict


def _evidence(verdict: Verdict, model_suites: list[str], release_given: bool) -> None:
    """One check per suite that names a model or must name one; the release's model, if given, is the measure."""
    if release_given and verdict.release is None:
        return  # the release's model could not be identified: already one reason
    for wanted in model_suites:
        if not any(s.answers_to(wanted) for s in verdict.suites):
            verdict.check(f"model evidence: {wanted}", f"model suite {wanted!r} is missing, so no model is named")
    must = {s.name for s in verdict.readable if any(s.answers_to(w) for w in model_suites)}
    for suite in verdict.readable:
        if suite.models or suite.name in must:
            verdict.check(f"model evidence: {suite.name}", judge(suite, verdict.release, suite.name in must))
    if verdict.release is None:
        verdict.check("one model across suites", agree(verdict.readable))


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


def _flaky(verdict: Verdict) -> str | None:
    flaky = [(s.name, c) for s in verdict.readable for c in s.flaky]
    if not flaky:
        return None
    suites = ", ".join(dict.fromkeys(name for name, _ in flaky))
    return f"{len(flaky)} flaky test(s) passed only on a rerun, and --fail-on-flaky counts that as failing (in {suites})"


def _absent(verdict: Verdict, wanted: str) -> str | None:
    matches = [s for s in verdict.suites if s.answers_to(wanted)]
    if not matches:
        return f'required suite {wanted!r} is missing (no {wanted}.xml or <testsuite name="{wanted}"> under {verdict.folder})'
    if all(s.problem for s in matches):
        return None  # already reported as unreadable; one reason per fault
    if not any(s.ran for s in matches):
        return f"required suite {wanted!r} ran no test"
    return None
