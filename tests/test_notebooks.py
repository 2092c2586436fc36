"""The Databricks notebooks (pipelines/databricks/notebooks/) run top to bottom here as a Databricks job runs
them (local Spark, a ``dbutils`` stand-in, ``display``), and each writes what its job would: the verified
artifact, the scored file, the JUnit file. Expected values come from outside the notebooks: the least-squares
line computed by steps/least_squares.py, ``modelgate score`` (pandas engine) on the same input, the gate."""

from __future__ import annotations

import hashlib
import sys
import xml.etree.ElementTree as ET

import pytest
from modelgate.model import artifact

from modelgate.cli import main as modelgate
from modelgate.databricks import CONTRACT_SUITE, NotebookFailed
from steps.databricks_notebook import WidgetNotDefined, code_cells, markdown_cells, run_notebook
from steps.least_squares import fit_line, read_pairs
from steps.support import ROOT, TRAINING_DATA, heights_like_training

pytestmark = pytest.mark.spark

NOTEBOOKS = ROOT / "pipelines" / "databricks" / "notebooks"


@pytest.mark.parametrize("name", ["train", "score", "contract_tests"])
def test_each_notebook_is_in_databricks_source_format_with_markdown_and_code(name):
    path = NOTEBOOKS / f"{name}.py"
    assert code_cells(path) and markdown_cells(path)
    assert all(cell.startswith("# MAGIC %md") for cell in markdown_cells(path))
    # Thin: the notebooks call modelgate and never reach into a private name.
    assert "from modelgate import databricks" in path.read_text() and "._" not in path.read_text()


def test_train_notebook_publishes_the_least_squares_line_as_a_verified_artifact(spark, tmp_path):
    volume = tmp_path / "Volumes" / "models" / "candidate"
    run = run_notebook(NOTEBOOKS / "train.py", spark, {"training_data": str(TRAINING_DATA), "model_dir": str(volume)})

    loaded = artifact.load(volume)  # the manifest's SHA-256 matches the copied model file
    assert sorted(p.name for p in volume.iterdir()) == [artifact.MANIFEST_FILE, artifact.MODEL_FILE]
    record = loaded.manifest["training_data"]
    assert record["sha256"] == hashlib.sha256(TRAINING_DATA.read_bytes()).hexdigest()
    line = fit_line(read_pairs(TRAINING_DATA))
    assert loaded.manifest["coefficients"]["slope"] == pytest.approx(line.slope, rel=1e-9)
    assert loaded.manifest["metrics"]["r2_train"] == pytest.approx(line.r2, rel=1e-9)
    assert record["rows"] == line.rows

    from matplotlib.figure import Figure  # the spark environment has matplotlib, as Databricks Runtime 16.4 does

    data, figure, metrics, listing = run.displayed
    assert len(data) == line.rows
    assert isinstance(figure, Figure) and figure.axes[0].get_xlabel() == "height"
    shown = dict(zip(metrics["name"], metrics["value"]))
    assert float(shown["r2_train"]) == pytest.approx(line.r2, rel=1e-9)
    assert shown["model_sha256"] == loaded.manifest["model_sha256"]
    assert [info.name for info in listing] == [artifact.MANIFEST_FILE, artifact.MODEL_FILE]


def test_train_notebook_shows_the_fit_as_a_table_without_matplotlib(spark, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # import fails as on a runtime without it
    run = run_notebook(NOTEBOOKS / "train.py", spark, {"training_data": str(TRAINING_DATA), "model_dir": str(tmp_path / "m")})
    table = run.displayed[1]
    line = fit_line(read_pairs(TRAINING_DATA))
    expected = [line.intercept + line.slope * h for h in table["height"]]
    assert list(table["fitted_weight"]) == pytest.approx(expected, rel=1e-9)


def test_score_notebook_writes_the_bytes_modelgate_score_writes_under_the_watchers_name(spark, tmp_path, trained_model):
    source = tmp_path / "landing" / "r_input_7.csv"
    source.parent.mkdir()
    # Heights drawn like the training people's: a spread unlike theirs is refused as drifted input.
    source.write_text("id,height\n" + "".join(f"{i},{h}\n" for i, h in enumerate(heights_like_training(3000))))
    folder = tmp_path / "Volumes" / "scoring" / "output"
    folder.mkdir(parents=True)
    parameters = {"input_path": str(source), "output_path": f"{folder}/", "model_dir": str(trained_model)}
    run = run_notebook(NOTEBOOKS / "score.py", spark, parameters)

    expected = tmp_path / "expected.csv"
    assert modelgate(["score", str(source), str(expected), "--model", str(trained_model), "--no-progress"]) == 0
    assert [p.name for p in folder.iterdir()] == ["r_output_7.csv"]
    assert (folder / "r_output_7.csv").read_bytes() == expected.read_bytes()
    assert run.displayed[0].count() == 20


def test_score_notebook_fails_the_task_on_a_contract_violation_and_writes_no_output(spark, tmp_path, trained_model):
    source = tmp_path / "r_input_bad.csv"
    source.write_text("height\n64\nsix feet\n")
    (tmp_path / "out").mkdir()
    parameters = {"input_path": str(source), "output_path": f"{tmp_path}/out/", "model_dir": str(trained_model)}
    with pytest.raises(NotebookFailed, match="exit code 1"):
        run_notebook(NOTEBOOKS / "score.py", spark, parameters)
    assert not (tmp_path / "out" / "r_output_bad.csv").exists()


def test_a_notebook_reading_an_undeclared_widget_fails_as_on_databricks(spark, tmp_path):
    notebook = tmp_path / "n.py"
    notebook.write_text('# Databricks notebook source\nvalue = dbutils.widgets.get("input_path")\n')
    with pytest.raises(WidgetNotDefined):
        run_notebook(notebook, spark, {"input_path": "x"})


def _gate(junit_dir, model) -> int:
    command = ["gate", str(junit_dir), "--require", CONTRACT_SUITE, "--model", str(model), "--model-suites", CONTRACT_SUITE]
    return modelgate(command)


def test_contract_notebook_writes_junit_that_passes_the_gate_and_names_the_model(spark, tmp_path, trained_model, monkeypatch):
    monkeypatch.chdir(NOTEBOOKS)  # Databricks runs a notebook in its own folder; the synced features are above it
    junit_dir = tmp_path / "Volumes" / "reports" / "contract"
    parameters = {"model_dir": str(trained_model), "training_data": str(TRAINING_DATA), "junit_dir": str(junit_dir)}
    run_notebook(NOTEBOOKS / "contract_tests.py", spark, parameters)

    junit = junit_dir / f"{CONTRACT_SUITE}.xml"
    suite = ET.parse(junit).getroot().find("testsuite")
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert artifact.read_manifest(trained_model)["model_sha256"] in properties.values()
    assert int(suite.get("tests")) >= 40 and suite.get("failures") == "0" and suite.get("errors") == "0"
    assert _gate(junit_dir, trained_model) == 0


def test_contract_notebook_fails_and_still_writes_junit_for_a_model_off_its_training_data(spark, tmp_path, monkeypatch):
    # A model fitted to other data: the quality scenarios recompute the line from the data it names and disagree.
    other = tmp_path / "weight_data.csv"
    rows = TRAINING_DATA.read_text().splitlines()
    other.write_text("\n".join(rows[:1] + [r.replace(",1", ",2", 1) for r in rows[1:]]) + "\n")
    model = tmp_path / "model"
    assert modelgate(["train", "--data", str(other), "--out", str(model)]) == 0
    monkeypatch.chdir(NOTEBOOKS)
    junit_dir = tmp_path / "reports"
    parameters = {"model_dir": str(model), "training_data": str(TRAINING_DATA), "junit_dir": str(junit_dir)}
    with pytest.raises(NotebookFailed, match="contract failed on the cluster"):
        run_notebook(NOTEBOOKS / "contract_tests.py", spark, parameters)
    assert _gate(junit_dir, model) == 1
