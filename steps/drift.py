"""Steps for the drift scenarios of the model-risk feature: a file scored with the drift check, its stability index
against the training data recomputed here from the model's recorded profile (``steps.support.psi_by_definition``)
and, for a classifier, the drift of the classes it answers, counted here from its answers to the training rows and to
the file."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path

from modelgate.contracts import sentences as say
from modelgate.contracts.inputs import Input
from modelgate.model import artifact
from modelgate.model.batch.engines import score
from modelgate.model.batch.inputs_check import Policy
from modelgate.steps.risk import classified, read_inputs
from modelgate.steps.support import psi_by_definition
from pytest_bdd import given, parsers, then, when


@dataclass
class Batch:
    source: Path
    rows: list[dict]
    result: object = None
    expected_psi: dict | None = None
    expected_answers_psi: float | None = None  # a classifier's: the drift of the classes it answers for the file


def _write(tmp_path: Path, stated, rows: list[dict]) -> Batch:
    source = tmp_path / "rows.csv"
    lines = [",".join(stated.names)] + [",".join(spec.to_text(row[spec.name]) for spec in stated.inputs) for row in rows]
    source.write_text("\n".join(lines) + "\n")
    return Batch(source, rows)


@given(parsers.re(r"a file of the (?P<what>\w+) of the evaluation (?P<who>\w+)"), target_fixture="batch")
def evaluation_rows(tmp_path, stated, evaluation_data):
    return _write(tmp_path, stated, read_inputs(evaluation_data, stated))


@given(
    parsers.re(r"a file of the (?P<what>\w+) of the (?P<kept>training|evaluation) (?P<who>\w+) (?:seen on|from) (?P<value>\S+)"),
    target_fixture="batch",
)
def rows_of_one_value(tmp_path, stated, training_data, evaluation_data, kept, value):
    """Only the rows of one value of a category input (the one input that allows ``value``)."""
    (spec,) = [i for i in stated.inputs if i.kind == "category" and value in i.values] or [None]
    assert spec is not None, f"no one category input allows {value!r}"
    rows = [r for r in read_inputs(training_data if kept == "training" else evaluation_data, stated) if r[spec.name] == value]
    return _write(tmp_path, stated, rows)


@given(
    parsers.re(r"a file of the first (?P<count>[0-9]+) (?P<what>\w+) of the evaluation (?P<who>\w+)(?:, in (?P<unit>[a-z ]+))?"),
    target_fixture="batch",
)
def first_evaluation_rows(tmp_path, stated, evaluation_data, what, count, unit):
    """The first rows of the evaluation file (a smaller file), in another unit where one is named."""
    rows = read_inputs(evaluation_data, stated)[: int(count)]
    return _write(tmp_path, stated, _in_unit(stated, rows, what, unit) if unit else rows)


# An input given in another unit than the contract's: the factor from the contract's unit (for a file in the wrong unit).
CONVERSIONS = {"centimetres": 2.54, "millimoles per litre": 1 / 18.0}


@given(parsers.re(r"a file of the (?P<what>\w+) of the evaluation (?P<who>\w+), in (?P<unit>[a-z ]+)"), target_fixture="batch")
def evaluation_other_unit(tmp_path, stated, evaluation_data, what, unit):
    return _write(tmp_path, stated, _in_unit(stated, read_inputs(evaluation_data, stated), what, unit))


def _in_unit(stated, rows: list[dict], what: str, unit: str) -> list[dict]:
    """``rows`` with the input ``what`` names given in ``unit`` (rounded to one decimal), not the contract's."""
    spec = next(i for i in stated.inputs if say.names(what, i.name))
    factor = CONVERSIONS[unit]
    return [{**row, spec.name: None if row[spec.name] is None else round(row[spec.name] * factor, 1)} for row in rows]


@given(parsers.re(say.DRIFT_ROWS.pattern))
def judged_rows(batch, rows):
    assert len(batch.rows) >= int(rows), f"the file holds {len(batch.rows)} rows, fewer than the {rows} judged"


@given(parsers.re(say.DRIFT_SMALL.pattern))
def smaller_file(batch, stated, rows):
    drift = stated.drift
    assert drift is not None and int(rows) <= len(batch.rows) < drift.min_rows, (
        f"the file holds {len(batch.rows)} rows: not a smaller file of {rows} or more (and under {drift and drift.min_rows})"
    )


@when("the file is scored with the drift check")
def scored_with_drift(batch, model_under_test, stated, training_data):
    loaded = artifact.load(model_under_test)
    profiles = loaded.manifest.training_data.get("profile")
    assert profiles, f"{model_under_test}: the model records no training profile; package it again"
    policy = Policy.of_model(loaded)
    batch.result = score(batch.source, batch.source.with_name("out.csv"), loaded.scorer(), policy=policy)
    wide = stated.drift is not None and stated.drift.wide(len(batch.rows))
    batch.expected_psi = {
        name: _psi(stated.input(name), seen, [r[name] for r in batch.rows], wide) for name, seen in profiles.items()
    }
    if stated.output.is_class:
        batch.expected_answers_psi = _answers_psi(model_under_test, stated, training_data, batch.rows)


def _answers_psi(model_dir: Path, stated, training_data: Path, rows: list[dict]) -> float:
    """The stability index of the classes the model answers for ``rows`` against those it answers for the training
    rows, counted here; the shares of the latter are what the model's record states."""
    classes = stated.output.classes
    trained = [label for label, _ in classified(model_dir, read_inputs(training_data, stated))]
    reference = [trained.count(c) / len(trained) for c in classes]
    recorded = artifact.read_manifest(model_dir).metrics["classes"]["answered"]
    assert all(math.isclose(r, e, abs_tol=1e-12) for r, e in zip(recorded, reference)) and len(recorded) == len(classes), (
        f"the record states answered shares {recorded}, its answers to the training rows give {reference}"
    )
    answered = [label for label, _ in classified(model_dir, rows)]
    return psi_by_definition([answered.count(c) for c in classes], reference)


def _psi(spec: Input, seen: dict, values: list, wide: bool = False) -> float:
    """The stability index by its definition, from the recorded profile's cuts and shares, counted here; ``wide``: a
    smaller file's, a number's values counted in five bands, each two of the training deciles' ten (the cuts at the
    2nd, 4th, 6th and 8th decile), their shares the sums of the two."""
    shares = list(seen["shares"])
    if seen["kind"] == "number":
        cuts = seen["deciles"][1::2] if wide else seen["deciles"]
        counts = [0] * (len(cuts) + 1 + (1 if seen["missing"] else 0))
        for v in values:
            if v is None:
                counts[-1] += 1
            elif not math.isnan(v):
                counts[sum(1 for c in cuts if v > c)] += 1
        if wide:
            tens = len(seen["deciles"]) + 1
            shares = [shares[i] + shares[i + 1] for i in range(0, tens, 2)] + shares[tens:]
    else:
        counts = [sum(1 for v in values if v == value) for value in seen["values"]] + (
            [values.count(None)] if seen["missing"] else []
        )
    return psi_by_definition(counts, shares)


def _named(stated, what: str) -> tuple[list[str], bool]:
    """Whose stability index a drift sentence names (``its heights'``, ``its island's and its predicted species
    shares'``): the inputs it names (every input for a word that names none, such as ``measurements``), and whether it
    names the shares of the classes a classifier answers."""
    named, shares, every = [], False, False
    for part in re.split(r",? and |, ", what.strip()):
        word = re.sub(r"^its ", "", part.strip()).removesuffix("'s").removesuffix("'")
        if stated.output.is_class and word == f"predicted {stated.output.name} shares":
            shares = True
        elif word:
            found = [i.name for i in stated.inputs if say.names(word, i.name)]
            every = every or not found
            named += found
    return (stated.names if every else named), shares


def _reported_answers(batch, stated) -> dict:
    """The predicted class shares the run reports, their stability index the one computed here."""
    reported = batch.result.inputs.get("answers")
    assert reported is not None, f"no drift of the predicted {stated.output.name} reported: {sorted(batch.result.inputs)}"
    assert math.isclose(reported["psi"], batch.expected_answers_psi, rel_tol=1e-9), (
        f"predicted {stated.output.name} shares: reported {reported['psi']}, computed {batch.expected_answers_psi}"
    )
    return reported


@then(parsers.re(say.DRIFT_WARN.pattern))
def stable(batch, stated, what, warn):
    reported = batch.result.inputs["drift"]["by_input"]
    for name, psi in batch.expected_psi.items():
        assert math.isclose(reported[name]["psi"], psi, rel_tol=1e-9), f"{name}: reported {reported[name]['psi']}, computed {psi}"
        assert psi < float(warn), f"{name}: stability index {psi:.3f} is not below {warn}"
    if _named(stated, what)[1]:
        _reported_answers(batch, stated)
        psi = batch.expected_answers_psi
        assert psi < float(warn), f"predicted {stated.output.name} shares: stability index {psi:.3f} is not below {warn}"


@then(parsers.re(r"(?P<what>.*)stability index on five bands is below the smaller files' refusal level"))
def stable_small(batch, stated, what):
    reported = batch.result.inputs["drift"]["by_input"]
    level = stated.drift.small_refuse
    for name, psi in batch.expected_psi.items():
        assert "bins" in reported[name], f"{name}: not judged on the wider bands: {reported[name]}"
        assert math.isclose(reported[name]["psi"], psi, rel_tol=1e-9), f"{name}: reported {reported[name]['psi']}, computed {psi}"
        assert psi < level, f"{name}: stability index {psi:.3f} on five bands is not below {level:g}"


@then(parsers.re(r"the file is refused on (?P<what>.*)stability index on five bands"))
def refused_small(batch, stated, what):
    refused(batch, stated, what, stated.drift.small_refuse)


@then("the file is scored")
def is_scored(batch):
    assert batch.result.ok, batch.result.failures.summary()
    assert batch.source.with_name("out.csv").is_file()


@then(parsers.re(say.DRIFT_REFUSE.pattern))
def refused(batch, stated, what, refuse):
    assert not batch.result.ok, "the file was scored"
    inputs, shares = _named(stated, what)
    reported = batch.result.inputs["drift"]["by_input"]
    for name, psi in batch.expected_psi.items():
        assert math.isclose(reported[name]["psi"], psi, rel_tol=1e-9)
    checks = {check for _, check in batch.result.failures.counts}
    if inputs:
        worst = max(batch.expected_psi[name] for name in inputs)
        assert worst >= float(refuse), f"stability index {worst:.3f} is below {refuse}"
        if inputs != stated.names:  # each input named, by name
            low = [f"{n} {batch.expected_psi[n]:.3f}" for n in inputs if batch.expected_psi[n] < float(refuse)]
            assert not low, f"stability index below {refuse}: {', '.join(low)}"
        assert "input drift" in checks, batch.result.failures.summary()
    if shares:
        _reported_answers(batch, stated)
        psi = batch.expected_answers_psi
        assert psi >= float(refuse), f"predicted {stated.output.name} shares: stability index {psi:.3f} is below {refuse}"
        assert "predicted class drift" in checks, batch.result.failures.summary()


@then("nothing is written for it")
def nothing_written(batch):
    assert not batch.source.with_name("out.csv").exists()
