"""Champion/challenger: the model being released against the model in production, on evaluation data neither was
trained on: their typical errors, the agreed answers whose value moved, and the JUnit evidence the gate can require.

The verdicts are the contract objects' (``ChampionMargin.allows``, ``GoldenCase.met_by``), so the scenario, the
command and the report cannot disagree. The margin and the agreed answers are the new model's contract's.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from junit_xml import TestCase
from modelgate.contracts.errors import ModelgateError
from modelgate.contracts.evidence import model_properties
from modelgate.contracts.facts import ChampionMargin, GoldenCase
from modelgate.model import artifact
from modelgate.model.artifact import Artifact
from modelgate.model.train import read_training

from modelgate.junit.write import write_suite

NO_PRODUCTION_MODEL = "none"
SUITE = "champion-challenger"
NOT_WORSE = "the new model's typical error is not worse than production's by more than the margin"
UNMOVED = "no agreed answer moved from the production model's by more than the tolerance"


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
                f"no production model yet: nothing to compare against; the new model's typical error is "
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


def compare(production_dir: Path | None, new_dir: Path, data: Path) -> Comparison:
    """Compare ``new_dir`` with ``production_dir`` (None: there is no production model yet)."""
    new = artifact.load(new_dir)
    contract = new.contract
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


def write_junit(result: Comparison, source: str | None, new_dir: Path, path: Path) -> None:
    """Two cases the gate can require; with no production model both pass, saying so in their output."""
    properties = model_properties(artifact.read_manifest(new_dir))
    properties |= {"production_model": result.production_version, "production_source": str(source or "")}
    properties |= {"new_mae": f"{result.new.mae:.4f}"}
    if result.production is not None:
        properties["production_mae"] = f"{result.production.mae:.4f}"
    worse = TestCase(NOT_WORSE, classname=SUITE, stdout=result.summary())
    if not result.not_worse:
        worse.add_failure_info(message=result.summary())
    moved = TestCase(UNMOVED, classname=SUITE, stdout=result.moved_summary() if result.production else result.summary())
    if result.moved:
        moved.add_failure_info(message=result.moved_summary())
    write_suite(path, SUITE, [worse, moved], properties=properties)
