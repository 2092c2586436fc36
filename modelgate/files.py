"""Small file helpers shared by training, scoring and every report: hashing and atomic publishing.

Every file modelgate writes for others to read goes through :func:`atomic_writer` (a folder of
files through :func:`atomic_folder`): readers see the old file or the complete new one, never half.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

TEMP_MARK = ".partial-"

# mkstemp creates files 0600 (mkdtemp folders 0700); what is published gets the mode open() or mkdir() would give.
_UMASK = os.umask(0)
os.umask(_UMASK)


def sha256_file(path: str | os.PathLike, block: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(block):
            digest.update(chunk)
    return digest.hexdigest()


def _temp_prefix(target: Path) -> str:
    # The writer's pid in the name lets a later writer tell a killed writer's leftovers from a live one's.
    return f".{target.name}{TEMP_MARK}{os.getpid()}-"


def temp_path_for(target: Path) -> Path:
    """A unique temporary name beside ``target`` (same filesystem, so the final rename is atomic)."""
    fd, name = tempfile.mkstemp(prefix=_temp_prefix(target), dir=target.parent)
    os.fchmod(fd, 0o666 & ~_UMASK)
    os.close(fd)
    return Path(name)


def remove_stale_temps(target: Path) -> list[Path]:
    """Delete temporaries (files or folders) a killed writer left beside ``target``; return what was removed."""
    removed = []
    for candidate in target.parent.glob(f".{target.name}{TEMP_MARK}*"):
        pid = candidate.name[len(f".{target.name}{TEMP_MARK}") :].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid)):
            continue
        if candidate.is_dir() and not candidate.is_symlink():
            shutil.rmtree(candidate, ignore_errors=True)
        else:
            candidate.unlink(missing_ok=True)
        removed.append(candidate)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def atomic_writer(target: Path, mode: str = "wb", *, publish: Callable[[], bool] | None = None) -> Iterator[IO]:
    """Write to a temporary file beside ``target``, flushed to disk, and rename it over ``target`` only
    if the block succeeds and ``publish()`` (asked after the block, when given) is true. Temporaries
    that killed writers left beside ``target`` are removed first; ours is always removed."""
    target = Path(target)
    remove_stale_temps(target)
    tmp = temp_path_for(target)
    try:
        with open(tmp, mode) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        if publish is None or publish():
            os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


@contextmanager
def atomic_folder(target: Path) -> Iterator[Path]:
    """A temporary folder beside ``target`` to fill (with :func:`atomic_writer`); if the block
    succeeds it takes the place of ``target``, which must then be absent or empty."""
    target = Path(target)
    remove_stale_temps(target)
    tmp = Path(tempfile.mkdtemp(prefix=_temp_prefix(target), dir=target.parent))
    try:
        tmp.chmod(0o777 & ~_UMASK)
        yield tmp
        if target.exists():
            target.rmdir()  # only an empty folder: rmdir refuses anything else
        os.rename(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
