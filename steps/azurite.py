"""Azurite, the Azure Storage emulator, started once per test session on 127.0.0.1 (a pytest plugin);
``running`` is its launcher, also used by ``bench/watch_latency.py``.

Found as ``$AZURITE_BLOB``, ``azurite-blob`` on PATH, or under ``$MODELGATE_AZURITE_PREFIX``
(default ``~/.cache/modelgate-azurite``, where ``.ci/setup/30-azurite.sh`` installs it). Missing
Azurite skips the storage tests with the reason, except when ``MODELGATE_REQUIRE_AZURITE=1`` (CI),
where it fails them.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from modelgate.steps.support import free_port

# The emulator's well-known development account (public, documented; not a secret).
DEV_ACCOUNT = "devstoreaccount1"
DEV_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
NOT_FOUND = "azurite-blob was not found (npm install azurite; see .ci/setup/30-azurite.sh)"


@dataclass(frozen=True)
class Azurite:
    connection_string: str

    def filesystem(self):
        from adlfs import AzureBlobFileSystem

        return AzureBlobFileSystem(connection_string=self.connection_string)

    def new_container(self) -> str:
        name = f"t-{uuid.uuid4().hex[:16]}"
        self.filesystem().mkdir(name)
        return name


class AzuriteFailed(RuntimeError):
    """Azurite exited or did not listen in time; the message carries the end of its log."""


def executable() -> str | None:
    """The ``azurite-blob`` launcher: ``$AZURITE_BLOB``, on PATH, or under ``$MODELGATE_AZURITE_PREFIX``."""
    prefix = Path(os.environ.get("MODELGATE_AZURITE_PREFIX", Path.home() / ".cache" / "modelgate-azurite"))
    for candidate in (
        os.environ.get("AZURITE_BLOB"),
        shutil.which("azurite-blob"),
        prefix / "node_modules" / ".bin" / "azurite-blob",
    ):
        if candidate and Path(candidate).is_file():
            return str(candidate)
    return None


def require(what: str, reason: str, variable: str):
    """Skip with ``reason``, or fail when ``variable`` says CI must have ``what``."""
    if os.environ.get(variable) == "1":
        pytest.fail(f"{what} is required ({variable}=1) but {reason}")
    pytest.skip(f"{reason} (set {variable}=1 to make this a failure)")


@contextmanager
def running(workspace: Path, timeout: float = 30) -> Iterator[str]:
    """A throw-away Azurite blob service on a free 127.0.0.1 port, its data and ``azurite.log`` in
    ``workspace``; yields its connection string and stops it afterwards (killed if it will not stop).
    Raises ``AzuriteFailed`` when it is not found, exits, or does not listen within ``timeout`` seconds."""
    found = executable()
    if found is None:
        raise AzuriteFailed(NOT_FOUND)
    port, log_path = free_port(), workspace / "azurite.log"
    command = [found, "--blobHost", "127.0.0.1", "--blobPort", str(port), "--location", str(workspace)]
    command += ["--skipApiVersionCheck", "--loose", "--silent"]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_for(port, process, log_path, timeout)
            endpoint = f"http://127.0.0.1:{port}/{DEV_ACCOUNT}"
            yield f"DefaultEndpointsProtocol=http;AccountName={DEV_ACCOUNT};AccountKey={DEV_KEY};BlobEndpoint={endpoint};"
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_for(port: int, process: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AzuriteFailed(f"azurite exited with {process.returncode}: {log.read_text(errors='replace')[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise AzuriteFailed(f"azurite did not listen on 127.0.0.1:{port} within {timeout:g} s")


@pytest.fixture(scope="session")
def azurite(tmp_path_factory):
    """A running Azurite blob service; yields its connection data."""
    if executable() is None:
        require(
            "Azurite",
            NOT_FOUND,
            "MODELGATE_REQUIRE_AZURITE",
        )
    try:
        import adlfs  # noqa: F401
    except ImportError:
        require("adlfs", "adlfs is not installed (pip install -e '.[azure]')", "MODELGATE_REQUIRE_AZURITE")
    with ExitStack() as stack:
        try:
            connection, problem = stack.enter_context(running(tmp_path_factory.mktemp("azurite"))), None
        except AzuriteFailed as exc:
            problem = str(exc)
        if problem:  # failed outside the handler: one line, not two chained tracebacks
            pytest.fail(problem, pytrace=False)
        yield Azurite(connection)


@pytest.fixture
def azure_storage(azurite, monkeypatch) -> Azurite:
    """Azurite, with its connection string in the environment as a deployment would set it."""
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", azurite.connection_string)
    return azurite
