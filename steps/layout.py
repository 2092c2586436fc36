"""The wheel's layout as ``pyproject.toml`` declares it: which repository folder each package of ``modelgate``
is built from (setuptools' ``packages`` and ``package-dir``), and a copy of the modules laid out that way.

Standard library only: the ``lint`` environment uses it without installing the project. Import tools that
find a package's modules by walking its folder (grimp, under import-linter) analyse the staged copy, since
in the checkout ``contracts/``, ``model/`` and ``app/`` lie outside ``modelgate/``.
"""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path


def _setuptools(root: Path) -> dict:
    return tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def _source(package: str, package_dir: dict[str, str]) -> Path:
    """The folder setuptools builds ``package`` from: its longest mapped prefix, then the rest of its name."""
    parts = package.split(".")
    for end in range(len(parts), 0, -1):
        prefix = ".".join(parts[:end])
        if prefix in package_dir:
            return Path(package_dir[prefix], *parts[end:])
    return Path(package_dir.get("", "."), *parts)


def declared_packages(root: Path) -> dict[str, Path]:
    """Every package the wheel installs (``[tool.setuptools] packages``) -> the folder it comes from."""
    config = _setuptools(root)
    package_dir = config.get("package-dir", {})
    return {package: root / _source(package, package_dir) for package in config["packages"]}


def package_folders(root: Path) -> dict[str, Path]:
    """Every folder with an ``__init__.py`` under a ``package-dir`` folder -> the package it must install as.

    Found on disk, not read from the package list, so a folder the list forgets is still named here.
    """
    package_dir = _setuptools(root).get("package-dir", {})
    found = {}
    for prefix, folder in package_dir.items():
        base = root / folder
        for init in base.rglob("__init__.py"):
            rest = init.parent.relative_to(base).parts
            found[".".join(filter(None, (prefix, *rest)))] = init.parent
    # A folder mapped on its own (model/batch under model/) is reached from both prefixes: keep the name
    # its own longest mapping gives, the one setuptools installs.
    return {package: folder for package, folder in found.items() if root / _source(package, package_dir) == folder}


def stage(root: Path, destination: Path) -> Path:
    """Copy every declared package's modules into ``destination`` as the wheel installs them; returns it."""
    for package, folder in declared_packages(root).items():
        target = destination.joinpath(*package.split("."))
        target.mkdir(parents=True, exist_ok=True)
        for module in folder.glob("*.py"):
            shutil.copy2(module, target / module.name)
    return destination
