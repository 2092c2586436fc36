"""The release to production makes the released model the production model the next run is compared with (no
earlier environment's release does): after the smoke test passed, to the place the Test stage reads it from
($(productionModel)), in either form, a folder URL (abfs://…) or an MLflow registry alias
(models:/NAME@ALIAS). The publish step's own script runs here with a stand-in modelgate, once per form. Each
check is also shown to catch a broken pipeline."""

from __future__ import annotations

import copy
import os
import re
import stat
import subprocess

import pytest

from tests.pipelines.test_azure_pipeline import load
from tests.pipelines.test_azure_release import releases

PUBLISH = "Publish the released model as the production model"
PRODUCTION = "Release_prod"
# Records its arguments and the environment the registry or the storage account is named by.
FAKE_MODELGATE = """#!/usr/bin/env bash
{
  echo "modelgate $*"
  for name in AZURE_STORAGE_ACCOUNT_NAME MLFLOW_TRACKING_URI MLFLOW_EXPERIMENT_NAME DATABRICKS_HOST DATABRICKS_AUTH_TYPE; do
    if [ -n "${!name+set}" ]; then echo "$name=${!name}"; fi
  done
} >> "$TOOL_LOG"
"""
MACROS = {
    "championAccount": "champions",
    "mlflowTrackingUri": "databricks",
    "mlflowDatabricksHost": "https://adb-1.azuredatabricks.net",
    "mlflowExperiment": "/Shared/modelgate-releases",
}


@pytest.fixture
def pipeline() -> dict:
    return load()


def _after_traffic(job: dict) -> list[dict]:
    return job["strategy"]["runOnce"]["postRouteTraffic"]["steps"]


def order_problems(pipeline: dict) -> list[str]:
    """The model is published in the production release, once, after the smoke test's results were published and
    passed; in no other release."""
    problems = []
    for stage, job in releases(pipeline):
        steps = _after_traffic(job)
        names = [s.get("displayName", "") for s in steps]
        publish = [i for i, n in enumerate(names) if n.startswith(PUBLISH)]
        smoke = [i for i, s in enumerate(steps) if s.get("task") == "PublishTestResults@2"]
        if stage != PRODUCTION:
            if publish:
                problems.append(f"{stage}: {len(publish)} steps publish the model, but {stage} is not production")
        elif len(publish) != 1:
            problems.append(f"{stage}: {len(publish)} steps publish the model")
        elif not smoke or publish[0] < smoke[0]:
            problems.append(f"{stage}: the model is published before the smoke test's results")
        elif "condition" in steps[publish[0]]:
            problems.append(f"{stage}: the publish step runs on its own condition, not only after the smoke test passed")
    return problems or ([] if releases(pipeline) else ["no release"])


def _publish_step(pipeline: dict, stage: str = PRODUCTION) -> dict:
    job = next(job for name, job in releases(pipeline) if name == stage)
    return next(s for s in _after_traffic(job) if s.get("displayName", "").startswith(PUBLISH))


def publish(tmp_path, production_model: str) -> tuple[subprocess.CompletedProcess, list[str]]:
    """The production release's publish script, its macros filled in, run with a stand-in modelgate (and az) on PATH."""
    macros = MACROS | {"productionModel": production_model}
    script = re.sub(r"\$\((\w+)\)", lambda m: macros[m[1]], _publish_step(load())["inputs"]["inlineScript"])
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for tool in ("modelgate", "az"):
        (bin_dir / tool).write_text(FAKE_MODELGATE)
        (bin_dir / tool).chmod(stat.S_IRWXU)
    log = tmp_path / "tools.log"
    log.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("MLFLOW_", "DATABRICKS_", "AZURE_STORAGE_"))}
    env |= {"PATH": f"{bin_dir}:{os.environ['PATH']}", "TOOL_LOG": str(log)}
    done = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, check=False, timeout=60)
    return done, log.read_text().splitlines()


def test_the_production_release_alone_publishes_the_model_once_after_the_smoke_test(pipeline):
    assert order_problems(pipeline) == []


def _publish_at(steps: list[dict]) -> int:
    return next(i for i, s in enumerate(steps) if s.get("displayName", "").startswith(PUBLISH))


@pytest.mark.parametrize(
    ("break_it", "found"),
    [
        (lambda steps: steps.insert(0, steps.pop(_publish_at(steps))), "published before the smoke test"),
        (lambda steps: steps[_publish_at(steps)].update(condition="always()"), "runs on its own condition"),
        (lambda steps: steps.pop(_publish_at(steps)), "0 steps publish the model"),
    ],
)
def test_the_order_check_catches_a_broken_release(pipeline, break_it, found):
    broken = copy.deepcopy(pipeline)
    break_it(_after_traffic(next(job for name, job in releases(broken) if name == PRODUCTION)))
    assert [p for p in order_problems(broken) if p.startswith(f"{PRODUCTION}: ") and found in p], order_problems(broken)


def test_the_order_check_catches_an_earlier_release_that_publishes(pipeline):
    broken = copy.deepcopy(pipeline)
    jobs = dict(releases(broken))
    _after_traffic(jobs["Release_dev"]).append(copy.deepcopy(_publish_step(pipeline)))
    assert order_problems(broken) == ["Release_dev: 1 steps publish the model, but Release_dev is not production"]


def test_a_folder_url_is_published_with_the_storage_account_and_no_registry(tmp_path):
    done, calls = publish(tmp_path, "abfs://models/production/weight")
    assert done.returncode == 0, done.stderr
    assert calls == ["modelgate publish model/bundled abfs://models/production/weight", "AZURE_STORAGE_ACCOUNT_NAME=champions"]


def test_a_registry_alias_is_published_to_the_registry_signed_in_as_the_service_connection(tmp_path):
    done, calls = publish(tmp_path, "models:/main.modelgate.weight@champion")
    assert done.returncode == 0, done.stderr
    assert calls == [
        "modelgate publish model/bundled models:/main.modelgate.weight@champion",
        "MLFLOW_TRACKING_URI=databricks",
        "MLFLOW_EXPERIMENT_NAME=/Shared/modelgate-releases",
        "DATABRICKS_HOST=https://adb-1.azuredatabricks.net",
        "DATABRICKS_AUTH_TYPE=azure-cli",
    ]


def test_the_release_publishes_where_the_test_stage_reads_and_installs_what_publishing_needs(pipeline):
    test_stage = next(s for s in pipeline["stages"] if s["stage"] == "Test")
    bdd = next(s for s in test_stage["jobs"][0]["steps"] if s.get("displayName") == "Test: bdd (Gherkin features)")
    assert bdd["env"]["MODELGATE_PRODUCTION_MODEL"] == "$(productionModel)"
    assert (
        bdd["env"]["MLFLOW_TRACKING_URI"] == "$(mlflowTrackingUri)" and bdd["env"]["DATABRICKS_HOST"] == "$(mlflowDatabricksHost)"
    )
    script = _publish_step(pipeline)["inputs"]["inlineScript"]
    assert 'modelgate publish model/bundled "$(productionModel)"' in script
    for stage, job in releases(pipeline):
        install = next(s["script"] for s in _after_traffic(job) if "pip install" in s.get("script", ""))
        extras = set(re.search(r"\.\[([^\]]*)\]", install)[1].split(","))
        assert {"azure", "mlflow"} <= extras, (stage, install)
