"""``modelgate gate``: decide a release from a folder of JUnit XML files."""

from __future__ import annotations

import argparse
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
    gate.add_argument(
        "reports_dir",
        type=Path,
        nargs="?",
        default=Path("reports/junit"),
        metavar="REPORTS_DIR",
        help="folder searched recursively for *.xml (default: %(default)s, where `modelgate check` writes)",
    )
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
    gate.add_argument(
        "--model",
        action=_Release,
        metavar="DIR",
        help="a model being released (a folder with manifest.json, checked against its model file); repeat for a release "
        "of several models, each followed by its own --features and --model-suites",
    )
    gate.add_argument(
        "--model-version", action=_Release, metavar="V", help="a released model's version, for a model that is not on disk"
    )
    gate.add_argument(
        "--features",
        action=_OfRelease,
        type=Path,
        metavar="DIR",
        help="after --model: the features whose contract that model must carry (default: $MODELGATE_FEATURES_DIR or "
        f"{settings.features_dir}); a difference fails the gate, naming it",
    )
    gate.add_argument(
        "--model-suites",
        action=_OfRelease,
        nargs="+",
        metavar="SUITE",
        help="after --model: the suite(s) that test that model and so must name it (model_sha256/model_version "
        "properties); without --model, suites that must all name the same model",
    )
    gate.add_argument(
        "--require-signoff",
        action="store_true",
        help="the stakeholder features of each --model's --features (default: $MODELGATE_FEATURES_DIR or "
        f"{settings.features_dir}) must be the last ones signed off in their signoffs.jsonl (modelgate signoff); "
        "otherwise the gate fails, naming what moved since",
    )
    gate.set_defaults(releases=[], loose_suites=[], default_features=settings.features_dir)
    gate.set_defaults(run=run)


class _Release(argparse.Action):
    """``--model DIR`` / ``--model-version V``: one more model of the release."""

    def __call__(self, parser, namespace, value, option_string=None):
        found = {"model_dir": Path(value)} if option_string == "--model" else {"version": value}
        namespace.releases = [*namespace.releases, {**found, "features": None, "suites": []}]


class _OfRelease(argparse.Action):
    """``--features`` / ``--model-suites``: of the model named last."""

    def __call__(self, parser, namespace, value, option_string=None):
        if not namespace.releases:
            if option_string == "--features":
                parser.error("--features belongs to a --model: give it after the --model it is for")
            namespace.loose_suites = [*namespace.loose_suites, *value]
            return
        last = dict(namespace.releases[-1])
        if option_string == "--features":
            last["features"] = value
        else:
            last["suites"] = [*last["suites"], *value]
        namespace.releases = [*namespace.releases[:-1], last]


def run(args) -> int:
    from modelgate.gate import Release, evaluate
    from modelgate.gate_output import table, write_verdict_junit

    releases = [
        Release(
            r.get("model_dir"),
            r.get("version"),
            r["features"] or (args.default_features if r.get("model_dir") else None),
            r["suites"],
        )
        for r in args.releases
    ]
    verdict = evaluate(
        args.reports_dir,
        args.require,
        exclude=(args.junit,) if args.junit else (),
        fail_on_flaky=args.fail_on_flaky,
        model_suites=args.loose_suites,
        releases=releases,
        signed=[r.features for r in releases if r.features] or [args.default_features] if args.require_signoff else (),
    )
    for line in table(verdict):
        print(line)
    if args.junit:
        write_verdict_junit(verdict, args.junit)
    print(flush=True)  # the table first, even when the verdict goes to stderr
    print(verdict.summary(), file=sys.stdout if verdict.passed else sys.stderr, flush=True)
    return 0 if verdict.passed else 1
