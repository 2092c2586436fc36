"""The release gate: turn a folder of JUnit XML files into one pass/fail decision with its reasons.

It passes only if every file is well-formed JUnit, at least one test ran, no test failed or
errored, no suite claims a failure its cases do not show, every required suite is present and ran a
test, (given the release's model) every suite that names a model names that one, and its features hold no value
still to be agreed (one line each, ``modelgate.contracts.unagreed``) nor an agreed number without its source and owner
(``modelgate.contracts.rationale``). Missing evidence
is a failure, never a pass: an empty folder, only skipped tests, a truncated file, a file that is not
JUnit, an absent required suite or a model suite that names no model each fail the gate with a
one-line reason. With sign-offs required, each release's stakeholder features must be the last signed off
(``modelgate.signoff``). A pass that compared nothing with a production model says so (a first release). How each
producer's JUnit is read is ``modelgate.junit``'s business.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from modelgate.contracts import rationale, unagreed
from modelgate.contracts.errors import ModelgateError
from modelgate.contracts.evidence import FIRST_RELEASE_NOTE
from modelgate.contracts.reader import read_steps
from modelgate.junit import Suite, find_files, read_suite
from modelgate.model_evidence import ReleaseModel, agree, contract_problem, judge, label, release_from_folder
from modelgate.signoff import Standing, standing

MAX_NAMED_FLAKY = 5  # the verdict line names the flaky tests, up to this many


@dataclass
class Release:
    """One model a release ships: its folder (or, for a model not on disk, its version), the features whose contract
    it must carry, and the suites that test it and so must name it."""

    model_dir: Path | None = None
    version: str | None = None
    features: Path | None = None
    suites: list[str] = field(default_factory=list)
    identified: ReleaseModel | None = None  # filled in by evaluate


@dataclass
class Verdict:
    folder: Path
    required: list[str]
    suites: list[Suite] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    checks: list[tuple[str, str | None]] = field(default_factory=list)  # (check, why it failed or None)
    releases: list[Release] = field(default_factory=list)
    unagreed: list[str] = field(default_factory=list)  # each value of the features in force still to be agreed
    unsourced: list[str] = field(default_factory=list)  # each agreed number of the features in force with no source
    signed: list[Standing] = field(default_factory=list)  # the features whose sign-off was required, where it stands

    @property
    def release(self) -> ReleaseModel | None:
        """The (first) release model identified, for a release of one model."""
        return self.releases[0].identified if self.releases else None

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
            titles = ", ".join(f"[{name}] {c.title}" for name, c in flaky[:MAX_NAMED_FLAKY])
            more = f" and {len(flaky) - MAX_NAMED_FLAKY} more" if len(flaky) > MAX_NAMED_FLAKY else ""
            line += f"; {len(flaky)} flaky (passed only on a rerun): {titles}{more}"
        named = [label(r.identified.version, r.identified.sha256) for r in self.releases if r.identified]
        if named:
            line += f"; evidence for model{'s' if len(named) > 1 else ''} {', '.join(named)}"
        signed = [f"{st.features} by {st.signed.by} on {st.signed.at}" for st in self.signed if st.current and st.signed]
        if signed:
            line += f"; signed off: {', '.join(signed)}"
        return line + self.first_release_note()

    def first_release_note(self) -> str:
        """``; first release: not compared with a production model (N test(s) in bdd, ...)``, or nothing: a pass that
        compared nothing is never read as a compared one."""
        first = {s.name: len(s.first_release) for s in self.readable if s.first_release}
        if not first:
            return ""
        where = ", ".join(first)
        return f"; {FIRST_RELEASE_NOTE} ({sum(first.values())} test(s) in {where})"


def evaluate(
    folder: Path,
    required: Sequence[str] = (),
    exclude: tuple[Path, ...] = (),
    *,
    fail_on_flaky: bool = False,
    model_dir: Path | None = None,
    model_version: str | None = None,
    model_suites: Sequence[str] = (),
    features_dir: Path | None = None,
    releases: Sequence[Release] = (),
    signed: Sequence[Path] = (),
) -> Verdict:
    """Read every JUnit file under ``folder`` (but the ``exclude``d ones) and decide.

    ``releases`` are the models being released, each with the suites that test it (which must name it) and the
    features whose contract it must carry. ``model_dir`` or ``model_version`` with ``model_suites`` and
    ``features_dir`` is the same for a release of one model; ``model_suites`` alone, without a model, are suites
    that must name some model, all the same one. Each features folder in ``signed`` must be the last one signed off
    (``modelgate signoff``); a change since is a reason naming what moved."""
    folder = Path(folder)
    verdict = Verdict(folder, list(dict.fromkeys(required)))
    releases = list(releases)
    if model_dir is not None or model_version:
        releases.insert(0, Release(model_dir, model_version, features_dir, list(model_suites)))
        model_suites = ()
    verdict.releases = releases
    for release in releases:
        agreed = release.features is None or _all_agreed(verdict, release.features)
        if release.model_dir is not None:
            release.identified, problem = release_from_folder(release.model_dir)
            verdict.check(f"release model identified: {release.model_dir}", problem)
            if problem is None and release.features is not None and agreed:
                where = f"{release.model_dir} carries the contract of {release.features}"
                verdict.check(where, contract_problem(release.model_dir, release.features))
        else:
            release.identified = ReleaseModel(release.version or "")
    _signoffs(verdict, signed)
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
    if releases:
        _evidence(verdict, releases)
    else:
        _unbound(verdict, list(dict.fromkeys(model_suites)))
    return verdict


def _all_agreed(verdict: Verdict, features: Path) -> bool:
    """One check per value of ``features`` still to be agreed (listed one a line by the table), and one reason; the
    same for each agreed number that states no source. True if nothing is left to agree."""
    found = unagreed.find(features)
    verdict.checks += [(f"agreed: {line}", line) for line in found]
    verdict.unagreed += found
    if found:
        verdict.reasons.append(f"{len(found)} value(s) in {features} still {unagreed.UNAGREED} (each listed above)")
    _all_sourced(verdict, features)
    return not found


def _all_sourced(verdict: Verdict, features: Path) -> None:
    """One check per agreed number of ``features`` that states no source and owner, and one reason."""
    found = rationale.unsourced(read_steps(Path(features)).steps)
    verdict.checks += [(f"sourced: {line}", line) for line in found]
    verdict.unsourced += found
    if found:
        verdict.reasons.append(f"{len(found)} agreed number(s) in {features} state no source and owner (each listed above)")


def _signoffs(verdict: Verdict, signed: Sequence[Path]) -> None:
    """One check per features folder that must be the last signed off: a reason names what moved since."""
    for features in dict.fromkeys(Path(f) for f in signed):
        try:
            found = standing(features)
            verdict.signed.append(found)
            problem = found.problem()
        except ModelgateError as exc:
            problem = f"sign-off of {features}: {str(exc).splitlines()[0]}"
        verdict.check(f"signed off: {features}", problem)


def _missing_suites(verdict: Verdict, wanted: list[str]) -> None:
    for name in wanted:
        if not any(s.answers_to(name) for s in verdict.suites):
            verdict.check(f"model evidence: {name}", f"model suite {name!r} is missing, so no model is named")


def _evidence(verdict: Verdict, releases: list[Release]) -> None:
    """One check per suite that tests a released model (it must name that model) or names a model (it must be one of
    the released models)."""
    if any(r.identified is None for r in releases):
        return  # a release's model could not be identified: already one reason
    bound: dict[str, ReleaseModel] = {}
    for release in releases:
        identified = release.identified
        assert identified is not None  # every release was identified: the return above
        _missing_suites(verdict, release.suites)
        bound |= {s.name: identified for s in verdict.readable if any(s.answers_to(w) for w in release.suites)}
    for suite in verdict.readable:
        if suite.name in bound:
            verdict.check(f"model evidence: {suite.name}", judge(suite, bound[suite.name], True))
        elif suite.models:
            problems = [judge(suite, r.identified, False) for r in releases]
            verdict.check(f"model evidence: {suite.name}", None if None in problems else problems[0])


def _unbound(verdict: Verdict, model_suites: list[str]) -> None:
    """Without a release model, every suite that names one must name the same."""
    _missing_suites(verdict, model_suites)
    must = {s.name for s in verdict.readable if any(s.answers_to(w) for w in model_suites)}
    for suite in verdict.readable:
        if suite.models or suite.name in must:
            verdict.check(f"model evidence: {suite.name}", judge(suite, None, suite.name in must))
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
