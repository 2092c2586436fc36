"""Champion/challenger: the model being released against the model in production, on evaluation data neither was
trained on: a regression's typical errors and the agreed answers whose value moved; a classifier's primary metric (the
contract's champion metric) and the agreed rows whose class changed or whose agreed probability moved; and the JUnit
evidence the gate can require.

The verdicts are the contract objects' (``ChampionMargin.allows``, ``GoldenCase.met_by``, ``ChampionMetric.allows``,
``AgreedLabel.met_by``), so the scenario, the command and the report cannot disagree. The margin, the metric and the
agreed answers are the new model's contract's.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from junit_xml import TestCase
from modelgate.contracts.errors import ModelgateError
from modelgate.contracts.evidence import FIRST_RELEASE, FIRST_RELEASE_NOTE, model_properties
from modelgate.contracts.facts import AgreedLabel, ChampionMargin, ChampionMetric, GoldenCase
from modelgate.model import artifact
from modelgate.model.artifact import Artifact
from modelgate.model.metrics import classification
from modelgate.model.scorer import columns_of
from modelgate.model.train import read_training

from modelgate.junit.write import write_suite

NO_PRODUCTION_MODEL = "none"
SUITE = "champion-challenger"
NOT_WORSE = "the new model's typical error is not worse than production's by more than the margin"
UNMOVED = "no agreed answer moved from the production model's by more than the tolerance"
# A classifier's two cases (the metric is the contract's, named in the cases' output and the suite's properties).
NOT_WORSE_METRIC = "the new model's champion metric is not worse than production's by more than the margin"
UNCHANGED = "no agreed class changed from the production model's, nor an agreed probability beyond its tolerance"


@dataclass(frozen=True)
class Errors:
    """A model's errors on the evaluation rows, in the output's unit: typical (mean absolute) and root-mean-square."""

    mae: float
    rmse: float


def errors(model: Artifact, data: Path) -> Errors:
    found = read_training(Path(data), model.contract)
    miss = model.scorer().predict(found.columns) - found.target
    return Errors(float(np.mean(np.abs(miss))), float(np.sqrt(np.mean(miss**2))))


@dataclass
class Comparison:
    new_version: str
    new: Errors
    margin: float
    unit: str = ""
    production_version: str = NO_PRODUCTION_MODEL
    production: Errors | None = None
    not_worse: bool = True
    # (the agreed row, production answer, new answer) for every agreed row whose answer moved beyond the tolerance
    moved: list[tuple[str, float, float]] = field(default_factory=list)

    def summary(self) -> str:
        unit = f" {self.unit}" if self.unit else ""
        if self.production is None:
            return (
                f"{FIRST_RELEASE_NOTE} (there is none yet); the new model's typical error is "
                f"{self.new.mae:.2f}{unit} (this release becomes the first production model)"
            )
        verdict = "not worse than" if self.not_worse else f"worse by more than {self.margin:g}{unit} than"
        return (
            f"the new model {self.new_version} (typical error {self.new.mae:.2f}{unit}) is {verdict} "
            f"the production model {self.production_version} (typical error {self.production.mae:.2f}{unit})"
        )

    def moved_summary(self) -> str:
        if not self.moved:
            return "no agreed answer moved"
        return "agreed answers moved: " + "; ".join(f"{row}: {old:g} -> {new:g}" for row, old, new in self.moved)

    def to_dict(self) -> dict:
        found = asdict(self)
        found["moved"] = [{"row": r, "production": old, "new": new} for r, old, new in self.moved]
        return found


def compare(production_dir: Path | None, new_dir: Path, data: Path) -> Comparison | ClassComparison:
    """Compare ``new_dir`` with ``production_dir`` (None: there is no production model yet)."""
    new = artifact.load(new_dir)
    contract = new.contract
    if contract.output.is_class:
        return compare_classes(production_dir, new, data)
    if contract.champion_margin is None:
        raise ModelgateError(f"{new_dir}: its contract states no champion margin ('the new model's typical error is at most …')")
    result = Comparison(new.version, errors(new, data), contract.champion_margin.margin, contract.output.unit)
    if production_dir is None:
        return result
    production = artifact.load(production_dir)
    result.production_version, result.production = production.version, errors(production, data)
    result.not_worse = ChampionMargin(result.margin).allows(result.production.mae, result.new.mae)
    if set(production.contract.names) == set(contract.names):
        rows = [dict(zip(contract.names, case.values)) for case in contract.golden]
        old = production.scorer().predict_rows(rows).tolist()
        now = new.scorer().predict_rows(rows).tolist()
        for index, (case, before, after) in enumerate(zip(contract.golden, old, now)):
            if not GoldenCase(case.values, before, case.tolerance).met_by(after):
                result.moved.append((contract.golden_row(index), before, after))
    return result


# -- classifiers -----------------------------------------------------------------------------------------------------


@dataclass
class ClassComparison:
    """A classifier against the one in production: the champion metric of each on the evaluation rows, and the agreed
    rows whose answer changed (as ``(row, production's answer, the new answer)``, each answer its class and the
    probability of that class)."""

    new_version: str
    metric: str
    new: float
    margin: float
    output: str = ""
    production_version: str = NO_PRODUCTION_MODEL
    production: float | None = None
    not_worse: bool = True
    moved: list[tuple[str, str, str]] = field(default_factory=list)

    def summary(self) -> str:
        if self.production is None:
            return (
                f"{FIRST_RELEASE_NOTE} (there is none yet); the new model's {self.metric} is {self.new:.4f} "
                "(this release becomes the first production model)"
            )
        verdict = "not worse than" if self.not_worse else f"worse by more than {self.margin:g} than"
        return (
            f"the new model {self.new_version} ({self.metric} {self.new:.4f}) is {verdict} "
            f"the production model {self.production_version} ({self.metric} {self.production:.4f})"
        )

    def moved_summary(self) -> str:
        if not self.moved:
            return f"no agreed {self.output} changed"
        return f"agreed {self.output} changed: " + "; ".join(f"{row}: {old} -> {new}" for row, old, new in self.moved)

    def to_dict(self) -> dict:
        found = asdict(self)
        found["moved"] = [{"row": r, "production": old, "new": new} for r, old, new in self.moved]
        return found


def metric_on(model: Artifact, data: Path, metric: str) -> float:
    """A classifier's ``metric`` on the rows of ``data``, from its answers as served (rounded, by the decision rule)."""
    found = read_training(Path(data), model.contract)
    labels, probabilities = model.scorer().classify(found.columns)
    value = classification(model.contract.output, found.target, probabilities, labels)[metric]
    if value is None:
        raise ModelgateError(f"{data}: the {metric} is not defined on these rows (a class has none of them, or all of them)")
    return float(value)


def compare_classes(production_dir: Path | None, new: Artifact, data: Path) -> ClassComparison:
    contract = new.contract
    champion = contract.champion_metric
    if champion is None:
        raise ModelgateError(
            f"{new.directory}: its contract states no champion metric "
            "('the new model's <metric> is at most … worse than the production model's')"
        )
    result = ClassComparison(new.version, champion.metric, metric_on(new, data, champion.metric), champion.margin)
    result.output = contract.output.name
    if production_dir is None:
        return result
    production = artifact.load(production_dir)
    if production.contract.output.classes != contract.output.classes:
        raise ModelgateError(
            f"{production_dir}: the production model answers {production.contract.output.describe()}, the new model "
            f"{contract.output.describe()}: they cannot be compared"
        )
    result.production_version = production.version
    result.production = metric_on(production, data, champion.metric)
    result.not_worse = ChampionMetric(champion.metric, champion.margin).allows(result.production, result.new)
    if set(production.contract.names) == set(contract.names):
        rows = [dict(zip(contract.names, case.values)) for case in contract.golden]
        old, now = (_answers(model, rows) for model in (production, new))
        for index, (case, before, after) in enumerate(zip(contract.golden, old, now)):
            (label, probabilities), (new_label, new_probabilities) = before, after
            agreed = probabilities[label] if isinstance(case, AgreedLabel) and case.probability is not None else None
            reference = AgreedLabel(case.values, label, agreed, case.tolerance)
            if not reference.met_by(new_label, new_probabilities):
                shown = (f"{label} {probabilities[label]:g}", f"{new_label} {new_probabilities[new_label]:g}")
                result.moved.append((contract.golden_row(index), *shown))
    return result


def _answers(model: Artifact, rows: list[dict]) -> list[tuple[str, dict[str, float]]]:
    """Each row's answered class and the probability of every class by name, as the model answers them."""
    labels, probabilities = model.scorer().classify(columns_of(model.contract, rows))
    classes = model.contract.output.classes
    return [(str(label), dict(zip(classes, map(float, row)))) for label, row in zip(labels.tolist(), probabilities.tolist())]


def write_junit(result: Comparison | ClassComparison, source: str | None, new_dir: Path, path: Path) -> None:
    """Two cases the gate can require; with no production model both pass, saying so in their output."""
    properties = model_properties(artifact.read_manifest(new_dir))
    properties |= {"production_model": result.production_version, "production_source": str(source or "")}
    if result.production is None:
        properties[FIRST_RELEASE] = FIRST_RELEASE_NOTE
    if isinstance(result, ClassComparison):
        properties |= {"metric": result.metric, "new_metric": f"{result.new:.4f}"}
        if result.production is not None:
            properties["production_metric"] = f"{result.production:.4f}"
        names = (NOT_WORSE_METRIC, UNCHANGED)
    else:
        properties |= {"new_mae": f"{result.new.mae:.4f}"}
        if result.production is not None:
            properties["production_mae"] = f"{result.production.mae:.4f}"
        names = (NOT_WORSE, UNMOVED)
    worse = TestCase(names[0], classname=SUITE, stdout=result.summary())
    if not result.not_worse:
        worse.add_failure_info(message=result.summary())
    moved = TestCase(names[1], classname=SUITE, stdout=result.moved_summary() if result.production else result.summary())
    if result.moved:
        moved.add_failure_info(message=result.moved_summary())
    write_suite(path, SUITE, [worse, moved], properties=properties)
