"""Evidence of a batch run: a JSON failure report and a JUnit XML file the pipeline gates on. Beside the drift of
the inputs, a classifier's report has the drift of the classes it answered (``answers``)."""

from __future__ import annotations

import json
import math
from pathlib import Path

from junit_xml import TestCase
from modelgate.contracts.contract import Contract
from modelgate.contracts.facts import DriftLimits
from modelgate.contracts.inputs import YES_NO
from modelgate.contracts.schemas import rule_names as value_rules
from modelgate.contracts.validation import FILE_CHECKS, NOT_A_NUMBER, NOT_NULL, NOT_YES_NO
from modelgate.model.batch.inputs_check import ANSWER_DRIFT_CHECK, ANSWERS, DRIFT_CHECK, EXTRAPOLATION_CHECK
from modelgate.model.batch.stream import BatchResult

from modelgate.files import atomic_writer
from modelgate.junit.write import write_suite


def rule_names(contract: Contract) -> list[str]:
    """Every rule a batch file is held to, in the order a reviewer reads them."""
    reading = [NOT_A_NUMBER] if any(i.numeric for i in contract.inputs) else []
    reading += [NOT_YES_NO] if any(i.kind == YES_NO for i in contract.inputs) else []
    return [*FILE_CHECKS, *reading, NOT_NULL, *value_rules(contract)]


def to_dict(result: BatchResult) -> dict:
    inputs, answers = result.inputs, None
    if inputs is not None and ANSWERS in inputs:
        answers = inputs[ANSWERS]
        inputs = {k: v for k, v in inputs.items() if k != ANSWERS}
    found = {
        "input": str(result.input),
        "output": str(result.output) if result.output else None,
        "status": "passed" if result.ok else "rejected",
        "rows": result.rows,
        "seconds": round(result.seconds, 3),
        "failures": result.failures.to_dict(),
        # drift and extrapolations against the training data (None: not checked)
        "inputs": inputs,
    }
    if answers is not None:  # a classifier's predicted class shares against its answers to the training rows
        found[ANSWERS] = answers
    return found


def _strict(node):
    """The report as strict JSON: a stability index that could not be computed (NaN) is ``null``."""
    if isinstance(node, float) and not math.isfinite(node):
        return None
    if isinstance(node, dict):
        return {k: _strict(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_strict(v) for v in node]
    return node


def write_json(result: BatchResult, path: Path) -> None:
    with atomic_writer(Path(path), "w") as handle:
        json.dump(_strict(to_dict(result)), handle, indent=2, allow_nan=False)
        handle.write("\n")


def write_batch_junit(
    result: BatchResult, path: Path, contract: Contract, suite: str = "batch-contract", properties: dict[str, str] | None = None
) -> None:
    """One test case per rule; ``properties`` (the model that scored, see ``contracts.evidence``) go on the suite."""
    by_check: dict[str, list] = {}
    for (column, check), count in result.failures.counts.items():
        by_check.setdefault(check, []).append((column, count))
    names = rule_names(contract)
    names += [c for c in by_check if c not in names]
    cases = []
    for name in names:
        case = TestCase(name=name, classname=f"{suite}.{result.input.name}", file=str(result.input))
        if name in by_check:
            examples = [f.describe() for f in result.failures.examples if f.check == name][:5]
            count = sum(n for _, n in by_check[name])
            case.add_failure_info(message=f"{count} row(s) fail {name}", output="\n".join(examples))
        cases.append(case)
    cases += _inputs_cases(result, suite, by_check)
    write_suite(path, suite, cases, properties=properties)


def _inputs_cases(result: BatchResult, suite: str, failed: dict) -> list[TestCase]:
    """The drift and extrapolation checks that passed, saying what they found (a warning, a count)."""
    found, cases = result.inputs or {}, []
    drift = found.get("drift")
    if drift and DRIFT_CHECK not in failed:
        rule = (drift["warn"], drift["refuse"], drift["min_rows"], drift.get("small_rows"), drift.get("small_refuse"))
        limits = DriftLimits(*rule)
        levels = f"warning at {drift['warn']:g}, refused at {drift['refuse']:g}"
        if limits.wide(drift["rows"]):  # the contract's one rule for which files are judged on the wider bands
            levels = f"a smaller file, on five bands: refused at {drift['small_refuse']:g}"
        each = ", ".join(f"{name} {v['psi']:.3f}" for name, v in drift["by_input"].items())
        note = f"stability index {each}: {drift['verdict']} ({levels})"
        cases.append(TestCase(name=DRIFT_CHECK, classname=f"{suite}.{result.input.name}", stdout=note))
    answers = found.get(ANSWERS)
    if answers and ANSWER_DRIFT_CHECK not in failed:
        shares = ", ".join(
            f"{c} {f:.3f} against {t:.3f}" for c, f, t in zip(answers["classes"], answers["file"], answers["training"])
        )
        levels = (
            f": {answers['verdict']} (warning at {answers['warn']:g}, refused at {answers['refuse']:g})"
            if "verdict" in answers
            else ""
        )
        note = f"stability index {answers['psi']:.3f} of the predicted class shares ({shares}){levels}"
        cases.append(TestCase(name=ANSWER_DRIFT_CHECK, classname=f"{suite}.{result.input.name}", stdout=note))
    if found and EXTRAPOLATION_CHECK not in failed:
        count = found["extrapolated"]["count"]
        note = f"{count} row(s) with a value outside the training data, {found['extrapolation']}"
        cases.append(TestCase(name=EXTRAPOLATION_CHECK, classname=f"{suite}.{result.input.name}", stdout=note))
    return cases
