"""contracts.facts: the one comparison of each agreed fact, at and beside its limit; and the self-test and the report,
which call them, give the same verdict as ``GoldenCase.met_by`` on answers exactly at, and just beyond, the tolerance."""

from __future__ import annotations

import math
import re
import shutil
from decimal import Decimal

from modelgate.contracts.facts import (
    FALLS,
    REFUSED,
    RISES,
    STABLE,
    TOO_FEW,
    WARNING,
    Band,
    CalibrationLimit,
    ChampionMargin,
    DriftLimits,
    GoldenCase,
    Monotonic,
    OutputBounds,
    TypicalError,
    exact,
)
from modelgate.model import artifact
from modelgate.steps.support import FEATURES, TRAINING_DATA, train_into

from modelgate.cli import main
from modelgate.selftest import run_selftest

NAN, INF = math.nan, math.inf


def test_an_answer_exactly_the_tolerance_away_meets_it_and_nothing_beyond_does():
    case = GoldenCase((138.0,), 498.2981, 0.0001)
    # As floats 498.2982 - 498.2981 is 1.0000000003e-04, more than 0.0001: the decimals written decide.
    assert 498.2982 - 498.2981 > 0.0001
    assert case.met_by(498.2982) and case.met_by(498.2980) and case.met_by(498.2981)
    assert not case.met_by(498.2983) and not case.met_by(498.29795) and not case.met_by(498.29825)
    assert not case.met_by(NAN) and not case.met_by(INF) and not case.met_by(-INF)


def test_an_agreed_row_of_several_inputs_is_met_the_same_way():
    case = GoldenCase((36.0, "1", None, True), 89.43, 0.01)
    assert case.met_by(89.44) and case.met_by(89.42) and not case.met_by(89.45) and not case.met_by(89.4199)
    assert GoldenCase((1.0,), -2.5, 0.0).met_by(-2.5) and not GoldenCase((1.0,), -2.5, 0.0).met_by(-2.5000001)


def test_a_float_is_the_decimal_it_is_written_as():
    assert exact(0.0001) == Decimal("0.0001") and exact(498.2981) == Decimal("498.2981") and exact(1) == Decimal("1.0")


def test_the_band_and_the_bounds_include_their_ends_and_nothing_outside():
    for fact in (Band(0.6, 0.95), OutputBounds(0.6, 0.95)):
        assert fact.contains(0.6) and fact.contains(0.95) and fact.contains(0.8)
        beside = [math.nextafter(0.6, -INF), math.nextafter(0.95, INF), NAN, INF, -INF]
        assert [fact.contains(v) for v in beside] == [False] * len(beside)


def test_the_typical_error_is_at_most_its_limit():
    limit = TypicalError(11.0)
    assert limit.met_by(11.0) and limit.met_by(0.0) and limit.met_by(9.44)
    assert not limit.met_by(math.nextafter(11.0, INF)) and not limit.met_by(-0.1) and not limit.met_by(NAN)


def test_the_champion_margin_allows_exactly_the_margin_worse():
    margin = ChampionMargin(0.5)
    assert margin.allows(9.0, 9.5) and margin.allows(9.0, 3.0) and margin.allows(9.0, 9.0)
    assert not margin.allows(9.0, 9.5000001) and not margin.allows(NAN, 9.0) and not margin.allows(9.0, INF)
    assert not margin.allows(9.0, -INF) and not margin.allows(9.0, NAN)  # no error measured is no error at all


def test_the_calibration_limit_includes_its_end_and_nothing_beyond():
    limit = CalibrationLimit(0.05)
    assert limit.met_by(0.05) and limit.met_by(0.0) and limit.met_by(0.0314)
    assert not limit.met_by(math.nextafter(0.05, INF)) and not limit.met_by(-0.01) and not limit.met_by(NAN)


def test_a_direction_holds_for_equal_answers_and_only_one_way():
    assert Monotonic("height", RISES).holds(1.0, 1.0) and Monotonic("height", RISES).holds(1.0, 2.0)
    assert not Monotonic("height", RISES).holds(2.0, math.nextafter(2.0, -INF))
    assert Monotonic("age", FALLS).holds(2.0, 1.0) and not Monotonic("age", FALLS).holds(1.0, math.nextafter(1.0, INF))


def test_the_drift_verdict_at_and_beside_each_level():
    limits = DriftLimits(0.1, 0.25, 100)
    below = [math.nextafter(0.1, -INF), 0.1, math.nextafter(0.25, -INF), 0.25, 9.0, NAN, INF]
    assert [limits.verdict(p, 100) for p in below] == [STABLE, WARNING, WARNING, REFUSED, REFUSED, REFUSED, REFUSED]
    assert limits.verdict(9.0, 99) == TOO_FEW and limits.verdict(0.0, 0) == TOO_FEW and limits.verdict(0.0, 101) == STABLE


# -- the consumers give met_by's verdict -----------------------------------------------------------------------------
def _moved_features(folder, answers: dict[float, float]):
    """The bundled features with 138's agreed weight exactly the tolerance from the model's answer, 140's twice that."""
    shutil.copytree(FEATURES, folder)
    scoring = folder / "scoring.feature"
    text = scoring.read_text()
    (tolerance,) = re.findall(r"give or take ([0-9.]+)", text)
    for height, steps in ((138.0, 1), (140.0, 2)):
        moved = Decimal(repr(answers[height])) + steps * Decimal(tolerance)
        text = re.sub(rf"(\|\s*{height:g}\s*\|\s*)[0-9.]+", rf"\g<1>{moved}", text)
    scoring.write_text(text)
    return folder


def test_selftest_and_report_agree_with_met_by_at_the_tolerance(trained_model, tmp_path, capsys):
    answers = dict(
        zip((138.0, 140.0), artifact.load(trained_model).scorer().predict_rows([{"height": 138.0}, {"height": 140.0}]))
    )
    features = _moved_features(tmp_path / "features", {h: float(a) for h, a in answers.items()})
    model = train_into(tmp_path / "model", features, TRAINING_DATA)
    cases = {c.values[0]: c for c in artifact.load(model).contract.golden}
    assert cases[138.0].met_by(answers[138.0]) and not cases[140.0].met_by(answers[140.0])

    result = run_selftest(model)
    failed = [c.name for c in result.failures]
    assert failed == ["agreed answer: height=140.0"], failed

    out = tmp_path / "page.html"
    main(["report", "--out", str(out), "--features", str(features), "--model", str(model)])
    capsys.readouterr()
    html = out.read_text()
    assert html.count(">within<") == len(cases) - 1 and html.count(">outside<") == 1
    (row_140,) = [row for row in html.split("<tr>") if row.startswith('<td class="num">140')]
    assert ">outside<" in row_140, row_140


def test_the_bundled_agreed_answers_are_met_by_the_model_trained_from_the_bundled_data(trained_model):
    """The bundled features and data agree: every agreed weight is met by the model the data trains."""
    loaded = artifact.load(trained_model)
    contract = loaded.contract
    answers = loaded.scorer().predict_rows([dict(zip(contract.names, g.values)) for g in contract.golden])
    assert [g.values for g, a in zip(contract.golden, answers) if not g.met_by(float(a))] == []
