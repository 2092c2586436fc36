"""Evidence of a batch run: a JSON failure report and a JUnit XML file the pipeline gates on."""

from __future__ import annotations

import json
from pathlib import Path

from junit_xml import TestCase
from modelgate.contracts.ranges import FEATURE
from modelgate.contracts.schemas import BATCH_INPUT
from modelgate.contracts.validation import FILE_CHECKS, NOT_A_NUMBER, NOT_NULL
from modelgate.model.batch.heights_check import DRIFT_CHECK, EXTRAPOLATION_CHECK
from modelgate.model.batch.stream import BatchResult
from modelgate.model.files import atomic_writer
from modelgate.model.junit_file import write_suite


def rule_names() -> list[str]:
    """Every rule a batch file is held to, in the order a reviewer reads them."""
    column = BATCH_INPUT.columns[FEATURE]
    return [*FILE_CHECKS, NOT_A_NUMBER, NOT_NULL] + [str(c.error or c.name) for c in column.checks]


def to_dict(result: BatchResult) -> dict:
    return {
        "input": str(result.input),
        "output": str(result.output) if result.output else None,
        "status": "passed" if result.ok else "rejected",
        "rows": result.rows,
        "seconds": round(result.seconds, 3),
        "failures": result.failures.to_dict(),
        "heights": result.heights,  # drift and extrapolations against the training heights (None: not checked)
    }


def write_json(result: BatchResult, path: Path) -> None:
    with atomic_writer(Path(path), "w") as handle:
        json.dump(to_dict(result), handle, indent=2)
        handle.write("\n")


def write_batch_junit(
    result: BatchResult, path: Path, suite: str = "batch-contract", properties: dict[str, str] | None = None
) -> None:
    """One test case per rule; ``properties`` (the model that scored, see ``contracts.evidence``) go on the suite."""
    by_check: dict[str, list] = {}
    for (column, check), count in result.failures.counts.items():
        by_check.setdefault(check, []).append((column, count))
    names = rule_names()
    names += [c for c in by_check if c not in names]
    cases = []
    for name in names:
        case = TestCase(name=name, classname=f"{suite}.{result.input.name}", file=str(result.input))
        if name in by_check:
            examples = [f.describe() for f in result.failures.examples if f.check == name][:5]
            count = sum(n for _, n in by_check[name])
            case.add_failure_info(message=f"{count} row(s) fail {name}", output="\n".join(examples))
        cases.append(case)
    cases += _heights_cases(result, suite, by_check)
    write_suite(path, suite, cases, properties=properties)


def _heights_cases(result: BatchResult, suite: str, failed: dict) -> list[TestCase]:
    """The drift and extrapolation checks that passed, saying what they found (a warning, a count)."""
    heights, cases = result.heights or {}, []
    found = heights.get("drift")
    if found and DRIFT_CHECK not in failed:
        levels = f"warning at {found['warn']:g}, refused at {found['refuse']:g}"
        note = f"stability index {found['psi']:.3f}: {found['verdict']} ({levels})"
        cases.append(TestCase(name=DRIFT_CHECK, classname=f"{suite}.{result.input.name}", stdout=note))
    if heights and EXTRAPOLATION_CHECK not in failed:
        count = heights["extrapolated"]["count"]
        domain = f"{heights['training_min']:g} to {heights['training_max']:g} inches"
        note = f"{count} height(s) outside the training heights {domain}, answered and flagged"
        cases.append(TestCase(name=EXTRAPOLATION_CHECK, classname=f"{suite}.{result.input.name}", stdout=note))
    return cases
