"""The built image under test: fixtures that build it once per session (``docker/build.sh``) and run
it with testcontainers, as the cluster would: non-root, read-only root file system, ``/tmp`` on tmpfs.

With no Docker engine the container tests are skipped with the reason, unless
``MODELGATE_REQUIRE_DOCKER=1`` (CI), where that is a failure. ``MODELGATE_IMAGE=TAG`` tests an image
built elsewhere instead of building one.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import tarfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from modelgate.model.manifest import read_manifest
from modelgate.steps.service import wait_until_healthy
from modelgate.steps.support import ROOT

PORT = 8000
TEST_TAG = "modelgate:test"
# No registry: the Ryuk reaper image cannot be pulled. Every container here is a context manager instead.
os.environ.setdefault("TESTCONTAINERS_RYUK_DISABLED", "true")


@dataclass
class Running:
    container: object  # testcontainers DockerContainer
    url: str


def require_engine() -> None:
    """Skip (locally) or fail (``MODELGATE_REQUIRE_DOCKER=1``) when no Docker engine answers."""
    try:
        import docker

        docker.from_env().ping()
        return
    except Exception as exc:  # docker raises several types for "no engine here"
        reason = f"no Docker engine reachable ({type(exc).__name__}: {exc})"
    if os.environ.get("MODELGATE_REQUIRE_DOCKER") == "1":
        pytest.fail(f"{reason}, and MODELGATE_REQUIRE_DOCKER=1 requires one", pytrace=False)
    pytest.skip(reason)


def container(image: str, *, command: list[str] | None = None, model_dir: Path | None = None):
    """A DockerContainer configured like the Kubernetes deployment (docker/kubernetes-deployment.yaml)."""
    from testcontainers.core.container import DockerContainer

    # with_tmpfs_mount hands "size" to Docker as the whole option string, so it must read "size=…".
    started = DockerContainer(image).with_exposed_ports(PORT).with_kwargs(read_only=True).with_tmpfs_mount("/tmp", "size=16m")
    if command:
        started = started.with_command(command).with_kwargs(read_only=False)
    if model_dir is not None:
        started = started.with_volume_mapping(str(model_dir), "/app/model", "ro")
    return started


@contextmanager
def serving(image: str, model_dir: Path | None = None):
    """Start the service; yield it once ``/health`` answers (its log goes into the failure if not)."""
    with container(image, model_dir=model_dir) as started:
        url = f"http://{started.get_container_host_ip()}:{started.get_exposed_port(PORT)}"
        try:
            wait_until_healthy(url, timeout=90)
        except TimeoutError as exc:
            out, err = started.get_logs()
            pytest.fail(f"{exc}\ncontainer log:\n{(out + err).decode(errors='replace')}", pytrace=False)
        yield Running(started, url)


@pytest.fixture(scope="session")
def service_image(request) -> str:
    """The image under test: ``MODELGATE_IMAGE``, or the serving image built now from docker/Dockerfile with the model
    given by ``--model`` (default: the bundled model)."""
    require_engine()
    if os.environ.get("MODELGATE_IMAGE"):
        return os.environ["MODELGATE_IMAGE"]
    model = request.config.getoption("--model")
    tag = TEST_TAG if model is None else f"{TEST_TAG}-{read_manifest(model).model_version}"
    if not (ROOT / "docker" / "build.sh").is_file():  # an installed step library, outside a checkout of modelgate
        pytest.fail(
            "--service container needs MODELGATE_IMAGE=TAG (an image of the model built already) outside a checkout of "
            "modelgate, which holds docker/build.sh",
            pytrace=False,
        )
    done = subprocess.run(
        ["bash", str(ROOT / "docker" / "build.sh"), tag, *([str(model)] if model is not None else [])],
        # The serving image only: the one these scenarios judge and the cluster runs.
        env={**os.environ, "PYTHON": sys.executable, "TARGETS": "serve"},
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        pytest.fail(f"docker/build.sh {tag} failed ({done.returncode}):\n{done.stdout}{done.stderr}", pytrace=False)
    return tag


def copy_model_out(image: str, dest: Path) -> Path:
    """The image's model folder (/app/model), copied to ``dest``/model without starting the image."""
    import docker

    client = docker.from_env()
    stopped = client.containers.create(image)
    try:
        chunks, _ = stopped.get_archive("/app/model")
        with tarfile.open(fileobj=io.BytesIO(b"".join(chunks))) as archive:
            archive.extractall(dest, filter="data")
    finally:
        stopped.remove(force=True)
    return dest / "model"


@pytest.fixture(scope="session")
def image_model(service_image, tmp_path_factory) -> Path:
    """The model the image under test ships, read from the image itself (the container suite's model under test)."""
    return copy_model_out(service_image, tmp_path_factory.mktemp("image-model"))


@pytest.fixture(scope="session")
def service_container(service_image):
    """One running service for the session: the REST features (``--service container``) and the
    container scenarios share it."""
    with serving(service_image) as running:
        yield running
