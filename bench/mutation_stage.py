"""Stage the tree ``tox -e mutation`` runs mutmut in: the repository laid out the way the wheel installs it.

mutmut 3 names a module after its file's path (``contracts/ranges.py`` -> ``contracts.ranges``) and imports
the copies it puts under ``mutants/``; the project's folders are mapped into one import package by
setuptools ``package-dir`` (``contracts/`` -> ``modelgate.contracts``), so in the checkout mutmut's names
miss the modules the tests import. The stage (``.mutation/``, git-ignored) places each mapped folder's
Python files at its package path (``modelgate/contracts/ranges.py``), beside copies of the test folders and
a pyproject.toml whose ``[tool.mutmut]`` is the checkout's translated to staged paths. The checkout's
``only_mutate`` stays the one list, in repository paths; ``staged``/``unstaged`` translate either way.
``requirements.txt`` in the stage lists the project's dependencies and test extra, so the tox environment
installs them without installing modelgate itself: the only ``modelgate`` it can import is the mutated one.

    python bench/mutation_stage.py
"""

from __future__ import annotations

import json
import shutil
import sys
import tomllib
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
STAGE = ROOT / ".mutation"
# Copied beside the package, as mutmut's also_copy copies them on into mutants/ (tests/ it copies by default).
TEST_TREE = ["tests"]
# [tool.mutmut] keys the stage writes itself; every other key is carried over unchanged.
STAGED_KEYS = {"source_paths", "only_mutate", "do_not_mutate", "use_git_change_detection"}


# On the path of every process of the run (tox.ini: PYTHONPATH): a test that starts pytest or modelgate in a
# subprocess, in a folder of its own, reaches the mutant too, and mutmut's trampolines there read their settings from
# the folder the run tests in (mutants/), not from wherever the subprocess started.
SITECUSTOMIZE = """\
# Written by bench/mutation_stage.py.
import os

if os.environ.get("MUTANT_UNDER_TEST"):
    import mutmut.configuration

    _here = os.getcwd()
    os.chdir(os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "mutants"))
    try:
        mutmut.configuration.config()
    finally:
        os.chdir(_here)
"""


def pyproject(root: Path = ROOT) -> dict:
    return tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))


def package_dirs(project: dict) -> dict[str, str]:
    """{folder in the checkout: folder in the stage}, from setuptools package-dir (``contracts`` -> ``modelgate/contracts``)."""
    mapping = project["tool"]["setuptools"]["package-dir"]
    return {folder.strip("/"): package.replace(".", "/") for package, folder in mapping.items()}


def _translate(path: str, mapping: dict[str, str]) -> str:
    """``path`` with its longest mapped leading folder replaced (whole path components only: model/ is not modelgate/)."""
    parts = PurePosixPath(path).parts
    for size in range(len(parts), 0, -1):
        head = "/".join(parts[:size])
        if head in mapping:
            return "/".join([mapping[head], *parts[size:]]) + ("/" if path.endswith("/") else "")
    raise ValueError(f"{path}: not under any folder of [tool.setuptools.package-dir]")


def staged(path: str, project: dict) -> str:
    """Where a checkout path (or ``only_mutate`` pattern) lies in the stage: ``contracts/*`` -> ``modelgate/contracts/*``."""
    return _translate(path, package_dirs(project))


def unstaged(path: str, project: dict) -> str:
    """The checkout path of a staged one: ``modelgate/contracts/ranges.py`` -> ``contracts/ranges.py``."""
    return _translate(path, {package: folder for folder, package in package_dirs(project).items()})


def source_files(project: dict, root: Path = ROOT) -> list[str]:
    """Every Python file of the installed package, as checkout paths (what the wheel ships)."""
    files = {str(path.relative_to(root).as_posix()) for folder in package_dirs(project) for path in (root / folder).rglob("*.py")}
    return sorted(files)


def _toml(value) -> str:
    # The values in [tool.mutmut] are strings, numbers, booleans and lists of them; a JSON string is a TOML basic string.
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(item) for item in value) + "]"
    return json.dumps(value)


def staged_pyproject(project: dict) -> str:
    """The stage's pyproject.toml: the checkout's pytest options and its [tool.mutmut] in staged paths."""
    mutmut = project["tool"]["mutmut"]
    top = sorted({package.split("/")[0] for package in package_dirs(project).values()})
    settings = {
        "source_paths": [f"{name}/" for name in top],
        "only_mutate": [staged(pattern, project) for pattern in mutmut["only_mutate"]],
        "do_not_mutate": [staged(pattern, project) for pattern in mutmut.get("do_not_mutate", [])],
        # The stage is no checkout of its own; git would answer for the repository around it.
        "use_git_change_detection": False,
    } | {key: value for key, value in mutmut.items() if key not in STAGED_KEYS}
    pytest_options = project["tool"]["pytest"]["ini_options"]
    lines = ["# Written by bench/mutation_stage.py from the checkout's pyproject.toml; edit that one.", ""]
    for table, values in (("tool.pytest.ini_options", pytest_options), ("tool.mutmut", settings)):
        lines += [f"[{table}]", *(f"{key} = {_toml(value)}" for key, value in values.items()), ""]
    return "\n".join(lines)


def requirements(project: dict) -> str:
    """The project's dependencies and its test extra, one a line. An extra that names the project's own extras
    (``modelgate[batch]``) gets theirs in its place: pip would otherwise look for modelgate on the package index, and
    install whatever another project published under that name."""
    name, extras = project["project"]["name"], project["project"]["optional-dependencies"]

    def expanded(wanted: list[str]) -> list[str]:
        found = []
        for requirement in wanted:
            head, _, rest = requirement.partition("[")
            if head.strip() == name:
                for extra in rest.rstrip("]").split(","):
                    found += expanded(extras[extra.strip()])
            else:
                found.append(requirement)
        return found

    return "\n".join(dict.fromkeys([*project["project"]["dependencies"], *expanded(extras["test"])])) + "\n"


def _sync(source: Path, target: Path) -> None:
    # Only changed files are copied, with their times: mutmut regenerates a module's mutants when its source is newer.
    if target.exists() and target.read_bytes() == source.read_bytes():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


def stage(root: Path = ROOT, into: Path = STAGE) -> Path:
    """Write the stage under ``into`` (results of earlier runs in ``into/mutants`` are kept) and return it."""
    project = pyproject(root)
    wanted = {staged(path, project): root / path for path in source_files(project, root)}
    copied = [*TEST_TREE, *(entry.rstrip("/") for entry in project["tool"]["mutmut"].get("also_copy", []))]
    for entry in copied:
        for path in (root / entry).rglob("*") if (root / entry).is_dir() else [root / entry]:
            if path.is_file() and "__pycache__" not in path.parts:
                wanted[str(path.relative_to(root).as_posix())] = path
    for name in {package.split("/")[0] for package in package_dirs(project).values()} | set(copied):
        for old in (into / name).rglob("*") if (into / name).is_dir() else []:
            if old.is_file() and str(old.relative_to(into).as_posix()) not in wanted:
                old.unlink()  # a file deleted or moved in the checkout must not linger in the stage
    for name, source in wanted.items():
        _sync(source, into / name)
    (into / "pyproject.toml").write_text(staged_pyproject(project), encoding="utf-8")
    (into / "requirements.txt").write_text(requirements(project), encoding="utf-8")
    (into / "site").mkdir(exist_ok=True)
    (into / "site" / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    _sync(root / "bench" / "mutation_order.py", into / "site" / "mutation_order.py")  # tox.ini loads it (PYTEST_PLUGINS)
    # mutants/ is on PYTHONPATH from the run's first process, before mutmut writes it: Python caches a path entry
    # that is missing when it is first searched as holding nothing, so on a first run the pytest inside mutmut would
    # fail to import modelgate from the folder mutmut had just written.
    (into / "mutants").mkdir(exist_ok=True)
    return into


if __name__ == "__main__":
    print(f"mutation: staged {stage().relative_to(ROOT)}/", file=sys.stderr)
