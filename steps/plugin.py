"""The fixtures and options every suite of features shares: which features state the contract, which model they
judge, where its service runs, and the data it was trained and is evaluated on.

The model judged is the model under test: the one being released (``model/bundled``, trained from the bundled data
only if it is missing), the one given with ``--model DIR``, or with ``--service container`` the image's own. Its
identity is recorded as the JUnit suite's properties (``contracts.evidence``), so the release gate can tell which
model a result is about. The expected values are the features' own: the contract compiled from them (``stated``)
and the numbers in each step's text.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from modelgate.contracts.contract import Contract
from modelgate.contracts.evidence import model_properties
from modelgate.contracts.reader import read_contract
from modelgate.model.manifest import MANIFEST_FILE, read_manifest
from pytest_bdd import given

from modelgate.commands import PRODUCTION_ENV, PRODUCTION_FORMS
from steps.service import Service, in_process
from steps.support import BUNDLED_MODEL, bundled_model

_features: list[Path] = []  # the features folder of this run, for the step parsers (steps.asking), set at configure


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
        choices=["in-process", "container"],
        default="in-process",
        help="where the REST scenarios run without --base-url: in-process (default) or the built image (testcontainers)",
    )
    parser.addoption(
        "--model",
        type=Path,
        default=None,
        metavar="DIR",
        help=f"the model the features judge (default: the image's with --service container, else {BUNDLED_MODEL}, "
        "trained from the bundled data if missing)",
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


def pytest_configure(config):
    _features[:] = [features_folder(config)]


def features_folder(config) -> Path:
    """The features of this run: pytest-bdd's ``bdd_features_base_dir`` (``-o bdd_features_base_dir=DIR``)."""
    return (Path(config.rootpath) / config.getini("bdd_features_base_dir")).resolve()


def current_features() -> Path:
    return _features[0]


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
    elif request.config.getoption("--service") == "container" and not request.config.getoption("--base-url"):
        directory = request.getfixturevalue("image_model")
    else:
        directory = bundled_model()
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
def base_url(request) -> str:
    url = request.config.getoption("--base-url")
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
