"""The report's first screen for a reviewer: a first release says it was not compared with a production model, the
model's card (what it is for, its owner) opens the page, and the sign-offs with the contract's changes since."""

from __future__ import annotations

import re

from modelgate.steps.support import ROOT

from modelgate.cli import main
from tests.modelgate.test_report import results

FIRST = (
    '<testsuite name="bdd" tests="1"><testcase classname="risk" name="test_not_worse"><properties>'
    '<property name="first_release" value="first release: not compared with a production model"/>'
    "</properties></testcase></testsuite>"
)


def header(html: str) -> str:
    return re.search(r'<header class="top">.*?</header>', html).group(0)


def test_a_first_release_is_said_in_the_headline_and_the_risk_section(tmp_path, trained_model, capsys):
    args = ["--features", str(ROOT / "features"), "--model", str(trained_model), *results(tmp_path)]
    (tmp_path / "junit" / "bdd.xml").write_text(FIRST)
    out = tmp_path / "page.html"
    assert main(["report", "--out", str(out), *args]) == 0, capsys.readouterr().err
    html = out.read_text()
    assert "first release: not compared with a production model (1 test(s) in bdd)" in header(html)
    risk = html[html.index('id="risk"') : html.index('id="record"')]
    assert "first release: not compared with a production model" in risk


def test_a_compared_release_has_no_first_release_headline(tmp_path, trained_model, capsys):
    args = ["--features", str(ROOT / "features"), "--model", str(trained_model), *results(tmp_path)]
    out = tmp_path / "page.html"
    assert main(["report", "--out", str(out), *args]) == 0, capsys.readouterr().err
    assert "first release" not in header(out.read_text())


def first_section(html: str) -> str:
    return re.search(r"<main>.*?<section[^>]*>.*?</section>", html).group(0)


def test_the_first_section_is_the_models_card_naming_its_purpose_and_owner(tmp_path, trained_model, capsys):
    from modelgate.contracts.reader import read_contract

    args = ["--features", str(ROOT / "features"), "--model", str(trained_model), *results(tmp_path)]
    out = tmp_path / "page.html"
    assert main(["report", "--out", str(out), *args]) == 0, capsys.readouterr().err
    first = first_section(out.read_text())
    card = read_contract(ROOT / "features").card
    assert 'id="card"' in first
    assert "<dt>What it is for</dt><dd>Showing how a model&#x27;s release is gated on its contract" in first
    assert f"<dt>Owner</dt><dd>{card.owner.replace(chr(39), '&#x27;')}</dd>" in first
    assert "<dt>Trained on</dt><dd>240 generated people, not real ones" in first
    assert "<dt>Not to be used for</dt>" in first and "<dt>Known limitations</dt>" in first


def test_the_report_shows_who_signed_when_against_which_model_and_what_moved_since(tmp_path, trained_model, capsys):
    import shutil

    from modelgate.model.manifest import read_manifest

    features = tmp_path / "copy" / "features"
    shutil.copytree(ROOT / "features", features, ignore=shutil.ignore_patterns("signoffs.jsonl"))
    shutil.copytree(ROOT / "data", tmp_path / "copy" / "data")
    args = ["signoff", "--features", str(features), "--model", str(trained_model), "--by", "Ada Lovelace", "--role", "model risk"]
    assert main(args) == 0
    scoring = features / "scoring.feature"
    scoring.write_text(scoring.read_text().replace("| 72     | 170.075  |", "| 72     | 171.5    |"))
    out = tmp_path / "page.html"
    main(["report", "--out", str(out), "--features", str(features), "--model", str(trained_model), *results(tmp_path)])
    html = out.read_text()
    signed = re.search(r'<section id="signoff">.*?</section>', html).group(0)
    assert html.index('id="card"') < html.index('id="signoff"') < html.index('class="tiles"')  # the first screen
    assert "<dt>Signed by</dt><dd>Ada Lovelace, model risk</dd>" in signed
    assert f"<dt>Against model</dt><dd>{read_manifest(trained_model).model_version}</dd>" in signed
    assert re.search(r"<dt>When</dt><dd>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ</dd>", signed)
    assert "The features changed since this sign-off." in signed
    assert "<li>agreed weight for height=72.0: 170.075 → 171.5 pounds</li>" in signed


def test_features_nobody_signed_say_so_on_the_page(tmp_path, trained_model, capsys):
    import shutil

    features = tmp_path / "features"
    shutil.copytree(ROOT / "features", features, ignore=shutil.ignore_patterns("signoffs.jsonl"))
    out = tmp_path / "page.html"
    main(["report", "--out", str(out), "--features", str(features), "--model", str(trained_model), *results(tmp_path)])
    assert "Nobody has signed these features off." in out.read_text()


def _section(html: str, name: str) -> str:
    found = re.search(rf'<section id="{name}">.*?</section>', html)
    return found.group(0) if found else ""


def test_the_report_shows_what_moved_in_the_contract_since_the_model_in_production(tmp_path, trained_model, capsys):
    """The page a reviewer reads before signing again: production → this model, each fact that moved, in the words
    of the sign-off; the same contract says so; no production model, no section."""
    import shutil

    from modelgate.steps.support import TRAINING_DATA

    features = tmp_path / "production" / "features"
    shutil.copytree(ROOT / "features", features, ignore=shutil.ignore_patterns("signoffs.jsonl"))
    quality = features / "quality.feature"
    quality.write_text(quality.read_text().replace("between 0.60 and 0.95", "between 0.55 and 0.95"))
    risk = features / "risk.feature"
    risk.write_text(risk.read_text().replace("at least 25 and at most 600 pounds", "at least 20 and at most 650 pounds"))
    production = tmp_path / "production" / "model"
    assert main(["train", "--features", str(features), "--data", str(TRAINING_DATA), "--out", str(production)]) == 0
    capsys.readouterr()

    def page(against) -> str:
        out = tmp_path / "page.html"
        options = ["--production-model", str(against)] if against else []
        base = ["report", "--out", str(out), "--features", str(ROOT / "features"), "--model", str(trained_model)]
        (tmp_path / "junit").exists() and shutil.rmtree(tmp_path / "junit")
        main([*base, *options, *results(tmp_path)])
        return out.read_text()

    since = _section(page(production), "since-production")
    assert "2 fact(s) of the contract moved, production → this model" in since
    assert "<li>the R² band: 0.55 to 0.95 → 0.6 to 0.95</li>" in since
    assert "<li>the plausible answers: 20 to 650 → 25 to 600</li>" in since
    assert "no agreed answer, band, limit or input moved" in _section(page(trained_model), "since-production")
    assert _section(page(None), "since-production") == ""
