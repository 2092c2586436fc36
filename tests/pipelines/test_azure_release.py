"""The release as Azure DevOps would run it: service connections it can authorize at compile time, the deployment
lifecycle (deploy, smoke test after the new version is live, rollback on failure), path filters that start nothing
for a documentation change, every manifest token supplied and documented, and no unverified download run on the
agent. Each check is also shown to catch a broken pipeline."""

from __future__ import annotations

import copy
import os
import re
import stat
import subprocess

import pytest
import yaml
from modelgate.steps.support import ROOT

from tests.pipelines.test_azure_pipeline import PIPELINES, load

# Task inputs that name a service connection (the tasks this pipeline uses and their aliases).
CONNECTION_INPUTS = {
    "azureSubscription",
    "azureSubscriptionConnection",
    "azureSubscriptionEndpoint",
    "connectedServiceNameARM",
    "containerRegistry",
    "dockerRegistryEndpoint",
    "kubernetesServiceConnection",
    "kubernetesServiceEndpoint",
}
RUNTIME = re.compile(r"\$\(|\$\[|\$\{\{")
PIPE_TO_SHELL = re.compile(r"\b(curl|wget)\b[^\n|]*\|\s*(sudo\s+)?(ba|z|da)?sh\b")
MANIFEST = ROOT / "docker" / "kubernetes-deployment.yaml"
TOKEN = re.compile(r"#\{([A-Za-z_]\w*)\}#")


@pytest.fixture
def pipeline() -> dict:
    return load()


def tasks(node, where: str = ""):
    """Every step with a task anywhere in ``node`` (lifecycle hooks included), with where it is."""
    if isinstance(node, dict):
        if "task" in node:
            yield where, node
        for key, value in node.items():
            yield from tasks(value, f"{where}.{key}")
    elif isinstance(node, list):
        for i, item in enumerate(node):
            yield from tasks(item, f"{where}[{i}]")


def connection_problems(pipeline: dict) -> list[str]:
    problems, named = [], 0
    for where, step in tasks(pipeline):
        for key, value in step.get("inputs", {}).items():
            if key in CONNECTION_INPUTS:
                named += 1
                if not isinstance(value, str) or not value.strip() or RUNTIME.search(value):
                    problems.append(f"{where} {step['task']}: {key}={value!r} is not known when the pipeline compiles")
    return problems if named else ["no service connection found"]


def releases(pipeline: dict) -> list[tuple[str, dict]]:
    return [(s["stage"], job) for s in pipeline["stages"] if s["stage"].startswith("Release") for job in s["jobs"]]


def scripts(hook: dict | None) -> str:
    """All the script text of a hook's steps (inline AzureCLI scripts included)."""
    steps = (hook or {}).get("steps", [])
    return "\n".join(str(s.get("script", "")) + str(s.get("inputs", {}).get("inlineScript", "")) for s in steps)


def lifecycle_problems(pipeline: dict) -> list[str]:
    problems = []
    for stage, job in releases(pipeline):
        hooks = job.get("strategy", {}).get("runOnce", {})
        if "deployment" not in job or not hooks:
            problems.append(f"{stage}: not a deployment job with strategy runOnce")
            continue
        deploy, after = hooks.get("deploy"), hooks.get("postRouteTraffic") or hooks.get("routeTraffic")
        on = hooks.get("on", {})
        if not deploy or not any(s.get("task") == "KubernetesManifest@1" for s in deploy.get("steps", [])):
            problems.append(f"{stage}: the deploy hook does not deploy the manifest")
        if "pytest steps -m api" in scripts(deploy):
            problems.append(f"{stage}: the smoke test runs in the deploy hook, before the new version takes traffic")
        if "pytest steps -m api --base-url $(serviceUrl)" not in scripts(after):
            problems.append(f"{stage}: no smoke test in postRouteTraffic")
        failure = scripts(on.get("failure"))
        if not re.search(r"kubectl rollout undo \"?\$deployment\"?|kubectl rollout undo deployment/", failure):
            problems.append(f"{stage}: on failure does not roll the Kubernetes deployment back")
        elif not re.search(r"echo \"##\[(error|warning)\][^\n]*roll", failure):
            problems.append(f"{stage}: on failure rolls back without saying so in the log")
        if not on.get("success", {}).get("steps"):
            problems.append(f"{stage}: no on: success hook")
    return problems or ([] if releases(pipeline) else ["no release"])


def test_service_connections_are_literals_the_compiler_can_authorize(pipeline):
    assert connection_problems(pipeline) == []
    named = {step["inputs"][k] for _, step in tasks(pipeline) for k in step.get("inputs", {}) if k in CONNECTION_INPUTS}
    assert named == {"modelgate-acr", "modelgate-release-dev", "modelgate-release-prod"}


def test_each_environment_uses_its_own_connection(pipeline):
    for stage, job in releases(pipeline):
        env = stage.removeprefix("Release_")
        used = {step["inputs"][k] for _, step in tasks(job) for k in step.get("inputs", {}) if k in CONNECTION_INPUTS}
        assert used == {f"modelgate-release-{env}"}, stage


def test_release_jobs_follow_the_deployment_lifecycle(pipeline):
    assert lifecycle_problems(pipeline) == []


def _hooks(p: dict, stage: str = "Release_dev") -> dict:
    return next(job for name, job in releases(p) if name == stage)["strategy"]["runOnce"]


def _smoke_into_deploy(p: dict) -> None:
    hooks = _hooks(p)
    hooks["deploy"]["steps"] += hooks.pop("postRouteTraffic")["steps"]


def _silent_rollback(p: dict) -> None:
    for step in _hooks(p)["on"]["failure"]["steps"]:
        script = step["inputs"]["inlineScript"]
        step["inputs"]["inlineScript"] = "\n".join(line for line in script.splitlines() if "##[" not in line)


@pytest.mark.parametrize(
    ("break_it", "found"),
    [
        (
            lambda p: next(s for _, s in tasks(p) if s["task"] == "Docker@2")["inputs"].update(containerRegistry="$(acr)"),
            "Docker@2",
        ),
        (
            lambda p: next(s for _, s in tasks(_hooks(p)) if s["task"] == "AzureCLI@2")["inputs"].update(
                azureSubscription="$(c)"
            ),
            "c)",
        ),
    ],
)
def test_the_connection_check_catches_a_runtime_variable(pipeline, break_it, found):
    broken = copy.deepcopy(pipeline)
    break_it(broken)
    assert any(found in p for p in connection_problems(broken)), connection_problems(broken)


@pytest.mark.parametrize(
    ("break_it", "found"),
    [
        (_smoke_into_deploy, "runs in the deploy hook"),
        (lambda p: _hooks(p)["on"].pop("failure"), "does not roll the Kubernetes deployment back"),
        (_silent_rollback, "without saying so in the log"),
        (lambda p: _hooks(p)["on"].pop("success"), "no on: success hook"),
    ],
)
def test_the_lifecycle_check_catches_a_broken_release(pipeline, break_it, found):
    broken = copy.deepcopy(pipeline)
    break_it(broken)
    assert any(found in p for p in lifecycle_problems(broken)), lifecycle_problems(broken)


FAKE_TOOLS = """#!/usr/bin/env bash
echo "$(basename "$0") $*" >> "$TOOL_LOG"
if [ "$(basename "$0") $1" = "kubectl get" ]; then echo "$RUNNING_IMAGE"; fi
"""


def rollback(tmp_path, running: str):
    """The on: failure script of Release_dev, its pipeline macros filled in, run with stand-in az/kubelogin/kubectl."""
    (step,) = _hooks(load())["on"]["failure"]["steps"]
    macros = {"acrLoginServer": "acr.example.io", "imageRepository": "modelgate", "imageTag": "42"}
    macros |= {"resourceGroup": "rg-dev", "aksCluster": "aks-dev", "namespace": "scoring"}
    script = re.sub(r"\$\((\w+)\)", lambda m: macros[m[1]], step["inputs"]["inlineScript"])
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for tool in ("az", "kubelogin", "kubectl"):
        (bin_dir / tool).write_text(FAKE_TOOLS)
        (bin_dir / tool).chmod(stat.S_IRWXU)
    log = tmp_path / "tools.log"
    log.write_text("")
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "TOOL_LOG": str(log), "RUNNING_IMAGE": running}
    done = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True, check=False, timeout=60)
    return done, log.read_text()


def test_a_failed_release_that_changed_the_deployment_is_rolled_back_and_says_so(tmp_path):
    done, calls = rollback(tmp_path, running="acr.example.io/modelgate:42")
    assert done.returncode == 0, done.stderr
    assert "kubectl rollout undo deployment/modelgate-dev -n scoring" in calls
    assert "##[error]Release to dev failed: rolling deployment/modelgate-dev back" in done.stdout


def test_a_release_that_failed_before_the_deployment_changed_keeps_the_last_good_one(tmp_path):
    done, calls = rollback(tmp_path, running="acr.example.io/modelgate:41")
    assert done.returncode == 0, done.stderr
    assert "rollout undo" not in calls
    assert "nothing to roll back" in done.stdout


def test_the_rollback_targets_the_deployment_the_manifest_names(pipeline):
    for stage, job in releases(pipeline):
        hooks = job["strategy"]["runOnce"]
        replace = next(s for s in hooks["deploy"]["steps"] if "replace_tokens.py" in s.get("script", ""))
        assert f'deployment="deployment/{replace["env"]["SERVICE_NAME"]}"' in scripts(hooks["on"]["failure"]), stage


def path_runs(changed: list[str], filters: dict) -> bool:
    """Azure path filters: a run starts when some changed file is included and not excluded (``*`` within a folder,
    ``**`` across folders, a pattern without wildcards is a path prefix)."""

    def matches(pattern: str, path: str) -> bool:
        if not re.search(r"[*?]", pattern):
            return path == pattern or path.startswith(pattern.rstrip("/") + "/")
        regex = re.escape(pattern).replace(r"\*\*/", "(?:.*/)?").replace(r"\*", "[^/]*").replace(r"\?", "[^/]")
        return re.fullmatch(regex, path) is not None

    include, exclude = filters.get("include", ["*"]), filters.get("exclude", [])
    included = [p for p in changed if any(matches(i, p) or i == "*" for i in include)]
    return any(not any(matches(e, p) for e in exclude) for p in included)


@pytest.mark.parametrize("kind", ["trigger", "pr"])
def test_a_documentation_change_alone_starts_no_run(pipeline, kind):
    paths = pipeline[kind]["paths"]
    assert not path_runs(["README.md"], paths)
    assert not path_runs(["README.md", "bench/README.md", "docs/release.md"], paths)
    assert path_runs(["README.md", "app/main.py"], paths)
    assert path_runs(["pipelines/azure-pipelines.yml"], paths)
    assert path_runs(["features/scoring.feature"], paths)
    assert not path_runs(["README.md"], {"exclude": ["**/*.md"]}) and path_runs(["README.md"], {"exclude": ["bench/*.md"]})


def test_no_downloaded_script_is_piped_into_a_shell():
    texts = {p.name: p.read_text(encoding="utf-8") for p in [*PIPELINES.glob("*.sh"), *PIPELINES.glob("*.yml")]}
    texts["docker/build.sh"] = (ROOT / "docker" / "build.sh").read_text(encoding="utf-8")
    assert {name for name, text in texts.items() if PIPE_TO_SHELL.search(text)} == set()
    assert PIPE_TO_SHELL.search('curl -fsSL "https://example.com/v1/install.sh" | sudo sh')  # the check can fail
    assert PIPE_TO_SHELL.search("wget -qO- https://example.com/i.sh | bash")


def test_the_databricks_cli_is_pinned_and_verified_by_checksum():
    script = (PIPELINES / "deploy-databricks.sh").read_text(encoding="utf-8")
    version = re.search(r'^version="(\d+\.\d+\.\d+)"$', script, re.M)
    digest = re.search(r'^sha256="([0-9a-f]{64})"$', script, re.M)
    assert version and digest
    assert "DATABRICKS_CLI_VERSION" not in script  # the version cannot drift from its checksum
    download = script.index("curl -fsSL")
    check = script.index('echo "$sha256  $archive" | sha256sum --check')
    unpack = script.index("zipfile.ZipFile")
    assert download < check < unpack  # nothing from the archive is used before its checksum matched


def test_every_manifest_token_is_supplied_by_the_release_and_listed_in_the_readme(pipeline):
    tokens = set(TOKEN.findall(MANIFEST.read_text(encoding="utf-8")))
    assert tokens >= {"IMAGE", "SERVICE_NAME"}
    for stage, job in releases(pipeline):
        replace = next(s for s in job["strategy"]["runOnce"]["deploy"]["steps"] if "replace_tokens.py" in s.get("script", ""))
        assert set(replace["env"]) == tokens, stage
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = re.search(r"Manifest tokens are\s+written[^.]*\.[^(]*\(([^)]*)\)", readme)
    assert listed, "README: the manifest's token list"
    assert set(TOKEN.findall(listed[1])) == tokens
    documented = set(TOKEN.findall(readme)) - {"NAME"}  # the convention itself, #{NAME}#
    adf = {t for p in (PIPELINES / "adf").glob("*.json") for t in TOKEN.findall(p.read_text(encoding="utf-8"))}
    assert documented <= tokens | adf, documented - tokens - adf


def test_the_azure_pipelines_yaml_quotes_on():
    # A bare `on:` is the boolean true to YAML 1.1 readers (PyYAML, many schema checkers), not the hook name.
    raw = yaml.safe_load((PIPELINES / "release-job.yml").read_text(encoding="utf-8"))
    hooks = raw["jobs"][0]["strategy"]["runOnce"]
    assert "on" in hooks and True not in hooks
