"""``modelgate report``: the self-contained HTML page stakeholders open in a BDD review."""

from __future__ import annotations

import sys
from pathlib import Path

from modelgate.commands import features_arg, model_arg, production_arg
from modelgate.contracts.errors import ModelgateError
from modelgate.settings import Settings


def register(sub, settings: Settings) -> None:
    report = sub.add_parser(
        "report",
        help="write a self-contained HTML report of the features, test results and model",
        description="Build one HTML page (no network needed to view it) from the features, the BDD cucumber JSON, "
        "the JUnit results, the gate's verdict and the model manifest. Missing inputs are named on stderr and in the "
        "page, the page is still written, and the exit code is 1.",
    )
    report.add_argument(
        "--out", type=Path, default=Path("reports/report.html"), metavar="HTML", help="page to write (default: %(default)s)"
    )
    features_arg(report, settings, "the .feature files")
    report.add_argument(
        "--cucumber",
        type=Path,
        action="append",
        metavar="JSON",
        help="cucumber JSON from a BDD run; repeatable (default: every reports/cucumber*.json)",
    )
    report.add_argument(
        "--junit-dir", type=Path, default=Path("reports/junit"), metavar="DIR", help="JUnit XML folder (default: %(default)s)"
    )
    report.add_argument(
        "--gate", type=Path, default=Path("reports/gate.xml"), metavar="XML", help="the gate's verdict (default: %(default)s)"
    )
    model_arg(report, settings)
    beside = "in the data/ folder beside --features"
    report.add_argument(
        "--data",
        type=Path,
        metavar="CSV",
        help=f"the model's training data, for the plots (default: the training file the model's record names, {beside})",
    )
    production_arg(report, "--production-model", "the model in production, for the model-risk section")
    report.add_argument(
        "--evaluation",
        type=Path,
        metavar="CSV",
        help=f"rows neither model was trained on, for the champion/challenger comparison (default: evaluation.csv {beside})",
    )
    report.add_argument(
        "--batch",
        type=Path,
        metavar="CSV",
        help=f"a batch whose inputs the extrapolation and drift figures judge (default: sample_input.csv {beside})",
    )
    report.add_argument(
        "--monitor",
        type=Path,
        metavar="JSON",
        help="the outcomes since release, per period (modelgate monitor --out), plotted over time",
    )
    report.set_defaults(run=run)


def run(args) -> int:
    try:
        from modelgate.report import build
        from modelgate.report.inputs import Sources
    except ImportError as exc:
        raise ModelgateError(f"modelgate report needs {exc.name}: pip install 'modelgate[report]'") from None

    cucumber = args.cucumber or sorted(Path("reports").glob("cucumber*.json"))
    sources = Sources(args.features, cucumber, args.junit_dir, args.gate, args.model, args.data, args.production_model)
    sources.evaluation, sources.batch, sources.monitor = args.evaluation, args.batch, args.monitor
    inputs = build(sources, args.out)
    for missing in inputs.missing:
        print(f"modelgate report: missing: {missing}", file=sys.stderr)
    complete = "incomplete, " if inputs.missing else ""
    print(f"wrote {args.out} ({complete}{sum(len(f.scenarios) for f in inputs.features)} scenarios)", flush=True)
    return 1 if inputs.missing else 0
