"""The release runs the contract on the cluster and gates on it: in every Release stage, after the bundle is
deployed, the contract_tests job runs, its JUnit file is published (failing on failures or a missing file) and
`modelgate gate` requires that suite for the released model (model/bundled) before the model is promoted in
the volume and before Data Factory and AKS are deployed. The names the script uses are the bundle's and
modelgate.databricks'. Each check is also shown to catch a broken release."""

from __future__ import annotations

import copy
import posixpath
import re

import pytest
import yaml
from modelgate.steps.support import ROOT

from modelgate.databricks import CONTRACT_SUITE
from tests.pipelines.test_azure_pipeline import jobs, load, steps

SCRIPT = ROOT / "pipelines" / "contract-databricks.sh"
BUNDLE = ROOT / "pipelines" / "databricks" / "databricks.yml"


def _index(listed: list[dict], match) -> int | None:
    return next((i for i, s in enumerate(listed) if match(s)), None)


def _script_task(name: str, action: str | None = None):
    def match(step: dict) -> bool:
        inputs = step.get("inputs", {})
        return str(inputs.get("scriptPath", "")).endswith(name) and (
            action is None or str(inputs["arguments"]).startswith(action)
        )

    return match


def cluster_problems(pipeline: dict) -> list[str]:
    problems = []
    releases = [(stage, job) for stage, job in jobs(pipeline) if stage["stage"].startswith("Release")]
    for stage, job in releases:
        where, listed = stage["stage"], steps(job)
        deploy = _index(listed, _script_task("deploy-databricks.sh"))
        run = _index(listed, _script_task("contract-databricks.sh", "run"))
        if deploy is None or run is None or run < deploy:
            problems.append(f"{where}: the contract must run on the cluster after the bundle is deployed")
            continue
        junit = listed[run]["inputs"]["arguments"].split()[-1]
        publish = listed[run + 1] if run + 1 < len(listed) else {}
        if publish.get("task") != "PublishTestResults@2" or publish["inputs"].get("testResultsFiles") != junit:
            problems.append(f"{where}: the cluster's JUnit {junit} is not published right after the run")
        if posixpath.basename(junit) != f"{CONTRACT_SUITE}.xml":
            problems.append(f"{where}: the cluster's JUnit is {junit}, the suite is {CONTRACT_SUITE}")
        suite = f"--require {CONTRACT_SUITE} --model model/bundled --model-suites {CONTRACT_SUITE}"
        wanted = f"modelgate gate {posixpath.dirname(junit)} {suite}"
        gate = _index(listed, lambda s, wanted=wanted: wanted in " ".join(str(s.get("script", "")).split()))
        if gate is None or gate < run:
            problems.append(f"{where}: no `{wanted}` after the cluster run")
            continue
        later = {
            "the model's promotion": _index(listed, _script_task("contract-databricks.sh", "promote")),
            "Data Factory": _index(listed, _script_task("deploy-adf.sh")),
            "AKS": _index(listed, lambda s: s.get("task", "").startswith("KubernetesManifest")),
        }
        problems += [f"{where}: {name} is not after the cluster's gate" for name, i in later.items() if i is None or i < gate]
    return problems or ([] if releases else ["no Release stage"])


def test_every_release_runs_the_contract_on_the_cluster_and_gates_on_it_for_the_released_model():
    assert cluster_problems(load()) == []


def _release(p: dict) -> list[dict]:
    return next(job for stage, job in jobs(p) if stage["stage"] == "Release_prod")["strategy"]["runOnce"]["deploy"]["steps"]


def _gate_step(p: dict) -> dict:
    return next(s for s in _release(p) if "modelgate gate" in s.get("script", ""))


@pytest.mark.parametrize(
    ("break_it", "found"),
    [
        (lambda p: _release(p).remove(_gate_step(p)), "no `modelgate gate"),
        (
            lambda p: _gate_step(p).update(script=_gate_step(p)["script"].replace(" --model model/bundled", "")),
            "no `modelgate gate",
        ),
        (lambda p: _release(p).insert(0, _release(p).pop(_index(_release(p), _script_task("deploy-adf.sh")))), "Data Factory"),
        (lambda p: _release(p).pop(_index(_release(p), _script_task("contract-databricks.sh", "run")) + 1), "not published"),
    ],
)
def test_the_cluster_check_catches_a_broken_release(break_it, found):
    broken = copy.deepcopy(load())
    break_it(broken)
    assert any(found in p and "Release_prod" in p for p in cluster_problems(broken)), cluster_problems(broken)


def test_the_contract_script_uses_the_bundles_job_parameters_and_variables_and_the_suites_file():
    text = SCRIPT.read_text(encoding="utf-8")
    bundle = yaml.safe_load(BUNDLE.read_text(encoding="utf-8"))
    job = bundle["resources"]["jobs"]["contract_tests"]
    (command,) = re.findall(r"databricks bundle run (\w+) -t \"\$target\" --params \"([^\"]+)\"", text)
    assert command[0] == "contract_tests"
    passed = {pair.split("=", 1)[0] for pair in command[1].split(",")}
    assert passed == {p["name"] for p in job["parameters"]}
    assert set(re.findall(r"\$\(variable (\w+)\)", text)) <= set(bundle["variables"])
    assert f'"dbfs:$reports/{CONTRACT_SUITE}.xml"' in text
    assert "databricks fs cp --overwrite" in text
    assert 'databricks fs cp --recursive --overwrite "$root/${MODELGATE_RELEASE_MODEL:-model/bundled}"' in text
