"""The fixtures and options every suite of features shares: which features state the contract, which model they
judge, where its service runs, and the data it was trained and is evaluated on.

The model judged is the model under test: the one being released (``model/bundled``, trained from the bundled data
only if it is missing), the one given with ``--model DIR``, or with ``--service container`` the image's own. Its
identity is recorded as the JUnit suite's properties (``contracts.evidence``), so the release gate can tell which
model a result is about. The expected values are the features' own: the contract compiled from them (``stated``)
and the numbers in each step's text.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from modelgate.contracts.contract import Contract
from modelgate.contracts.evidence import model_properties
from modelgate.contracts.reader import read_contract
from modelgate.model.manifest import MANIFEST_FILE, read_manifest
from modelgate.steps.service import Service, in_process
from modelgate.steps.support import FEATURES, bundled_model
from pytest_bdd import given

from modelgate.cli import PYSPARK_PANDAS_WARNING
from modelgate.commands import PRODUCTION_ENV, PRODUCTION_FORMS
from modelgate.settings import DEFAULT_MODEL_DIR

# The step definitions, and the session fixtures for the built image and the external services of the spark and
# storage tests (each started only when a test asks for it): registered with this plugin, which pytest loads through
# the package's pytest11 entry point (``modelgate.steps``).
pytest_plugins = [
    "modelgate.steps.answers",
    "modelgate.steps.quality",
    "modelgate.steps.classes",
    "modelgate.steps.risk",
    "modelgate.steps.drift",
    "modelgate.steps.batch",
    "modelgate.steps.watch",
    "modelgate.steps.spark",
    "modelgate.steps.container",
    "modelgate.steps.image",
    "modelgate.steps.azurite",
    "modelgate.steps.spark_session",
]

IN_PROCESS = ("in-process", "inprocess")
# The tags that select the features' scenarios (and the tests of the same rooms), registered for --strict-markers.
MARKERS = [
    "api: the REST scoring contract and response shape",
    "model: model quality (R² band, manifest)",
    "risk: model risk (champion/challenger, plausibility, extrapolation, drift)",
    "batch: batch CSV scoring under the pandera schemas",
    "container: runs the built Docker image (needs a Docker engine)",
    "spark: the Spark batch engine (needs Java)",
    "storage: ADLS-style storage and the event-driven watcher (needs Azurite)",
]
_features: list[str] = []  # the features folder of this run, for the step parsers (steps.asking), set at configure


def pytest_addoption(parser):
    parser.addoption("--base-url", default=None, help="run the REST scenarios against this deployed URL instead of in-process")
    parser.addoption(
        "--api-key",
        default=os.environ.get("MODELGATE_API_KEY") or None,
        metavar="KEY",
        help="the API key to send when the service requires one (default: $MODELGATE_API_KEY, which keeps it off "
        "the command line)",
    )
    parser.addoption(
        "--service",
        type=_service,
        default="in-process",
        metavar="inprocess|container|URL",
        help="where the REST scenarios run: in-process (default; also inprocess), the built image (container, "
        "testcontainers) or a deployed service at URL (http://... or https://..., as --base-url URL)",
    )
    parser.addoption(
        "--features",
        # Not pytest-bdd's dest "features" (its --feature FILE, for --generate-missing): the two must never share one.
        dest="modelgate_features",
        default=None,
        metavar="DIR",
        help="the features that state the contract and are run (default: pytest-bdd's bdd_features_base_dir, "
        "-o bdd_features_base_dir=DIR, from the root folder)",
    )
    parser.addoption(
        "--model",
        type=Path,
        default=None,
        metavar="DIR",
        help=f"the model the features judge (default: the image's with --service container, else {DEFAULT_MODEL_DIR}; in a "
        "checkout of modelgate trained from the bundled data if missing)",
    )
    parser.addoption(
        "--production-model",
        default=None,
        metavar="SRC",
        help=f"the model in production for the champion/challenger scenario: {PRODUCTION_FORMS} "
        f"(default: ${PRODUCTION_ENV}; none: the scenario says there is none)",
    )
    parser.addoption(
        "--training-data",
        type=Path,
        default=None,
        metavar="CSV",
        help="the training data the model's record names (default: the file of that name in data/ beside the features)",
    )
    parser.addoption(
        "--evaluation-data",
        type=Path,
        default=None,
        metavar="CSV",
        help="rows no model was trained on, for champion/challenger and drift (default: data/evaluation.csv beside the features)",
    )


def _service(value: str) -> str:
    """``--service``: in-process, container or the URL of a deployed service."""
    if value in (*IN_PROCESS, "container") or value.startswith(("http://", "https://")):
        return value
    raise argparse.ArgumentTypeError(f"{value!r} is none of inprocess, container or a URL (http://... or https://...)")


def pytest_configure(config):
    for marker in MARKERS:
        config.addinivalue_line("markers", marker)
    # The warning the modelgate command silences too (see modelgate/cli.py): noise from pandera importing PySpark.
    config.addinivalue_line("filterwarnings", f"ignore:{PYSPARK_PANDAS_WARNING}:FutureWarning")
    _features[:] = [_features_base_dir(config)]


def pytest_pycollect_makemodule(module_path: Path, parent):
    """The shipped ``test_features.py`` collected from an installation (``pytest --pyargs modelgate.steps``), outside
    the root folder: named by its package path, so its tests' JUnit class is ``modelgate.steps.test_features`` (not
    the empty name pytest gives a module outside the root folder)."""
    if module_path.parent == Path(__file__).parent and not module_path.is_relative_to(parent.config.rootpath):
        return pytest.Module.from_parent(parent, path=module_path, nodeid=f"modelgate/steps/{module_path.name}")
    return None


def _features_base_dir(config) -> str:
    """The features of this run as pytest-bdd joins them: ``--features DIR`` from where pytest was started, else
    ``bdd_features_base_dir`` from the root folder (the same string pytest-bdd builds, so the features' names in
    the Cucumber JSON do not change)."""
    given = config.getoption("modelgate_features")
    if given:
        return os.path.join(config.invocation_params.dir, given)
    return os.path.join(config.rootpath, config.getini("bdd_features_base_dir"))


def features_folder(config) -> Path:
    """The features of this run (``--features DIR`` or ``-o bdd_features_base_dir=DIR``)."""
    return Path(_features_base_dir(config)).resolve()


def current_features() -> Path:
    return Path(_features[0]).resolve()


def features_base_dir() -> str:
    """The features folder for ``pytest_bdd.scenarios(features_base_dir=...)`` (``test_features.py``)."""
    return _features[0]


def deployed_url(config) -> str | None:
    """The deployed service the REST scenarios run against: ``--base-url URL`` or ``--service URL``; None for a service
    started here."""
    service = config.getoption("--service")
    return config.getoption("--base-url") or (service if service.startswith(("http://", "https://")) else None)


@pytest.fixture(scope="session")
def features_dir(request) -> Path:
    return features_folder(request.config)


@pytest.fixture(scope="session")
def stated(features_dir) -> Contract:
    """The contract the features state: the expected values of every scenario."""
    return read_contract(features_dir)


@pytest.fixture(scope="session")
def golden(stated):
    """The agreed answers, in the order of the features, keyed by their row of inputs."""
    return {case.values: case for case in stated.golden}


@pytest.fixture(scope="session")
def model_under_test(request, record_testsuite_property) -> Path:
    """The model directory the features judge; its SHA-256 and version go into the suite's JUnit properties."""
    given_dir = request.config.getoption("--model")
    if given_dir is not None:
        directory = given_dir
    elif request.config.getoption("--service") == "container" and not deployed_url(request.config):
        directory = request.getfixturevalue("image_model")
    else:
        directory = bundled_model() if FEATURES.is_dir() else Path(DEFAULT_MODEL_DIR)  # outside a checkout: no training
    for name, value in model_properties(read_manifest(directory)).items():
        record_testsuite_property(name, value)
    return directory


@pytest.fixture(scope="session")
def manifest_on_disk(model_under_test) -> dict:
    """The model under test's manifest, as the file says (the expected values of /ready and /metadata)."""
    return json.loads((model_under_test / MANIFEST_FILE).read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def carried(model_under_test) -> Contract:
    """The contract the model under test carries (verified against its manifest)."""
    return read_manifest(model_under_test).read_contract(model_under_test)


def _beside_features(features_dir: Path, name: str) -> Path:
    return features_dir.parent / "data" / name


@pytest.fixture(scope="session")
def training_data(request, features_dir, manifest_on_disk) -> Path:
    given_path = request.config.getoption("--training-data")
    return given_path or _beside_features(features_dir, manifest_on_disk["training_data"]["file"])


@pytest.fixture(scope="session")
def evaluation_data(request, features_dir) -> Path:
    return request.config.getoption("--evaluation-data") or _beside_features(features_dir, "evaluation.csv")


@pytest.fixture(scope="session")
def base_url(request) -> Iterator[str]:
    url = deployed_url(request.config)
    if url:
        yield url
        return
    if request.config.getoption("--service") == "container":
        yield request.getfixturevalue("service_container").url
        return
    with in_process(request.getfixturevalue("model_under_test")) as url:
        yield url


@pytest.fixture(scope="session")
def api_key(request) -> str | None:
    return request.config.getoption("--api-key")


@given("the scoring service is running", target_fixture="service")
def service(base_url, model_under_test, api_key, stated) -> Service:
    return Service(base_url, api_key, f"/{stated.output.name}")


@given("the model under test", target_fixture="judged")
def judged(model_under_test) -> Path:
    return model_under_test
