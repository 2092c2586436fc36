"""``modelgate selftest``: check this installation's model against the signed-off contract."""

from __future__ import annotations

import sys
from pathlib import Path

from modelgate.commands import model_arg
from modelgate.settings import Settings


def register(sub, settings: Settings) -> None:
    selftest = sub.add_parser(
        "selftest",
        help="verify the model, answer its agreed rows and check the service's response shape",
        description="Load and verify the model folder (nothing else is needed: the model carries its contract), check its "
        "recorded quality against the agreed band and limit, every agreed answer, and the REST response shape "
        "(in-process). Exit code 0 only if every check passed.",
    )
    model_arg(selftest, settings)
    selftest.add_argument("--junit", type=Path, metavar="XML", help="write every check as JUnit XML here")
    selftest.set_defaults(run=run)


def run(args) -> int:
    from modelgate.selftest import run_selftest, write_selftest_junit

    result = run_selftest(args.model)
    if args.junit:
        write_selftest_junit(result, args.junit)
    if result.model_error is not None:
        print(f"modelgate: error: selftest: {result.model_error}", file=sys.stderr)
        return result.model_error.exit_code
    if not result.ok:
        print(f"modelgate: selftest: {len(result.failures)} of {len(result.cases)} checks failed", file=sys.stderr)
        for case in result.failures:
            print(f"  {case.name}: {(case.failures or case.errors)[0]['message']}", file=sys.stderr)
        return 1
    print(f"selftest: all {len(result.cases)} checks passed" + (f"; JUnit: {args.junit}" if args.junit else ""))
    return 0
