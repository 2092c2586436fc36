"""``modelgate gate``: decide a release from a folder of JUnit XML files."""

from __future__ import annotations

import sys
from pathlib import Path

from modelgate.settings import Settings


def register(sub, settings: Settings) -> None:
    gate = sub.add_parser(
        "gate",
        help="pass or fail a release on the JUnit XML files under REPORTS_DIR",
        description="Read every JUnit XML file under REPORTS_DIR (any producer) and exit 0 only if all are well-formed, "
        "at least one test ran, none failed or errored, and every --require'd suite is present and ran a test. "
        "A suite is one file, named by its path under REPORTS_DIR without .xml (reports/junit/unit.xml is 'unit'); "
        "--require also accepts a <testsuite name>. Exit 1 with a one-line reason otherwise.",
    )
    gate.add_argument("reports_dir", type=Path, metavar="REPORTS_DIR", help="folder searched recursively for *.xml")
    gate.add_argument(
        "--require",
        nargs="+",
        action="extend",
        default=[],
        metavar="SUITE",
        help="suite(s) that must be present and have run a test; missing results fail the gate",
    )
    gate.add_argument(
        "--junit", type=Path, metavar="OUT", help="also write the gate's verdict as JUnit XML (never read as input)"
    )
    gate.set_defaults(run=run)


def run(args) -> int:
    from modelgate.gate import evaluate, table, write_junit

    exclude = (args.junit,) if args.junit else ()
    verdict = evaluate(args.reports_dir, args.require, exclude=exclude)
    for line in table(verdict):
        print(line)
    if args.junit:
        write_junit(verdict, args.junit)
    print(flush=True)  # the table first, even when the verdict goes to stderr
    print(verdict.summary(), file=sys.stdout if verdict.passed else sys.stderr, flush=True)
    return 0 if verdict.passed else 1
