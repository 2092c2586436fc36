"""The report's first screen for a reviewer: a first release says it was not compared with a production model, the
model's card (what it is for, its owner) opens the page, and the sign-offs with the contract's changes since."""

from __future__ import annotations

import re

from modelgate.cli import main
from steps.support import ROOT
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
