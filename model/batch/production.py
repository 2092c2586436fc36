"""Where the model in production lives, and where the release stage publishes each released model: a model folder,
a folder URL (``abfs://…``), or an MLflow registry alias (``models:/NAME@champion``, :mod:`.registry`). A place
with no model yet means there is no production model. Every publisher copies the one list of a model's files,
``Manifest.files``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from modelgate.model import artifact
from modelgate.model.batch import registry, storage
from modelgate.model.manifest import MANIFEST_FILE, read_manifest


@contextmanager
def production_model(source: str | None) -> Iterator[Path | None]:
    """A local model folder for ``source``, or None when nothing is there (or no source was given)."""
    if not source:
        yield None
        return
    if registry.is_registry(source):
        with registry.registered_model(source) as found:
            yield found
        return
    if not storage.is_url(source):
        folder = Path(source)
        yield folder if (folder / MANIFEST_FILE).is_file() else None
        return
    manifest = None
    with storage.staged_folder(source, [MANIFEST_FILE]) as staged:
        if staged is not None:
            manifest = read_manifest(staged)
    if manifest is None:
        yield None
        return
    names = [MANIFEST_FILE, *(signed.file for _, signed in manifest.signed_files())]
    with storage.staged_folder(source, names) as staged:
        yield staged


def publish(model_dir: Path, target: str) -> str:
    """Make the model in ``model_dir`` (verified first) the production model at ``target``; say what was done.
    The model already there (the same ``model_version``) is left as it is."""
    loaded = artifact.load(model_dir)
    version = loaded.version
    if registry.is_registry(target):
        return registry.publish(model_dir, target)
    with production_model(target) as current:
        if current is not None and read_manifest(current).model_version == version:
            return f"{target} holds model {version} already: nothing to do"
    for path in loaded.manifest.files(model_dir):  # the manifest last: it names the others
        storage.write_file(path, storage.join(target, path.name))
    return f"{target} -> model {version}"
