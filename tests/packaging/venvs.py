"""The wheel built from a copy of the sources, and fresh venvs it is installed into: for the tests of what ships
(``test_wheel.py``, ``test_plugin_outside.py``; their fixtures are in ``conftest.py``).

A fresh venv gets the dependencies by a ``.pth`` line naming this interpreter's site-packages, and the wheel
with ``--no-deps --no-index``: resolving scikit-learn, pandas and pyarrow into a new venv would take minutes and
a package index, and prove nothing about our wheel. The venv's own site-packages comes first on ``sys.path``, and
``.pth`` files in a folder added that way are not run (so the checkout's editable install stays out).
"""

from __future__ import annotations

import shutil
import site
import subprocess
import sys
import sysconfig
from pathlib import Path

from modelgate.steps.layout import package_folders
from modelgate.steps.support import ROOT

# Besides the package folders, what the build reads: the configuration and the README (the long description).
BUILD_FILES = ("pyproject.toml", "README.md")


def run(command: list, cwd: Path, env: dict | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
    assert done.returncode == 0, f"{' '.join(map(str, command))} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done


def build_wheel(source: Path, out: Path) -> Path:
    """The wheel, built in ``out`` from a copy of the sources in ``source`` (a build in the checkout would leave build/
    behind, whose stale modules a later build would ship)."""
    for name in BUILD_FILES:
        shutil.copy2(ROOT / name, source / name)
    for folder in {path.relative_to(ROOT).parts[0] for path in package_folders(ROOT).values()}:
        shutil.copytree(ROOT / folder, source / folder, ignore=shutil.ignore_patterns("__pycache__"))
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--wheel-dir", out, source], cwd=out)
    (built,) = out.glob("modelgate-*.whl")
    return built


def install(wheel: Path, venv: Path) -> Path:
    """A fresh venv in ``venv`` with the wheel installed and this interpreter's dependencies; returns its bin folder."""
    run([sys.executable, "-m", "venv", "--without-pip", venv], cwd=venv)
    python = venv / "bin" / "python"
    purelib = Path(run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], cwd=venv).stdout.strip())
    ours = dict.fromkeys([*site.getsitepackages(), sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (purelib / "dependencies.pth").write_text("".join(f"{path}\n" for path in ours))
    # --ignore-installed: the dependencies' site-packages may hold an editable modelgate (tox's envs do), which pip
    # would otherwise take as "already installed"; nothing there is uninstalled, the wheel goes into the venv.
    run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            python,
            "install",
            "--quiet",
            "--no-deps",
            "--no-index",
            "--ignore-installed",
            wheel,
        ],
        cwd=venv,
    )
    return venv / "bin"
