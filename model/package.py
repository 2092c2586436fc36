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
from modelgate.contracts.facts import interval_rank
from modelgate.model import checks, metrics, profile
from modelgate.model.artifact import loads_trusted, model_inputs
from modelgate.model.forms import derive, linear, logistic
from modelgate.model.manifest import MODEL_FILE, SERVING_FILE, Manifest, Signed, model_version
from modelgate.model.scorer import Scorer, columns_of
from modelgate.model.train import TrainingData

from modelgate.files import atomic_writer, sha256_file


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


def _form(estimator: Any, order: list[str], contract: Contract, answers: np.ndarray, rows: list[dict]):
    """(the serving form, or None, and why there is none)."""
    try:
        form = derive.derive(estimator, order, contract.output.decimals)
        if isinstance(form, logistic.LogisticForm) != contract.output.is_class:
            raise derive.NoForm("the form answers another kind of output than the contract's")
        derive.check(form, answers, rows, list(contract.output.classes))
    except derive.NoForm as exc:
        return None, str(exc)
    return form, ""


def _rows_for_intervals(contract: Contract, rows: int) -> None:
    """Each range the contract states needs rows enough: the half-width for 95 in 100 is a miss among 19 or more."""
    problems = []
    for coverage in contract.intervals:
        if rows < metrics.CV_FOLDS or interval_rank(rows, coverage.level) is None:
            needed = max(metrics.CV_FOLDS, -(-coverage.level // (100 - coverage.level)))
            problems.append(
                f"the range for {coverage.level} in 100 needs at least {needed} training rows (each answered by a model "
                f"fitted without it); the training data has {rows}"
            )
    if problems:
        raise PackagingError(problems)


def _classes(estimator: Any, contract: Contract) -> None:
    """A classifier must answer the contract's classes, with probabilities."""
    output = contract.output
    known = [str(c) for c in getattr(estimator, "classes_", [])]
    if not hasattr(estimator, "predict_proba"):
        raise PackagingError(
            [f"the {type(estimator).__name__} gives no probabilities (predict_proba), which a classifier's contract answers"]
        )
    if sorted(known) != sorted(output.classes):
        raise PackagingError([f"the model's classes are {', '.join(known)}, the contract declares {', '.join(output.classes)}"])


def _answers(scorer: Scorer, contract: Contract, rows: list[dict]) -> tuple[np.ndarray, bytes]:
    """(the rounded answers the serving form must give, the bytes the version is computed from) on the check rows;
    :class:`PackagingError` if an accepted row gets no number, or a classifier's probabilities are not probabilities."""
    columns = columns_of(contract, rows)
    try:
        answers = scorer.raw_probabilities(columns) if contract.output.is_class else scorer.predict(columns)
    except (ValueError, TypeError) as exc:
        raise PackagingError([f"the model cannot answer every row the contract accepts: {str(exc).splitlines()[0]}"]) from None
    if contract.output.is_class:
        bad = np.flatnonzero(
            ~np.all(np.isfinite(answers) & (answers >= 0) & (answers <= 1), axis=1) | (np.abs(answers.sum(axis=1) - 1) > 1e-9)
        )
        if bad.size:
            found = [float(p) for p in answers[bad[0]]]
            row = rows[int(bad[0])]
            raise PackagingError(
                [f"the model's probabilities for {row} are {found}, not probabilities summing to 1 ({bad.size} rows)"]
            )
        answers = np.round(answers, contract.output.decimals)
    bad = np.flatnonzero(~np.isfinite(answers))
    if bad.size:
        raise PackagingError([f"the model answers {float(answers[bad[0]])!r} for {rows[int(bad[0])]} ({bad.size} accepted rows)"])
    return answers, scorer.fingerprint(columns)


def package(estimator: Any, data: TrainingData, contract: Contract, out: Path) -> Manifest:
    """Check ``estimator`` (fitted) against ``contract`` and ``data``, then write the model folder ``out``."""
    out = Path(out)
    order = model_order(estimator, contract)
    _rows_for_intervals(contract, data.rows)
    if contract.output.is_class:
        _classes(estimator, contract)
    scorer = Scorer(estimator, contract, order)
    profiles = profile.profiles(contract, data.columns)
    rows = checks.check_rows(contract, profiles)
    answers, fingerprint = _answers(scorer, contract, rows)
    form, reason = _form(estimator, order, contract, answers, rows)
    data_sha = sha256_file(data.path)
    kind = logistic if isinstance(form, logistic.LogisticForm) else linear
    form_sha = kind.digest(form) if form is not None else ""
    answers_sha = hashlib.sha256(fingerprint).hexdigest()
    version = model_version(data_sha, contract.digest(), answers_sha, form_sha)
    out.mkdir(parents=True, exist_ok=True)
    model_bytes = sio.dumps(estimator)
    loads_trusted(model_bytes, f"the {type(estimator).__name__} to package")  # refused types stop here, before writing
    files = [(MODEL_FILE, model_bytes), (CONTRACT_FILE, contract.dumps())]
    if form is not None:
        files.append((SERVING_FILE, kind.dumps(form, version, contract.output.name)))
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
        answers_sha256=answers_sha,
        training_data={"file": data.path.name, "sha256": data_sha, "rows": data.rows, "profile": profiles},
        metrics=metrics.record(estimator, contract, order, data),
        features=dict(contract.sources),
        libraries={"scikit-learn": sklearn.__version__, "skops": skops.__version__, "python": platform.python_version()},
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        form=kind.NAME if form is not None else "skops",
        form_sha256=form_sha,
        form_note=reason,
        coefficients=form.coefficients if form is not None else None,
    )
    manifest.write(out)
    return manifest
