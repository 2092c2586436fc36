"""Package a fitted model with its contract into a model folder: ``modelgate package`` and the end of ``modelgate
train``. The folder then needs nothing else to be scored, served or self-tested.

Packaging checks that the model takes exactly the contract's inputs and answers every check row (:mod:`.checks`)
with a finite number, and that the training data keeps the contract; it records the metrics on the training data,
the cross-validated errors (clones of the estimator refitted fold by fold), the training profile of each input, and
an exact serving form where one can be written (:mod:`.forms.derive`), checked against the model's own answers.
Every problem is one line; nothing is written unless every check passed, and the manifest is written last.
"""

from __future__ import annotations

import hashlib
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
import skops
import skops.io as sio
from modelgate.contracts.contract import CONTRACT_FILE, Contract
from modelgate.contracts.errors import ModelgateError
from modelgate.model import checks, profile
from modelgate.model.artifact import loads_trusted, model_inputs
from modelgate.model.forms import derive, linear
from modelgate.model.manifest import MODEL_FILE, SERVING_FILE, Manifest, Signed, model_version
from modelgate.model.scorer import Scorer, columns_of, to_frame
from modelgate.model.train import TrainingData
from sklearn.base import clone
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score
from sklearn.model_selection import KFold

from modelgate.files import atomic_writer, sha256_file

# Cross-validation: each row is answered by a model fitted without it (5 folds, seeded, so the numbers in the
# manifest are repeatable and a test can recompute them).
CV_FOLDS = 5
CV_SEED = 20261126


class PackagingError(ModelgateError):
    """The model does not fit its contract or its data; one line per problem."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("the model cannot be packaged:\n" + "\n".join(f"  {p}" for p in problems))


def model_order(estimator: Any, contract: Contract) -> list[str]:
    """The inputs in the order the model takes them; :class:`PackagingError` if they are not the contract's."""
    named = model_inputs(estimator)
    where = contract.inputs[0].where or "the inputs table"
    if named is None:
        count = getattr(estimator, "n_features_in_", None)
        if count != len(contract.inputs):
            raise PackagingError(
                [f"{where}: the contract declares {len(contract.inputs)} inputs, the model takes {count} (unnamed)"]
            )
        return contract.names
    problems = [
        f"{where}: the model needs input {n!r}, which the contract does not declare" for n in named if n not in contract.names
    ]
    problems += [
        f"{contract.input(n).where}: the contract declares input {n!r}, which the model does not take"
        for n in contract.names
        if n not in named
    ]
    if problems:
        raise PackagingError(problems)
    return named


def metrics(estimator: Any, contract: Contract, order: list[str], data: TrainingData) -> dict:
    """Errors and R² on the training data, and the same on rows each fold's model was not fitted on."""
    fitted = np.asarray(estimator.predict(to_frame(contract, order, data.columns)), dtype="float64")
    found = _errors(data.target, fitted, "_train")
    if data.rows >= CV_FOLDS:
        folds = KFold(n_splits=CV_FOLDS, shuffle=True, random_state=CV_SEED)
        predicted = np.empty(data.rows)
        frame = to_frame(contract, order, data.columns)
        for kept, held in folds.split(frame):
            fold = clone(estimator).fit(frame.iloc[kept], data.target[kept])
            predicted[held] = fold.predict(frame.iloc[held])
        found["cv"] = {"folds": CV_FOLDS, "seed": CV_SEED, **_errors(data.target, predicted, "")}
    return found


def _errors(actual: np.ndarray, predicted: np.ndarray, suffix: str) -> dict:
    return {
        f"r2{suffix}": float(r2_score(actual, predicted)),
        f"rmse{suffix}": float(np.sqrt(mean_squared_error(actual, predicted))),
        f"mae{suffix}": float(mean_absolute_error(actual, predicted)),
    }


def _form(estimator: Any, order: list[str], contract: Contract, answers: np.ndarray, rows: list[dict]):
    """(the serving form, or None, and why there is none)."""
    try:
        form = derive.derive(estimator, order, contract.output.decimals)
        derive.check(form, answers, rows)
    except derive.NoForm as exc:
        return None, str(exc)
    return form, ""


def package(estimator: Any, data: TrainingData, contract: Contract, out: Path) -> Manifest:
    """Check ``estimator`` (fitted) against ``contract`` and ``data``, then write the model folder ``out``."""
    out = Path(out)
    order = model_order(estimator, contract)
    scorer = Scorer(estimator, contract, order)
    profiles = profile.profiles(contract, data.columns)
    rows = checks.check_rows(contract, profiles)
    try:
        answers = scorer.predict(columns_of(contract, rows))
    except (ValueError, TypeError) as exc:
        raise PackagingError([f"the model cannot answer every row the contract accepts: {str(exc).splitlines()[0]}"]) from None
    bad = np.flatnonzero(~np.isfinite(answers))
    if bad.size:
        raise PackagingError([f"the model answers {float(answers[bad[0]])!r} for {rows[int(bad[0])]} ({bad.size} accepted rows)"])
    form, reason = _form(estimator, order, contract, answers, rows)
    data_sha = sha256_file(data.path)
    form_sha = linear.digest(form) if form is not None else ""
    version = model_version(data_sha, contract.digest(), hashlib.sha256(answers.tobytes()).hexdigest(), form_sha)
    out.mkdir(parents=True, exist_ok=True)
    model_bytes = sio.dumps(estimator)
    loads_trusted(model_bytes, f"the {type(estimator).__name__} to package")  # refused types stop here, before writing
    files = [(MODEL_FILE, model_bytes), (CONTRACT_FILE, contract.dumps())]
    if form is not None:
        files.append((SERVING_FILE, linear.dumps(form, version, contract.output.name)))
    for name, content in files:
        with atomic_writer(out / name) as handle:
            handle.write(content)
    if form is None:
        (out / SERVING_FILE).unlink(missing_ok=True)  # an earlier model's form, which this manifest does not name
    signed = {name: Signed(name, sha256_file(out / name)) for name, _ in files}
    manifest = Manifest(
        model_version=version,
        model=signed[MODEL_FILE],
        contract=signed[CONTRACT_FILE],
        serving=signed.get(SERVING_FILE),
        model_type=f"{type(estimator).__module__}.{type(estimator).__qualname__}",
        inputs=order,
        output=contract.output.name,
        answers_sha256=hashlib.sha256(answers.tobytes()).hexdigest(),
        training_data={"file": data.path.name, "sha256": data_sha, "rows": data.rows, "profile": profiles},
        metrics=metrics(estimator, contract, order, data),
        features=dict(contract.sources),
        libraries={"scikit-learn": sklearn.__version__, "skops": skops.__version__, "python": platform.python_version()},
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        form=linear.NAME if form is not None else "skops",
        form_sha256=form_sha,
        form_note=reason,
        coefficients=form.coefficients if form is not None else None,
    )
    manifest.write(out)
    return manifest
