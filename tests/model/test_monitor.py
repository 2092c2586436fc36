"""Outcomes, when they arrive (``modelgate monitor``): a month of real weights for people the bundled model answered,
joined to what it answered, judged week by week by the contract's typical error and its height groups. Outcomes that
drift away from the agreed error fail the weeks they drift in (JUnit naming the model) and show on the report's plot;
outcomes within the limits pass. The expected verdicts come from the generated outcomes themselves, computed here."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from modelgate.contracts.reader import read_contract
from modelgate.steps.support import FEATURES, ROOT

from modelgate.cli import main

START = dt.date(2026, 11, 2)  # a Monday: the weeks are ISO weeks 45 to 48
DAYS, PER_DAY = 28, 40


def _month(tmp_path, seed: int = 7) -> tuple:
    """Four weeks of people (the evaluation people's heights, 40 a day), with an id column as a team scores them."""
    with open(ROOT / "data" / "evaluation.csv", newline="", encoding="utf-8") as handle:
        heights = [float(r["height"]) for r in csv.DictReader(handle)]
    rng = np.random.default_rng(seed)
    rows = [(f"p{i}", heights[i % len(heights)], START + dt.timedelta(days=i // PER_DAY)) for i in range(DAYS * PER_DAY)]
    inputs = tmp_path / "inputs.csv"
    inputs.write_text("id,height\n" + "".join(f"{i},{h}\n" for i, h, _ in rows), encoding="utf-8")
    return inputs, rows, rng


def _outcomes(tmp_path, model, drift_per_day: float) -> tuple:
    """The month scored by the model, and weeks later their real weights: the answer, the scatter the data is generated
    with (12 pounds), and ``drift_per_day`` pounds more for each day since the start. Returns (scored, outcomes, the
    real misses per ISO week)."""
    inputs, rows, rng = _month(tmp_path)
    scored = tmp_path / "scored.csv"
    assert main(["score", str(inputs), str(scored), "--model", str(model), "--no-progress"]) == 0
    with open(scored, newline="", encoding="utf-8") as handle:
        answered = {r["id"]: float(r["weight"]) for r in csv.DictReader(handle)}
    outcomes, weeks = tmp_path / "outcomes.csv", {}
    lines = ["id,date,weight"]
    for (i, _, day), noise in zip(rows, rng.normal(0, 12, len(rows))):
        real = round(answered[i] + noise + drift_per_day * (day - START).days, 1)
        lines.append(f"{i},{day.isoformat()},{real}")
        weeks.setdefault(f"{day.isocalendar().year}-W{day.isocalendar().week:02d}", []).append(real - answered[i])
    outcomes.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return scored, outcomes, weeks


def _run(tmp_path, model, scored, outcomes, capsys) -> tuple[int, dict, ET.Element, str]:
    junit, out = tmp_path / "monitor.xml", tmp_path / "monitor.json"
    code = main(["monitor", str(outcomes), "--model", str(model), "--answers", str(scored), "--on", "id", "--period", "week",
                 "--junit", str(junit), "--out", str(out)])  # fmt: skip
    printed = capsys.readouterr().out
    return code, json.loads(out.read_text()), ET.parse(junit).getroot(), printed


def test_a_month_of_outcomes_that_drift_away_fails_the_weeks_they_drift_in(tmp_path, trained_model, capsys):
    scored, outcomes, weeks = _outcomes(tmp_path, trained_model, drift_per_day=0.6)
    limit = read_contract(FEATURES).typical_error.limit
    expected = {week: sum(abs(m) for m in misses) / len(misses) for week, misses in weeks.items()}
    over = {week for week, error in expected.items() if error > limit}
    assert over and len(over) < len(expected), expected  # the month starts within the agreed error and drifts out
    code, found, junit, printed = _run(tmp_path, trained_model, scored, outcomes, capsys)
    assert code == 1
    assert [p["name"] for p in found["periods"]] == sorted(expected)
    for period in found["periods"]:
        assert period["rows"] == len(weeks[period["name"]])
        assert period["measure"] == pytest.approx(expected[period["name"]], abs=1e-9)
        if period["name"] in over:
            assert not period["ok"], period
            assert f"typical error {period['measure']:.4g} pounds, agreed at most {limit:g} pounds" in period["problems"]
    failed = {c.get("name") for c in junit.iter("testcase") if c.find("failure") is not None}
    assert {re.search(r"week (\S+):", n)[1] for n in failed} >= over
    properties = {p.get("name"): p.get("value") for p in junit.iter("property")}
    manifest = json.loads((trained_model / "manifest.json").read_text())
    assert properties["model_version"] == manifest["model_version"] and properties["model_sha256"] == manifest["model"]["sha256"]
    assert "outside the contract" in printed

    # The report plots the weeks against the agreed limit, the weeks outside it marked.
    from tests.modelgate.test_report import results

    page = tmp_path / "page.html"
    main(["report", "--out", str(page), "--features", str(FEATURES), "--model", str(trained_model),
          "--monitor", str(tmp_path / "monitor.json"), *results(tmp_path)])  # fmt: skip
    section = re.search(r'<section id="monitor">.*?</section>', page.read_text()).group(0)
    assert f"<b>{sum(not p['ok'] for p in found['periods'])} outside the contract</b>" in section
    assert section.count('<td class="cat">') == len(expected) and section.count("OUTSIDE: typical error") >= len(over)
    assert section.count('fill="#c23b3b"') == sum(not p["ok"] for p in found["periods"])  # the weeks outside, marked


def test_a_month_of_outcomes_within_the_limits_passes(tmp_path, trained_model, capsys):
    scored, outcomes, _ = _outcomes(tmp_path, trained_model, drift_per_day=0.0)
    code, found, junit, printed = _run(tmp_path, trained_model, scored, outcomes, capsys)
    assert code == 0, printed
    assert all(p["ok"] for p in found["periods"]) and len(found["periods"]) == 4
    assert not [c for c in junit.iter("testcase") if c.find("failure") is not None]
    assert "every one within the contract" in printed


def test_outcomes_with_the_inputs_are_answered_again_by_the_model(tmp_path, trained_model, capsys):
    outcomes = tmp_path / "outcomes.csv"
    outcomes.write_text("date,height,weight\n2026-11-03,62.5,120\n2026-11-04,72,175\n2026-12-01,62.5,160\n", encoding="utf-8")
    assert main(["monitor", str(outcomes), "--model", str(trained_model)]) == 1
    printed = capsys.readouterr().out
    # November: |120 - 122.8307| and |175 - 170.075| give 3.878 on average; December: 160 against 122.8307
    assert "2026-12: typical error 37.17 pounds, agreed at most 11 pounds" in printed, printed
    assert "2026-11:" not in printed


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("id,date,weight\np1,30 Nov,100\n", "outcomes.csv, line 2: date '30 Nov' is not a date (2026-11-30); 1 such row(s)"),
        ("id,date,weight\nnobody,2026-11-30,100\n", "outcomes.csv, line 2: id 'nobody' is not in"),
        ("id,weight\np1,100\n", "header must name columns ['date', 'weight', 'id']; missing ['date']"),
    ],
)
def test_outcomes_that_cannot_be_joined_are_one_line(tmp_path, trained_model, capsys, text, says):
    scored = tmp_path / "scored.csv"
    scored.write_text("id,height,weight\np1,62.5,122.8307\n", encoding="utf-8")
    outcomes = tmp_path / "outcomes.csv"
    outcomes.write_text(text, encoding="utf-8")
    code = main(["monitor", str(outcomes), "--model", str(trained_model), "--answers", str(scored), "--on", "id"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and says in err and len(err.splitlines()) == 1, err


def test_a_classifiers_outcomes_are_judged_by_its_evaluation_bands(tmp_path, penguins_model, capsys):
    with open(ROOT / "examples" / "penguins" / "data" / "evaluation.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    columns = [*rows[0], "date"]
    rotate = {"Adelie": "Chinstrap", "Chinstrap": "Gentoo", "Gentoo": "Adelie"}
    for name, species in (("real", lambda s: s), ("wrong", rotate.get)):
        outcomes = tmp_path / f"{name}.csv"
        with open(outcomes, "w", newline="", encoding="utf-8") as handle:
            out = csv.DictWriter(handle, columns)
            out.writeheader()
            out.writerows({**r, "species": species(r["species"]), "date": "2026-11-15"} for r in rows)
        code = main(["monitor", str(outcomes), "--model", str(penguins_model), "--out", str(tmp_path / f"{name}.json")])
        found = json.loads((tmp_path / f"{name}.json").read_text())
        (period,) = found["periods"]
        assert found["measure"] == "accuracy" and found["limit"] == 0.95  # the band on the evaluation penguins
        if name == "real":
            assert code == 0 and period["ok"] and period["metrics"]["accuracy"] >= 0.95, period
        else:
            assert code == 1 and any(p.startswith("accuracy 0.0") for p in period["problems"]), period
    capsys.readouterr()
