"""Shared fixtures and ``Given`` steps for the Gherkin features and the unit tests.

The suites that test a model (the features, the fuzz tests) judge the model under test: the one being
released, ``model/bundled`` (trained from the bundled data only if it is missing), the one given with
``--model DIR``, or with ``--service container`` the image's own. Its identity is recorded as the
JUnit suite's properties (``contracts.evidence``), so the release gate can tell which model a result
is about. Unit tests keep their own freshly trained model (``trained_model``) and record none.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from modelgate.contracts.evidence import model_properties
from modelgate.contracts.golden import golden_cases
from modelgate.model import artifact
from modelgate.model.scorer import Scorer
from modelgate.model.train import train
from pytest_bdd import given

from steps.service import Service, in_process
from steps.support import BUNDLED_MODEL, FEATURES, TRAINING_DATA, bundled_model, load_scorer

# Session fixtures for the built image and the external services of the spark and storage tests
# (each started only when a test asks for it).
pytest_plugins = ["steps.container", "steps.azurite", "steps.spark_session"]


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
        help="the model in production for the champion/challenger scenario: a model folder or folder URL (abfs://...) "
        "(default: $MODELGATE_PRODUCTION_MODEL; none: the scenario says there is none)",
    )
    parser.addoption(
        "--training-data",
        type=Path,
        default=TRAINING_DATA,
        metavar="CSV",
        help=f"the training data the model's record names, for the quality scenarios (default: {TRAINING_DATA})",
    )


@pytest.fixture(scope="session")
def features_dir() -> Path:
    return FEATURES


@pytest.fixture(scope="session")
def golden(features_dir):
    """{height: GoldenCase} in the order of scoring.feature."""
    return {case.height: case for case in golden_cases(features_dir)}


@pytest.fixture(scope="session")
def trained_model(tmp_path_factory) -> Path:
    """A model trained for this session from the bundled data (the repo is not touched): for unit tests."""
    out = tmp_path_factory.mktemp("model")
    train(TRAINING_DATA, out)
    return out


@pytest.fixture(scope="session")
def scorer(trained_model) -> Scorer:
    """The scorer of ``trained_model`` (unit tests of the batch engines and the watcher)."""
    return load_scorer(trained_model)


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
    manifest = artifact.read_manifest(directory)
    for name, value in model_properties(manifest).items():
        record_testsuite_property(name, value)
    return directory


@pytest.fixture(scope="session")
def manifest_on_disk(model_under_test) -> dict:
    """The model under test's manifest, as the file says (the expected values of /ready and /metadata)."""
    return json.loads((model_under_test / artifact.MANIFEST_FILE).read_text(encoding="utf-8"))


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
def service(base_url, model_under_test, api_key) -> Service:
    return Service(base_url, api_key)
