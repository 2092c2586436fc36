"""The production model in an MLflow model registry, the registry Databricks teams already use:
``models:/NAME@ALIAS`` (or ``models:/NAME/VERSION`` to read one version). Reading downloads the registered
modelgate model folder; publishing logs a model folder as a run's artifacts, registers it as a model version
tagged with its ``model_version`` and ``model_sha256``, and moves the alias to it.

MLflow is optional (extra ``mlflow``) and imported only here, only when such a source is used. Which registry
is MLflow's own setting, ``MLFLOW_TRACKING_URI`` (and ``MLFLOW_REGISTRY_URI``): ``sqlite:///path/mlflow.db``
for a local one (MLflow 3 keeps a registry only in a database), ``databricks`` on Databricks.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from modelgate.contracts.errors import ModelgateError
from modelgate.contracts.evidence import MODEL_SHA256, MODEL_VERSION
from modelgate.model.manifest import ArtifactError, read_manifest

SCHEME = "models:/"
ARTIFACT_PATH = "model"  # where the model folder lies among its run's artifacts
EXPERIMENT = "modelgate-releases"  # the runs publishing logs, unless MLFLOW_EXPERIMENT_NAME names another
_URI = re.compile(r"models:/(?P<name>[^/@]+)(?:@(?P<alias>[^/@]+)|/(?P<version>[0-9]+))")
_NOT_FOUND = {"RESOURCE_DOES_NOT_EXIST", "NOT_FOUND"}  # MLflow's code; Databricks' Unity Catalog's


@dataclass(frozen=True)
class Registered:
    """A parsed ``models:/`` source: the registered model's name and an alias or a version number."""

    name: str
    alias: str | None = None
    version: str | None = None

    @classmethod
    def parse(cls, source: str) -> Registered:
        found = _URI.fullmatch(str(source))
        if found is None:
            raise ModelgateError(f"{source}: a registry source is models:/NAME@ALIAS or models:/NAME/VERSION")
        return cls(found["name"], found["alias"], found["version"])

    def __str__(self) -> str:
        return f"{SCHEME}{self.name}" + (f"@{self.alias}" if self.alias else f"/{self.version}")


def is_registry(source) -> bool:
    return str(source).startswith(SCHEME)


def _client(source, must_exist: bool):
    """(mlflow module, MlflowClient) for the registry the environment names; one line if it cannot be used."""
    try:
        import mlflow
    except ImportError:
        raise ModelgateError(f"{source}: a models:/ source needs the mlflow extra: pip install 'modelgate[mlflow]'") from None
    named = any(os.environ.get(v) for v in ("MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI", "DATABRICKS_RUNTIME_VERSION"))
    if not named:  # else MLflow would quietly start an empty ./mlflow.db, and every release would be the first
        raise ModelgateError(f"{source}: set MLFLOW_TRACKING_URI to the registry (e.g. sqlite:///path/mlflow.db, or databricks)")
    uri = mlflow.get_registry_uri()
    # MLflow would create a missing database, folders and all: a mistyped path would read as "no model yet".
    if must_exist and uri.startswith("sqlite:///") and not Path(uri.removeprefix("sqlite:///")).is_file():
        raise ModelgateError(f"{source}: no registry at {uri} (no such database file)")
    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")  # a bar per download in CI logs
    with _speaking(source):
        return mlflow, mlflow.MlflowClient()  # it opens the store, a database's tables created or checked


@contextmanager
def _speaking(source) -> Iterator[None]:
    """MLflow's and its database's errors as one line naming the source (their messages run to many lines)."""
    from mlflow.exceptions import MlflowException

    failures: tuple[type[BaseException], ...] = (MlflowException, OSError)
    try:
        from sqlalchemy.exc import SQLAlchemyError

        failures += (SQLAlchemyError,)
    except ImportError:  # a remote registry needs no database driver here
        pass
    try:
        yield
    except failures as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ModelgateError(f"{source}: the model registry failed: {first}") from None


def _registered_model(client, name: str):
    """The registered model ``name``; None when it does not exist yet."""
    from mlflow.exceptions import MlflowException

    try:
        return client.get_registered_model(name)
    except MlflowException as exc:
        if getattr(exc, "error_code", None) in _NOT_FOUND:
            return None
        raise


def _version(client, wanted: Registered):
    """The model version ``wanted`` names; None when the model or its alias does not exist yet."""
    model = _registered_model(client, wanted.name)
    number = model and (model.aliases.get(wanted.alias) if wanted.alias else wanted.version)
    if number is None:
        return None
    from mlflow.exceptions import MlflowException

    try:
        return client.get_model_version(wanted.name, str(number))
    except MlflowException as exc:
        if getattr(exc, "error_code", None) in _NOT_FOUND and wanted.version:
            raise ModelgateError(f"{wanted}: registered model {wanted.name} has no version {wanted.version}") from None
        raise


@contextmanager
def registered_model(source: str) -> Iterator[Path | None]:
    """The model folder registered at ``source``, downloaded to a temporary folder; None when the registered
    model or its alias does not exist yet (no production model). A load failing inside the block names the source."""
    wanted = Registered.parse(source)
    mlflow, client = _client(source, must_exist=True)
    with _speaking(source):
        found = _version(client, wanted)
    if found is None:
        yield None
        return
    where = f"{wanted} (registered version {found.version})"
    with tempfile.TemporaryDirectory(prefix="modelgate-registry-") as staging:
        with _speaking(where):
            mlflow.artifacts.download_artifacts(artifact_uri=f"{SCHEME}{wanted.name}/{found.version}", dst_path=staging)
        folder = Path(staging)
        try:
            _check_tags(folder, found.tags)
            yield folder
        except ArtifactError as exc:
            raise ArtifactError(f"{where}: {exc}") from None


def _check_tags(folder: Path, tags: dict) -> None:
    """The downloaded manifest is the one that was registered: the version's tags name its model."""
    manifest = read_manifest(folder)
    for key, value in ((MODEL_VERSION, manifest.model_version), (MODEL_SHA256, manifest.sha256)):
        if key in tags and tags[key] != value:
            raise ArtifactError(
                f"the manifest's {key} is {value[:12]}…, the registry's tag {tags[key][:12]}…: "
                "its artifacts were changed after it was registered; refusing it"
            )


def publish(model_dir: Path, target: str) -> str:
    """Register the (verified) model folder at ``target`` (``models:/NAME@ALIAS``) and move the alias to it; a
    model version already registered with this ``model_version`` is reused, never registered twice."""
    wanted = Registered.parse(target)
    if wanted.alias is None:
        raise ModelgateError(f"{target}: publish to models:/NAME@ALIAS: a new model gets a version, the alias moves")
    manifest = read_manifest(model_dir)
    version = manifest.model_version
    mlflow, client = _client(target, must_exist=False)
    with _speaking(target):
        current = _version(client, wanted)
        if current is not None and current.tags.get(MODEL_VERSION) == version:
            return f"{target} is model {version} already (registered version {current.version}): nothing to do"
        if current is None and _registered_model(client, wanted.name) is None:  # the first release
            client.create_registered_model(wanted.name)
        same = [v for v in client.search_model_versions(f"name = '{_quoted(wanted.name)}'") if _is(v, version)]
        registered = min(same, key=lambda v: int(v.version)) if same else _register(mlflow, client, wanted.name, model_dir)
        client.set_registered_model_alias(wanted.name, wanted.alias, registered.version)
    how = "registered as" if not same else "already registered as"
    return f"{target} -> model {version}, {how} version {registered.version}"


def _quoted(name: str) -> str:
    return name.replace("\\", "\\\\").replace("'", "\\'")


def _is(model_version, version: str) -> bool:
    return model_version.tags.get(MODEL_VERSION) == version


def _register(mlflow, client, name: str, model_dir: Path):
    """Log the model folder's signed files as a run's artifacts and register them as a new model version."""
    manifest = read_manifest(model_dir)
    experiment_name = os.environ.get("MLFLOW_EXPERIMENT_NAME") or EXPERIMENT
    experiment = client.get_experiment_by_name(experiment_name)
    if experiment is None:
        experiment_id = client.create_experiment(experiment_name, artifact_location=_local_artifacts(mlflow))
    else:
        experiment_id = experiment.experiment_id
    run = client.create_run(experiment_id, run_name=f"modelgate {manifest.model_version}")
    with tempfile.TemporaryDirectory(prefix="modelgate-publish-") as staging:
        for path in manifest.files(model_dir):
            shutil.copyfile(path, Path(staging) / path.name)
        _signature(manifest.read_contract(model_dir)).save(str(Path(staging) / "MLmodel"))
        client.log_artifacts(run.info.run_id, staging, artifact_path=ARTIFACT_PATH)
    client.set_terminated(run.info.run_id)
    tags = {MODEL_VERSION: manifest.model_version, MODEL_SHA256: manifest.sha256}
    source = f"{run.info.artifact_uri}/{ARTIFACT_PATH}"
    return client.create_model_version(name, source=source, run_id=run.info.run_id, tags=tags)


def _local_artifacts(mlflow) -> str | None:
    """For a local registry, its artifacts beside its database (MLflow's default is ./mlruns wherever the command
    runs); elsewhere the registry's own default."""
    uri = mlflow.get_tracking_uri()
    if not uri.startswith("sqlite:///"):
        return None
    return (Path(uri.removeprefix("sqlite:///")).resolve().parent / "mlruns").as_uri()


def _signature(contract):
    """An MLmodel file with the model's signature, from its contract (its inputs in, its answer out): Unity Catalog
    registers no model without one. It has no flavour: MLflow does not load or serve the model, modelgate does."""
    from mlflow.models import Model, ModelSignature
    from mlflow.types import ColSpec, Schema

    kinds = {"number": "double", "whole number": "double", "category": "string", "yes/no": "boolean"}
    inputs = Schema([ColSpec(kinds[i.kind], i.name, required=not i.missing) for i in contract.inputs])
    return Model(artifact_path=ARTIFACT_PATH, signature=ModelSignature(inputs, Schema([ColSpec("double", contract.output.name)])))
