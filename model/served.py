"""A verified model folder as the service and the self-test hold it: the contract it carries, its training profile,
and one way to answer validated rows.

The model answers through its serving form when it has one (``serving.json``, :mod:`.forms.linear` for a linear
regression, :mod:`.forms.logistic` for a logistic one: plain Python, no scikit-learn or numpy, so the serving image
stays small and starts fast). A model without one (trees, boosting)
is answered by its skops file, which needs scikit-learn: the full image. Either way every file is verified against
the manifest first, and the service says which form answers (``/ready``, ``/metadata``).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from modelgate.contracts.contract import Contract
from modelgate.model.forms import linear, logistic
from modelgate.model.manifest import ArtifactError, Manifest, read_manifest

SKOPS = "skops"  # the form name of a model answered by its skops file


@dataclass
class Served:
    manifest: Manifest
    contract: Contract
    form: str  # linear | logistic | skops
    answer_rows: Callable[[list[dict]], list]  # the answers: numbers, or a classifier's classes
    single: Callable[[list[float]], list[float]] | None = None  # one number straight into a line: the hot path
    # A classifier's answers with the probability of each class (rounded, in the contract's class order).
    classify_rows: Callable[[list[dict]], tuple[list[str], list[list[float]]]] | None = None
    # The training profile of each input, and what every request's rows are held to, read once from it.
    profiles: dict = field(init=False)
    _domains: list = field(init=False, repr=False)  # (input, low, high) of each number; (input, None, never) of others

    def __post_init__(self) -> None:
        self.profiles = self.manifest.training_data.get("profile") or {}
        self._domains = [
            (name, seen["min"], seen["max"])
            if seen["kind"] == "number"
            else (name, None, frozenset(v for v, share in zip(seen["values"], seen["shares"]) if share == 0))
            for name, seen in self.profiles.items()
        ]

    @property
    def version(self) -> str:
        return self.manifest.model_version

    def unseen(self, rows: list[dict]) -> list[tuple[int, str]]:
        """(row, input) of every value the training data never had: a number outside the training domain, a category
        no training row had. Plain Python: a request's few rows."""
        found = []
        for name, low, high in self._domains:
            if low is not None:
                found += [(i, name) for i, row in enumerate(rows) if (v := row[name]) is not None and (v < low or v > high)]
            else:
                found += [(i, name) for i, row in enumerate(rows) if (v := row[name]) is not None and v in high]
        return sorted(found)  # by row, then by input name: the order the refusals are listed in

    def unseen_values(self, name: str, values: list[float]) -> list[tuple[int, str]]:
        """:meth:`unseen` for the values of one number input (a one-number line's requests)."""
        seen = self.profiles.get(name)
        if seen is None:
            return []
        low, high = seen["min"], seen["max"]
        return [(i, name) for i, v in enumerate(values) if v < low or v > high]

    def domain(self, name: str) -> str:
        """What the training data had of one input, in words, for a refusal."""
        seen = self.profiles[name]
        if seen["kind"] == "number":
            unit = self.contract.input(name).unit
            return f"{seen['min']:g} to {seen['max']:g}{' ' + unit if unit else ''}"
        return ", ".join(str(v) for v, share in zip(seen["values"], seen["shares"]) if share > 0)


def load(directory: str | Path) -> Served:
    """Load and verify a model directory for serving; raise :class:`ArtifactError` saying what is wrong."""
    directory = Path(directory)
    manifest = read_manifest(directory)
    # The skops file is the model the release names: it must be intact even when the serving form answers.
    manifest.path(directory, "model file")
    contract = manifest.read_contract(directory)
    if manifest.serving is not None:
        return _from_form(manifest, contract, directory)
    if importlib.util.find_spec("sklearn") is None:
        raise ArtifactError(
            f"{directory}: model {manifest.model_version} ({manifest.model_type.rsplit('.', 1)[-1]}) has no serving form that "
            "answers without scikit-learn; serve it with the full image (docker/build.sh builds TAG-full)"
        )
    from modelgate.model import artifact

    scorer = artifact.load(directory).scorer()
    if contract.output.is_class:

        def classify(rows: list[dict]) -> tuple[list[str], list[list[float]]]:
            from modelgate.model.scorer import columns_of

            labels, probabilities = scorer.classify(columns_of(contract, rows))
            return labels.tolist(), probabilities.tolist()

        return Served(manifest, contract, SKOPS, lambda rows: classify(rows)[0], classify_rows=classify)
    return Served(manifest, contract, SKOPS, lambda rows: scorer.predict_rows(rows).tolist())


def _from_form(manifest: Manifest, contract: Contract, directory: Path) -> Served:
    path = manifest.path(directory, "serving form")
    kind = logistic if contract.output.is_class else linear
    try:
        form, version, output = kind.loads(path.read_bytes(), str(path))
    except ValueError as exc:
        raise ArtifactError(str(exc)) from None
    # A form changed and signed again by hand keeps its SHA-256 check: the model version names its numbers.
    same = version == manifest.model_version and manifest.expected_version(kind.digest(form)) == manifest.model_version
    if not same or output != contract.output.name or not set(form.inputs) <= set(manifest.inputs):
        raise ArtifactError(f"{path}: this form is not model {manifest.model_version} of the manifest; refusing to load it")
    if isinstance(form, logistic.LogisticForm):
        if sorted(form.classes) != sorted(contract.output.classes):
            raise ArtifactError(
                f"{path}: the form answers {', '.join(form.classes)}, the contract {', '.join(contract.output.classes)}"
            )
        classes, decide = list(contract.output.classes), contract.output.decide

        def classify(rows: list[dict]) -> tuple[list[str], list[list[float]]]:
            probabilities = form.probabilities(rows, classes)
            return [decide(p) for p in probabilities], probabilities

        return Served(manifest, contract, logistic.NAME, lambda rows: classify(rows)[0], classify_rows=classify)
    single = form.answer_single if form.single else None
    return Served(manifest, contract, linear.NAME, form.answer_rows, single)
