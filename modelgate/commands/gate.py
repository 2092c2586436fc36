"""``modelgate gate``: decide a release from a folder of JUnit XML files."""

from __future__ import annotations

import sys
from pathlib import Path

from modelgate.settings import Settings


def register(sub, settings: Settings) -> None:
    gate = sub.add_parser(
        "gate",
        help="pass or fail a release on the JUnit XML files under REPORTS_DIR",
        description="Read every JUnit XML file under REPORTS_DIR (any producer, as that producer means it: nested "
        "suites, Surefire reruns, skipped and disabled cases) and exit 0 only if all are well-formed, at least one "
        "test ran, none failed or errored, no suite claims a failure its cases do not show, and every --require'd "
        "suite is present and ran a test. A suite is one file, named by its path under REPORTS_DIR without .xml "
        "(reports/junit/unit.xml is 'unit'); --require also accepts a <testsuite name>. Suites record the model they "
        "tested as <testsuite> properties model_sha256 and model_version; with --model or --model-version a suite "
        "naming another model fails the gate. Exit 1 with a one-line reason otherwise.",
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
    gate.add_argument(
        "--fail-on-flaky",
        action="store_true",
        help="a test that passed only on a rerun (Surefire flakyFailure/flakyError) fails the gate",
    )
    release = gate.add_mutually_exclusive_group()
    release.add_argument(
        "--model",
        type=Path,
        metavar="DIR",
        help="the model being released (a folder with manifest.json, checked against its model file): "
        "every suite that names a model must name this one",
    )
    release.add_argument("--model-version", metavar="V", help="the released model's version, for a model that is not on disk")
    gate.add_argument(
        "--features",
        type=Path,
        default=settings.features_dir,
        metavar="DIR",
        help="with --model: the features whose contract the model must carry (default: $MODELGATE_FEATURES_DIR or "
        f"{settings.features_dir}); a difference fails the gate, naming it",
    )
    gate.add_argument(
        "--model-suites",
        nargs="+",
        action="extend",
        default=[],
        metavar="SUITE",
        help="suite(s) that test a model and so must name the one they tested (model_sha256/model_version properties)",
    )
    gate.set_defaults(run=run)


def run(args) -> int:
    from modelgate.gate import evaluate
    from modelgate.gate_output import table, write_verdict_junit

    verdict = evaluate(
        args.reports_dir,
        args.require,
        exclude=(args.junit,) if args.junit else (),
        fail_on_flaky=args.fail_on_flaky,
        model_dir=args.model,
        model_version=args.model_version,
        model_suites=args.model_suites,
        features_dir=args.features,
    )
    for line in table(verdict):
        print(line)
    if args.junit:
        write_verdict_junit(verdict, args.junit)
    print(flush=True)  # the table first, even when the verdict goes to stderr
    print(verdict.summary(), file=sys.stdout if verdict.passed else sys.stderr, flush=True)
    return 0 if verdict.passed else 1
