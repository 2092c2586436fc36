"""Break the model on purpose and see the model-risk contract fail: a model trained on shuffled weights
fails the champion/challenger comparison (scenario, command and gate), naming both errors in pounds; a
model with a falling line fails monotonicity, one with absurd weights the weight bounds; a batch of
heights in centimetres is refused for drift while one drawn like the training data is scored. The
bundled model passes against itself."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from modelgate.contracts.ranges import HEIGHT
from modelgate.contracts.risk import accepted_heights, champion_margin, drift_limits, typical_error, weight_bounds
from modelgate.model import artifact
from sklearn.linear_model import LinearRegression

from modelgate.cli import main
from steps import support
from steps.support import FEATURES, ROOT, TRAINING_DATA, bundled_model

EVALUATION = ROOT / "data" / "evaluation.csv"


def test_the_accepted_heights_the_feature_states_are_the_ones_the_code_enforces():
    assert accepted_heights(FEATURES) == HEIGHT
    assert HEIGHT.contains(138) and HEIGHT.contains(140)


def test_the_risk_numbers_are_read_from_the_features():
    assert typical_error(FEATURES).limit == 11
    assert champion_margin(FEATURES).margin == 0.5
    assert (weight_bounds(FEATURES).low, weight_bounds(FEATURES).high) == (25, 600)
    limits = drift_limits(FEATURES)
    assert (limits.warn, limits.refuse, limits.min_rows) == (0.1, 0.25, 100)
    assert [limits.verdict(p, 100) for p in (0.05, 0.1, 0.25, float("nan"))] == ["stable", "warning", "refused", "refused"]
    assert limits.verdict(9.0, 99) == "too few heights"


@pytest.fixture(scope="module")
def shuffled_model(tmp_path_factory) -> Path:
    return support.shuffled_model(tmp_path_factory.mktemp("shuffled"))


def _line_model(folder: Path, intercept: float, slope: float) -> Path:
    """A model that is the line ``intercept + slope · height`` (trained on two points of it)."""
    x = np.array([[60.0], [70.0]])
    estimator = LinearRegression().fit(x, intercept + slope * x[:, 0])
    training = dict(artifact.read_manifest(_bundled())["training_data"])
    artifact.save(estimator, folder, training=training, metrics={"r2_train": 0.8})
    return folder


def _bundled() -> Path:
    return bundled_model()


def _steps(*args: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "steps/test_risk.py", *args]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)


def test_the_bundled_model_is_not_worse_than_itself(tmp_path, capsys):
    assert (
        main(["compare", "--champion", str(_bundled()), "--challenger", str(_bundled()), "--junit", str(tmp_path / "c.xml")]) == 0
    )
    assert "is not worse than" in capsys.readouterr().out
    assert main(["gate", str(tmp_path), "--require", "c"]) == 0


def test_a_model_trained_on_shuffled_weights_fails_the_comparison_and_the_gate(tmp_path, shuffled_model, capsys):
    junit = tmp_path / "compare.xml"
    assert main(["compare", "--champion", str(_bundled()), "--challenger", str(shuffled_model), "--junit", str(junit)]) == 1
    out = capsys.readouterr().out
    assert "worse by more than 0.5 pounds" in out and out.count(" pounds)") == 2, out
    assert "agreed weights moved: 50 in" in out
    assert main(["gate", str(tmp_path), "--require", "compare"]) == 1


def test_a_model_trained_on_shuffled_weights_fails_the_scenario_naming_both_errors(shuffled_model):
    run = _steps(
        "-k",
        "not_worse",
        "--model",
        str(shuffled_model),
        "--production-model",
        str(_bundled()),
        "--training-data",
        str(TRAINING_DATA),
    )
    assert run.returncode == 1, run.stdout[-2000:]
    assert "the new model's typical error is" in run.stdout and "the production model's" in run.stdout
    passing = _steps("-k", "not_worse", "--production-model", str(_bundled()))
    assert passing.returncode == 0, passing.stdout[-2000:]


def test_with_no_production_model_the_comparison_says_so(tmp_path, capsys):
    assert (
        main(
            ["compare", "--champion", str(tmp_path / "none"), "--challenger", str(_bundled()), "--junit", str(tmp_path / "c.xml")]
        )
        == 0
    )
    assert "no production model yet" in capsys.readouterr().out
    assert 'name="production_model" value="none"' in (tmp_path / "c.xml").read_text()


@pytest.mark.parametrize(
    ("intercept", "slope", "scenario", "problem"),
    [
        (400.0, -1.0, "taller", "taller is lighter"),  # falls: taller people get lower weights
        (-250.0, 6.0, "plausible", "outside [25, 600] pounds"),  # 20 lb at 45 in and 650 lb at 150 in
    ],
)
def test_a_model_breaking_plausibility_fails(tmp_path, intercept, slope, scenario, problem):
    model = _line_model(tmp_path / "model", intercept, slope)
    run = _steps("-k", scenario, "--model", str(model))
    assert run.returncode == 1 and problem in run.stdout, run.stdout[-2000:]


def test_a_batch_in_centimetres_is_refused_and_one_like_the_training_data_is_scored(tmp_path, capsys):
    heights = [line.split(",")[0] for line in EVALUATION.read_text().splitlines()[1:]]
    inches, centimetres = tmp_path / "inches.csv", tmp_path / "cm.csv"
    inches.write_text("height\n" + "\n".join(heights) + "\n")
    centimetres.write_text("height\n" + "\n".join(f"{float(h) * 2.54:.1f}" for h in heights) + "\n")
    model = ["--model", str(_bundled()), "--features", str(FEATURES)]
    assert main(["score", str(inches), str(tmp_path / "a.csv"), *model, "--junit", str(tmp_path / "a.xml")]) == 0
    assert main(["score", str(centimetres), str(tmp_path / "b.csv"), *model, "--junit", str(tmp_path / "b.xml")]) == 1
    assert "input drift" in capsys.readouterr().err
    assert not (tmp_path / "b.csv").exists()
    assert 'name="input drift"' in (tmp_path / "b.xml").read_text() and "<failure" in (tmp_path / "b.xml").read_text()


def test_the_report_shows_stakeholder_features_first_the_risk_section_and_the_technical_appendix(tmp_path, shuffled_model):
    from modelgate.report import build
    from modelgate.report.inputs import Sources

    empty = tmp_path / "none"
    empty.mkdir()
    out = tmp_path / "report.html"
    build(Sources(FEATURES, [], empty, empty / "gate.xml", shuffled_model, TRAINING_DATA, str(_bundled())), out)
    page = out.read_text()
    appendix = page.index("Appendix: technical features")
    assert page.index("Model risk") < appendix < page.index("Response shape")
    assert page.index("Scoring contract") < appendix
    assert "worse by more than 0.5 pounds" in page and "agreed weights moved" in page
    assert "<dt>Taller never lighter</dt>" in page and "lie outside the training heights" in page
    assert '<svg class="plot" viewBox="0 0 560 240" role="img" aria-label="drift' in page
