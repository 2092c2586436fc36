"""Outcomes, when they arrive: the real answers of rows the model answered, weeks after, joined to what it answered and
judged per period (a day, a week, a month) by the contract's own measures: a regression's typical error against its
agreed limit and, where the contract names groups, each group's typical error and the gap between the best and the
worst; a classifier's metric bands. The JUnit it writes names the model, so a pipeline can gate a retraining or a
rollback on it; the JSON it writes is what the report plots over time.

Two layouts of the outcomes file, both with a column of dates (``when``):

- the scored rows' ids and the real answer: joined, by the id column, to the scored file (``modelgate score``'s
  output: the inputs and what the model answered);
- the rows' inputs and the real answer: answered again by the model folder given.

The verdicts are the contract objects' (``TypicalError.met_by``, ``GroupLimit.problems``, ``MetricBand.contains``).
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from junit_xml import TestCase
from modelgate.contracts.contract import Contract
from modelgate.contracts.errors import ModelgateError
from modelgate.contracts.evidence import model_properties
from modelgate.contracts.facts import EVALUATION
from modelgate.model import artifact
from modelgate.model.metrics import by_group, classification
from modelgate.model.train import read_training

from modelgate.files import atomic_writer
from modelgate.junit.write import write_suite

SUITE = "monitor"
# How a date is named by its period: the day, the ISO week, the month.
PERIODS = {"day": "%Y-%m-%d", "week": "%G-W%V", "month": "%Y-%m"}


@dataclass
class Period:
    """One period's rows and what the contract says of them: the measure judged (a regression's typical error, a
    classifier's first banded metric), each group's typical error, and one line per limit broken."""

    name: str
    rows: int
    measure: float
    problems: list[str] = field(default_factory=list)
    groups: dict[str, dict[str, float]] = field(default_factory=dict)  # input -> group -> typical error
    metrics: dict[str, float] = field(default_factory=dict)  # a classifier's banded metrics

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass
class Monitoring:
    model_version: str
    model_sha256: str
    measure: str  # "typical error" or a classifier's metric
    unit: str
    limit: float | None  # the agreed limit of the measure (a regression's typical error; a band's far end)
    period: str
    periods: list[Period]

    @property
    def ok(self) -> bool:
        return all(p.ok for p in self.periods)

    def summary(self) -> str:
        broken = [p for p in self.periods if not p.ok]
        head = f"{len(self.periods)} {self.period}(s) of outcomes for model {self.model_version}"
        if not broken:
            return f"{head}: every one within the contract"
        return f"{head}: {len(broken)} outside the contract\n" + "\n".join(f"  {p.name}: {'; '.join(p.problems)}" for p in broken)

    def to_dict(self) -> dict:
        return {**asdict(self), "periods": [{**asdict(p), "ok": p.ok} for p in self.periods]}


def monitor(model_dir: Path, outcomes: Path, *, when: str, period: str = "month", answers: Path | None = None,
            on: str | None = None) -> Monitoring:  # fmt: skip
    """Judge the outcomes in ``outcomes`` per ``period`` (of the dates in its column ``when``) for the model in
    ``model_dir``; with ``answers`` (the scored file) joined to it by the id column ``on``, else answered again."""
    if period not in PERIODS:
        raise ModelgateError(f"--period {period}: one of {', '.join(PERIODS)}")
    loaded = artifact.load(model_dir)
    contract = loaded.contract
    raw = _read(outcomes, "outcomes")
    _require(raw, outcomes, [when, contract.output.name] + ([on] if on else []))
    dates = _dates(raw[when], outcomes, when)
    if answers is None:
        data = read_training(outcomes, contract)
        given = None
    else:
        if not on:
            raise ModelgateError("--answers needs --on COLUMN: the id that names a row in both files")
        data, given = _joined(contract, raw, _read(answers, "scored"), answers, outcomes, on)
    keys = np.array([d.strftime(PERIODS[period]) for d in dates], dtype=object)
    found = [
        _judge(loaded, data, given, keys == name, name) for name in sorted(set(keys.tolist()))
    ]  # fmt: skip
    output = contract.output
    if output.is_class:
        band = next(iter(_bands(contract)), None)
        measure, limit = (band.metric, band.low) if band else ("accuracy", None)
    else:
        measure, limit = "typical error", contract.typical_error.limit if contract.typical_error else None
    return Monitoring(loaded.version, loaded.manifest.sha256, measure, output.unit, limit, period, found)


def _read(path: Path, what: str) -> pd.DataFrame:
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except FileNotFoundError:
        raise ModelgateError(f"{path}: {what} file not found") from None
    except (pd.errors.EmptyDataError, UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise ModelgateError(f"{path}: not a readable CSV ({str(exc).splitlines()[0]})") from None


def _require(frame: pd.DataFrame, path: Path, columns: list[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ModelgateError(f"{path}: header must name columns {columns}; missing {missing}, found {list(frame.columns)}")


def _dates(cells: pd.Series, path: Path, column: str) -> list:
    found = pd.to_datetime(cells, format="ISO8601", errors="coerce")
    bad = np.flatnonzero(found.isna().to_numpy())
    if bad.size:
        line = int(bad[0]) + 2  # the header is line 1
        raise ModelgateError(
            f"{path}, line {line}: {column} {cells.iloc[int(bad[0])]!r} is not a date (2026-11-30); {bad.size} such row(s)"
        )
    return list(found)


def _joined(contract: Contract, outcomes: pd.DataFrame, scored: pd.DataFrame, scored_path: Path, path: Path, on: str):
    """The outcomes joined, row for row, to what was answered: (the rows as training data, the answers given)."""
    output = contract.output
    _require(scored, scored_path, [on, *contract.names, *output.columns])
    repeated = scored[on][scored[on].duplicated()]
    if len(repeated):
        raise ModelgateError(
            f"{scored_path}: id {repeated.iloc[0]!r} names {int((scored[on] == repeated.iloc[0]).sum())} rows; each must name one"
        )
    where = pd.Index(scored[on]).get_indexer(outcomes[on])
    unknown = np.flatnonzero(where < 0)
    if unknown.size:
        first = outcomes[on].iloc[int(unknown[0])]
        raise ModelgateError(
            f"{path}, line {int(unknown[0]) + 2}: id {first!r} is not in {scored_path}; "
            f"{unknown.size} outcome(s) name no scored row"
        )
    rows = scored.iloc[where].reset_index(drop=True)
    with tempfile.TemporaryDirectory() as folder:  # the joined rows, validated as training data are
        joined = Path(folder) / path.name
        pd.DataFrame({**{n: rows[n] for n in contract.names}, output.name: outcomes[output.name].to_numpy()}).to_csv(
            joined, index=False
        )
        data = read_training(joined, contract)
    if output.is_class:
        probabilities = rows[[output.probability_column(c) for c in output.classes]].astype(float).to_numpy()
        return data, (rows[output.name].to_numpy(dtype=object), probabilities)
    return data, rows[output.name].astype(float).to_numpy()


def _judge(loaded, data, given, inside: np.ndarray, name: str) -> Period:
    contract, output = loaded.contract, loaded.contract.output
    columns = {n: v[inside] for n, v in data.columns.items()}
    actual = data.target[inside]
    if output.is_class:
        if given is None:
            labels, probabilities = loaded.scorer().classify(columns)
        else:
            labels, probabilities = given[0][inside], given[1][inside]
        found = classification(output, actual, probabilities, labels)
        bands = _bands(contract)
        metrics = {b.metric: found[b.metric] for b in bands if found.get(b.metric) is not None}
        problems = [
            f"{b.metric} {metrics[b.metric]:.4f}, agreed between {b.low:g} and {b.high:g}"
            for b in bands
            if b.metric in metrics and not b.contains(metrics[b.metric])
        ]
        measure = next(iter(metrics.values()), float(found["accuracy"]))
        return Period(name, int(inside.sum()), float(measure), problems, metrics=metrics)
    answered = loaded.scorer().predict(columns) if given is None else given[inside]
    misses = actual - answered
    error = float(np.mean(np.abs(misses)))
    problems = []
    unit = f" {output.unit}" if output.unit else ""
    if contract.typical_error and not contract.typical_error.met_by(error):
        problems.append(f"typical error {error:.4g}{unit}, agreed at most {contract.typical_error.limit:g}{unit}")
    groups = {}
    for limit in contract.groups:
        each = by_group(limit, contract.input(limit.input).values, columns[limit.input], misses)
        groups[limit.input] = {group: found["mae"] for group, found in each.items()}
        problems += limit.problems(groups[limit.input])
    return Period(name, int(inside.sum()), error, problems, groups)


def _bands(contract: Contract) -> list:
    """A classifier's bands that new rows are held to: those agreed on the evaluation rows (rows no model was fitted
    on, like the outcomes), else those on the rows each fold's model was not fitted on."""
    return [b for b in contract.metric_bands if b.on == EVALUATION] or list(contract.metric_bands)


def write_junit(result: Monitoring, manifest, path: Path) -> None:
    """One case per period, failing with the limits it broke; the suite names the model (the gate's evidence)."""
    cases = []
    for found in result.periods:
        case = TestCase(f"{result.period} {found.name}: the outcomes keep the contract", classname=SUITE,
                        stdout=f"{found.rows} row(s); {result.measure} {found.measure:.4g}")  # fmt: skip
        if not found.ok:
            case.add_failure_info(message="; ".join(found.problems))
        cases.append(case)
    write_suite(path, SUITE, cases, properties=model_properties(manifest) | {"period": result.period})


def write_json(result: Monitoring, path: Path) -> None:
    """What the report plots over time (``modelgate report --monitor``), written whole or not at all."""
    with atomic_writer(Path(path)) as handle:
        handle.write((json.dumps(result.to_dict(), indent=2) + "\n").encode())
