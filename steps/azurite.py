"""Azurite, the Azure Storage emulator, started once per test session on 127.0.0.1 (a pytest plugin).

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
from dataclasses import dataclass
from pathlib import Path

import pytest

# The emulator's well-known development account (public, documented; not a secret).
DEV_ACCOUNT = "devstoreaccount1"
DEV_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


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


def find_executable() -> str | None:
    """The azurite-blob program, or None when it is not installed."""
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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def azurite(tmp_path_factory):
    """A running Azurite blob service; yields its connection data."""
    executable = find_executable()
    if executable is None:
        require(
            "Azurite",
            "azurite-blob was not found (npm install azurite; see .ci/setup/30-azurite.sh)",
            "MODELGATE_REQUIRE_AZURITE",
        )
    try:
        import adlfs  # noqa: F401
    except ImportError:
        require("adlfs", "adlfs is not installed (pip install -e '.[azure]')", "MODELGATE_REQUIRE_AZURITE")
    port, workspace = _free_port(), tmp_path_factory.mktemp("azurite")
    command = [
        executable,
        "--blobHost",
        "127.0.0.1",
        "--blobPort",
        str(port),
        "--location",
        str(workspace),
        "--skipApiVersionCheck",
        "--loose",
        "--silent",
    ]
    log = open(workspace / "azurite.log", "wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for(port, process, workspace / "azurite.log")
        endpoint = f"http://127.0.0.1:{port}/{DEV_ACCOUNT}"
        yield Azurite(f"DefaultEndpointsProtocol=http;AccountName={DEV_ACCOUNT};AccountKey={DEV_KEY};BlobEndpoint={endpoint};")
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _wait_for(port: int, process: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"azurite exited with {process.returncode}: {log.read_text(errors='replace')[-2000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"azurite did not listen on 127.0.0.1:{port} within {timeout:g} s")


@pytest.fixture
def azure_storage(azurite, monkeypatch) -> Azurite:
    """Azurite, with its connection string in the environment as a deployment would set it."""
    monkeypatch.setenv("AZURE_STORAGE_CONNECTION_STRING", azurite.connection_string)
    return azurite
