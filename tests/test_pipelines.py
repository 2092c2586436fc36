"""The deployment definitions line up: Data Factory trigger -> pipeline parameters -> Databricks job
parameters -> the job script's arguments -> ``modelgate score``; outputs are named like ``watch``'s."""

from __future__ import annotations

import importlib.util
import json
import os
import posixpath
import re
from pathlib import Path

import pytest
import yaml
from modelgate.model.batch.watch import output_name

from modelgate.databricks import output_for

ROOT = Path(__file__).resolve().parents[1]
ADF = ROOT / "pipelines" / "adf"
BUNDLE = ROOT / "pipelines" / "databricks"


def _json(name: str) -> dict:
    return json.loads((ADF / name).read_text())


@pytest.fixture(scope="module")
def trigger() -> dict:
    return _json("trigger_input_uploaded.json")


@pytest.fixture(scope="module")
def pipeline() -> dict:
    return _json("pipeline_score_upload.json")


@pytest.fixture(scope="module")
def job() -> dict:
    bundle = yaml.safe_load((BUNDLE / "databricks.yml").read_text())
    assert set(bundle["targets"]) == {"dev", "prod"}
    return bundle["resources"]["jobs"]["batch_scoring"]


@pytest.fixture(scope="module")
def score_job():
    spec = importlib.util.spec_from_file_location("score_job", BUNDLE / "score_job.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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


# The bundle deploys what its jobs need, and its parts agree with each other and with the repository.

RUNTIME = sorted((BUNDLE).glob("runtime-*.txt"))


@pytest.fixture(scope="module")
def bundle() -> dict:
    return yaml.safe_load((BUNDLE / "databricks.yml").read_text())


@pytest.fixture(scope="module")
def catalog() -> dict:
    return yaml.safe_load((BUNDLE / "resources" / "catalog.yml").read_text())["resources"]


def _clusters(bundle):
    for key, job in bundle["resources"]["jobs"].items():
        for cluster in job["job_clusters"]:
            yield key, cluster["new_cluster"]


def test_bundle_declares_training_scoring_and_contract_jobs_and_includes_the_catalog(bundle):
    assert set(bundle["resources"]["jobs"]) == {"training", "batch_scoring", "contract_tests"}
    assert bundle["include"] == ["resources/*.yml"]


def test_every_job_cluster_runs_the_tried_runtime_in_single_user_access_mode(bundle):
    (runtime,) = RUNTIME  # the one runtime `tox -e dbr` tries
    version = runtime.stem.removeprefix("runtime-")
    assert bundle["variables"]["spark_version"]["default"].startswith(f"{version}.x-")
    assert f"pipelines/databricks/{runtime.name}" in (ROOT / "tox.ini").read_text()
    for key, cluster in _clusters(bundle):
        assert cluster["spark_version"] == "${var.spark_version}", key
        assert cluster["data_security_mode"] == "SINGLE_USER", key
        assert cluster["single_user_name"] == "${workspace.current_user.userName}", key


def _variable_paths(bundle) -> dict[str, str]:
    defaults = {name: str(v.get("default", "")) for name, v in bundle["variables"].items()}
    return {name: value for name, value in defaults.items() if value.startswith("/Volumes/")}


def test_every_volume_path_is_in_a_volume_the_bundle_creates(bundle, catalog):
    (schema,) = catalog["schemas"].values()
    assert (schema["catalog_name"], schema["name"]) == ("${var.catalog}", "${var.schema}")
    volumes = {v["name"] for v in catalog["volumes"].values()}
    for volume in catalog["volumes"].values():
        assert volume["catalog_name"] == "${var.catalog}" and volume["volume_type"] == "MANAGED"
        assert volume["schema_name"] == "${resources.schemas.modelgate.name}"
    paths = _variable_paths(bundle)
    assert {"model_dir", "candidate_dir", "training_data", "contract_reports", "staging"} <= set(paths)
    for name, path in paths.items():
        root, _, rest = path.removeprefix("/Volumes/${var.catalog}/${var.schema}/").partition("/")
        assert path.startswith("/Volumes/${var.catalog}/${var.schema}/") and root in volumes and rest, (name, path)
    # Development mode would prefix the schema's name and every path above would miss it.
    assert bundle["experimental"]["skip_name_prefix_for_schema"] is True


def _widgets(notebook: Path) -> list[str]:
    return re.findall(r'dbutils\.widgets\.text\("(\w+)"', notebook.read_text())


@pytest.mark.parametrize("key", ["training", "contract_tests"])
def test_notebook_jobs_pass_exactly_the_notebooks_widgets(bundle, key):
    job = bundle["resources"]["jobs"][key]
    (task,) = job["tasks"]
    notebook = BUNDLE / task["notebook_task"]["notebook_path"]
    assert notebook.read_text().startswith("# Databricks notebook source\n")
    assert [p["name"] for p in job["parameters"]] == _widgets(notebook)  # job parameters reach a notebook as widgets
    assert all(p["default"].startswith("${var.") for p in job["parameters"])


def test_the_scoring_notebook_has_the_data_factory_parameters(bundle):
    scoring = {p["name"] for p in bundle["resources"]["jobs"]["batch_scoring"]["parameters"]}
    assert scoring <= set(_widgets(BUNDLE / "notebooks" / "score.py"))


def _pins(text: str) -> dict[str, str]:
    return {k.lower(): v for k, v in re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", text, re.M)}


def test_libraries_are_the_wheel_and_pins_from_constraints(bundle):
    pinned = _pins((ROOT / "constraints.txt").read_text())
    for key, job in bundle["resources"]["jobs"].items():
        for task in job["tasks"]:
            libraries = task["libraries"]
            assert {"whl": "../../dist/*.whl"} in libraries, key
            for library in (lib["pypi"]["package"] for lib in libraries if "pypi" in lib):
                name, _, version = library.partition("==")
                assert not version or pinned[name.lower()] == version, (key, library)
    contract = bundle["resources"]["jobs"]["contract_tests"]["tasks"][0]["libraries"]
    assert {"pytest", "pytest-bdd"} <= {lib["pypi"]["package"].partition("==")[0] for lib in contract if "pypi" in lib}


def test_the_bundle_syncs_what_the_contract_notebook_needs_on_the_cluster(bundle):
    from modelgate.databricks import CHECKOUT_PARTS

    synced = {posixpath.normpath(posixpath.join("pipelines/databricks", p)) for p in bundle["sync"]["paths"]}
    assert set(CHECKOUT_PARTS) <= synced and "pipelines/databricks" in synced
    assert all((ROOT / part).exists() for part in CHECKOUT_PARTS)


def test_runtime_constraints_replace_only_the_runtimes_pins(tmp_path):
    spec = importlib.util.spec_from_file_location("runtime_constraints", BUNDLE / "runtime_constraints.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    base = "# pins\npandas==3.1.1\nscikit_learn==1.9.1\nskops==0.16.0\n"
    runtime = "# the runtime\npandas==2.2.3\nscikit-learn==1.6.1\n"
    assert module.merge(base, runtime) == "pandas==2.2.3\nscikit-learn==1.6.1\nskops==0.16.0\n"
    (runtime_file,) = RUNTIME
    merged = _pins(module.merge((ROOT / "constraints.txt").read_text(), runtime_file.read_text()))
    for name in ("numpy", "pandas", "pyarrow", "scikit-learn"):
        assert merged[name] == _pins(runtime_file.read_text())[name]
    assert merged["pandera"] == _pins((ROOT / "constraints.txt").read_text())["pandera"]


@pytest.mark.skipif(
    not os.environ.get("DATABRICKS_BUNDLE_SCHEMA"),
    reason="set DATABRICKS_BUNDLE_SCHEMA to the CLI's schema (`databricks bundle schema > schema.json`) to validate",
)
def test_bundle_files_pass_the_databricks_cli_bundle_schema():
    import jsonschema_rs  # the Rust validator understands the schema's \p{L} patterns; Python's re does not

    validator = jsonschema_rs.validator_for(json.loads(Path(os.environ["DATABRICKS_BUNDLE_SCHEMA"]).read_text()))
    for path in [BUNDLE / "databricks.yml", *sorted((BUNDLE / "resources").glob("*.yml"))]:
        errors = [
            f"{'/'.join(map(str, e.instance_path))}: {e.message}" for e in validator.iter_errors(yaml.safe_load(path.read_text()))
        ]
        assert errors == [], path
