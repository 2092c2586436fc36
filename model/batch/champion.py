"""Where the model in production comes from: a model folder, or a folder URL (``abfs://…``) the release
stage publishes each released model to. A place with no model yet means there is no production model."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from modelgate.model import artifact
from modelgate.model.batch import storage


@contextmanager
def production_model(source: str | None) -> Iterator[Path | None]:
    """A local model folder for ``source``, or None when nothing is there (or no source was given)."""
    if not source:
        yield None
        return
    if not storage.is_url(source):
        folder = Path(source)
        yield folder if (folder / artifact.MANIFEST_FILE).is_file() else None
        return
    manifest = None
    with storage.staged_folder(source, [artifact.MANIFEST_FILE]) as staged:
        if staged is not None:
            manifest = artifact.read_manifest(staged)
    if manifest is None:
        yield None
        return
    with storage.staged_folder(source, [artifact.MANIFEST_FILE, manifest["model_file"]]) as staged:
        yield staged
