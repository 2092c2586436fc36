"""The champion/challenger verdict as the command and the report use it, and its JUnit evidence."""

from __future__ import annotations

from pathlib import Path

from junit_xml import TestCase, TestSuite, to_xml_report_string

from modelgate.contracts.evidence import model_properties
from modelgate.contracts.golden import golden_cases
from modelgate.contracts.risk import champion_margin
from modelgate.model import artifact
from modelgate.model.batch.champion import production_model
from modelgate.model.compare import Comparison, compare
from modelgate.model.files import atomic_writer

SUITE = "champion-challenger"
NOT_WORSE = "the new model's typical error is not worse than production's by more than the margin"
UNMOVED = "no agreed weight moved from the production model's by more than the tolerance"


def compare_models(source: str | None, new_dir: Path, data: Path, features: Path) -> Comparison:
    with production_model(source) as production_dir:
        return compare(production_dir, new_dir, data, champion_margin(features), golden_cases(features))


def write_junit(result: Comparison, source: str | None, new_dir: Path, path: Path) -> None:
    """Two cases the gate can require; with no production model both pass, saying so in their output."""
    properties = model_properties(artifact.read_manifest(new_dir))
    properties |= {"production_model": result.production_version, "production_source": str(source or "")}
    properties |= {"new_mae_pounds": f"{result.new.mae:.4f}"}
    if result.production is not None:
        properties["production_mae_pounds"] = f"{result.production.mae:.4f}"
    worse = TestCase(NOT_WORSE, classname=SUITE, stdout=result.summary())
    if not result.not_worse:
        worse.add_failure_info(message=result.summary())
    moved = TestCase(UNMOVED, classname=SUITE, stdout=result.moved_summary() if result.production else result.summary())
    if result.moved:
        moved.add_failure_info(message=result.moved_summary())
    xml = to_xml_report_string([TestSuite(SUITE, [worse, moved], timestamp=None, properties=properties)])
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    with atomic_writer(Path(path), "w") as handle:
        handle.write(xml)
