"""The deployment definitions line up: Data Factory trigger -> pipeline parameters -> Databricks job
parameters -> the job script's arguments -> ``modelgate score``; outputs are named like ``watch``'s.
The Data Factory definitions are judged as a release uploads them (rendered, tests/adf_sample.py)."""

from __future__ import annotations

import json
import re

import pytest
import yaml
from modelgate.model.batch.watch import output_name
from modelgate.steps.support import ROOT, load_script

from modelgate.databricks import output_for
from tests.pipelines.adf_sample import rendered

ADF = ROOT / "pipelines" / "adf"
BUNDLE = ROOT / "pipelines" / "databricks"


@pytest.fixture(scope="module")
def trigger() -> dict:
    return rendered()["trigger_input_uploaded"]


@pytest.fixture(scope="module")
def pipeline() -> dict:
    return rendered()["score_upload"]


@pytest.fixture(scope="module")
def job() -> dict:
    bundle = yaml.safe_load((BUNDLE / "databricks.yml").read_text())
    assert set(bundle["targets"]) == {"dev", "prod"}
    return bundle["resources"]["jobs"]["batch_scoring"]


@pytest.fixture(scope="module")
def score_job():
    return load_script(BUNDLE / "score_job.py")


def test_trigger_is_a_storage_event_trigger_on_the_input_folder(trigger):
    props = trigger["properties"]
    assert props["type"] == "BlobEventsTrigger"
    assert "pipelines" in props and "pipelines" not in props["typeProperties"]
    typed = props["typeProperties"]
    assert typed["events"] == ["Microsoft.Storage.BlobCreated"]
    assert typed["ignoreEmptyBlobs"] is True
    assert re.fullmatch(r"/[a-z0-9-]+/blobs/[^/]+(/[^/]+)*/", typed["blobPathBeginsWith"]), typed["blobPathBeginsWith"]


def test_trigger_fills_every_required_pipeline_parameter(trigger, pipeline):
    (started,) = trigger["properties"]["pipelines"]
    assert started["pipelineReference"]["referenceName"] == pipeline["name"]
    passed = started["parameters"]
    assert passed == {"folderPath": "@triggerBody().folderPath", "fileName": "@triggerBody().fileName"}
    declared = pipeline["properties"]["parameters"]
    required = {name for name, spec in declared.items() if "defaultValue" not in spec}
    assert required <= set(passed) <= set(declared)


def test_pipeline_passes_the_job_exactly_its_parameters(pipeline, job):
    (activity,) = pipeline["properties"]["activities"]
    assert activity["type"] == "DatabricksJob"
    job_params = {p["name"] for p in job["parameters"]}
    passed = activity["typeProperties"]["jobParameters"]
    assert set(passed) == job_params == {"input_path", "output_path"}
    used = set(re.findall(r"pipeline\(\)\.parameters\.(\w+)", json.dumps(activity)))
    assert used <= set(pipeline["properties"]["parameters"])


def test_input_path_is_the_uploaded_blob_as_an_abfs_url(pipeline, trigger):
    (activity,) = pipeline["properties"]["activities"]
    expression = activity["typeProperties"]["jobParameters"]["input_path"]
    assert expression == "@concat('abfs://', pipeline().parameters.folderPath, '/', pipeline().parameters.fileName)"
    # Blob events report folderPath as "container/folder": the trigger's container and folder.
    container, _, folder = trigger["properties"]["typeProperties"]["blobPathBeginsWith"].strip("/").partition("/blobs/")
    assert f"abfs://{container}/{folder}/r_input_file1.csv".startswith("abfs://scoring/input/")


def test_job_task_hands_each_job_parameter_to_the_script(job, score_job):
    (task,) = job["tasks"]
    python = task["spark_python_task"]
    assert python["python_file"] == "./score_job.py" and (BUNDLE / python["python_file"]).exists()
    argv = python["parameters"]
    parsed = vars(score_job.build_parser().parse_args(argv))
    for name in ("input_path", "output_path"):
        assert parsed[name] == f"{{{{job.parameters.{name}}}}}"


def test_job_cluster_stages_where_driver_and_executors_both_see(job):
    from modelgate.model.batch.spark import STAGING_VARIABLE

    bundle = yaml.safe_load((BUNDLE / "databricks.yml").read_text())
    (cluster,) = job["job_clusters"]
    env = cluster["new_cluster"]["spark_env_vars"]
    assert env[STAGING_VARIABLE] == "${var.staging}"
    assert bundle["variables"]["staging"]["default"].startswith("/Volumes/")
    assert not any(key.endswith(("KEY", "TOKEN", "SECRET")) and not v.startswith("{{secrets/") for key, v in env.items())


def test_job_script_names_outputs_like_the_watcher(score_job, job):
    default_output = next(p["default"] for p in job["parameters"] if p["name"] == "output_path")
    assert default_output.endswith("/")
    got = output_for("abfs://scoring/input/r_input_file1.csv", default_output)
    assert got == default_output + output_name("r_input_file1.csv") == default_output + "r_output_file1.csv"
    assert output_for("in/a.csv", "out/b.csv") == "out/b.csv"


def test_job_script_runs_modelgate_score(score_job, tmp_path, trained_model, capsys):
    source = tmp_path / "r_input_file1.csv"
    source.write_text("height\n64\n")
    code = score_job.main(
        ["--input-path", str(source), "--output-path", f"{tmp_path}/", "--model", str(trained_model), "--engine", "pandas"]
    )
    assert code == 0, capsys.readouterr().err
    assert (tmp_path / "r_output_file1.csv").read_text().startswith("height,weight\n64,")


def test_output_name_replaces_input_with_output():
    assert output_name("r_input_file1.csv") == "r_output_file1.csv"
    assert output_name("heights.csv") == "heights.csv"
