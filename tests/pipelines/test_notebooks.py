"""The Databricks notebooks (pipelines/databricks/notebooks/) run top to bottom here as a Databricks job runs
them (local Spark, a ``dbutils`` stand-in, ``display``), and each writes what its job would: the verified
model folder, the scored file, the JUnit file. Expected values come from outside the notebooks: the least-squares
line computed by steps/least_squares.py, the service's loader and the self-test, ``modelgate score`` (pandas
engine) on the same input, the gate."""

from __future__ import annotations

import csv
import hashlib
import shutil
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest
from modelgate.contracts.reader import read_contract
from modelgate.model import artifact, served
from modelgate.model.manifest import read_manifest
from modelgate.steps.databricks_notebook import (
    NOTEBOOKS,
    WidgetNotDefined,
    code_cells,
    markdown_cells,
    publish_by_notebook,
    run_notebook,
)
from modelgate.steps.least_squares import fit_line, read_rows
from modelgate.steps.support import FEATURES, ROOT, TRAINING_DATA, rows_like_training, train_into

from modelgate.cli import main as modelgate
from modelgate.databricks import CONTRACT_SUITE, NotebookFailed
from modelgate.selftest import run_selftest

pytestmark = pytest.mark.spark

CONTRACT = read_contract(FEATURES)


@pytest.mark.parametrize("name", ["train", "score", "contract_tests"])
def test_each_notebook_is_in_databricks_source_format_with_markdown_and_code(name):
    path = NOTEBOOKS / f"{name}.py"
    assert code_cells(path) and markdown_cells(path)
    assert all(cell.startswith("# MAGIC %md") for cell in markdown_cells(path))
    # Thin: the notebooks call modelgate and never reach into a private name.
    assert "from modelgate import databricks" in path.read_text() and "._" not in path.read_text()


def _line():
    """The least-squares line through the training data, by its closed form (the bundled model takes one number)."""
    (name,) = CONTRACT.names
    rows, answers = read_rows(TRAINING_DATA, CONTRACT)
    return fit_line([(row[name], y) for row, y in zip(rows, answers)])


def _published(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_train_notebook_publishes_a_folder_the_service_and_the_selftest_accept(spark, tmp_path):
    volume = tmp_path / "Volumes" / "models" / "candidate"
    run = publish_by_notebook(volume, spark=spark)

    manifest = read_manifest(volume)
    listed = [p.name for p in manifest.files(volume)]
    # Exactly the manifest's files were copied, in its order (the manifest last), and nothing else is there.
    assert [p.name for p in run.namespace["files"]] == listed and listed[-1] == "manifest.json"
    assert _published(volume) == sorted(listed)
    loaded = served.load(volume)  # what the service loads: the serving form and the contract were published
    assert loaded.form == "linear" and loaded.contract.digest() == CONTRACT.digest()
    result = run_selftest(volume)
    assert result.ok and result.cases, [c.failure_message or c.error_message for c in result.failures]
    assert not any(case.is_skipped() for case in result.cases)

    record = manifest.training_data
    assert record["sha256"] == hashlib.sha256(TRAINING_DATA.read_bytes()).hexdigest()
    line = _line()
    (name,) = CONTRACT.names
    assert manifest.coefficients[name] == pytest.approx(line.slope, rel=1e-9)
    assert manifest.metrics["r2_train"] == pytest.approx(line.r2, rel=1e-9)
    assert record["rows"] == line.rows

    from matplotlib.figure import Figure  # the spark environment has matplotlib, as Databricks Runtime does

    data, figure, metrics, listing = run.displayed
    assert len(data) == line.rows and list(data.columns) == [name, CONTRACT.output.name]
    assert isinstance(figure, Figure) and figure.axes[0].get_xlabel().startswith(name)
    shown = dict(zip(metrics["name"], metrics["value"]))
    assert float(shown["r2_train"]) == pytest.approx(line.r2, rel=1e-9)
    assert float(shown[f"coefficient {name}"]) == pytest.approx(line.slope, rel=1e-9)
    assert shown["model_sha256"] == manifest.sha256 and "cv_mae" in shown
    assert [info.name for info in listing] == sorted(listed)


def test_train_notebook_shows_the_fit_as_a_table_without_matplotlib(spark, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # import fails as on a runtime without it
    run = publish_by_notebook(tmp_path / "m", spark=spark)
    table = run.displayed[1]
    line = _line()
    (name,) = CONTRACT.names
    expected = [round(line.intercept + line.slope * x, CONTRACT.output.decimals) for x in table[name]]
    assert list(table[name]) == sorted(table[name])
    assert list(table[f"fitted_{CONTRACT.output.name}"]) == pytest.approx(expected, rel=1e-9)


def test_republishing_removes_the_files_an_earlier_model_left(spark, tmp_path):
    volume = tmp_path / "candidate"
    publish_by_notebook(volume, spark=spark)
    assert "serving.json" in _published(volume)
    publish_by_notebook(volume, spark=spark, estimator="random-forest")  # trees: no exact serving form
    manifest = read_manifest(volume)
    assert manifest.serving is None and _published(volume) == sorted(p.name for p in manifest.files(volume))
    assert served.load(volume).form == "skops"


# A model of several inputs, one a category: nothing in the notebook or modelgate.databricks knows the example's.
SEVERAL = """@model
Feature: Flat price model
  Scenario: The model's card
    Given the model under test
    Then its card reads
      | what it is for     | Pricing flats in a test of the training notebook |
      | trained on         | 120 generated flats                              |
      | period             | No period: the flats are generated               |
      | not to be used for | Pricing a real flat                              |
      | known limitations  | A line through generated prices                  |
      | owner              | The notebook's test                              |

  Scenario: The model is told a flat's size, rooms and district and answers its price
    Given the model under test
    Then it takes these inputs
      | input    | meaning          | unit | kind     | accepted           | may be missing |
      | size     | the floor area   | m2   | number   | from 10 to 300     | no             |
      | rooms    | how many rooms   |      | number   | from 1 to 12       | no             |
      | district | where the flat is |     | category | north, south or east | no           |
    And it answers the price in kEUR, rounded to 2 decimals

  Scenario Outline: An agreed flat is priced at its agreed price
    When a client asks for the price of <size>, <rooms>, <district>
    Then the answer is <price> kEUR, give or take 0.01 kEUR

    Examples:
      | size | rooms | district | price |
      | 80   | 3     | north    | 300   |
"""


def _several_inputs(folder):
    features = folder / "features"
    features.mkdir(parents=True)
    (features / "model.feature").write_text(SEVERAL)
    rng = np.random.default_rng(7)
    size, rooms = rng.uniform(20, 200, 120).round(1), rng.integers(1, 8, 120)
    district = rng.choice(["north", "south", "east"], 120)
    price = 3 * size + 10 * rooms + np.select([district == "north", district == "south"], [40, 0], 20) + rng.normal(0, 5, 120)
    data = folder / "flats.csv"
    lines = [f"{s},{r},{d},{p:.2f}" for s, r, d, p in zip(size, rooms, district, price)]
    data.write_text("size,rooms,district,price\n" + "\n".join(lines) + "\n")
    return features, data


def test_train_notebook_trains_a_model_of_several_inputs_and_shows_predicted_against_actual(spark, tmp_path):
    features, data = _several_inputs(tmp_path)
    volume = tmp_path / "Volumes" / "models" / "flats"
    run = publish_by_notebook(volume, spark=spark, features=features, training_data=data)

    manifest = read_manifest(volume)
    assert manifest.inputs == ["size", "rooms", "district"] and manifest.output == "price"
    assert _published(volume) == sorted(p.name for p in manifest.files(volume))
    assert served.load(volume).contract.digest() == read_contract(features).digest()
    frame, figure, metrics, _ = run.displayed
    assert list(frame.columns) == ["size", "rooms", "district", "price"]
    axes = figure.axes[0]
    assert (axes.get_xlabel(), axes.get_ylabel()) == ("actual price (kEUR)", "predicted price (kEUR)")
    (points,) = axes.collections  # one point per training row: its agreed price against the model's
    assert len(points.get_offsets()) == manifest.training_data["rows"] == 120
    shown = dict(zip(metrics["name"], metrics["value"]))
    assert {f"coefficient {name}" for name in manifest.coefficients or {}} <= set(shown)
    assert manifest.coefficients is None or "coefficient district=north" in shown


def _scored_input(path, rows: int) -> None:
    # Inputs drawn like the training rows: a spread unlike theirs is refused as drifted input.
    lines = [",".join(row) for row in rows_like_training(TRAINING_DATA, CONTRACT, rows)]
    path.write_text(",".join(["id", *CONTRACT.names]) + "\n" + "".join(f"{i},{line}\n" for i, line in enumerate(lines)))


def test_score_notebook_writes_the_bytes_modelgate_score_writes_under_the_watchers_name(spark, tmp_path, trained_model):
    source = tmp_path / "landing" / "r_input_7.csv"
    source.parent.mkdir()
    _scored_input(source, 3000)
    folder = tmp_path / "Volumes" / "scoring" / "output"
    folder.mkdir(parents=True)
    parameters = {"input_path": str(source), "output_path": f"{folder}/", "model_dir": str(trained_model)}
    run = run_notebook(NOTEBOOKS / "score.py", spark, parameters)

    expected = tmp_path / "expected.csv"
    assert modelgate(["score", str(source), str(expected), "--model", str(trained_model), "--no-progress"]) == 0
    assert [p.name for p in folder.iterdir()] == ["r_output_7.csv"]
    assert (folder / "r_output_7.csv").read_bytes() == expected.read_bytes()
    assert run.displayed[0].count() == 20


def test_score_notebook_fails_the_task_with_one_line_on_a_contract_violation_and_writes_no_output(spark, tmp_path, trained_model):
    (name,) = CONTRACT.names
    source = tmp_path / "r_input_bad.csv"
    source.write_text(f"{name}\n64\nsix feet\n")
    (tmp_path / "out").mkdir()
    parameters = {"input_path": str(source), "output_path": f"{tmp_path}/out/", "model_dir": str(trained_model)}
    with pytest.raises(NotebookFailed, match=r"rejected, 1 contract violation\(s\), first line 3 .*'six feet'") as failed:
        run_notebook(NOTEBOOKS / "score.py", spark, parameters)
    assert "\n" not in str(failed.value) and failed.value.exit_code == 1
    assert not (tmp_path / "out" / "r_output_bad.csv").exists()
    assert (tmp_path / "out" / "r_output_bad.csv.report.json").is_file()  # the report the line names


def test_score_notebook_fails_with_one_line_and_a_usage_exit_code_without_a_model(spark, tmp_path):
    parameters = {"input_path": str(tmp_path / "in.csv"), "output_path": f"{tmp_path}/", "model_dir": str(tmp_path / "none")}
    with pytest.raises(NotebookFailed, match="no model directory") as failed:
        run_notebook(NOTEBOOKS / "score.py", spark, parameters)
    assert "\n" not in str(failed.value) and failed.value.exit_code == 2


def test_a_notebook_reading_an_undeclared_widget_fails_as_on_databricks(spark, tmp_path):
    notebook = tmp_path / "n.py"
    notebook.write_text('# Databricks notebook source\nvalue = dbutils.widgets.get("input_path")\n')
    with pytest.raises(WidgetNotDefined):
        run_notebook(notebook, spark, {"input_path": "x"})


def _gate(junit_dir, model) -> int:
    command = ["gate", str(junit_dir), "--require", CONTRACT_SUITE, "--model", str(model), "--features", str(FEATURES)]
    return modelgate([*command, "--model-suites", CONTRACT_SUITE])


def test_contract_notebook_writes_junit_that_passes_the_gate_and_names_the_model(spark, tmp_path, trained_model, monkeypatch):
    monkeypatch.chdir(NOTEBOOKS)  # Databricks runs a notebook in its own folder; the synced features are above it
    junit_dir = tmp_path / "Volumes" / "reports" / "contract"
    parameters = {"model_dir": str(trained_model), "training_data": str(TRAINING_DATA), "junit_dir": str(junit_dir)}
    run_notebook(NOTEBOOKS / "contract_tests.py", spark, parameters)

    junit = junit_dir / f"{CONTRACT_SUITE}.xml"
    suite = ET.parse(junit).getroot().find("testsuite")
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert read_manifest(trained_model).sha256 in properties.values()
    assert int(suite.get("tests")) >= 40 and suite.get("failures") == "0" and suite.get("errors") == "0"
    assert _gate(junit_dir, trained_model) == 0


def test_contract_notebook_fails_and_still_writes_junit_for_a_model_off_its_training_data(spark, tmp_path, monkeypatch):
    # A model fitted to other data: the quality scenarios recompute the line from the data it names and disagree.
    other = tmp_path / TRAINING_DATA.name
    rows = TRAINING_DATA.read_text().splitlines()
    other.write_text("\n".join(rows[:1] + [r.replace(",1", ",2", 1) for r in rows[1:]]) + "\n")
    model = train_into(tmp_path / "model", FEATURES, other)
    monkeypatch.chdir(NOTEBOOKS)
    junit_dir = tmp_path / "reports"
    parameters = {"model_dir": str(model), "training_data": str(TRAINING_DATA), "junit_dir": str(junit_dir)}
    with pytest.raises(NotebookFailed, match="contract failed on the cluster"):
        run_notebook(NOTEBOOKS / "contract_tests.py", spark, parameters)
    assert _gate(junit_dir, model) == 1


def test_contract_notebook_judges_the_model_by_the_features_its_widget_names(spark, tmp_path, trained_model, monkeypatch):
    # The same features with one agreed answer moved: the model that passes the synced features fails these.
    features = shutil.copytree(FEATURES, tmp_path / "features")
    case = CONTRACT.golden[0]
    agreed = str(case.expected)  # as its table writes it
    (stating,) = [p for p in features.rglob("*.feature") if agreed in p.read_text()]
    stating.write_text(stating.read_text().replace(agreed, str(round(case.expected + 1, 6)), 1))
    assert read_contract(features).golden[0].expected == pytest.approx(case.expected + 1)
    monkeypatch.chdir(NOTEBOOKS)
    junit_dir = tmp_path / "reports"
    parameters = {
        "model_dir": str(trained_model),
        "training_data": str(TRAINING_DATA),
        "features_dir": str(features),
        "junit_dir": str(junit_dir),
    }
    with pytest.raises(NotebookFailed, match="contract failed on the cluster"):
        run_notebook(NOTEBOOKS / "contract_tests.py", spark, parameters)
    suite = ET.parse(junit_dir / f"{CONTRACT_SUITE}.xml").getroot().find("testsuite")
    failed = [case.get("name") for case in suite.iter("testcase") if case.find("failure") is not None]
    assert any(str(round(case.expected + 1, 6)) in name for name in failed), failed  # the moved answer, as agreed there


def test_train_notebook_trains_a_classifier_and_shows_each_species_beside_the_rows_answered_it(spark, tmp_path):
    """The training notebook on the penguins example's features and data: a logistic regression, published with its
    serving form; the figure counts each species' training rows and the rows the model answered that species."""
    example = ROOT / "examples" / "penguins"
    volume = tmp_path / "Volumes" / "models" / "penguins"
    run = publish_by_notebook(volume, spark=spark, features=example / "features", training_data=example / "data" / "penguins.csv")

    manifest = read_manifest(volume)
    assert manifest.output == "species" and manifest.form == "logistic"
    assert _published(volume) == sorted(p.name for p in manifest.files(volume))
    _, figure, metrics, _ = run.displayed
    axes = figure.axes[0]
    assert [t.get_text() for t in axes.get_xticklabels()] == ["Adelie", "Chinstrap", "Gentoo"]
    training, answered = axes.containers  # the two sets of bars
    with open(example / "data" / "penguins.csv", newline="") as handle:
        truth = [row["species"] for row in csv.DictReader(handle)]
    assert [bar.get_height() for bar in training] == [truth.count(c) for c in ("Adelie", "Chinstrap", "Gentoo")]
    # scikit-learn's own answers to the training rows (its predict, not modelgate's decision rule)
    rows = pd.read_csv(example / "data" / "penguins.csv")
    said = list(artifact.load(volume).estimator.predict(rows[manifest.inputs]))
    assert [bar.get_height() for bar in answered] == [said.count(c) for c in ("Adelie", "Chinstrap", "Gentoo")]
    assert f"accuracy {manifest.metrics['train']['accuracy']:.4f}" in axes.get_title()
    assert dict(zip(metrics["name"], metrics["value"]))["model_version"] == manifest.model_version
