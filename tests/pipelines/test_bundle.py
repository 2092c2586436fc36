"""The Databricks bundle deploys what its jobs need, and its parts agree with each other and with the repository:
the jobs and the notebooks' widgets, the volumes and every /Volumes path, the runtime and its access mode, the
libraries and constraints.txt, the synced features and what the contract notebook looks for."""

from __future__ import annotations

import importlib.util
import posixpath
import re
from pathlib import Path

import pytest
import yaml
from modelgate.steps.support import ROOT

BUNDLE = ROOT / "pipelines" / "databricks"

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


def _resolved(value: str, variables: dict[str, str]) -> str:
    """``value`` with every ``${var.NAME}`` replaced by that variable's value, as the bundle resolves it."""
    return re.sub(r"\$\{var\.(\w+)\}", lambda m: _resolved(variables[m[1]], variables), value)


def test_the_model_its_features_and_its_data_are_variables_the_jobs_pass_on(bundle):
    # Another repository's model is trained, judged and scored by setting these variables, nothing else.
    jobs, variables = bundle["resources"]["jobs"], bundle["variables"]
    passed = {key: {p["name"]: p["default"] for p in job.get("parameters", [])} for key, job in jobs.items()}
    assert passed["training"] == {
        "training_data": "${var.training_data}",
        "features_dir": "${var.features_dir}",
        "estimator": "${var.estimator}",
        "model_dir": "${var.candidate_dir}",
    }
    assert passed["contract_tests"] == {
        "model_dir": "${var.model_dir}",
        "training_data": "${var.training_data}",
        "features_dir": "${var.features_dir}",
        "junit_dir": "${var.contract_reports}",
    }
    (scoring,) = jobs["batch_scoring"]["job_clusters"]
    assert scoring["new_cluster"]["spark_env_vars"]["MODELGATE_MODEL_DIR"] == "${var.model_dir}"
    # The defaults are this repository's: its synced features (where find_checkout looks), its data, its volumes.
    assert variables["features_dir"]["default"] == "${workspace.file_path}/features"
    assert "features" in {posixpath.normpath(posixpath.join("pipelines/databricks", p)) for p in bundle["sync"]["paths"]}
    assert variables["training_data"]["default"].endswith("/data/weight_data.csv")
    from modelgate.model import ESTIMATORS

    assert variables["estimator"]["default"] in ESTIMATORS


def _widget_defaults(notebook: Path) -> dict[str, str]:
    return dict(re.findall(r'dbutils\.widgets\.text\("(\w+)", "([^"]*)"', notebook.read_text()))


@pytest.mark.parametrize("key", ["training", "contract_tests"])
def test_a_notebook_opened_by_hand_defaults_to_what_its_job_passes_in_production(bundle, key):
    job = bundle["resources"]["jobs"][key]
    defaults = _widget_defaults(BUNDLE / job["tasks"][0]["notebook_task"]["notebook_path"])
    variables = {name: str(v.get("default", "")) for name, v in bundle["variables"].items()}
    variables.update(bundle["targets"]["prod"]["variables"])
    for parameter in job["parameters"]:
        if parameter["name"] == "features_dir":
            assert defaults["features_dir"] == ""  # empty: the synced features, which the variable names on the cluster
            continue
        assert defaults[parameter["name"]] == _resolved(parameter["default"], variables), parameter["name"]


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
