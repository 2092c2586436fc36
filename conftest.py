"""Shared fixtures and ``Given`` steps for the Gherkin features and the unit tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytest_bdd import given

from contracts.golden import golden_cases
from model.train import train
from modelgate.settings import DEFAULT_TRAINING_DATA
from steps.service import Service, in_process

ROOT = Path(__file__).resolve().parent
# Session fixtures for the built image and the external services of the spark and storage tests
# (each started only when a test asks for it).
pytest_plugins = ["steps.container", "steps.azurite", "steps.spark_session"]


def pytest_addoption(parser):
    parser.addoption("--base-url", default=None, help="run the REST scenarios against this deployed URL instead of in-process")
    parser.addoption(
        "--service",
        choices=["in-process", "container"],
        default="in-process",
        help="where the REST scenarios run without --base-url: in-process (default) or the built image (testcontainers)",
    )


@pytest.fixture(scope="session")
def features_dir() -> Path:
    return ROOT / "features"


@pytest.fixture(scope="session")
def golden(features_dir):
    """{height: agreed weight} and the tolerance, read from scoring.feature."""
    cases, tolerance = golden_cases(features_dir)
    return {case.height: case.weight for case in cases}, tolerance


@pytest.fixture(scope="session")
def trained_model(tmp_path_factory) -> Path:
    """The bundled model, trained once per session from the bundled data (the repo is not touched)."""
    out = tmp_path_factory.mktemp("model")
    train(DEFAULT_TRAINING_DATA, out)
    return out


@pytest.fixture(scope="session")
def base_url(request) -> str:
    url = request.config.getoption("--base-url")
    if url:
        yield url
        return
    if request.config.getoption("--service") == "container":
        yield request.getfixturevalue("service_container").url
        return
    with in_process(request.getfixturevalue("trained_model")) as url:
        yield url


@given("the scoring service is running", target_fixture="service")
def service(base_url) -> Service:
    return Service(base_url)
