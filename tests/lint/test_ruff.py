"""ruff over the repository, as one JUnit case of the ``lint`` suite whose failure message is ruff's own report."""

import subprocess
import sys

import pytest


def test_ruff_finds_nothing(pytestconfig):
    found = subprocess.run(
        [sys.executable, "-m", "ruff", "check", ".", "--output-format", "concise", "--no-cache"],
        cwd=pytestconfig.rootpath,
        capture_output=True,
        text=True,
        check=False,  # findings are reported below, with ruff's text
    )
    if found.returncode != 0:
        pytest.fail(found.stdout + found.stderr, pytrace=False)
