"""Champion/challenger: the model being released against the model in production, on evaluation data
neither was trained on (``data/evaluation.csv`` by default): their errors in pounds, and the agreed
heights whose weight moved. The verdicts are the contract objects' (``ChampionMargin.allows``,
``GoldenCase.met_by``), so the scenario, the command and the report cannot disagree."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
from modelgate.contracts.golden import GoldenCase
from modelgate.contracts.risk import ChampionMargin
from modelgate.model import artifact
from modelgate.model.scorer import Scorer
from modelgate.model.train import read_training

NO_PRODUCTION_MODEL = "none"


@dataclass(frozen=True)
class Errors:
    """A model's errors in pounds on the evaluation people: typical (mean absolute) and root-mean-square."""

    mae: float
    rmse: float


def errors(model_dir: Path, data: Path) -> Errors:
    frame = read_training(Path(data))
    predicted = Scorer(artifact.load(model_dir).estimator).predict(frame["height"].to_numpy(dtype="float64"))
    miss = predicted - frame["weight"].to_numpy(dtype="float64")
    return Errors(float(np.mean(np.abs(miss))), float(np.sqrt(np.mean(miss**2))))


@dataclass
class Comparison:
    new_version: str
    new: Errors
    margin: float
    production_version: str = NO_PRODUCTION_MODEL
    production: Errors | None = None
    not_worse: bool = True
    # (height, production weight, new weight) for every agreed height whose weight moved beyond the tolerance
    moved: list[tuple[float, float, float]] = field(default_factory=list)

    def summary(self) -> str:
        if self.production is None:
            return (
                f"no production model yet: nothing to compare against; the new model's typical error is "
                f"{self.new.mae:.2f} pounds (this release becomes the first production model)"
            )
        verdict = "not worse than" if self.not_worse else f"worse by more than {self.margin:g} pounds than"
        return (
            f"the new model {self.new_version} (typical error {self.new.mae:.2f} pounds) is {verdict} "
            f"the production model {self.production_version} (typical error {self.production.mae:.2f} pounds)"
        )

    def moved_summary(self) -> str:
        if not self.moved:
            return "no agreed weight moved"
        return "agreed weights moved: " + "; ".join(f"{h:g} in: {old:g} -> {new:g} pounds" for h, old, new in self.moved)

    def to_dict(self) -> dict:
        found = asdict(self)
        found["moved"] = [{"height": h, "production": old, "new": new} for h, old, new in self.moved]
        return found


def compare(
    production_dir: Path | None, new_dir: Path, data: Path, margin: ChampionMargin, golden: list[GoldenCase]
) -> Comparison:
    """Compare ``new_dir`` with ``production_dir`` (None: there is no production model yet)."""
    new = artifact.load(new_dir)
    result = Comparison(new.version, errors(new_dir, data), margin.margin)
    if production_dir is None:
        return result
    production = artifact.load(production_dir)
    result.production_version, result.production = production.version, errors(production_dir, data)
    result.not_worse = margin.allows(result.production.mae, result.new.mae)
    heights = np.array([case.height for case in golden], dtype="float64")
    old_weights = Scorer(production.estimator).predict(heights).tolist()
    new_weights = Scorer(new.estimator).predict(heights).tolist()
    for case, old, now in zip(golden, old_weights, new_weights):
        if not GoldenCase(case.height, old, case.tolerance).met_by(now):
            result.moved.append((case.height, old, now))
    return result
