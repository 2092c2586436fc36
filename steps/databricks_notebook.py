"""Run a Databricks source-format notebook here, top to bottom, the way a Databricks job runs it.

The notebook's code cells are executed in order in one namespace holding the globals Databricks provides:
``spark`` (a local SparkSession), ``dbutils`` and ``display``. :class:`DBUtils` is a small stand-in with only
the calls the notebooks in pipelines/databricks/notebooks/ make: ``widgets.text/get`` and
``fs.mkdirs/cp/ls/rm``. Paths are local here; ``file:`` and ``dbfs:`` prefixes are accepted as on Databricks.

:func:`publish_by_notebook` runs the training notebook into a folder, for any suite that wants the model folder a
Databricks training job publishes (the notebook suite checks it; the container suite can serve it in the image).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from modelgate.steps.support import FEATURES, ROOT, TRAINING_DATA

HEADER = "# Databricks notebook source"
SEPARATOR = "\n# COMMAND ----------\n"
MAGIC = "# MAGIC"
NOTEBOOKS = ROOT / "pipelines" / "databricks" / "notebooks"


class WidgetNotDefined(LookupError):
    """Databricks raises InputWidgetNotDefined when a notebook reads a widget it never created."""


@dataclass
class Widgets:
    parameters: dict[str, str]  # what the job passes (base_parameters / job parameters)
    defined: dict[str, str] = field(default_factory=dict)

    def text(self, name: str, default_value: str, label: str | None = None) -> None:
        self.defined[name] = self.parameters.get(name, default_value)

    def get(self, name: str) -> str:
        if name not in self.defined:
            raise WidgetNotDefined(f"no input widget named {name!r} is defined")
        return self.defined[name]


@dataclass(frozen=True)
class FileInfo:
    path: str
    name: str
    size: int


def _local(path: str) -> Path:
    for scheme in ("file:", "dbfs:"):
        if path.startswith(scheme):
            return Path(path[len(scheme) :])
    return Path(path)


class FileSystem:
    def mkdirs(self, path: str) -> bool:
        _local(path).mkdir(parents=True, exist_ok=True)
        return True

    def cp(self, source: str, target: str, recurse: bool = False) -> bool:
        src, dst = _local(source), _local(target)
        if src.is_dir():
            if not recurse:
                raise OSError(f"{source} is a directory: cp needs recurse=True")
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            shutil.copyfile(src, dst)  # like Databricks: the parent must exist, the target is replaced
        return True

    def rm(self, path: str, recurse: bool = False) -> bool:
        target = _local(path)
        if target.is_dir():
            if not recurse:
                raise OSError(f"{path} is a directory: rm needs recurse=True")
            shutil.rmtree(target)
        else:
            target.unlink()
        return True

    def ls(self, path: str) -> list[FileInfo]:
        folder = _local(path)
        return [FileInfo(f"dbfs:{p}", p.name + ("/" if p.is_dir() else ""), p.stat().st_size) for p in sorted(folder.iterdir())]


@dataclass
class DBUtils:
    widgets: Widgets
    fs: FileSystem = field(default_factory=FileSystem)


def code_cells(path: Path) -> list[str]:
    """The notebook's code cells in order (Markdown cells, all ``# MAGIC`` lines, are left out)."""
    text = path.read_text(encoding="utf-8")
    if not text.startswith(HEADER + "\n"):
        raise ValueError(f"{path}: not a Databricks source notebook (first line must be {HEADER!r})")
    cells = [cell.strip("\n") for cell in text[len(HEADER) :].split(SEPARATOR)]
    return [cell for cell in cells if cell and not all(line.startswith(MAGIC) for line in cell.splitlines())]


def markdown_cells(path: Path) -> list[str]:
    cells = path.read_text(encoding="utf-8")[len(HEADER) :].split(SEPARATOR)
    return [c.strip("\n") for c in cells if c.strip() and all(line.startswith(MAGIC) for line in c.strip("\n").splitlines())]


@dataclass
class NotebookRun:
    namespace: dict
    displayed: list


def run_notebook(path: Path, spark, parameters: dict[str, str]) -> NotebookRun:
    """Execute every code cell of ``path`` in order with ``spark``, ``dbutils`` and ``display`` as globals."""
    displayed: list = []
    namespace = {"__name__": "__main__", "spark": spark, "dbutils": DBUtils(Widgets(parameters)), "display": displayed.append}
    for number, cell in enumerate(code_cells(path), start=1):
        exec(compile(cell, f"{path.name} (cell {number})", "exec"), namespace)
    return NotebookRun(namespace, displayed)


def publish_by_notebook(
    folder: Path, *, features: Path = FEATURES, training_data: Path = TRAINING_DATA, estimator: str = "linear", spark=None
) -> NotebookRun:
    """Run the training notebook as the ``training`` job runs it, publishing its model folder to ``folder``. It uses no
    Spark, so ``spark`` may stay None (a suite without a Spark session, such as the container one)."""
    parameters = {
        "training_data": str(training_data),
        "features_dir": str(features),
        "estimator": estimator,
        "model_dir": str(folder),
    }
    return run_notebook(NOTEBOOKS / "train.py", spark, parameters)
