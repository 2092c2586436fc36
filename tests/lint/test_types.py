"""The type checker over the package, as one JUnit case whose failure message is mypy's report.

mypy runs on the copy laid out as the wheel installs it (``steps.layout.stage``, as import-linter does), with no
site-packages: the project's own code is checked against itself, every third-party module is taken as untyped, so
the verdict is the same in the lint environment (which installs none of them) and in a developer's.
"""

import subprocess
import sys
from pathlib import Path

import pytest

from steps.layout import stage


def test_mypy_finds_nothing(pytestconfig, tmp_path):
    tree = stage(pytestconfig.rootpath, tmp_path / "wheel-tree")
    config = pytestconfig.rootpath / "pyproject.toml"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            str(config),
            "--no-site-packages",
            "--cache-dir",
            str(tmp_path / "cache"),
            "modelgate",
        ],
        cwd=tree,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        pytest.fail(done.stdout + done.stderr, pytrace=False)


def test_mypy_would_catch_a_type_error(pytestconfig, tmp_path):
    """The check can fail: a wrongly typed call planted in the staged copy is reported."""
    tree = stage(pytestconfig.rootpath, tmp_path / "wheel-tree")
    planted = tree / "modelgate" / "planted.py"
    planted.write_text("from modelgate.contracts.inputs import parse_range\n\nparse_range(45)\n")
    config = pytestconfig.rootpath / "pyproject.toml"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--config-file",
            str(config),
            "--no-site-packages",
            "--cache-dir",
            str(tmp_path / "cache"),
            str(Path("modelgate") / "planted.py"),
        ],
        cwd=tree,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1 and 'incompatible type "int"; expected "str"' in done.stdout, done.stdout
