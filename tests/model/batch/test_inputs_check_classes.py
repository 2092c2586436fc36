"""The drift of the classes a classifier answers for a batch file (``model.batch.inputs_check``), for the penguins
example: the shares of the species it answers for the file against those it answered for its training penguins (the
manifest's ``metrics.classes.answered``), judged by the contract's drift levels, as ``modelgate score`` reports them
beside the inputs' drift. Every expected value is worked out here: the answers asked of scikit-learn, the shares
counted and the stability index by its definition (``steps.support.psi_by_definition``)."""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest
from modelgate.model import artifact
from modelgate.model.batch import run_report
from modelgate.model.batch.engines import score
from modelgate.model.batch.inputs_check import ANSWER_DRIFT_CHECK, FoldedCheck, Policy
from modelgate.model.batch.stream import score_file
from modelgate.steps.support import ROOT, psi_by_definition, temporaries

from tests.model.batch.support import run

PENGUINS = ROOT / "examples" / "penguins" / "data"
TRAINING, EVALUATION = PENGUINS / "penguins.csv", PENGUINS / "evaluation.csv"


@pytest.fixture(scope="module")
def loaded(penguins_model):
    return artifact.load(penguins_model)


def _labels(loaded, frame: pd.DataFrame) -> list[str]:
    """The species answered: the most probable (the first stated on a tie) of the probabilities rounded to the
    contract's decimals, asked of the estimator here with its ``classes_`` put in the contract's order by name."""
    classes, decimals = list(loaded.contract.output.classes), loaded.contract.output.decimals
    known = [str(c) for c in loaded.estimator.classes_]
    raw = loaded.estimator.predict_proba(frame[loaded.manifest.inputs])
    rounded = [[round(float(row[known.index(c)]), decimals) for c in classes] for row in raw]
    return [classes[max(range(len(classes)), key=lambda i, p=p: (p[i], -i))] for p in rounded]


def _shares(loaded, labels: list[str]) -> list[float]:
    return [labels.count(c) / len(labels) for c in loaded.contract.output.classes]


@pytest.fixture(scope="module")
def reference(loaded) -> list[float]:
    """The shares of the species the model answers for its training penguins: what its record must state."""
    shares = _shares(loaded, _labels(loaded, pd.read_csv(TRAINING)))
    recorded = loaded.manifest.metrics["classes"]["answered"]
    assert len(recorded) == len(shares) and all(math.isclose(r, s, abs_tol=1e-12) for r, s in zip(recorded, shares)), recorded
    return shares


def _file(path: Path, source: Path, keep=lambda frame: frame.index >= 0, repeat: int = 1) -> Path:
    frame = pd.read_csv(source, dtype=str, keep_default_na=False)
    frame = frame[keep(frame)].drop(columns=["species"])
    pd.concat([frame] * repeat).to_csv(path, index=False, lineterminator="\n")
    return path


def _expected(loaded, reference: list[float], path: Path) -> dict:
    labels = _labels(loaded, pd.read_csv(path))
    counts = [labels.count(c) for c in loaded.contract.output.classes]
    return {"psi": psi_by_definition(counts, reference), "file": [n / len(labels) for n in counts], "rows": len(labels)}


BISCOE = lambda frame: frame["island"] == "Biscoe"  # noqa: E731


@pytest.mark.parametrize(
    ("source", "keep", "verdict"),
    [(EVALUATION, None, "stable"), (TRAINING, BISCOE, "refused")],
    ids=["the evaluation penguins", "the training penguins seen on Biscoe"],
)
def test_the_predicted_class_shares_are_reported_beside_the_inputs_drift_as_computed_here(
    tmp_path, penguins_model, loaded, reference, source, keep, verdict, capsys
):
    path = _file(tmp_path / "in.csv", source, keep or (lambda frame: frame.index >= 0))
    output, report = tmp_path / "out.csv", tmp_path / "report.json"
    code, err = run(["score", str(path), str(output), "--model", str(penguins_model), "--report", str(report)], capsys)
    found, expected, limits = json.loads(report.read_text()), _expected(loaded, reference, path), loaded.contract.drift
    assert found["answers"] == {
        "classes": ["Adelie", "Chinstrap", "Gentoo"],
        "training": reference,
        "file": expected["file"],
        "psi": pytest.approx(expected["psi"], rel=1e-12),
        "rows": expected["rows"],
        "verdict": verdict,
        "warn": limits.warn,
        "refuse": limits.refuse,
    }
    assert list(found)[-2:] == ["inputs", "answers"] and "answers" not in found["inputs"] and "drift" in found["inputs"]
    checks = {c["check"]: c["count"] for c in found["failures"]["by_check"]}
    if verdict == "refused":
        assert code == 1 and checks.get(ANSWER_DRIFT_CHECK) == 1 and not output.exists(), err
        assert (
            f"predicted class drift: stability index {expected['psi']:.3f} of the predicted species shares, refused at 0.7" in err
        )
    else:
        assert code == 0 and ANSWER_DRIFT_CHECK not in checks and output.exists(), err
        assert f"predicted class drift: stability index {expected['psi']:.3f}; stable" in err


def _cases(junit: Path) -> dict:
    suite = ET.parse(junit).getroot().find("testsuite")
    return {c.get("name"): c for c in suite.iter("testcase")}


def test_the_junit_file_passes_the_class_drift_saying_the_shares_or_fails_it(tmp_path, penguins_model, loaded, reference, capsys):
    stable = _file(tmp_path / "stable.csv", EVALUATION)
    drifted = _file(tmp_path / "drifted.csv", TRAINING, BISCOE)
    for path in (stable, drifted):
        args = ["score", str(path), str(tmp_path / f"{path.stem}.out.csv"), "--model", str(penguins_model)]
        run([*args, "--junit", str(tmp_path / f"{path.stem}.xml")], capsys)
    case = _cases(tmp_path / "stable.xml")[ANSWER_DRIFT_CHECK]
    expected = _expected(loaded, reference, stable)
    shares = ", ".join(
        f"{c} {f:.3f} against {t:.3f}" for c, f, t in zip(["Adelie", "Chinstrap", "Gentoo"], expected["file"], reference)
    )
    assert case.find("failure") is None
    assert case.findtext("system-out") == (
        f"stability index {expected['psi']:.3f} of the predicted class shares ({shares}): "
        "stable (warning at 0.35, refused at 0.7)"
    )
    failure = _cases(tmp_path / "drifted.xml")[ANSWER_DRIFT_CHECK].find("failure")
    assert failure is not None and failure.get("message") == "1 row(s) fail predicted class drift"


def test_a_file_the_guard_rejects_has_no_class_drift_judged(tmp_path, penguins_model, capsys):
    path = _file(tmp_path / "in.csv", TRAINING, BISCOE)
    lines = path.read_text().splitlines()
    lines[5] = "Anvers" + lines[5][len("Biscoe") :]
    path.write_text("\n".join(lines) + "\n")
    report = tmp_path / "report.json"
    code, err = run(
        ["score", str(path), str(tmp_path / "out.csv"), "--model", str(penguins_model), "--report", str(report)], capsys
    )
    found = json.loads(report.read_text())
    assert code == 1 and "one of Biscoe, Dream, Torgersen" in err and "answers" not in found, err
    assert {c["check"] for c in found["failures"]["by_check"]} == {"one of Biscoe, Dream, Torgersen", "input drift"}


def test_a_file_of_fewer_rows_than_judged_has_its_shares_reported_but_not_judged(tmp_path, penguins_model, loaded, capsys):
    path = _file(tmp_path / "in.csv", TRAINING, BISCOE)
    path.write_text("\n".join(path.read_text().splitlines()[:11]) + "\n")  # 10 penguins of Biscoe
    report = tmp_path / "report.json"
    code, err = run(
        ["score", str(path), str(tmp_path / "out.csv"), "--model", str(penguins_model), "--report", str(report)], capsys
    )
    assert code == 0 and loaded.contract.drift.min_rows > 10, err
    assert "predicted class drift: stability index" in err and "too few rows" in err


def test_the_shares_are_tallied_over_every_block_of_the_scoring_pass(tmp_path, loaded, reference):
    path = _file(tmp_path / "in.csv", TRAINING, BISCOE, repeat=3)
    policy = Policy.of_model(loaded)
    result = score_file(path, tmp_path / "out.csv", loaded.scorer(), block_size=1024, tally=FoldedCheck(path, policy))
    assert path.stat().st_size > 10 * 1024, "the file must span several blocks"
    expected = _expected(loaded, reference, path)
    assert result.inputs["answers"]["rows"] == expected["rows"] == 3 * 135
    assert result.inputs["answers"]["psi"] == pytest.approx(expected["psi"], rel=1e-12)


def test_a_regression_has_no_class_drift_and_its_report_is_as_before(tmp_path, trained_model, capsys):
    loaded = artifact.load(trained_model)
    assert Policy.of_model(loaded).answered is None
    path, report = tmp_path / "in.csv", tmp_path / "report.json"
    path.write_text("height\n" + "\n".join(str(60 + i % 15) for i in range(200)) + "\n")
    run(["score", str(path), str(tmp_path / "out.csv"), "--model", str(trained_model), "--report", str(report)], capsys)
    found = json.loads(report.read_text())
    assert list(found) == ["input", "output", "status", "rows", "seconds", "failures", "inputs"]
    assert "answers" not in found["inputs"]


@pytest.mark.spark
@pytest.mark.parametrize("case", ["stable", "drifted", "rejected by the guard"])
def test_spark_reports_the_same_class_drift_as_pandas(tmp_path, loaded, spark, case):
    source = _file(
        tmp_path / "in.csv",
        EVALUATION if case == "stable" else TRAINING,
        BISCOE if case != "stable" else lambda f: f.index >= 0,
        40,
    )
    if case == "rejected by the guard":
        lines = source.read_text().splitlines()
        lines[-3] = "Anvers" + lines[-3][len("Biscoe") :]
        source.write_text("\n".join(lines) + "\n")
    assert source.stat().st_size > 65536, "the file must span more than one Spark partition"
    policy, found = Policy.of_model(loaded), {}
    for engine in ("pandas", "spark"):
        (tmp_path / engine).mkdir()
        result = score(source, tmp_path / engine / "out.csv", loaded.scorer(), engine=engine, spark=spark, policy=policy)
        report = run_report.to_dict(result)
        report.pop("seconds"), report.pop("output")
        found[engine] = result, report
    (pandas, pandas_report), (spark_result, spark_report) = found["pandas"], found["spark"]
    assert spark_report == pandas_report and spark_result.inputs == pandas.inputs
    assert ("answers" in pandas_report) is (case != "rejected by the guard")
    assert pandas.ok is (case == "stable") and temporaries(tmp_path) == []
