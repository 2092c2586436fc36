"""Every layer reads the contract alike, on contracts nobody wrote by hand: hypothesis draws a contract (one to four
inputs of every kind: numbers with open, closed or no bounds, whole numbers, categories, yes/no in its spellings, any
of them perhaps missing; a regression or a classifier), writes it as feature files, fits a small scikit-learn model
on rows drawn from it, packages it, and asks the same drawn rows (values at the exact bounds and just beyond, the
training data's own ends, categories in another case, blanks) of the batch engine (the default, pandas: its pandera
checks), the REST service (FastAPI's request reader and the fast path in front of it) and the extrapolation checks
(the service's and the batch's). Each must accept and refuse the same rows, for the same inputs, as the contract's
words say, read here on their own; the accepted rows get the same answers from the batch file and the service; and
the values flagged as extrapolations are exactly those outside the training file written here. The self-test of the
packaged folder passes, and the value it asks as not accepted is one the contract's words refuse. Drift, by a drawn
rule that judges files of DRIFT_ROWS rows: the batch check of the accepted rows and the live index on ``/metrics``
after the service answered them are the index computed here from the training file.

A disagreement prints its shrunk contract and a line for ``differential_kept.jsonl``: the cases kept there (each
with what it once caught) are asked first on every run.
"""

from __future__ import annotations

import csv
import json
import math
import random
import re
import tempfile
from dataclasses import asdict, dataclass
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import numpy as np
from hypothesis import HealthCheck, event, example, given, note, settings
from hypothesis import strategies as st
from modelgate.app.api import create_api
from modelgate.app.client import ask
from modelgate.app.fast import FastAnswer
from modelgate.app.main import create_app
from modelgate.app.state import ModelState
from modelgate.contracts.reader import read_contract
from modelgate.model import artifact
from modelgate.model.batch.inputs_check import FoldedCheck, Policy
from modelgate.model.batch.stream import score_file
from modelgate.model.manifest import read_manifest
from modelgate.model.package import package
from modelgate.model.profile import outside
from modelgate.model.train import estimator_for, fit, read_training

from modelgate.selftest import refused_query, run_selftest
from tests.app.support import error_items

# The chain's budget: a fixed number of contracts, each within a deadline (one takes 1 to 3 s here; a minute means
# something hangs). A longer hunt: --hypothesis-seed=N with more examples, outside the chain.
SETTINGS = settings(max_examples=60, deadline=timedelta(seconds=60), suppress_health_check=list(HealthCheck), database=None)
TRAINING_ROWS = 40
FELL_THROUGH = 418
CHUNK = 20  # rows per batch file: at most 80 failures, fewer than a run keeps
DRIFT_ROWS = 10  # the drawn drift rule's rows judged: the live window's length
FLOOR = 1e-4  # the share an empty bin is counted at (the README's drift rule)


@dataclass(frozen=True)
class Drawn:
    """One input as drawn, and the contract's words for it; its verdict on a cell is read from these facts alone."""

    name: str
    kind: str  # number | whole number | category | yes/no
    missing: bool
    low: float | None = None
    high: float | None = None
    low_closed: bool = True
    high_closed: bool = True
    values: tuple[str, ...] = ()  # categories; for yes/no its spellings, yes first

    def accepted_words(self) -> str:
        if self.kind == "category":
            return ", ".join(self.values[:-1]) + " or " + self.values[-1]
        if self.kind == "yes/no":
            return f"{self.values[0]} or {self.values[1]}"
        if self.low is not None and self.high is not None and self.low_closed and self.high_closed:
            return f"from {self.low:g} to {self.high:g}"
        low = None if self.low is None else f"{'at least' if self.low_closed else 'greater than'} {self.low:g}"
        high = None if self.high is None else f"{'at most' if self.high_closed else 'less than'} {self.high:g}"
        return " and ".join(w for w in (low, high) if w) or "any"

    def accepts(self, cell: str) -> bool:
        if cell == "":
            return self.missing
        if self.kind in ("category", "yes/no"):
            return cell in self.values
        value = float(cell)
        if self.kind == "whole number" and value != math.floor(value):
            return False
        if self.low is not None and (value < self.low or (value == self.low and not self.low_closed)):
            return False
        return self.high is None or value < self.high or (value == self.high and self.high_closed)

    def span(self) -> tuple[float, float]:
        """Where the training values are drawn: well inside what is accepted."""
        low = self.low if self.low is not None else (self.high - 100 if self.high is not None else -50.0)
        high = self.high if self.high is not None else low + 100
        return low + (high - low) * 0.2, high - (high - low) * 0.2


NAMES = ["alpha", "beta_2", "gamma", "delta"]
WORDS = ["Biscoe", "Dream", "Torgersen", "north", "South"]
SPELLINGS = [("yes", "no"), ("true", "false"), ("1", "0"), ("Y", "N")]


@st.composite
def inputs(draw, name: str) -> Drawn:
    kind = draw(st.sampled_from(["number", "whole number", "category", "yes/no"]))
    missing = draw(st.booleans())
    if kind == "category":
        values = draw(st.lists(st.sampled_from(WORDS), min_size=2, max_size=4, unique=True))
        return Drawn(name, kind, missing, values=tuple(values))
    if kind == "yes/no":
        return Drawn(name, kind, missing, values=draw(st.sampled_from(SPELLINGS)))
    ends = draw(st.sampled_from(["both", "low", "high"]))  # one bound at least: an edge to ask about
    low = draw(st.integers(-100, 100).map(float))
    high = low + draw(st.integers(2, 200))  # open at both ends, whole numbers still have one between
    low, high = (low if ends != "high" else None), (high if ends != "low" else None)
    return Drawn(name, kind, missing, low, high, draw(st.booleans()), draw(st.booleans()))


@st.composite
def contracts(draw) -> tuple[tuple[Drawn, ...], int | None, int]:
    """The inputs, the classes (None: a regression answering to ``decimals``) and the seed of the training rows."""
    count = draw(st.integers(1, 4))
    drawn = tuple(draw(inputs(NAMES[i])) for i in range(count))
    classes = draw(st.none() | st.integers(2, 3))
    return drawn, classes, draw(st.integers(0, 2**16))


def write_features(folder: Path, drawn: tuple[Drawn, ...], classes: list[str] | None, decimals: int) -> None:
    folder.mkdir(parents=True)
    rows = "\n".join(
        f"      | {d.name} | its {d.name} | | {d.kind} | {d.accepted_words()} | {'yes' if d.missing else 'no'} |" for d in drawn
    )
    answer = (
        f"it answers the kind, one of {', '.join(classes[:-1])} or {classes[-1]}, with the probability of each rounded to 4 "
        "decimals"
        if classes
        else f"it answers the score in points, rounded to {decimals} decimals"
    )
    (folder / "model.feature").write_text(
        "Feature: A drawn model\n  Scenario: The model is told its inputs and answers\n    Given the model under test\n"
        "    Then it takes these inputs\n      | input | meaning | unit | kind | accepted | may be missing |\n"
        f"{rows}\n    And {answer}\n\n"
        # A drift rule that judges a file of DRIFT_ROWS rows and never refuses one: the index is compared, not judged.
        "  Scenario: How far a file may drift from the training rows\n"
        "    Then its inputs' stability index against the training rows is below the warning level of 1000\n"
        f"    And a file of {DRIFT_ROWS} or more rows is judged for drift\n"
        "    And the file is refused, its inputs' stability index being at least 2000\n",
        encoding="utf-8",
    )
    # One agreed row (not judged here: packaging does not score it), so that the contract is complete.
    agreed = [_training_cell(d, random.Random(0), middle=True) for d in drawn]
    then = "Then the answer is <kind>" if classes else "Then the answer is <score> points, give or take 1000000000 points"
    header, row = [d.name for d in drawn] + ["kind" if classes else "score"], [*agreed, classes[0] if classes else "0"]
    (folder / "scoring.feature").write_text(
        f"Feature: Agreed\n  Scenario Outline: An agreed row\n    When a client asks for the answer\n    {then}\n\n"
        f"    Examples:\n      | {' | '.join(header)} |\n      | {' | '.join(row)} |\n",
        encoding="utf-8",
    )


def _training_cell(d: Drawn, rng: random.Random, middle: bool = False) -> str:
    if d.kind == "category":
        return d.values[0] if middle else rng.choice(d.values[:-1] if len(d.values) > 2 else d.values)
    if d.kind == "yes/no":
        return d.values[0] if middle else rng.choice(d.values)
    low, high = d.span()
    if d.kind == "whole number":
        return repr(float(round((low + high) / 2) if middle else rng.randint(math.ceil(low), math.floor(high))))
    return repr((low + high) / 2 if middle else rng.uniform(low, high))


def write_training(path: Path, drawn: tuple[Drawn, ...], classes: list[str] | None, seed: int) -> list[dict[str, str]]:
    """Rows drawn from the contract (a category's last value never, where it has three or more: unseen), written."""
    rng = random.Random(seed)
    rows = []
    for i in range(TRAINING_ROWS):
        row = {d.name: "" if d.missing and i % 7 == 3 else _training_cell(d, rng) for d in drawn}
        row["score" if classes is None else "kind"] = classes[i % len(classes)] if classes else repr(rng.uniform(0, 100))
        rows.append(row)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return rows


def asked_cells(d: Drawn, trained: list[str]) -> list[str]:
    """The cells asked of every layer for one input: the bounds, just beyond them, the training data's own ends and
    just beyond, a number's training deciles (where drift's bands meet), blanks, other cases."""
    if d.kind in ("category", "yes/no"):
        others = {v.swapcase() for v in d.values} | {v.upper() for v in d.values} | {v.lower() for v in d.values}
        return [*d.values, *sorted(others - set(d.values)), "", "maybe"]
    seen = [float(c) for c in trained if c]
    edges = [e for e in (d.low, d.high, min(seen), max(seen)) if e is not None]
    cells = {e for e in edges} | {math.nextafter(e, -math.inf) for e in edges} | {math.nextafter(e, math.inf) for e in edges}
    cells |= {e + step for e in edges for step in (-0.5, -0.1, 0.1, 0.5)}
    cells |= {float(c) for c in np.quantile(seen, np.linspace(0.1, 0.9, 9))}
    return ["", *(repr(c) for c in sorted(cells))]


CLASSES = ["Adelie", "Chinstrap", "Gentoo"]
# Cases kept as regression examples, one JSON object a line (:func:`case_line`): each a shrunk disagreement a break
# of one layer once produced, asked first on every run before anything hypothesis draws.
KEPT = Path(__file__).with_name("differential_kept.jsonl")


@st.composite
def cases(draw):
    drawn, count, seed = draw(contracts())
    classes = CLASSES[:count] if count else None
    decimals = draw(st.integers(0, 3))
    return drawn, classes, decimals, seed


def case_line(case) -> str:
    """One case as a line of :data:`KEPT` (printed with every failure, to be kept)."""
    drawn, classes, decimals, seed = case
    found = {"inputs": [asdict(d) for d in drawn], "classes": len(classes) if classes else None}
    return json.dumps(found | {"decimals": decimals, "seed": seed})


def kept_cases(path: Path = KEPT) -> list:
    """The cases of :data:`KEPT` (its ``why`` says what each once caught)."""
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        case = json.loads(line)
        drawn = tuple(Drawn(**{**d, "values": tuple(d["values"])}) for d in case["inputs"])
        found.append((drawn, CLASSES[: case["classes"]] if case["classes"] else None, case["decimals"], case["seed"]))
    return found


def with_kept(test):
    """``test`` asked every kept case first (as hypothesis examples), then what it draws."""
    for case in reversed(kept_cases()):
        test = example(case=case)(test)
    return test


def _query(row: dict[str, str]) -> bytes:
    return urlencode(list(row.items())).encode()


async def _fell_through(scope, receive, send):
    await send({"type": "http.response.start", "status": FELL_THROUGH, "headers": []})
    await send({"type": "http.response.body", "body": b""})


@SETTINGS
@with_kept
@given(case=cases())
def test_every_layer_accepts_refuses_and_answers_the_same_rows_as_the_contract_says(case):
    drawn, classes, decimals, seed = case
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        write_features(root / "features", drawn, classes, decimals)
        note((root / "features" / "model.feature").read_text(encoding="utf-8"))  # the shrunk contract, as written
        note(f"to keep this case, add to {KEPT.name} (with a 'why'): {case_line(case)}")
        event(f"{'classifier' if classes else 'regression'} of {len(drawn)} input(s)")
        for d in drawn:
            event(f"{d.kind}{', may be missing' if d.missing else ''}")
        trained = write_training(root / "train.csv", drawn, classes, seed)
        contract = read_contract(root / "features")
        data = read_training(root / "train.csv", contract)
        package(fit(estimator_for(contract), data, contract), data, contract, root / "model")
        _judge(root, drawn, classes, trained, random.Random(seed), contract)


def _judge(root: Path, drawn, classes, trained, rng: random.Random, contract) -> None:
    cells = {d.name: asked_cells(d, [row[d.name] for row in trained]) for d in drawn}
    asked = [{d.name: rng.choice(cells[d.name]) for d in drawn} for _ in range(24)]
    for d in drawn:  # every cell of every input asked at least once, the others at a trained value
        asked += [{**{o.name: trained[0][o.name] for o in drawn}, d.name: c} for c in cells[d.name]]
    refused = [{d.name for d in drawn if not d.accepts(row[d.name])} for row in asked]

    # The batch engine: every refused row named, by its input, and no other (in files of a few rows: a run keeps
    # the first hundred failures it finds).
    scorer = artifact.load(root / "model").scorer()
    by_row: dict[int, set] = {}
    for start in range(0, len(asked), CHUNK):
        write_rows(root / "asked.csv", drawn, asked[start : start + CHUNK])
        result = score_file(root / "asked.csv", root / "scored.csv", scorer)
        assert result.failures.counts.total() == len(result.failures.examples), "more failures than the examples kept"
        for failure in result.failures.examples:
            by_row.setdefault(start + failure.row, set()).add(failure.column)
    expected = {i + 1: names for i, names in enumerate(refused) if names}
    assert by_row == expected, _where(asked, by_row, expected)

    # The service: FastAPI's reader and the fast path in front of it, row by row.
    state = ModelState(root / "model")
    state.load()
    assert state.ready, state.reason
    api, fast = create_api(state), FastAnswer(_fell_through, state)
    profile = read_manifest(root / "model").training_data["profile"]
    answered = []
    for row, names in zip(asked, refused):
        slow = ask(api, "GET", state.path, _query(row))
        quick = ask(fast, "GET", state.path, _query(row))
        if names:
            assert slow.status == 422, (row, slow.body)
            assert {item["loc"][1] for item in error_items(slow.body)} == names, (row, slow.body)
        else:
            assert slow.status == 200, (row, slow.body)
            unseen = _unseen(drawn, trained, row)
            assert slow.headers["x-modelgate-extrapolated"] == str(int(bool(unseen))), (row, unseen)
            for d in drawn:  # the batch's own check, input by input
                value = _value(d, row[d.name])
                assert bool(outside(profile[d.name], np.array([value], dtype=object))[0]) == (d.name in unseen), (row, d)
            answered.append((row, json.loads(slow.body)))
        if quick.status != FELL_THROUGH:
            assert (quick.status, quick.body) == (slow.status, slow.body), row

    _selftest_agrees(root / "model", drawn, contract)

    # The accepted rows, scored as a batch file, get the service's answers.
    write_rows(root / "accepted.csv", drawn, [row for row, _ in answered])
    result = score_file(root / "accepted.csv", root / "scored.csv", scorer)
    assert result.ok, result.failures.examples
    with (root / "scored.csv").open(newline="", encoding="utf-8") as handle:
        scored = list(csv.DictReader(handle))
    _drift_agrees(root, drawn, trained, [row for row, _ in answered], rng)
    for (row, body), line in zip(answered, scored, strict=True):
        (answer,) = body["response"]
        output = "kind" if classes else "score"
        assert (line[output] if classes else float(line[output])) == answer, (row, line, body)
        if classes:
            (chances,) = body["probabilities"]
            assert {c: float(line[f"probability_{c}"]) for c in classes} == chances, (row, line, body)


def _selftest_agrees(model: Path, drawn, contract) -> None:
    """The self-test: every check but the agreed answers passes (the drawn agreed row is not judged: a classifier
    fitted on drawn labels may answer it otherwise), among them the refusal of the value it picks as not accepted,
    which the contract's words must refuse."""
    found = run_selftest(model)
    assert found.model_error is None, found.model_error
    failed = {c.name: c.failure_message or c.error_message for c in found.failures if not c.name.startswith("agreed answer")}
    assert not failed, failed
    assert any(c.name.startswith("response shape: a value not accepted") for c in found.cases), [c.name for c in found.cases]
    query, spec = refused_query(contract)
    assert not {d.name: d for d in drawn}[spec.name].accepts(dict(query)[spec.name]), query


def _drift_agrees(root: Path, drawn, trained: list[dict[str, str]], accepted: list[dict[str, str]], rng) -> None:
    """Drift, in both layers that judge it, against the bands and index computed here from the training file written
    here: the batch check of a file of the accepted rows (each band's share, and the index), and the live index on
    ``/metrics`` of the service answering them one by one in a drawn order, read after each answer once its window
    (the last DRIFT_ROWS) is full: many windows, so that a value put in the wrong band shows in some index."""
    if len(accepted) < DRIFT_ROWS:
        event("drift: too few accepted rows to judge")
        return
    accepted = rng.sample(accepted, len(accepted))
    write_rows(root / "drift.csv", drawn, accepted)
    tally = FoldedCheck(root / "drift.csv", Policy.of_model(artifact.load(root / "model")))
    result = score_file(root / "drift.csv", root / "drift-scored.csv", artifact.load(root / "model").scorer(), tally=tally)
    for d in drawn:
        cells, seen = [r[d.name] for r in accepted], [r[d.name] for r in trained]
        histogram = result.inputs["histograms"][d.name]
        assert _close(histogram["file"], _shares(d, seen, cells)), (d, histogram["file"], _shares(d, seen, cells))
        assert _close(histogram["training"], _shares(d, seen, seen)), (d, histogram["training"])
        psi = result.inputs["drift"]["by_input"][d.name]["psi"]
        assert math.isclose(psi, _index(d, seen, cells), abs_tol=1e-12), (d, psi, _index(d, seen, cells))

    app = create_app(root / "model")
    app.state.load()
    for answered, row in enumerate(accepted, 1):
        assert ask(app, "GET", app.state.path, _query(row)).status == 200, row
        if answered < DRIFT_ROWS:
            continue
        text = ask(app, "GET", "/metrics", b"").body.decode()
        live = {m[1]: float(m[2]) for m in re.finditer(r'^modelgate_input_stability_index\{input="(\w+)"\} (\S+)$', text, re.M)}
        window = accepted[answered - DRIFT_ROWS : answered]
        expected = {d.name: _index(d, [r[d.name] for r in trained], [r[d.name] for r in window]) for d in drawn}
        assert live.keys() == expected.keys(), (live, expected)
        assert all(math.isclose(live[n], expected[n], abs_tol=1e-12) for n in live), (answered, live, expected)


def _close(found: list[float], expected: list[float]) -> bool:
    return len(found) == len(expected) and all(math.isclose(a, b, abs_tol=1e-12) for a, b in zip(found, expected))


def _bands(d: Drawn, trained: list[str]):
    """An input's drift bands by the contract's rule as the README states it, in order, and the band of a cell: a
    number in ten cut at its training deciles (band i holds the values above cut i-1 and at or below cut i), a
    category by its values in the contract's order, a yes/no yes then no; a missing value, where it may be missing,
    in one band more."""
    if d.kind in ("number", "whole number"):
        cuts = np.quantile([float(c) for c in trained if c], np.linspace(0.1, 0.9, 9))
        bands: list = list(range(10))

        def band(cell: str):
            return "missing" if cell == "" else int(np.searchsorted(cuts, float(cell), side="left"))

    else:
        bands = list(d.values) if d.kind == "category" else [True, False]

        def band(cell: str):
            return "missing" if cell == "" else (cell if d.kind == "category" else cell == d.values[0])

    return bands + (["missing"] if d.missing else []), band


def _shares(d: Drawn, trained: list[str], cells: list[str]) -> list[float]:
    bands, band = _bands(d, trained)
    found = [band(c) for c in cells]
    return [sum(b == each and type(b) is type(each) for b in found) / len(cells) for each in bands]


def _index(d: Drawn, trained: list[str], cells: list[str]) -> float:
    """The population stability index of ``cells`` against the training cells over :func:`_bands`, each share floored
    at 0.01 %: the sum over the bands of (share in the cells - share in training) * ln(their ratio)."""
    total = 0.0
    for found, expected in zip(_shares(d, trained, cells), _shares(d, trained, trained)):
        actual, share = max(found, FLOOR), max(expected, FLOOR)
        total += (actual - share) * math.log(actual / share)
    return total


def write_rows(path: Path, drawn, rows: list[dict[str, str]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=[d.name for d in drawn])
        writer.writeheader()
        writer.writerows(rows)


def _value(d: Drawn, cell: str):
    if cell == "":
        return None
    if d.kind == "category":
        return cell
    if d.kind == "yes/no":
        return cell == d.values[0]
    return float(cell)


def _unseen(drawn, trained: list[dict[str, str]], row: dict[str, str]) -> set[str]:
    """The inputs of ``row`` whose value the training file written here never had (missing values are no news)."""
    found = set()
    for d in drawn:
        cell, seen = row[d.name], [r[d.name] for r in trained if r[d.name]]
        if cell == "":
            continue
        if d.kind in ("number", "whole number"):
            if not min(map(float, seen)) <= float(cell) <= max(map(float, seen)):
                found.add(d.name)
        elif d.kind == "category" and cell not in seen:
            found.add(d.name)
    return found


def _where(asked, by_row, expected) -> str:
    wrong = sorted(set(by_row) ^ set(expected) | {r for r in by_row if by_row[r] != expected.get(r)})
    return "; ".join(f"row {r} {asked[r - 1]}: batch {by_row.get(r)}, contract {expected.get(r)}" for r in wrong[:5])


def test_every_kept_case_says_why_and_reads_back_as_written():
    lines = [json.loads(line) for line in KEPT.read_text(encoding="utf-8").splitlines()]
    assert lines and all(line.pop("why", "").strip() for line in lines), "each kept case says what it once caught"
    assert [json.loads(case_line(case)) for case in kept_cases()] == lines
