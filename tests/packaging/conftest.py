"""The fixtures of the tests of what ships: the wheel, built once a session, and a fresh venv it is installed into
(``venvs.py``)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.packaging.venvs import build_wheel, install


@pytest.fixture(scope="session")
def wheel(tmp_path_factory) -> Path:
    return build_wheel(tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("wheel"))


@pytest.fixture(scope="session")
def installed(wheel, tmp_path_factory) -> Path:
    """A fresh venv with the wheel installed; returns its bin folder."""
    return install(wheel, tmp_path_factory.mktemp("venv"))


@pytest.fixture(scope="session")
def env() -> dict:
    """The environment without anything that points into the checkout or overrides a default."""
    return {k: v for k, v in os.environ.items() if k != "PYTHONPATH" and not k.startswith("MODELGATE_")}
