"""What the Databricks notebooks and the job script call (pipelines/databricks/): each notebook cell is one
call into this module, so the logic is tested here and the notebooks stay a readable sequence of steps. Nothing
here knows one model: the contract compiled from a features folder says what the inputs and the answer are.

- :func:`train` fits a model under the contract of a features folder (default: the one the bundle syncs beside the
  notebooks, :func:`synced_features`) on a volume path or ``abfs://`` URL, and packages it into a folder on the
  driver as ``modelgate train`` does; the notebook publishes exactly ``manifest.files(folder)``.
  :func:`fit_figure` / :func:`fit_table` / :func:`metrics_table` are what the training notebook shows.
- :func:`score` is ``modelgate score --engine spark`` (its function, ``commands.score.score_one``); a folder
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
from modelgate.model import artifact, served
from modelgate.model.batch import storage
from modelgate.model.batch.watch import output_name
from modelgate.model.manifest import Manifest
from modelgate.model.train import TrainingData
from modelgate.settings import Settings

# The suite the cluster's contract run reports as (its JUnit file is <SUITE>.xml), and the scenarios it
# runs: the in-process ones (tox's bdd environment), never Spark (a pytest of its own must not start or stop
# the cluster's Spark), storage or container ones.
CONTRACT_SUITE = "databricks"
CONTRACT_MARKERS = "(api or model or batch) and not spark and not storage and not container"
# What a checkout must hold for the features to run: the features, their steps and the shared fixtures.
CHECKOUT_PARTS = ("features", "steps", "conftest.py", "pyproject.toml")


class NotebookFailed(ModelgateError):
    """A notebook step failed; raised so the Databricks task (and the job run) fails with this line. It keeps the
    exit code of the problem (1 a contract violation, 2 a usage or configuration one) for the job script."""

    def __init__(self, message: str, exit_code: int = 1):
        super().__init__(message)
        self.exit_code = exit_code


@dataclass(frozen=True)
class Training:
    """A fitted model, packaged and verified on the driver, with the data it was fitted on."""

    directory: Path
    model: artifact.Artifact
    data: TrainingData

    @property
    def manifest(self) -> Manifest:
        return self.model.manifest

    @property
    def frame(self):
        """The training data as a table (a pandas frame): the inputs and the answer, a row per training row."""
        import pandas as pd

        return pd.DataFrame({**self.data.columns, self.model.contract.output.name: self.data.target})


def train(data: str, out: str | Path | None = None, features: str | Path | None = None, estimator: str = "linear") -> Training:
    """Fit ``estimator`` on the training CSV ``data`` (a path or URL) under the contract of ``features`` (default: the
    synced features folder) into ``out`` (default: a new local folder), packaged with its contract and serving form."""
    from modelgate.contracts.reader import read_contract, require_card
    from modelgate.model.package import package
    from modelgate.model.train import estimator_for, fit, read_training

    folder = Path(features) if features else synced_features()
    contract = require_card(read_contract(folder), folder)
    out = Path(out) if out is not None else Path(tempfile.mkdtemp(prefix="modelgate-model-"))
    with storage.staged_input(data) as local:
        rows = read_training(local, contract)
        package(fit(estimator_for(contract, estimator or "linear"), rows, contract), rows, contract, out)
    served.load(out)  # the service and the self-test load what was written, or this raises
    return Training(out, artifact.load(out), rows)


def verify(model_dir: str | Path) -> Manifest:
    """Load ``model_dir`` as batch scoring and the service will (SHA-256 of every file, trusted types, the contract
    and the serving form); return its manifest."""
    served.load(model_dir)
    return artifact.load(model_dir).manifest


def one_number(training: Training) -> str | None:
    """The model's input when it takes exactly one number (the fit is then a line over it), else None."""
    inputs = training.model.contract.inputs
    return inputs[0].name if len(inputs) == 1 and inputs[0].numeric else None


def fitted(training: Training):
    """The training rows with the model's answer beside each, in a column ``fitted_<output>`` (a pandas frame)."""
    frame, output = training.frame, training.model.contract.output
    frame[f"fitted_{output.name}"] = training.model.scorer().answer_columns(training.data.columns)[output.name]
    return frame


def _label(name: str, unit: str) -> str:
    return f"{name} ({unit})" if unit else name


def fit_figure(training: Training):
    """The fit as a matplotlib Figure, or None without matplotlib: for a model of one number the data and the fitted
    line over it; for a classifier, each class's training rows beside the rows it answered that class; for any other,
    each training row's answer against its agreed value."""
    try:
        from matplotlib.figure import Figure
    except ImportError:
        return None
    contract, single, frame = training.model.contract, one_number(training), fitted(training)
    output, unit = contract.output.name, contract.output.unit
    answer = f"fitted_{output}"
    figure = Figure(figsize=(7, 4))
    axes = figure.add_subplot()
    metrics = training.manifest.metrics
    if contract.output.is_class:  # a classifier: each class's training rows against the rows answered it
        classes = list(contract.output.classes)
        places = range(len(classes))
        counts = [frame[output].value_counts().get(c, 0) for c in classes]
        answered = [frame[answer].value_counts().get(c, 0) for c in classes]
        axes.bar([p - 0.2 for p in places], counts, width=0.4, label="training rows")
        axes.bar([p + 0.2 for p in places], answered, width=0.4, color="C3", label="answered")
        axes.set(xticks=list(places), xticklabels=classes, xlabel=output, ylabel="rows")
        unseen = (metrics.get("cv") or {}).get("accuracy")
        axes.set_title(
            f"accuracy {metrics['train']['accuracy']:.4f} on the training data"
            + (f", {unseen:.4f} on rows it was not trained on" if unseen is not None else "")
        )
        axes.legend()
        return figure
    if single is not None:
        frame = frame.sort_values(single)
        axes.scatter(frame[single], frame[output], s=8, alpha=0.5, label="training data")
        axes.plot(frame[single], frame[answer], color="C3", label="fitted")
        axes.set(xlabel=_label(single, contract.input(single).unit), ylabel=_label(output, unit))
    else:
        ends = [frame[[output, answer]].min().min(), frame[[output, answer]].max().max()]
        axes.scatter(frame[output], frame[answer], s=8, alpha=0.5, label="training rows")
        axes.plot(ends, ends, color="C3", label="predicted = actual")
        axes.set(xlabel=_label(f"actual {output}", unit), ylabel=_label(f"predicted {output}", unit))
    axes.set_title(f"R² {metrics['r2_train']:.4f}, RMSE {metrics['rmse_train']:.4g} on the training data")
    axes.legend()
    return figure


def fit_table(training: Training, rows: int = 20):
    """The fit as a table, for a runtime without matplotlib: evenly spaced training rows (ordered by the input of a
    one-number model, else by the agreed answer), the agreed answer beside the model's."""
    single = one_number(training)
    frame = fitted(training).sort_values(single or training.model.contract.output.name, kind="stable").reset_index(drop=True)
    step = max(1, len(frame) // rows)
    return frame.iloc[::step].reset_index(drop=True)


def metrics_table(training: Training):
    """What a data scientist looks at, one per row: the metrics (cross-validated ones as ``cv_*``), a linear model's
    coefficients, the training rows and the model's identity."""
    import pandas as pd

    manifest = training.manifest
    facts: dict[str, object] = {}
    for name, value in manifest.metrics.items():
        facts.update({f"{name}_{k}": v for k, v in value.items()} if isinstance(value, dict) else {name: value})
    facts.update({f"coefficient {name}": value for name, value in (manifest.coefficients or {}).items()})
    facts.update(rows=manifest.training_data["rows"], estimator=manifest.model_type.rsplit(".", 1)[-1])
    facts.update(serving_form=manifest.form + (f" ({manifest.form_note})" if manifest.form_note else ""))
    facts.update(model_version=manifest.model_version, model_sha256=manifest.sha256)
    return pd.DataFrame({"name": list(facts), "value": [str(v) for v in facts.values()]})


def output_for(input_path: str, output_path: str) -> str:
    """The output file for an input: a folder ending with '/' gets the watcher's output name."""
    if output_path.endswith("/"):
        return output_path + output_name(posixpath.basename(input_path))
    return output_path


def score(input_path: str, output_path: str, model_dir: str | Path | None = None, engine: str = "spark") -> str:
    """``modelgate score`` on one file (default model: ``$MODELGATE_MODEL_DIR``); return the output written, or raise
    NotebookFailed with one line (the run report is written beside the would-be output)."""
    from modelgate.commands.score import score_one

    output = output_for(input_path, output_path)
    try:
        scored = score_one(input_path, output, model_dir or Settings.from_env().model_dir, engine=engine)
    except ModelgateError as exc:
        raise NotebookFailed(str(exc), exc.exit_code) from None
    result = scored.result
    if not result.ok:
        first = result.failures.examples[0].describe() if result.failures.examples else "see the report"
        raise NotebookFailed(
            f"{input_path}: rejected, {result.failures.total} contract violation(s), first {first}; "
            f"no output written (report: {scored.report})"
        )
    print(f"scored {result.rows} rows from {input_path} into {output} (model {scored.model_version}) in {result.seconds:.2f} s")
    return output


def find_checkout(start: str | Path | None = None) -> Path:
    """The nearest folder at or above ``start`` (default: the working directory, on Databricks the notebook's
    folder) holding the features, their steps and conftest.py: where the bundle synced them."""
    start = Path(start or Path.cwd()).resolve()
    for folder in (start, *start.parents):
        if all((folder / part).exists() for part in CHECKOUT_PARTS):
            return folder
    raise ModelgateError(f"no folder at or above {start} holds {', '.join(CHECKOUT_PARTS)} (deploy the bundle, which syncs them)")


def synced_features(start: str | Path | None = None) -> Path:
    """The features folder the bundle synced beside the notebooks (the checkout's ``features``)."""
    return find_checkout(start) / "features"


@dataclass(frozen=True)
class ContractRun:
    junit: Path
    returncode: int
    output: str  # pytest's last lines

    @property
    def passed(self) -> bool:
        return self.returncode == 0


def run_contract(
    model_dir: str | Path,
    *,
    checkout: str | Path | None = None,
    training_data: str | None = None,
    features: str | Path | None = None,
) -> ContractRun:
    """Run the in-process features (default: the checkout's; ``features``: another model's folder) against
    ``model_dir`` with pytest (a process of its own, so the notebook's Spark and modules are left alone); the JUnit
    file names the model (its SHA-256 and version)."""
    artifact.load(model_dir)  # a missing or tampered model is one line here, not a page of errors
    checkout = find_checkout(checkout)
    junit = Path(tempfile.mkdtemp(prefix="modelgate-contract-")) / f"{CONTRACT_SUITE}.xml"
    command = [sys.executable, "-m", "pytest", "steps", "-m", CONTRACT_MARKERS, "--model", str(Path(model_dir).resolve())]
    command += ["-p", "no:cacheprovider", "-o", f"junit_suite_name={CONTRACT_SUITE}", f"--junitxml={junit}"]
    if features:
        command += ["-o", f"bdd_features_base_dir={Path(features).resolve()}"]  # pytest runs in the checkout
    # Workspace files may be read-only to the job; nothing needs writing beside the features.
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    with storage.staged_input(training_data) if training_data else nullcontext() as data:
        if data is not None:
            command += ["--training-data", str(Path(data).resolve())]
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
