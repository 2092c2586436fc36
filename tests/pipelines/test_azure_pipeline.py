"""The Azure DevOps pipeline's gating properties, read from the YAML: every test step is followed by a
publish step that fails on failed or missing results, the gate requires every published suite, the
release stages depend on the gate and run only from main, the image is pushed only after its tests,
and no secret is written inline (the model's path through the pipeline: test_azure_pipeline_model.py).
Each check is also shown to catch a broken pipeline."""

from __future__ import annotations

import configparser
import copy
import re
from pathlib import Path

import pytest
import yaml
from modelgate.steps.support import ROOT, load_script

from tests.pipelines import azure_templates

PIPELINES = ROOT / "pipelines"
MAIN = "and(succeeded(), eq(variables['Build.SourceBranch'], 'refs/heads/main'))"
TEST_COMMAND = re.compile(r"\b(tox -e \w|pytest\b|modelgate (gate|selftest)\b)")
SECRET_KEY = re.compile(r"(password|passwd|secret|token|apikey|api_key|accountkey|connectionstring|sas)$", re.I)
SECRET_TEXT = re.compile(
    r"AccountKey=|SharedAccessSignature=|-----BEGIN [A-Z ]*PRIVATE KEY|\bsig=[A-Za-z0-9%]{20,}|\b[A-Za-z0-9+/]{40,}={0,2}"
)
REFERENCE = re.compile(r"^\s*(\$\([\w.]+\)|\$\{\{.*\}\}|\$\[.*\])\s*$")


def load(name: str = "azure-pipelines.yml", folder: Path = PIPELINES) -> dict:
    """The pipeline as Azure DevOps runs it: every template expanded with its parameters."""
    return azure_templates.load(folder / name)


@pytest.fixture
def pipeline() -> dict:
    return load()


def jobs(pipeline: dict):
    for stage in pipeline["stages"]:
        for job in stage.get("jobs", []):
            yield stage, job


def steps(job: dict) -> list[dict]:
    """A job's steps, its deployment hooks' included (templates are already expanded by ``load``)."""
    found = list(job.get("steps", []))
    for hook in job.get("strategy", {}).get("runOnce", {}).values():
        found += hook.get("steps", [])
    return found


def junit_output(script: str) -> str | None:
    """The JUnit file a test command writes, by file name."""
    if m := re.search(r"--junit(?:xml)?[= ](\S+)", script):
        return m[1].rsplit("/", 1)[-1]
    if m := re.search(r"tox -e ([\w-]+)", script):
        return f"{m[1]}.xml"
    return None


def publish_problems(pipeline: dict) -> list[str]:
    problems = []
    for stage, job in jobs(pipeline):
        listed = steps(job)
        for i, step in enumerate(listed):
            script = step.get("script", "")
            if TEST_COMMAND.search(script):
                after = listed[i + 1] if i + 1 < len(listed) else {}
                if after.get("task") != "PublishTestResults@2":
                    problems.append(f"{stage['stage']}: {script!r} is not followed by PublishTestResults@2")
                    continue
                published = after["inputs"]["testResultsFiles"].rsplit("/", 1)[-1]
                if junit_output(script) != published:
                    problems.append(f"{stage['stage']}: {script!r} writes {junit_output(script)}, publishes {published}")
            if step.get("task") == "PublishTestResults@2":
                inputs = step.get("inputs", {})
                wanted = {"testResultsFormat": "JUnit", "failTaskOnFailedTests": True, "failTaskOnMissingResultsFile": True}
                problems += [
                    f"{stage['stage']}: publish step has {k}={inputs.get(k)!r}" for k, v in wanted.items() if inputs.get(k) != v
                ]
                if "*" in str(inputs.get("testResultsFiles", "*")):
                    problems.append(f"{stage['stage']}: testResultsFiles must name the file, not a pattern")
                if step.get("condition") != "succeededOrFailed()":
                    problems.append(f"{stage['stage']}: publish step must run with condition succeededOrFailed()")
    return problems


def release_problems(pipeline: dict) -> list[str]:
    problems = []
    releases = [s for s in pipeline["stages"] if s["stage"].startswith("Release")]
    if not releases:
        return ["no Release stage"]
    for stage in releases:
        depends = stage.get("dependsOn", [])
        if "Gate" not in ([depends] if isinstance(depends, str) else depends):
            problems.append(f"{stage['stage']} does not depend on Gate")
        if stage.get("condition") != MAIN:
            problems.append(f"{stage['stage']} condition is {stage.get('condition')!r}, not {MAIN!r}")
        for job in stage["jobs"]:
            if "deployment" not in job or not job.get("environment"):
                problems.append(f"{stage['stage']}: every job must be a deployment job with an environment (approvals)")
    return problems


def secret_problems(node, where: str = "") -> list[str]:
    """Secret-looking keys with literal values, and secret-looking text, anywhere in the YAML."""
    problems = []
    if isinstance(node, dict):
        if SECRET_KEY.search(str(node.get("name", ""))) and "value" in node and not REFERENCE.match(str(node["value"])):
            problems.append(f"{where}: variable {node['name']} has an inline value")
        for key, value in node.items():
            if SECRET_KEY.search(str(key)) and isinstance(value, str | int) and not REFERENCE.match(str(value)):
                problems.append(f"{where}.{key}: inline value")
            problems += secret_problems(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            problems += secret_problems(item, f"{where}[{i}]")
    elif isinstance(node, str) and SECRET_TEXT.search(node):
        problems.append(f"{where}: looks like a credential")
    return problems


def test_every_test_step_is_published_and_the_publish_steps_fail_on_bad_results(pipeline):
    assert publish_problems(pipeline) == []


def test_release_stages_depend_on_the_gate_and_run_only_from_main(pipeline):
    assert release_problems(pipeline) == []
    gate = next(s for s in pipeline["stages"] if s["stage"] == "Gate")
    assert {"Test", "Image"} <= set(gate["dependsOn"]) and gate["condition"] == "not(canceled())"


def test_the_gate_requires_every_suite_the_pipeline_publishes(pipeline):
    published = {
        s["artifact"].removeprefix("junit-")
        for _, job in jobs(pipeline)
        for s in steps(job)
        if s.get("artifact", "").startswith("junit-")
    }
    required = next(v["value"] for v in pipeline["variables"] if v.get("name") == "requiredSuites").split()
    # The pipeline gates on every suite the local chain gates on (tox.ini [gate] require), plus the in-image selftest.
    tox = configparser.ConfigParser(interpolation=None)
    tox.read(ROOT / "tox.ini")
    assert set(required) == published == {*tox["gate"]["require"].split(), "selftest"}
    gate = next(
        s for s in steps(next(j for st, j in jobs(pipeline) if st["stage"] == "Gate")) if "modelgate gate" in s.get("script", "")
    )
    assert "--require $(requiredSuites)" in gate["script"]


def test_the_image_is_pushed_only_after_its_tests_passed(pipeline):
    image = next(j for st, j in jobs(pipeline) if st["stage"] == "Image")
    listed = steps(image)
    push = next(i for i, s in enumerate(listed) if s.get("task") == "Docker@2" and s["inputs"]["command"] == "push")
    assert push == len(listed) - 1 and "condition" not in listed[push]  # default succeeded(): every earlier step passed
    tox = configparser.ConfigParser(interpolation=None)
    tox.read(ROOT / "tox.ini")
    container = [x for x in tox["gate"]["require"].split() if x.startswith("container")]
    # the container suites (the bundled model's and each example's) and selftest
    assert sum(1 for s in listed[:push] if s.get("task") == "PublishTestResults@2") == len(container) + 1


def test_no_secret_is_written_in_the_pipeline():
    # The expanded pipeline (what runs) and every YAML file as written (templates included).
    assert secret_problems(load(), "expanded azure-pipelines.yml") == []
    files = sorted(PIPELINES.glob("*.yml"))
    assert {"azure-pipelines.yml", "release-steps.yml", "suite-steps.yml"} <= {f.name for f in files}
    for path in files:
        assert secret_problems(yaml.safe_load(path.read_text(encoding="utf-8")), path.name) == []
    assert all(g.get("group") for g in load()["variables"] if "group" in g)


def _test_steps(p: dict) -> list[dict]:
    """The Test stage's steps (a broken copy is edited through this list)."""
    return next(s for s in p["stages"] if s["stage"] == "Test")["jobs"][0]["steps"]


def _first_publish(p: dict) -> int:
    return next(i for i, s in enumerate(_test_steps(p)) if s.get("task") == "PublishTestResults@2")


@pytest.mark.parametrize(
    ("break_it", "found"),
    [
        (lambda p: _test_steps(p).pop(_first_publish(p)), "is not followed by PublishTestResults@2"),
        (lambda p: _test_steps(p)[_first_publish(p)]["inputs"].update(failTaskOnFailedTests=False), "failTaskOnFailedTests"),
        (lambda p: _test_steps(p)[_first_publish(p)]["inputs"].update(testResultsFiles="**/*.xml"), "name the file"),
        (lambda p: _test_steps(p)[_first_publish(p)].pop("condition"), "succeededOrFailed()"),
    ],
)
def test_the_publish_check_catches_a_broken_pipeline(pipeline, break_it, found):
    broken = copy.deepcopy(pipeline)
    break_it(broken)
    assert any(found in p for p in publish_problems(broken)), publish_problems(broken)


def test_the_release_and_secret_checks_catch_a_broken_pipeline(pipeline):
    broken = copy.deepcopy(pipeline)
    release = next(s for s in broken["stages"] if s["stage"] == "Release_dev")
    release["dependsOn"], release["condition"] = ["Test"], "succeeded()"
    assert len(release_problems(broken)) == 2
    broken["variables"].append({"name": "acrPassword", "value": "hunter2"})
    _test_steps(broken)[0]["env"] = {"STORAGE": "DefaultEndpointsProtocol=https;AccountKey=abc"}
    assert len(secret_problems(broken)) == 2


def test_manifest_tokens_are_replaced_and_a_missing_value_is_named(tmp_path, capsys):
    tokens = load_script(PIPELINES / "replace_tokens.py")
    assert (
        tokens.replace_tokens("image: #{IMAGE}#\nname: #{SERVICE_NAME}#", {"IMAGE": "acr/m:1", "SERVICE_NAME": "s"})
        == "image: acr/m:1\nname: s"
    )
    (tmp_path / "in.yaml").write_text("image: #{IMAGE}#\nport: #{PORT}#\nkeep: ${HOME} $(var)\n")
    assert tokens.main([str(tmp_path / "in.yaml"), str(tmp_path / "out.yaml")]) == 2
    assert "no value for token(s) IMAGE, PORT" in capsys.readouterr().err and not (tmp_path / "out.yaml").exists()
