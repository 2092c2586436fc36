"""The Kubernetes manifest states what the cluster must enforce: probes, limits, a locked-down container."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import yaml

from steps.support import ROOT, load_script

MANIFEST = ROOT / "docker" / "kubernetes-deployment.yaml"
VALUES = {"IMAGE": "registry.example.com/modelgate:1.0.0", "SERVICE_NAME": "modelgate-scoring"}


def _replace_tokens():
    """The release pipeline's own token replacement, so the manifest and the pipeline cannot drift apart."""
    return load_script(ROOT / "pipelines" / "replace_tokens.py").replace_tokens


def rendered() -> str:
    return _replace_tokens()(MANIFEST.read_text(), VALUES)


@pytest.fixture(scope="module")
def documents() -> dict:
    return {doc["kind"]: doc for doc in yaml.safe_load_all(rendered())}


@pytest.fixture(scope="module")
def container(documents) -> dict:
    (only,) = documents["Deployment"]["spec"]["template"]["spec"]["containers"]
    return only


def test_a_deployment_and_a_service(documents):
    assert documents["Deployment"]["apiVersion"] == "apps/v1"
    assert documents["Service"]["apiVersion"] == "v1"
    assert set(documents) == {"Deployment", "Service"}


def test_image_and_name_are_tokens_for_the_release_pipeline():
    text = MANIFEST.read_text()
    assert 'image: "#{IMAGE}#"' in text and 'name: "#{SERVICE_NAME}#"' in text
    assert "#{" not in rendered()
    assert VALUES["IMAGE"] in rendered()


def test_the_service_selects_the_deployments_pods(documents):
    pod_labels = documents["Deployment"]["spec"]["template"]["metadata"]["labels"]
    assert documents["Deployment"]["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    assert documents["Service"]["spec"]["selector"].items() <= pod_labels.items()
    assert documents["Service"]["spec"]["ports"][0]["targetPort"] == "http"


def test_probes_alive_on_health_ready_on_ready(container):
    port = next(p for p in container["ports"] if p["name"] == "http")
    assert port["containerPort"] == 8000  # the image's EXPOSE and CMD
    assert container["livenessProbe"]["httpGet"] == {"path": "/health", "port": "http"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/ready", "port": "http"}


def test_cpu_and_memory_requests_and_limits(container):
    for kind in ("requests", "limits"):
        assert {"cpu", "memory"} <= set(container["resources"][kind]), container["resources"]


def test_the_container_is_locked_down(documents, container):
    security = container["securityContext"]
    assert security["runAsNonRoot"] is True
    assert security["readOnlyRootFilesystem"] is True
    assert security["allowPrivilegeEscalation"] is False
    assert security["capabilities"]["drop"] == ["ALL"]
    pod = documents["Deployment"]["spec"]["template"]["spec"]["securityContext"]
    assert pod["runAsNonRoot"] is True and pod["runAsUser"] != 0
    # The read-only root needs a writable /tmp for anything that asks for a temporary file.
    assert any(m["mountPath"] == "/tmp" for m in container["volumeMounts"])


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is optional; the YAML checks above always run")
def test_kubectl_accepts_it(tmp_path):
    rendered_file = tmp_path / "deployment.yaml"
    rendered_file.write_text(rendered())
    done = subprocess.run(
        ["kubectl", "apply", "--dry-run=client", "--validate=false", "-f", str(rendered_file)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    if done.returncode and ("connection refused" in done.stderr or "server API group list" in done.stderr):
        # Even a client-side dry run asks a cluster which kinds exist; without one there is nothing to ask.
        pytest.skip("kubectl is present but no cluster answers its discovery request")
    assert done.returncode == 0, done.stderr
