"""The import layers of ``pyproject.toml``'s ``[tool.importlinter]`` contracts, one JUnit case per contract whose
failure message is import-linter's report.

import-linter's graph builder (grimp) finds a package's modules by walking its folder, and in the checkout
``contracts/``, ``model/`` and ``app/`` lie outside ``modelgate/``: the contracts are checked on a copy laid out
as the wheel installs it (``steps.layout.stage``), first on the path, so nothing resolves to the checkout.
"""

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from steps.layout import declared_packages, stage


def _contracts(root: Path) -> list[dict]:
    return tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]["contracts"]


def pytest_generate_tests(metafunc):
    if "contract" in metafunc.fixturenames:
        ids = [contract["id"] for contract in _contracts(metafunc.config.rootpath)]
        metafunc.parametrize("contract", ids, ids=ids)


@pytest.fixture(scope="module")
def wheel_tree(pytestconfig, tmp_path_factory) -> Path:
    return stage(pytestconfig.rootpath, tmp_path_factory.mktemp("wheel-tree"))


def lint_imports(root: Path, tree: Path, *args: str) -> subprocess.CompletedProcess:
    command = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(command), str(root / "pyproject.toml"), "--no-cache", "--no-logo", *args],
        cwd=tree,  # lint-imports puts its working directory first on sys.path
        env={**os.environ, "PYTHONPATH": str(tree), "COLUMNS": "200"},  # rich wraps the report at COLUMNS
        capture_output=True,
        text=True,
        check=False,  # a broken contract is reported below, with import-linter's text
    )


def test_the_copy_holds_every_declared_package(pytestconfig, wheel_tree):
    for package, folder in declared_packages(pytestconfig.rootpath).items():
        copied = wheel_tree.joinpath(*package.split("."))
        assert sorted(p.name for p in copied.glob("*.py")) == sorted(p.name for p in folder.glob("*.py")), package


def broken(report: str) -> str:
    """The forbidden imports of import-linter's report, first (a JUnit message's first line is what a reader sees)."""
    _, found, section = report.partition("Broken contracts")
    lines = [line for line in section.splitlines() if line.strip(" -")]
    return "\n".join([*lines[1:], f"(contract: {lines[0]})"]) if found and lines else report


def test_contract(pytestconfig, wheel_tree, contract):
    checked = lint_imports(pytestconfig.rootpath, wheel_tree, "--contract", contract)
    if checked.returncode != 0:
        pytest.fail(broken(checked.stdout) + checked.stderr, pytrace=False)
    assert "1 kept, 0 broken" in checked.stdout, checked.stdout
