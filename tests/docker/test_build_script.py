"""``docker/build.sh`` on bad input: one clear line and a non-zero exit, before any image is built.

Each test runs the real script in a scratch copy of the parts of the checkout it reads, so the
repository's own model and wheelhouse are never touched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from modelgate.steps.layout import package_folders
from modelgate.steps.support import ROOT


@pytest.fixture
def checkout(tmp_path):
    (tmp_path / "docker").mkdir()
    shutil.copy(ROOT / "docker" / "build.sh", tmp_path / "docker" / "build.sh")
    shutil.copy(ROOT / "docker" / "Dockerfile", tmp_path / "docker" / "Dockerfile")
    shutil.copy(ROOT / "constraints.txt", tmp_path / "constraints.txt")
    return tmp_path


def build(checkout, **env):
    return subprocess.run(
        ["bash", str(checkout / "docker" / "build.sh"), "modelgate:never-built"],
        env={**os.environ, "PYTHON": sys.executable, **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def test_no_model_and_no_training_data(checkout):
    done = build(checkout)
    assert done.returncode == 2, done
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "no model in model/bundled and no training data at data/weight_data.csv" in lines[0], done.stderr


@pytest.mark.parametrize("damage", ["empty wheel", "missing wheels"])
def test_a_broken_wheelhouse(checkout, trained_model, tmp_path, damage):
    shutil.copytree(trained_model, checkout / "model" / "bundled")
    wheelhouse = tmp_path / "wheels"
    wheelhouse.mkdir()
    if damage == "empty wheel":
        (wheelhouse / "numpy-2.4.6-cp311-cp311-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl").write_bytes(b"")
    else:
        (wheelhouse / "six-1.17.0-py2.py3-none-any.whl").write_bytes(b"not a zip")
    # A project to build a wheel from, so the failure is the wheelhouse's and nothing else's.
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, checkout / name)
    for package in {path.relative_to(ROOT).parts[0] for path in package_folders(ROOT).values()}:
        skip = shutil.ignore_patterns("__pycache__", "bundled")
        shutil.copytree(ROOT / package, checkout / package, ignore=skip, dirs_exist_ok=True)
    done = build(checkout, WHEELHOUSE=str(wheelhouse))
    assert done.returncode == 2, done
    assert "cannot install modelgate offline" in done.stderr.strip().splitlines()[-1], done.stderr
    assert "Traceback" not in done.stderr


def test_a_wheelhouse_that_is_not_a_directory(checkout, trained_model, tmp_path):
    shutil.copytree(trained_model, checkout / "model" / "bundled")
    done = build(checkout, WHEELHOUSE=str(tmp_path / "nowhere"))
    assert done.returncode == 2 and "is not a directory" in done.stderr, done


def fake_python(path, command: str):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\n{command}\n")
    path.chmod(0o755)
    return path


@pytest.mark.parametrize("has_venv", [True, False])
def test_a_fresh_clone_after_dev_py_serve_trains_with_its_venv(checkout, tmp_path, has_venv):
    """As a new user: ``python3 dev.py serve`` left .venv/ holding modelgate, the python3 on PATH has no
    scikit-learn, PYTHON is not set. build.sh must train with .venv/bin/python without being told."""
    (checkout / "data").mkdir()
    shutil.copy(ROOT / "data" / "weight_data.csv", checkout / "data" / "weight_data.csv")
    shutil.copytree(ROOT / "features", checkout / "features")  # the contract the bundled model is trained under
    if has_venv:
        fake_python(checkout / ".venv" / "bin" / "python", f'exec "{sys.executable}" "$@"')
    bare = fake_python(tmp_path / "bin" / "python3", "exit 1")  # a python3 that can import nothing
    env = {k: v for k, v in os.environ.items() if k != "PYTHON"}
    env["PATH"] = f"{bare.parent}:{env['PATH']}"
    # A wheelhouse that is not there stops the script right after the model step, before any image is built.
    done = subprocess.run(
        ["bash", str(checkout / "docker" / "build.sh"), "modelgate:never-built"],
        env={**env, "WHEELHOUSE": str(tmp_path / "nowhere")},
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 2, done
    if has_venv:
        assert "training one from data/weight_data.csv" in done.stdout, done
        assert "is not a directory" in done.stderr, done.stderr
        expected = {"model.skops", "serving.json", "contract.json", "manifest.json"}
        assert {p.name for p in (checkout / "model" / "bundled").iterdir()} == expected
    else:
        assert "no model in model/bundled, and 'python3' cannot train one" in done.stderr, done.stderr
        assert not (checkout / "model" / "bundled").exists()


def test_a_venv_without_modelgate_is_not_taken_for_one_by_the_checkouts_own_folder(checkout, tmp_path):
    """A fresh clone in CI: .venv/ holds only tox, the checkout's modelgate/ folder imports from the working directory
    (yet it is only part of the package: contracts/, model/ and app/ are mapped into it), and the python3 on PATH (a
    tox env's) has modelgate installed. build.sh must verify the model with that python3, not fail on
    ``modelgate.contracts`` with the other."""
    (checkout / "modelgate").mkdir()
    shutil.copy(ROOT / "modelgate" / "__init__.py", checkout / "modelgate" / "__init__.py")
    bare = "/usr/bin/python3"  # Debian's: no modelgate installed, yet it imports the checkout's folder from there
    assert subprocess.run([bare, "-c", "import modelgate"], cwd=checkout, check=False).returncode == 0
    assert subprocess.run([bare, "-P", "-c", "import modelgate"], cwd=checkout, check=False).returncode != 0
    fake_python(checkout / ".venv" / "bin" / "python", f'exec "{bare}" "$@"')
    installed = fake_python(tmp_path / "bin" / "python3", f'exec "{sys.executable}" "$@"')
    env = {k: v for k, v in os.environ.items() if k != "PYTHON"}
    env["PATH"] = f"{installed.parent}:{env['PATH']}"
    model = ROOT / "model" / "bundled"
    assert (model / "manifest.json").is_file(), "the chain's model env trains model/bundled first"
    done = subprocess.run(
        ["bash", str(checkout / "docker" / "build.sh"), "modelgate:never-built", str(model)],
        env={**env, "WHEELHOUSE": str(tmp_path / "nowhere")},  # stops right after the model is verified and staged
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert done.returncode == 2 and "is not a directory" in done.stderr, done
    assert "does not verify" not in done.stderr and {p.name for p in (checkout / "docker" / "model").iterdir()} >= {
        "manifest.json",
        "contract.json",
    }
