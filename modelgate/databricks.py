"""What the Databricks notebooks and the job script call (pipelines/databricks/): each notebook cell is one
call into this module, so the logic is tested here and the notebooks stay a readable sequence of steps.

- :func:`train` fits the model from a volume path or ``abfs://`` URL into a folder on the driver;
  :func:`fit_figure` / :func:`fit_table` / :func:`metrics_table` are what the training notebook shows.
- :func:`score` is ``modelgate score --engine spark`` (the same command, not a copy of it); a folder
  OUTPUT ending with '/' gets the watcher's output name (:func:`output_for`).
- :func:`run_contract` runs the Gherkin features (pytest-bdd) against a model folder in a pytest of its
  own and returns the JUnit file, whose suite names the model it judged.
"""

from __future__ import annotations

import os
import posixpath
import subprocess
import sys
import tempfile
from contextlib import nullcontext
from dataclasses import dataclass
from pathlib import Path

from modelgate.contracts.errors import ModelgateError
from modelgate.contracts.ranges import FEATURE, TARGET
from modelgate.model import artifact
from modelgate.model.batch import storage
from modelgate.model.batch.watch import output_name

# The suite the cluster's contract run reports as (its JUnit file is <SUITE>.xml), and the scenarios it
# runs: the in-process ones (tox's bdd environment), never Spark (a pytest of its own must not start or stop
# the cluster's Spark), storage or container ones.
CONTRACT_SUITE = "databricks"
CONTRACT_MARKERS = "(api or model or batch) and not spark and not storage and not container"
# What a checkout must hold for the features to run: the features, their steps and the shared fixtures.
CHECKOUT_PARTS = ("features", "steps", "conftest.py", "pyproject.toml")


class NotebookFailed(ModelgateError):
    """A notebook step failed; raised so the Databricks task (and the job run) fails with this line."""

    exit_code = 1


@dataclass(frozen=True)
class Training:
    """A fitted, verified model on the driver, with the data it was fitted on."""

    directory: Path
    manifest: dict
    frame: object  # the validated pandas frame (height, weight)

    @property
    def files(self) -> list[str]:
        """The artifact's files in publishing order: the model first, the manifest (the commit point) last."""
        return [self.manifest["model_file"], artifact.MANIFEST_FILE]


def train(data: str, out: str | Path | None = None) -> Training:
    """Fit on the training CSV ``data`` (a path or URL) into ``out`` (default: a new local folder)."""
    from modelgate.model.train import read_training
    from modelgate.model.train import train as fit_and_save

    out = Path(out) if out is not None else Path(tempfile.mkdtemp(prefix="modelgate-model-"))
    with storage.staged_input(data) as local:
        manifest = fit_and_save(local, out)
        frame = read_training(local)
    artifact.load(out)  # what was written verifies, or this raises
    return Training(out, manifest, frame)


def verify(model_dir: str | Path) -> dict:
    """Load ``model_dir`` as every consumer will (SHA-256, trusted types); return its manifest."""
    return artifact.load(model_dir).manifest


def fitted_line(training: Training):
    """The training rows with the model's fitted weight beside each (a pandas frame)."""
    loaded = artifact.load(training.directory)
    frame = training.frame.copy()
    frame[f"fitted_{TARGET}"] = loaded.estimator.predict(frame[[FEATURE]].to_numpy(dtype="float64"))
    return frame


def fit_figure(training: Training):
    """A scatter of the data with the fitted line (a matplotlib Figure), or None without matplotlib."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        return None
    frame = fitted_line(training).sort_values(FEATURE)
    figure = Figure(figsize=(7, 4))
    axes = figure.add_subplot()
    axes.scatter(frame[FEATURE], frame[TARGET], s=8, alpha=0.5, label="training data")
    axes.plot(frame[FEATURE], frame[f"fitted_{TARGET}"], color="C3", label="fitted line")
    metrics = training.manifest["metrics"]
    axes.set(xlabel=FEATURE, ylabel=TARGET, title=f"R² {metrics['r2_train']:.4f}, RMSE {metrics['rmse_train']:.3f}")
    axes.legend()
    return figure


def fit_table(training: Training, rows: int = 20):
    """The fit as a table, for a runtime without matplotlib: evenly spaced rows, data beside the fitted weight."""
    frame = fitted_line(training).sort_values(FEATURE).reset_index(drop=True)
    step = max(1, len(frame) // rows)
    return frame.iloc[::step].reset_index(drop=True)


def metrics_table(training: Training):
    """The metrics a data scientist looks at, with the coefficients and the model's identity, one per row."""
    import pandas as pd

    manifest = training.manifest
    facts = {
        **manifest["metrics"],
        **manifest["coefficients"],
        "rows": manifest["training_data"]["rows"],
        "model_version": manifest["model_version"],
        "model_sha256": manifest["model_sha256"],
    }
    return pd.DataFrame({"name": list(facts), "value": [str(v) for v in facts.values()]})


def output_for(input_path: str, output_path: str) -> str:
    """The output file for an input: a folder ending with '/' gets the watcher's output name."""
    if output_path.endswith("/"):
        return output_path + output_name(posixpath.basename(input_path))
    return output_path


def score_command(input_path: str, output_path: str, model_dir: str | None = None, engine: str = "spark") -> list[str]:
    """The ``modelgate score`` arguments the job script and the scoring notebook both run."""
    command = ["score", input_path, output_for(input_path, output_path), "--engine", engine, "--no-progress"]
    return command + (["--model", str(model_dir)] if model_dir else [])


def score(input_path: str, output_path: str, model_dir: str | None = None) -> str:
    """Run ``modelgate score --engine spark`` on one file; return the output written, or raise NotebookFailed."""
    from modelgate.cli import main as modelgate

    command = score_command(input_path, output_path, model_dir)
    code = modelgate(command)
    if code != 0:
        raise NotebookFailed(f"modelgate {' '.join(command)} failed with exit code {code} (its report is beside the output)")
    return command[2]


def find_checkout(start: str | Path | None = None) -> Path:
    """The nearest folder at or above ``start`` (default: the working directory, on Databricks the notebook's
    folder) holding the features, their steps and conftest.py: where the bundle synced them."""
    start = Path(start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if all((folder / part).exists() for part in CHECKOUT_PARTS):
            return folder
    raise ModelgateError(f"no folder at or above {start} holds {', '.join(CHECKOUT_PARTS)} (deploy the bundle, which syncs them)")


@dataclass(frozen=True)
class ContractRun:
    junit: Path
    returncode: int
    output: str  # pytest's last lines

    @property
    def passed(self) -> bool:
        return self.returncode == 0


def run_contract(model_dir: str | Path, *, checkout: str | Path | None = None, training_data: str | None = None) -> ContractRun:
    """Run the in-process features against ``model_dir`` with pytest (a process of its own, so the notebook's
    Spark and modules are left alone); the JUnit file names the model (its SHA-256 and version)."""
    artifact.load(model_dir)  # a missing or tampered model is one line here, not a page of errors
    checkout = find_checkout(checkout)
    junit = Path(tempfile.mkdtemp(prefix="modelgate-contract-")) / f"{CONTRACT_SUITE}.xml"
    command = [sys.executable, "-m", "pytest", "steps", "-m", CONTRACT_MARKERS, "--model", str(model_dir)]
    command += ["-p", "no:cacheprovider", "-o", f"junit_suite_name={CONTRACT_SUITE}", f"--junitxml={junit}"]
    # Workspace files may be read-only to the job; nothing needs writing beside the features.
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    with storage.staged_input(training_data) if training_data else nullcontext() as data:
        if data is not None:
            command += ["--training-data", str(data)]
        done = subprocess.run(command, cwd=checkout, env=env, capture_output=True, text=True, check=False)
    tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
    if not junit.is_file():
        raise NotebookFailed(f"pytest wrote no JUnit file (exit code {done.returncode}):\n{tail}")
    return ContractRun(junit, done.returncode, tail)


def require_passed(run: ContractRun) -> None:
    """Fail the notebook (and so the job run) unless every scenario passed; the JUnit file says which did not."""
    if not run.passed:
        last = run.output.splitlines()[-1] if run.output else "no output"
        raise NotebookFailed(f"the contract failed on the cluster (pytest exit code {run.returncode}): {last}")
