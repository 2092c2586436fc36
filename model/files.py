"""Small file helpers shared by training and scoring: hashing and atomic writes."""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

TEMP_MARK = ".partial-"

# mkstemp creates files 0600; a published file gets the mode open() would have given it.
_UMASK = os.umask(0)
os.umask(_UMASK)


def sha256_file(path: str | os.PathLike, block: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(block):
            digest.update(chunk)
    return digest.hexdigest()


def temp_path_for(target: Path) -> Path:
    """A unique temporary name beside ``target`` (same filesystem, so the final rename is atomic)."""
    fd, name = tempfile.mkstemp(prefix=f".{target.name}{TEMP_MARK}{os.getpid()}-", dir=target.parent)
    os.fchmod(fd, 0o666 & ~_UMASK)
    os.close(fd)
    return Path(name)


def remove_stale_temps(target: Path) -> list[Path]:
    """Delete temporaries a killed writer left beside ``target``; return what was removed."""
    removed = []
    for candidate in target.parent.glob(f".{target.name}{TEMP_MARK}*"):
        pid = candidate.name[len(f".{target.name}{TEMP_MARK}") :].split("-", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid)):
            continue
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
def atomic_writer(target: Path, mode: str = "wb") -> Iterator[IO]:
    """Write to a temporary file beside ``target``; rename over it only if the block succeeds.
    Temporaries that killed writers left beside ``target`` are removed first."""
    target = Path(target)
    remove_stale_temps(target)
    tmp = temp_path_for(target)
    try:
        with open(tmp, mode) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
