"""Local paths and fsspec URLs (``abfs://container/path`` for ADLS Gen2) behind one small API.

Local paths keep the fast path of :mod:`.stream` (stream, temp file, rename). A URL is staged:
the input is downloaded to a local temporary file, the output is written locally and published
only after the whole run succeeded, so a reader never sees a half-written object: on Azure by one
upload (a blob appears only when its upload commits), elsewhere by uploading to a hidden temporary
name beside the target and moving it over the target. Credentials come only
from the environment (``AZURE_STORAGE_CONNECTION_STRING``, or ``AZURE_STORAGE_ACCOUNT_NAME`` with
``AZURE_STORAGE_ACCOUNT_KEY`` / ``AZURE_STORAGE_SAS_TOKEN``, else the default Azure credential).
"""

from __future__ import annotations

import os
import posixpath
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from modelgate.contracts.errors import ModelgateError

_AZURE = ("abfs", "abfss", "az")


class Location(str):
    """A path or URL as text, with ``.name`` like a Path (reports name the file the user gave)."""

    @property
    def name(self) -> str:
        return posixpath.basename(self.rstrip("/"))


def is_url(path) -> bool:
    return "://" in str(path) and not str(path).startswith("file://")


def filesystem(url: str):
    """(fsspec filesystem, path inside it) for a URL, with credentials from the environment."""
    try:
        import fsspec
    except ImportError:
        raise ModelgateError(f"{url}: storage URLs need fsspec; install modelgate[azure]") from None
    scheme = str(url).split("://", 1)[0]
    options = _azure_options() if scheme in _AZURE else {}
    try:
        return fsspec.core.url_to_fs(str(url), **options)
    except ImportError:
        raise ModelgateError(f"{url}: no driver for {scheme}:// URLs; install modelgate[azure]") from None
    except ValueError as exc:
        raise ModelgateError(f"{url}: {exc}") from None


def _azure_options() -> dict:
    env = os.environ
    if env.get("AZURE_STORAGE_CONNECTION_STRING"):
        return {"connection_string": env["AZURE_STORAGE_CONNECTION_STRING"]}
    if not env.get("AZURE_STORAGE_ACCOUNT_NAME"):
        raise ModelgateError("abfs:// URLs need AZURE_STORAGE_CONNECTION_STRING or AZURE_STORAGE_ACCOUNT_NAME in the environment")
    options: dict[str, str | bool] = {"account_name": env["AZURE_STORAGE_ACCOUNT_NAME"]}
    if env.get("AZURE_STORAGE_ACCOUNT_KEY"):
        options["account_key"] = env["AZURE_STORAGE_ACCOUNT_KEY"]
    elif env.get("AZURE_STORAGE_SAS_TOKEN"):
        options["sas_token"] = env["AZURE_STORAGE_SAS_TOKEN"]
    else:
        options["anon"] = False  # DefaultAzureCredential: managed identity, az login, workload identity
    return options


def join(folder: str, name: str) -> str:
    folder = str(folder)
    return f"{folder.rstrip('/')}/{name}" if is_url(folder) else str(Path(folder) / name)


@contextmanager
def staged_input(path, folder: str | None = None) -> Iterator[Path]:
    """A local file with the contents of ``path`` (the file itself when it is local), staged in
    ``folder`` (default: the system's temporary folder)."""
    if not is_url(path):
        yield Path(path)
        return
    fs, inside = filesystem(path)
    if not fs.isfile(inside):
        raise ModelgateError(f"{path}: input file not found")
    with tempfile.TemporaryDirectory(prefix="modelgate-in-", dir=folder) as staging:
        local = Path(staging) / posixpath.basename(inside)
        fs.get_file(inside, str(local))
        yield local


@contextmanager
def staged_output(path) -> Iterator[Path]:
    """A local path to write; for a URL it is published to ``path`` when the block ends, if it exists."""
    if not is_url(path):
        yield Path(path)
        return
    fs, inside = filesystem(path)
    parent = posixpath.dirname(inside)
    if parent and not fs.isdir(parent):
        fs.makedirs(parent, exist_ok=True)  # blob stores have no real folders; a prefix is enough
    with tempfile.TemporaryDirectory(prefix="modelgate-out-") as folder:
        local = Path(folder) / posixpath.basename(inside)
        yield local
        if local.exists():
            publish(local, path)


def publish(local: Path, url: str) -> None:
    """Upload ``local`` to ``url`` so that readers see the old object or the whole new one, never a part."""
    fs, inside = filesystem(url)
    if str(url).split("://", 1)[0] in _AZURE:
        # A block blob becomes visible only when its upload is committed (Put Blob / Put Block List), so
        # a direct upload is already all-or-nothing; a temporary name + move would add a server-side copy
        # that adlfs does not wait for.
        fs.put_file(str(local), inside)
        return
    tmp = posixpath.join(posixpath.dirname(inside), f".{posixpath.basename(inside)}.partial-{uuid.uuid4().hex}")
    try:
        fs.put_file(str(local), tmp)
        fs.mv(tmp, inside)
    finally:
        if fs.exists(tmp):
            fs.rm(tmp)


def write_file(local: Path, target) -> None:
    """Copy a finished local file to ``target`` (a path or URL) so that no reader sees half of it."""
    if is_url(target):
        publish(local, str(target))
        return
    from modelgate.files import atomic_writer

    Path(target).parent.mkdir(parents=True, exist_ok=True)
    with open(local, "rb") as src, atomic_writer(Path(target)) as dst:
        shutil.copyfileobj(src, dst)


@contextmanager
def staged_folder(url: str, names: list[str]) -> Iterator[Path | None]:
    """A local folder holding the files ``names`` of the folder at ``url`` (a model in cloud storage);
    None when the folder has none of them (nothing was published there yet)."""
    fs, inside = filesystem(url)
    present = [name for name in names if fs.isfile(posixpath.join(inside, name))]
    if not present:
        yield None
        return
    with tempfile.TemporaryDirectory(prefix="modelgate-model-") as staging:
        for name in present:
            fs.get_file(posixpath.join(inside, name), str(Path(staging) / name))
        yield Path(staging)
