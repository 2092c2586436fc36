"""``modelgate check``: run a model's features with the installed step library (the package's pytest plugin), in any
repository that has its features and a model folder, writing the JUnit and Cucumber JSON ``modelgate gate`` and
``modelgate report`` read by default."""

from __future__ import annotations

import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

from modelgate.commands import features_arg, model_arg
from modelgate.contracts.errors import ModelgateError
from modelgate.settings import Settings

# The scenarios each place of the service runs by default: in-process every suite but the ones that need Spark,
# Azurite or the image (tox's bdd); against the image its REST and container scenarios (tox's container); against
# a deployed service its REST scenarios.
SELECTED = {
    "inprocess": "(api or model or batch or risk) and not spark and not storage and not container",
    "container": "api or container",
    "url": "api",
}
JUNIT = Path("reports/junit/bdd.xml")  # a suite of the folder `modelgate gate` reads by default, named bdd
CUCUMBER = Path("reports/cucumber.json")  # one of the reports/cucumber*.json `modelgate report` reads by default
TEST_MODULE = "modelgate.steps.test_features"  # binds every feature of --features to the step library


def register(sub, settings: Settings) -> None:
    check = sub.add_parser(
        "check",
        help="run the features against the model with the installed step library; JUnit and Cucumber JSON for gate and report",
        description="Run every scenario of the features against the model folder with pytest and modelgate's step "
        "library (the same run as `pytest --pyargs modelgate.steps --features DIR --model DIR`), writing the JUnit "
        "(with the model's SHA-256 and version as suite properties) and the Cucumber JSON where `modelgate gate` and "
        "`modelgate report` read them. Arguments after `--` go to pytest. Exit code 0 only if every selected "
        "scenario passed; pytest's own exit code otherwise.",
    )
    model_arg(check, settings)
    features_arg(check, settings)
    check.add_argument(
        "--service",
        default="inprocess",
        metavar="inprocess|container|URL",
        help="where the REST scenarios run: in this process (default), the model's image (docker/build.sh, "
        "testcontainers) or the deployed service at URL",
    )
    check.add_argument("--junit", type=Path, default=JUNIT, metavar="XML", help="JUnit XML to write (default: %(default)s)")
    check.add_argument(
        "--cucumber", type=Path, default=CUCUMBER, metavar="JSON", help="Cucumber JSON to write (default: %(default)s)"
    )
    check.add_argument(
        "-m",
        "--select",
        metavar="EXPR",
        help=f"the scenarios to run, by tag (pytest -m; default in-process: {SELECTED['inprocess']!r}; with a "
        f"container: {SELECTED['container']!r}; with a URL: {SELECTED['url']!r})",
    )
    check.add_argument("pytest_args", nargs="*", metavar="PYTEST_ARGS", help="further pytest options, after --")
    check.set_defaults(run=run)


def place(service: str) -> str:
    """``inprocess``, ``container`` or ``url``: where ``--service`` runs the REST scenarios, or a one-line error."""
    if service in ("inprocess", "in-process", "container"):
        return service.replace("-", "")
    if service.startswith(("http://", "https://")):
        return "url"
    raise ModelgateError(f"--service {service!r}: give inprocess, container or the service's URL (http://... or https://...)")


def pytest_command(model: Path, features: Path, service: str, junit: Path, cucumber: Path, select: str | None) -> list[str]:
    """The pytest run ``modelgate check`` starts, checking its inputs first (one line for each mistake)."""
    if not features.is_dir() or not any(features.rglob("*.feature")):
        raise ModelgateError(f"--features {features}: no .feature files there")
    if not (model / "manifest.json").is_file():
        raise ModelgateError(f"--model {model}: not a model folder (no manifest.json; `modelgate package` writes one)")
    if find_spec("pytest_bdd") is None:
        raise ModelgateError("modelgate check runs the step library, which needs the test extra: pip install 'modelgate[test]'")
    return [
        sys.executable,
        "-m",
        "pytest",
        "--pyargs",
        TEST_MODULE,
        "-p",
        "no:cacheprovider",
        "--features",
        str(features),
        "--model",
        str(model),
        "--service",
        "in-process" if place(service) == "inprocess" else service,
        "-m",
        select or SELECTED[place(service)],
        "-o",
        f"junit_suite_name={junit.stem}",
        f"--junitxml={junit}",
        f"--cucumberjson={cucumber}",
    ]


def run(args) -> int:
    select = args.select or SELECTED[place(args.service)]
    command = pytest_command(args.model, args.features, args.service, args.junit, args.cucumber, select)
    for path in (args.junit, args.cucumber):
        path.unlink(missing_ok=True)  # a result of an earlier run must never be read as this one's
        path.parent.mkdir(parents=True, exist_ok=True)
    code = subprocess.run([*command, *args.pytest_args], check=False).returncode
    if code == 5:
        raise ModelgateError(f"no scenario of {args.features} is selected by -m {select!r}")
    if code == 0:
        print(f"check: every selected scenario passed; JUnit: {args.junit}, Cucumber JSON: {args.cucumber}")
    else:
        print(
            f"modelgate: check: scenarios failed or did not run (pytest exit code {code}); JUnit: {args.junit}", file=sys.stderr
        )
    return code
