"""The Data Factory definitions as a release deploys them: rendered for an environment from its variables and the
deployed bundle's summary, no placeholder left, every reference resolving to something deployed with them, the
deployed job's id in the pipeline, uploaded in dependency order after the Event Grid provider is registered."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess

import pytest
import yaml

from tests.pipelines.adf_sample import DEPLOYED_JOB_ID, ENVIRONMENT, PIPELINES, bundle_summary, rendered, renderer

ARM_ID = re.compile(r"/subscriptions/[0-9a-f-]{36}/resourceGroups/[\w.()-]+/providers/[\w.]+/[\w]+/[\w-]+")
LEFTOVER = re.compile(r"#\{|\}#|set-at-deployment|0{8}-0{4}")


@pytest.fixture(scope="module")
def adf():
    return renderer()


@pytest.mark.parametrize("target", ["dev", "prod"])
def test_every_definition_renders_with_no_placeholder_left(target):
    definitions = rendered(target)
    assert set(definitions) == {"AzureDatabricks", "score_upload", "trigger_input_uploaded"}
    for name, body in definitions.items():
        assert not LEFTOVER.search(json.dumps(body)), name


def test_every_reference_resolves_to_a_deployed_definition(adf):
    definitions = adf.render({**ENVIRONMENT, **adf.job_values(bundle_summary())})
    deployed = {(kind, name) for kind, name, _ in definitions}
    refs = [ref for _, _, body in definitions for ref in adf.references(body)]
    assert set(refs) == {("linkedservices", "AzureDatabricks"), ("pipelines", "score_upload")}
    assert set(refs) <= deployed
    # Each is deployed before what refers to it: linked services, then pipelines, then triggers.
    assert [kind for kind, _, _ in definitions] == ["linkedservices", "pipelines", "triggers"]


@pytest.mark.parametrize("target", ["dev", "prod"])
def test_the_pipeline_runs_the_deployed_job_and_the_linked_service_its_cluster(target):
    definitions = rendered(target)
    (activity,) = definitions["score_upload"]["properties"]["activities"]
    assert activity["typeProperties"]["jobId"] == DEPLOYED_JOB_ID
    # The job cluster named in the linked service is the bundle target's (node type differs per target).
    bundle = yaml.safe_load((PIPELINES / "databricks" / "databricks.yml").read_text())

    def variable(name):
        return bundle["targets"][target].get("variables", {}).get(name, bundle["variables"][name]["default"])

    cluster = bundle["resources"]["jobs"]["batch_scoring"]["job_clusters"][0]["new_cluster"]
    version = cluster["spark_version"]
    version = variable(version[len("${var.") : -1]) if version.startswith("${var.") else version
    typed = definitions["AzureDatabricks"]["properties"]["typeProperties"]
    assert (typed["newClusterVersion"], typed["newClusterNodeType"], typed["newClusterNumOfWorker"]) == (
        version,
        variable("node_type"),
        str(cluster["num_workers"]),
    )


def test_the_linked_service_signs_in_with_the_factorys_managed_identity():
    service = rendered()["AzureDatabricks"]["properties"]
    assert service["type"] == "AzureDatabricks"
    typed = service["typeProperties"]
    assert typed["authentication"] == "MSI" and "accessToken" not in typed
    assert typed["domain"] == ENVIRONMENT["DATABRICKS_HOST"]
    assert ARM_ID.fullmatch(typed["workspaceResourceId"]) and "/Microsoft.Databricks/workspaces/" in typed["workspaceResourceId"]


def test_the_trigger_watches_the_environments_storage_account_and_container():
    typed = rendered()["trigger_input_uploaded"]["properties"]["typeProperties"]
    assert typed["scope"] == (
        f"/subscriptions/{ENVIRONMENT['SUBSCRIPTION_ID']}/resourceGroups/{ENVIRONMENT['STORAGE_RESOURCE_GROUP']}"
        f"/providers/Microsoft.Storage/storageAccounts/{ENVIRONMENT['STORAGE_ACCOUNT']}"
    )
    assert ARM_ID.fullmatch(typed["scope"])
    assert typed["blobPathBeginsWith"] == f"/{ENVIRONMENT['STORAGE_CONTAINER']}/blobs/input/"
    output = rendered()["score_upload"]["properties"]["parameters"]["outputFolder"]["defaultValue"]
    assert output == f"abfs://{ENVIRONMENT['STORAGE_CONTAINER']}/output/"


def test_a_missing_variable_or_an_undeployed_job_stops_the_render(adf):
    values = {**ENVIRONMENT, **adf.job_values(bundle_summary())}
    del values["STORAGE_ACCOUNT"]
    with pytest.raises(adf.RenderError, match=r"trigger_input_uploaded.json: no value for token\(s\) STORAGE_ACCOUNT"):
        adf.render(values)
    with pytest.raises(adf.RenderError, match="is not deployed \\(created\\); run databricks bundle deploy first"):
        adf.job_values(bundle_summary(job_id=None))
    with pytest.raises(adf.RenderError, match="no job 'batch_scoring'"):
        adf.job_values({"resources": {}})


def test_a_reference_to_an_undeployed_linked_service_stops_the_render(adf, tmp_path):
    for path in (PIPELINES / "adf").glob("*.json"):
        if "linkedservice" not in path.name:
            shutil.copy(path, tmp_path)
    values = {**ENVIRONMENT, **adf.job_values(bundle_summary())}
    wanted = "pipelines/score_upload refers to linkedservices/AzureDatabricks, which is not deployed"
    with pytest.raises(adf.RenderError, match=wanted):
        adf.render(values, tmp_path)


def test_a_value_cannot_break_the_json(adf):
    values = {**ENVIRONMENT, **adf.job_values(bundle_summary()), "STORAGE_CONTAINER": 'a"b\\c'}
    (_, _, trigger) = adf.render(values)[-1]
    assert trigger["properties"]["typeProperties"]["blobPathBeginsWith"] == '/a"b\\c/blobs/input/'


FAKE_AZ = """#!/usr/bin/env bash
# Records every call; a PUT also records the body it uploads (the rendered file is gone after the script).
echo "az $*" >> "$AZ_LOG"
for arg in "$@"; do case "$arg" in @*) echo "body ${arg#@}: $(cat "${arg#@}" | tr -d '\\n')" >> "$AZ_LOG";; esac; done
case "$1 $2" in
  "account show") echo 11111111-2222-3333-4444-555555555555;;
  "provider show") echo "$PROVIDER_STATE";;
  "provider register") [ "$REGISTER_FAILS" = 1 ] && exit 1 || true;;
  "group show") echo /subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-dev;;
esac
"""


def deploy(tmp_path, provider_state="NotRegistered", register_fails="0", summary=None):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "az").write_text(FAKE_AZ)
    (bin_dir / "az").chmod(stat.S_IRWXU)
    summary_file = tmp_path / "summary.json"
    summary_file.write_text(json.dumps(summary or bundle_summary()))
    log = tmp_path / "az.log"
    log.write_text("")
    env = {**os.environ, **ENVIRONMENT, "PATH": f"{bin_dir}:{os.environ['PATH']}", "AZ_LOG": str(log)}
    env.update(PROVIDER_STATE=provider_state, REGISTER_FAILS=register_fails)
    del env["SUBSCRIPTION_ID"]  # taken from the service connection's subscription
    done = subprocess.run(
        ["bash", str(PIPELINES / "deploy-adf.sh"), "rg-dev", "adf-dev", str(summary_file)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    return done, log.read_text().splitlines()


def test_deploy_registers_event_grid_then_uploads_in_dependency_order(tmp_path):
    done, calls = deploy(tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Microsoft.EventGrid is NotRegistered" in done.stdout
    puts = [c.split("--url ")[1].split("?")[0].rsplit("/", 2)[-2:] for c in calls if c.startswith("az rest --method put")]
    assert puts == [["linkedservices", "AzureDatabricks"], ["pipelines", "score_upload"], ["triggers", "trigger_input_uploaded"]]
    register = next(i for i, c in enumerate(calls) if c.startswith("az provider register --namespace Microsoft.EventGrid"))
    first_put = next(i for i, c in enumerate(calls) if c.startswith("az rest --method put"))
    assert register < first_put
    bodies = [c for c in calls if c.startswith("body ")]
    assert len(bodies) == 3 and not any(LEFTOVER.search(b) for b in bodies)
    assert any(f'"jobId": "{DEPLOYED_JOB_ID}"' in b for b in bodies)
    # The trigger is stopped before it changes and started after.
    trigger = [c for c in calls if "/triggers/" in c]
    assert ["stop" in trigger[0], "--method put" in trigger[1], "start" in trigger[2]] == [True, True, True]


def test_deploy_leaves_a_registered_provider_alone_and_names_one_it_cannot_register(tmp_path):
    done, calls = deploy(tmp_path, provider_state="Registered")
    assert done.returncode == 0, done.stderr
    assert not any("provider register" in c for c in calls)
    done, calls = deploy(tmp_path, register_fails="1")
    assert done.returncode == 3
    assert "cannot register Microsoft.EventGrid in subscription 11111111-2222-3333-4444-555555555555" in done.stderr
    assert not any("--method put" in c for c in calls)


def test_deploy_uploads_nothing_for_an_undeployed_job(tmp_path):
    done, calls = deploy(tmp_path, summary=bundle_summary(job_id=None))
    assert done.returncode == 2
    assert "adf_render: bundle summary: job 'batch_scoring' is not deployed" in done.stderr
    assert not any("--method put" in c or "provider" in c for c in calls)
