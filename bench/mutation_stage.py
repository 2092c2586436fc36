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

A whole run takes longer than a working session here, so its results outlive the stage: ``--save`` records each
module's results (mutmut's ``.meta`` files: every checked mutant's exit code, and the hash of each function's source
it was checked against) in ``bench/mutation-results.json``, committed; staging a fresh tree writes them back as
mutmut's own files, and mutmut keeps a recorded result only while its function's source hash is unchanged (a changed
function's mutants are checked again). A run without name patterns then checks only what has no result yet.

    python bench/mutation_stage.py          # stage (and restore the recorded results where the stage has none)
    python bench/mutation_stage.py --save   # record the stage's results in bench/mutation-results.json
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tomllib
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parent.parent
STAGE = ROOT / ".mutation"
RESULTS = ROOT / "bench" / "mutation-results.json"
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
    restore(into)
    return into


def _meta(into: Path, path: str) -> Path:
    return into / "mutants" / f"{path}.meta"  # mutmut's own file of one module's results


def _recorded(results: Path) -> dict:
    """The recorded results: {staged path: {"exit_code_by_key": ..., "hash_by_function_name": ...}}; none yet is {}."""
    return json.loads(results.read_text(encoding="utf-8")) if results.is_file() else {}


def restore(into: Path = STAGE, results: Path = RESULTS) -> list[str]:
    """Write each recorded module's results as mutmut's meta file where the stage has none (a result of the stage's own
    runs is never replaced); the staged paths written."""
    recorded = _recorded(results)
    written = []
    for path, found in recorded.items():
        if not _meta(into, path).exists():
            _meta(into, path).parent.mkdir(parents=True, exist_ok=True)
            empty = {"type_check_error_by_key": {}, "durations_by_key": {}, "estimated_durations_by_key": {}}
            _meta(into, path).write_text(json.dumps({**found, **empty}, indent=4), encoding="utf-8")
            written.append(path)
    return written


def save(into: Path = STAGE, results: Path = RESULTS) -> dict[str, int]:
    """Record the checked results of every module the stage has results for (replacing what was recorded for it;
    other modules' records are kept); {staged path: mutants recorded}."""
    recorded = _recorded(results)
    counts = {}
    for meta in sorted((into / "mutants").rglob("*.py.meta")):
        path = meta.relative_to(into / "mutants").as_posix().removesuffix(".meta")
        found = json.loads(meta.read_text(encoding="utf-8"))
        codes = {name: code for name, code in sorted(found["exit_code_by_key"].items()) if code is not None}
        if not codes and path not in recorded:
            continue  # nothing checked, and nothing recorded before to replace
        recorded[path] = {
            "exit_code_by_key": codes,
            "hash_by_function_name": dict(sorted(found["hash_by_function_name"].items())),
        }
        counts[path] = len(codes)
    results.write_text(json.dumps(dict(sorted(recorded.items())), indent=1) + "\n", encoding="utf-8")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--save", action="store_true", help=f"record the stage's results in {RESULTS.relative_to(ROOT)}")
    if parser.parse_args(argv).save:
        counts = save()
        print(
            f"mutation: recorded {sum(counts.values())} results of {len(counts)} modules in {RESULTS.relative_to(ROOT)}",
            file=sys.stderr,
        )
    else:
        print(f"mutation: staged {stage().relative_to(ROOT)}/", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
