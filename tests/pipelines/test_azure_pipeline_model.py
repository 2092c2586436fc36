"""The Azure DevOps pipeline trains the model once and every later job tests, ships and gates that one
file: the Model stage trains and publishes it, every job that tests, builds, gates or reports downloads it
into model/bundled first, and the gate names it. Each check is also shown to catch a broken pipeline."""

from __future__ import annotations

import configparser
import copy
import re

import pytest
from modelgate.steps.support import ROOT

from tests.pipelines.test_azure_pipeline import jobs, load, steps

# Steps that test, build, gate or report on the model: each needs the model artifact in model/bundled first.
USES_MODEL = re.compile(r"\b(tox -e \w|pytest\b|modelgate (gate|selftest|report)\b|docker/build\.sh)")
MODEL_DIR = "model/bundled"
MODEL_ARTIFACT = "model"


@pytest.fixture
def pipeline() -> dict:
    return load()


def upstream(pipeline: dict, name: str) -> set[str]:
    """Every stage ``name`` waits for, directly or not (no ``dependsOn``: the stage before it)."""
    stages = pipeline["stages"]
    names = [s["stage"] for s in stages]
    found, todo = set(), [name]
    while todo:
        stage = stages[names.index(todo.pop())]
        depends = stage.get("dependsOn", names[names.index(stage["stage"]) - 1 : names.index(stage["stage"])])
        for parent in [depends] if isinstance(depends, str) else depends:
            if parent not in found:
                found.add(parent)
                todo.append(parent)
    return found


def is_model_download(step: dict) -> bool:
    return step.get("task") == "DownloadPipelineArtifact@2" and step["inputs"].get("artifactName") == MODEL_ARTIFACT


def runs(job: dict, text: str) -> list[str]:
    """The job's scripts that contain ``text`` (folded YAML lines joined by single spaces)."""
    return [" ".join(s["script"].split()) for s in steps(job) if text in " ".join(s.get("script", "").split())]


def model_problems(pipeline: dict) -> list[str]:
    """The model is trained by one job, in stage Model, and published; every other job that tests, builds,
    gates or reports downloads it into model/bundled first and runs after Model; the gate names it."""
    problems = []
    trainers = [(st["stage"], job) for st, job in jobs(pipeline) if runs(job, "modelgate train")]
    if [name for name, _ in trainers] != ["Model"]:
        problems.append(f"the model must be trained by exactly one job, in stage Model; trained in {[n for n, _ in trainers]}")
    for name, job in trainers:
        if not any(s.get("publish") == MODEL_DIR and s.get("artifact") == MODEL_ARTIFACT for s in steps(job)):
            problems.append(f"{name}: the trained {MODEL_DIR} is not published as artifact {MODEL_ARTIFACT!r}")
    for stage, job in jobs(pipeline):
        listed = steps(job)
        first = next((i for i, s in enumerate(listed) if USES_MODEL.search(s.get("script", ""))), None)
        if stage["stage"] == "Model" or first is None:
            continue
        download = next((i for i, s in enumerate(listed) if is_model_download(s)), None)
        if download is None or download > first:
            problems.append(f"{stage['stage']}: no download of the model before {listed[first]['script']!r}")
        elif not str(listed[download]["inputs"].get("targetPath", "")).endswith(MODEL_DIR):
            problems.append(f"{stage['stage']}: the model is downloaded to {listed[download]['inputs'].get('targetPath')}")
        if "Model" not in upstream(pipeline, stage["stage"]):
            problems.append(f"{stage['stage']} does not run after stage Model")
    gate = [script for st, job in jobs(pipeline) if st["stage"] == "Gate" for script in runs(job, "modelgate gate")]
    if not gate or f"--model {MODEL_DIR} --features features --model-suites $(modelSuites)" not in gate[0]:
        problems.append(f"the gate does not pass --model {MODEL_DIR} --features features --model-suites $(modelSuites)")
    return problems


def test_the_model_is_trained_once_and_every_later_job_uses_that_file(pipeline):
    assert model_problems(pipeline) == []
    for stage in ("Test", "Image", "Gate", "Release_dev", "Release_prod"):
        assert "Model" in upstream(pipeline, stage), stage


def test_the_gate_requires_every_model_suite_to_name_the_released_model(pipeline):
    variables = {v["name"]: v["value"] for v in pipeline["variables"] if "name" in v}
    tox = configparser.ConfigParser(interpolation=None)
    tox.read(ROOT / "tox.ini")
    # The pipeline's model suites are the chain's (tox.ini [gate] model_suites) plus the in-image selftest.
    assert set(variables["modelSuites"].split()) == {*tox["gate"]["model_suites"].split(), "selftest"}
    assert set(variables["modelSuites"].split()) <= set(variables["requiredSuites"].split())
    assert tox["gate"]["release_model"] == MODEL_DIR


def _stage(p: dict, name: str) -> dict:
    return next(s for s in p["stages"] if s["stage"] == name)


def _job(p: dict, stage: str) -> list[dict]:
    return _stage(p, stage)["jobs"][0]["steps"]


def _drop_download(p: dict, stage: str) -> None:
    listed = _job(p, stage)
    listed.remove(next(s for s in listed if is_model_download(s)))


def _gate_without_model(p: dict) -> None:
    for step in _job(p, "Gate"):
        if "script" in step:
            step["script"] = step["script"].replace("--model model/bundled", "")


@pytest.mark.parametrize(
    ("break_it", "found"),
    [
        (lambda p: _drop_download(p, "Image"), "Image: no download of the model before"),
        (lambda p: _drop_download(p, "Test"), "Test: no download of the model before"),
        (lambda p: _job(p, "Gate").insert(0, {"script": "modelgate train --out model/bundled"}), "trained by exactly one job"),
        (
            lambda p: _job(p, "Model").remove(next(s for s in _job(p, "Model") if s.get("artifact") == "model")),
            "is not published as artifact",
        ),
        (lambda p: _stage(p, "Test").update(dependsOn=[]), "Test does not run after stage Model"),
        (_gate_without_model, "the gate does not pass --model"),
    ],
)
def test_the_model_check_catches_a_broken_pipeline(pipeline, break_it, found):
    broken = copy.deepcopy(pipeline)
    break_it(broken)
    assert any(found in p for p in model_problems(broken)), model_problems(broken)
