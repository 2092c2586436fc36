"""``modelgate report`` for a classifier (the penguins example): its agreed quality each met or not, its errors class by
class as a confusion matrix in the reviewer's class names, a reliability diagram, and the agreed species.

Every expected number is computed here, apart from the report: the cross-validated answers refitted with scikit-learn's
own KFold and clone (the folds and the seed read from the model's record), the evaluation rows read with the csv module
and answered by the shipped model's scorer, and the counts, metrics and calibration bins by this file's own arithmetic.
"""

from __future__ import annotations

import csv
import math
import re
import shutil
from collections import Counter
from html import unescape
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from modelgate.model import artifact
from modelgate.model.scorer import columns_of
from modelgate.steps.support import ROOT, load_script
from sklearn.base import clone
from sklearn.model_selection import KFold

from modelgate.cli import main
from tests.modelgate.test_report import FAILED_GATE, assert_plots_alike, headline, results

EXAMPLE = ROOT / "examples" / "penguins"
COPIED = ("model.feature", "scoring.feature")  # the declaration and the agreed species, as the example states them
SPECIES = "species"
# What the quality feature agrees (its numbers are this test's): one band on rows the model was not trained on, one on
# the evaluation rows, the margin over the most-frequent-class baseline and the calibration limit.
AGREED = {"accuracy": (0.9, 1.0), "macro F1": (0.9, 1.0), "margin": 0.3, "ece": 0.1}
MISSED = {"accuracy": (0.1, 0.2), "macro F1": (0.1, 0.2), "margin": 0.99, "ece": 0.0001}  # no penguin model meets these
QUALITY = """@model
Feature: Penguin species quality
  Scenario: The model tells the species apart on penguins it was not trained on
    Given the model under test
    Then its accuracy on penguins it was not trained on is between {accuracy[0]} and {accuracy[1]}
    And its macro F1 on the evaluation penguins is between {macro F1[0]} and {macro F1[1]}
    And its accuracy on penguins it was not trained on beats always answering the most frequent species by at least {margin}
    And its expected calibration error on penguins it was not trained on is at most {ece}
"""


# A Gentoo-like penguin agreed to be an Adelie: an agreed row the model cannot meet, so the table must show its own
# species and its probability of the agreed one.
DISAGREED = """@api
Feature: A penguin agreed another species
  Scenario Outline: A penguin agreed another species than the model gives it
    When a client asks for the species of the penguin
    Then the answer is <species>, its probability <probability> give or take 0.01

    Examples:
      | island | sex    | bill_length_mm | bill_depth_mm | flipper_length_mm | body_mass_g | species | probability |
      | Biscoe | female | 47             | 14.5          | 215               | 4500        | Adelie  | 0.5         |
"""


def _example(root: Path, agreed: dict, *extra: tuple[str, str]) -> tuple[Path, Path]:
    """The penguins example in a team's layout (features/, data/ beside it) with ``agreed`` quality, and its model
    fitted by the example's own script and packaged with these features."""
    from modelgate.contracts.reader import read_contract
    from modelgate.model.package import package
    from modelgate.model.train import read_training

    features, data = root / "features", root / "data"
    features.mkdir(parents=True)
    for name in COPIED:
        shutil.copy(EXAMPLE / "features" / name, features / name)
    (features / "quality.feature").write_text(QUALITY.format_map(agreed))
    for name, text in extra:
        (features / name).write_text(text)
    shutil.copytree(EXAMPLE / "data", data, ignore=shutil.ignore_patterns("*.py"))
    contract = read_contract(features)
    model = root / "model"
    package(load_script(EXAMPLE / "train_model.py").fit(), read_training(data / "penguins.csv", contract), contract, model)
    return features, model


@pytest.fixture(scope="module")
def agreed_example(tmp_path_factory):
    return _example(tmp_path_factory.mktemp("penguins"), AGREED)


@pytest.fixture(scope="module")
def missed_example(tmp_path_factory):
    return _example(tmp_path_factory.mktemp("penguins-missed"), MISSED, ("disagreed.feature", DISAGREED))


def page(tmp_path, example, gate=None) -> str:
    features, model = example
    tmp_path.mkdir(parents=True, exist_ok=True)
    out = tmp_path / "page.html"
    extra = results(tmp_path, gate) if gate else results(tmp_path)
    assert main(["report", "--out", str(out), "--features", str(features), "--model", str(model), *extra]) == 0
    return out.read_text()


# -- the answers, computed here ------------------------------------------------------------------------------------------


def cross_validated(model: Path, data: Path) -> tuple[list[str], list[str], np.ndarray]:
    """(true species, answered species, probabilities in the contract's class order, rounded as served) of the
    training rows, each answered by a clone of the shipped estimator refitted on the other folds."""
    loaded = artifact.load(model)
    classes, decimals = list(loaded.contract.output.classes), loaded.contract.output.decimals
    cv = loaded.manifest.metrics["cv"]
    frame = pd.read_csv(data)
    rows, truth = frame.drop(columns=[SPECIES]), frame[SPECIES].to_numpy()
    found = np.empty((len(frame), len(classes)))
    for kept, held in KFold(cv["folds"], shuffle=True, random_state=cv["seed"]).split(rows):
        fold = clone(loaded.estimator).fit(rows.iloc[kept], truth[kept])
        order = [list(fold.classes_).index(c) for c in classes]
        found[held] = fold.predict_proba(rows.iloc[held])[:, order]
    found = np.round(found, decimals)
    return truth.tolist(), [classes[i] for i in np.argmax(found, axis=1)], found


def evaluated(model: Path, data: Path) -> tuple[list[str], list[str], np.ndarray]:
    """The evaluation rows, read with the csv module, as the shipped model's scorer answers them."""
    loaded = artifact.load(model)
    with data.open(newline="") as handle:
        read = list(csv.DictReader(handle))
    rows = []
    for line in read:
        row: dict[str, object] = {}
        for spec in loaded.contract.inputs:
            cell = line[spec.name]
            row[spec.name] = None if cell == "" else (float(cell) if spec.numeric else cell)
        rows.append(row)
    labels, probabilities = loaded.scorer().classify(columns_of(loaded.contract, rows))
    return [line[SPECIES] for line in read], labels.tolist(), probabilities


def counts(classes, truth, answered) -> list[list[int]]:
    pairs = Counter(zip(truth, answered))
    return [[pairs[(t, a)] for a in classes] for t in classes]


def macro_f1(matrix: list[list[int]]) -> float:
    size = len(matrix)
    scores = []
    for c in range(size):
        hit = matrix[c][c]
        wrong = sum(matrix[c]) - hit + sum(matrix[t][c] for t in range(size)) - hit
        scores.append(2 * hit / (2 * hit + wrong) if hit + wrong else 0.0)
    return sum(scores) / size


def calibration(classes, truth, answered, probabilities) -> list[tuple[int, float, float]]:
    """Per bin of 0.1 of the answered species' probability (p in bin ceil(10 p) - 1, 0 in the first): rows, mean
    probability, share answered right."""
    bins: dict[int, list[tuple[float, bool]]] = {}
    for t, a, p in zip(truth, answered, probabilities):
        sure = float(p[classes.index(a)])
        bins.setdefault(min(max(math.ceil(sure * 10) - 1, 0), 9), []).append((sure, t == a))
    return [
        (len(bins[b]), sum(s for s, _ in bins[b]) / len(bins[b]), sum(r for _, r in bins[b]) / len(bins[b]))
        if b in bins
        else (0, math.nan, math.nan)
        for b in range(10)
    ]


def ece(bins) -> float:
    total = sum(n for n, _, _ in bins)
    return sum(n / total * abs(right - sure) for n, sure, right in bins if n)


# -- what the page shows -------------------------------------------------------------------------------------------------


def cells(row: str) -> list[str]:
    return [unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)]


def table_rows(html: str, css: str) -> list[list[str]]:
    """The body rows of the one table of class ``css``, as cell texts."""
    (table,) = re.findall(rf'<table class="{css}">(.*?)</table>', html, re.S)
    return [cells(row) for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table.split("<tbody>")[1], re.S)]


def confusions(html: str) -> dict[str, list[list[str]]]:
    """Each confusion table by the first words of its caption."""
    found = re.findall(r'<figure><figcaption>(.*?)</figcaption><table class="confusion">(.*?)</table>', html, re.S)
    return {unescape(caption): [cells(r) for r in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)] for caption, body in found}


def reliability(html: str) -> dict[str, tuple[str, str]]:
    """Each reliability diagram by its title: (its caption's note, its SVG)."""
    found = re.findall(r"<figure><figcaption>Reliability: ([^<]+)<span>([^<]+)</span></figcaption>(<svg.*?</svg>)", html, re.S)
    return {title: (unescape(note), svg) for title, note, svg in found}


TIP = re.compile(
    r"probability (?:0|above [0-9.]+) to ([0-9.]+): ([0-9]+) rows, mean probability ([0-9.]+), answered right ([0-9.]+)%"
)


def drawn_bins(svg: str) -> list[tuple[int, int, float, float, float, float]]:
    """(bin, rows, mean probability, share right, cx, cy) of each dot, from its tooltip and position."""
    found = []
    for cx, cy, tip in re.findall(r'<circle class="bin" cx="([0-9.]+)" cy="([0-9.]+)"[^>]*><title>([^<]+)</title>', svg):
        high, rows, sure, right = TIP.fullmatch(unescape(tip)).groups()
        found.append((round(float(high) * 10) - 1, int(rows), float(sure), float(right) / 100, float(cx), float(cy)))
    return found


def percent(part: int, whole: int) -> str:
    return f"{part / whole:.1%}"


# -- the tests -----------------------------------------------------------------------------------------------------------


def test_the_agreed_quality_is_shown_each_met_or_not_on_numbers_computed_apart(tmp_path, agreed_example):
    features, model = agreed_example
    html = page(tmp_path, agreed_example)
    assert headline(html) == "Release gate passed"
    classes = list(artifact.load(model).contract.output.classes)
    data = features.parent / "data"
    truth, answered, probabilities = cross_validated(model, data / "penguins.csv")
    matrix = counts(classes, truth, answered)
    accuracy = sum(matrix[i][i] for i in range(len(classes))) / len(truth)
    evaluation = counts(classes, *evaluated(model, data / "evaluation.csv")[:2])
    baseline = _baseline_accuracy(model, data / "penguins.csv")
    error = ece(calibration(classes, truth, answered, probabilities))
    low, high = AGREED["accuracy"]
    f1_low, f1_high = AGREED["macro F1"]
    expected = [
        ("accuracy", f"{accuracy:.4f}", low <= accuracy <= high),
        ("macro F1", f"{macro_f1(evaluation):.4f}", f1_low <= macro_f1(evaluation) <= f1_high),
        (
            "accuracy better than",
            f"{accuracy:.4f} against the baseline's {baseline:.4f}",
            accuracy - baseline >= AGREED["margin"],
        ),
        ("expected calibration error", f"{error:.4f}", error <= AGREED["ece"]),
    ]
    shown = table_rows(html, "agreed")
    assert len(shown) == len(expected)
    for (what, _, found, verdict), (name, value, ok) in zip(shown, expected):
        assert what.startswith(name) and found.startswith(value), (what, found, value)
        assert verdict == ("met" if ok else "not met"), what
    assert "evaluation rows" in shown[1][1] and "not trained on" in shown[0][1]
    met = sum(ok for *_, ok in expected)
    assert f'<div class="big">{met} / 4</div><div class="what">agreed quality met</div>' in html


def _baseline_accuracy(model: Path, data: Path) -> float:
    """Always answering the most frequent species of the rows each fold is fitted on (the first stated on a tie)."""
    loaded = artifact.load(model)
    classes, cv = list(loaded.contract.output.classes), loaded.manifest.metrics["cv"]
    truth = pd.read_csv(data)[SPECIES].to_numpy()
    right = 0
    for kept, held in KFold(cv["folds"], shuffle=True, random_state=cv["seed"]).split(truth):
        seen = Counter(truth[kept].tolist())
        most = max(classes, key=lambda c: (seen[c], -classes.index(c)))
        right += sum(1 for t in truth[held] if t == most)
    return right / len(truth)


def test_a_band_the_model_misses_is_shown_not_met_and_a_failed_gate_stays_the_headline(tmp_path, missed_example):
    html = page(tmp_path, missed_example, FAILED_GATE)
    assert headline(html) == "Release gate failed"
    assert "required suite bdd has no results" in html
    verdicts = [row[-1] for row in table_rows(html, "agreed")]
    assert verdicts == ["not met"] * 4
    assert '<div class="tile failed"><div class="big">0 / 4</div><div class="what">agreed quality met</div>' in html
    assert f"the agreed at most {MISSED['ece']:g} is NOT met" in html


def test_the_confusion_matrices_are_the_counts_of_the_answers_in_the_species_names(tmp_path, agreed_example):
    features, model = agreed_example
    html = page(tmp_path, agreed_example)
    classes = list(artifact.load(model).contract.output.classes)
    data = features.parent / "data"
    truth, answered, _ = cross_validated(model, data / "penguins.csv")
    expected = {
        "The 260 training rows": counts(classes, truth, answered),
        "The 84 evaluation rows": counts(classes, *evaluated(model, data / "evaluation.csv")[:2]),
    }
    shown = confusions(html)
    assert len(shown) == 2
    for (caption, table), (start, matrix) in zip(shown.items(), expected.items()):
        assert caption.startswith(start), caption
        head, *body, precision = table
        assert head[1:] == [*classes, "rows", "recall"]
        assert [row[0] for row in body] == classes  # rows: the true species, columns: the species answered
        for t, row in enumerate(body):
            assert [int(n) for n in row[1 : 1 + len(classes)]] == matrix[t], (caption, classes[t])
            assert row[-2:] == [str(sum(matrix[t])), percent(matrix[t][t], sum(matrix[t]))]
        column = [sum(matrix[t][a] for t in range(len(classes))) for a in range(len(classes))]
        assert precision[1 : 1 + len(classes)] == [percent(matrix[a][a], column[a]) for a in range(len(classes))]


def test_the_reliability_diagrams_draw_the_bins_of_the_rows_they_name(tmp_path, agreed_example):
    features, model = agreed_example
    html = page(tmp_path, agreed_example)
    assert_plots_alike(html)
    classes = list(artifact.load(model).contract.output.classes)
    data = features.parent / "data"
    answers = {
        "rows not trained on": (cross_validated(model, data / "penguins.csv"), "the 260 training rows"),
        "evaluation rows": (evaluated(model, data / "evaluation.csv"), "the 84 evaluation rows"),
    }
    shown = reliability(html)
    assert list(shown) == list(answers)
    for title, ((truth, answered, probabilities), rows) in answers.items():
        note, svg = shown[title]
        bins = calibration(classes, truth, answered, probabilities)
        assert note.startswith(f"Drawn from {rows}") and f"expected calibration error {ece(bins):.4f}." in note
        # The dashed diagonal runs from (0, 0) to (1, 1): the scale every dot is placed on.
        (diagonal,) = re.findall(r'<polyline points="([0-9.]+),([0-9.]+) ([0-9.]+),([0-9.]+)"[^>]*stroke-dasharray', svg)
        x0, y0, x1, y1 = map(float, diagonal)
        drawn = drawn_bins(svg)
        assert [b for b, *_ in drawn] == [b for b, (n, _, _) in enumerate(bins) if n]
        for index, rows_in, sure, right, cx, cy in drawn:
            count, mean, share = bins[index]
            assert rows_in == count and abs(sure - mean) < 5e-4 and abs(right - share) < 5e-4, title
            assert abs(cx - (x0 + mean * (x1 - x0))) < 0.15 and abs(cy - (y0 + share * (y1 - y0))) < 0.15, title
    truth, answered, probabilities = answers["rows not trained on"][0]
    recorded = artifact.load(model).manifest.metrics["cv"]["expected calibration error"]
    assert abs(recorded - ece(calibration(classes, truth, answered, probabilities))) < 1e-12
    assert f"is {recorded:.4f} (recorded at packaging): the agreed at most {AGREED['ece']:g} is met" in html


def written_rows(feature: Path) -> tuple[list[dict[str, str]], float]:
    """Every agreed row of a feature's tables as the reviewers wrote it (by its table's header), and the tolerance."""
    text = feature.read_text()
    (tolerance,) = {float(n) for n in re.findall(r"give or take ([0-9.]+)", text)}
    rows, head = [], None
    for line in text.splitlines():
        if not line.strip().startswith("|"):
            head = None
            continue
        found = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if head is None:
            head = found
        else:
            rows.append(dict(zip(head, found)))
    return rows, tolerance


def assert_agreed_species(html: str, features: Path, model: Path) -> None:
    """Every agreed row of the features' tables, as the page lists it: the agreed species and probability as written,
    the species the model answers and its probability of the agreed one (from the scorer), met or not."""
    loaded = artifact.load(model)
    contract, decimals = loaded.contract, loaded.contract.output.decimals
    classes, names = list(contract.output.classes), contract.names
    written = []
    for feature in sorted(features.glob("*.feature")):
        if "give or take" in feature.read_text():
            written += _with_tolerance(feature)
    shown = table_rows(html, "golden")
    assert len(shown) == len(written) == len(contract.golden)
    by_inputs = {tuple(row[: len(names)]): row for row in shown}  # a missing value shows as "missing"
    for line, tolerance in written:
        values = {k: (None if line[k] == "" else (float(line[k]) if contract.input(k).numeric else line[k])) for k in names}
        (label,), (found,) = loaded.scorer().classify(columns_of(contract, [values]))
        row = by_inputs[tuple(line[k] or "missing" for k in names)]
        species, probability = line[SPECIES], line.get("probability", "")
        mine = float(found[classes.index(species)])
        ok = label == species and (probability == "" or abs(mine - float(probability)) <= tolerance + 1e-12)
        agreed = f"{float(probability):.{decimals}f} ± {tolerance:g}" if probability else "–"
        assert row[len(names) :] == [species, agreed, label, f"{mine:.{decimals}f}", "met" if ok else "not met"], line
    met = sum(1 for r in shown if r[-1] == "met")
    state = "passed" if met == len(written) else "failed"
    assert f'<div class="tile {state}"><div class="big">{met} / {len(written)}</div><div class="what">agreed answers met' in html


def _with_tolerance(feature: Path) -> list[tuple[dict[str, str], float]]:
    rows, tolerance = written_rows(feature)
    return [(row, tolerance) for row in rows if SPECIES in row]


def test_the_agreed_species_are_judged_on_the_models_own_answers(tmp_path, agreed_example, missed_example):
    assert_agreed_species(page(tmp_path / "agreed", agreed_example), *agreed_example)
    html = page(tmp_path / "missed", missed_example)
    assert_agreed_species(html, *missed_example)
    (disagreed,) = [row for row in table_rows(html, "golden") if row[2:6] == ["47", "14.5", "215", "4500"]]
    assert disagreed[6:8] == ["Adelie", "0.5000 ± 0.01"] and disagreed[8] != "Adelie" and disagreed[-1] == "not met"


def test_the_species_answered_for_a_batch_are_judged_against_those_answered_for_the_training_rows(tmp_path, agreed_example):
    features, model = agreed_example
    html = page(tmp_path, agreed_example)
    loaded = artifact.load(model)
    classes = list(loaded.contract.output.classes)
    batch = features.parent / "data" / "sample_input.csv"
    with batch.open(newline="") as handle:
        read = list(csv.DictReader(handle))
    rows = [{k: (None if v == "" else (float(v) if loaded.contract.input(k).numeric else v)) for k, v in r.items()} for r in read]
    labels, _ = loaded.scorer().classify(columns_of(loaded.contract, rows))
    answered = Counter(labels.tolist())
    shares = [answered[c] / len(rows) for c in classes]
    recorded = loaded.manifest.metrics["classes"]["answered"]  # the training rows' answers, as packaging recorded them
    psi = sum((max(a, 1e-4) - max(e, 1e-4)) * math.log(max(a, 1e-4) / max(e, 1e-4)) for a, e in zip(shares, recorded))
    risk = html[html.index('id="risk"') : html.index('id="record"')]
    assert f"<tr><td>answered {SPECIES}</td><td class='num'>–</td><td class='num'>{psi:.3f}</td>" in risk
    plot = risk.split(f'aria-label="drift: answered {SPECIES}, training against the batch">')[1].split("</svg>")[0]
    tips = re.findall(r"<title>([^<]+): ([0-9.]+)% of the batch&#x27;s rows</title>", plot)
    assert tips == [(c, f"{share * 100:.1f}") for c, share in zip(classes, shares)]
