"""No module imports another module's ``_private`` name: every Python file ruff lints (modules, tests, steps,
fuzz, bench, pipelines), read with ``ast``. ruff's own rule (PLC2701) exempts imports within one top-level
package, the very ones that matter here. One JUnit case naming every such import."""

import ast
import subprocess
import sys
from pathlib import Path

import pytest


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_imports(source: str, filename: str) -> list[str]:
    """``line: statement`` for each import of an underscored name or module in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        if isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            names = [alias.name for alias in node.names]
            if any(_private(part) for part in module.split(".") if part) or any(_private(name) for name in names):
                found.append(f"{node.lineno}: from {module} import {', '.join(names)}")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if any(_private(part) for part in alias.name.split(".")):
                    found.append(f"{node.lineno}: import {alias.name}")
    return found


def python_files(root: Path) -> list[Path]:
    """The files ruff lints: the project's own notion of its Python sources (excludes and .gitignore applied)."""
    listed = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--show-files", "--no-cache", "."],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    )
    return [root / line for line in listed.stdout.splitlines() if line.endswith(".py")]


def test_the_check_sees_a_private_import():
    # The check itself must be able to fail: each form it is meant to catch, and what it must let pass.
    caught = "from a.b import c, _d\nfrom ._e import f\nimport g._h\n"
    assert [line.split(":")[0] for line in private_imports(caught, "x.py")] == ["1", "2", "3"]
    assert private_imports("from a import __version__, b\nimport c.d\nfrom . import e\n", "x.py") == []


def test_no_module_imports_a_private_name(pytestconfig):
    root = pytestconfig.rootpath
    files = python_files(root)
    assert any(path.parts[-2:] == ("modelgate", "cli.py") for path in files), "ruff listed none of modelgate's modules"
    found = [
        f"{path.relative_to(root)}:{hit}"
        for path in files
        for hit in private_imports(path.read_text(encoding="utf-8"), str(path))
    ]
    if found:
        heading = "imports of another module's private name (make it public in its module):"
        pytest.fail("\n".join([heading, *found]), pytrace=False)
