"""The Kubernetes manifest states what the cluster must enforce: probes, limits, a locked-down container, the
API keys from a Secret, and a network policy that admits only the ingress controller and labelled callers."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import PurePosixPath

import pytest
import yaml
from modelgate.steps.support import ROOT, load_script

MANIFEST = ROOT / "docker" / "kubernetes-deployment.yaml"
VALUES = {
    "IMAGE": "registry.example.com/modelgate:1.0.0",
    "SERVICE_NAME": "modelgate-scoring",
    "INGRESS_NAMESPACE": "ingress-nginx",
}


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
    assert documents["NetworkPolicy"]["apiVersion"] == "networking.k8s.io/v1"
    assert set(documents) == {"Deployment", "Service", "NetworkPolicy"}


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


def test_the_api_keys_come_from_a_required_secret_mounted_read_only(documents, container):
    from modelgate.settings import API_KEYS_VARIABLE

    env = {e["name"]: e for e in container["env"]}
    keys_file = PurePosixPath(env[API_KEYS_VARIABLE]["value"])
    mount = next(m for m in container["volumeMounts"] if keys_file.parent == PurePosixPath(m["mountPath"]))
    assert mount["readOnly"] is True
    volume = next(v for v in documents["Deployment"]["spec"]["template"]["spec"]["volumes"] if v["name"] == mount["name"])
    secret = volume["secret"]
    assert secret["secretName"] == f"{VALUES['SERVICE_NAME']}-api-keys"
    assert secret.get("optional", False) is False  # no Secret: no pod, never an open service
    assert [item["path"] for item in secret["items"]] == [keys_file.name]
    # The keys are never in the manifest itself.
    assert not any(d["kind"] == "Secret" for d in documents.values()) and "valueFrom" not in env[API_KEYS_VARIABLE]


def test_only_the_ingress_controller_and_labelled_callers_get_through(documents, container):
    policy = documents["NetworkPolicy"]["spec"]
    assert policy["podSelector"]["matchLabels"] == documents["Deployment"]["spec"]["template"]["metadata"]["labels"]
    assert policy["policyTypes"] == ["Ingress"]
    (rule,) = policy["ingress"]
    namespaces = [p["namespaceSelector"] for p in rule["from"] if "namespaceSelector" in p]
    pods = [p for p in rule["from"] if "podSelector" in p]
    assert namespaces == [{"matchLabels": {"kubernetes.io/metadata.name": VALUES["INGRESS_NAMESPACE"]}}]
    # A podSelector beside (not inside) the namespace rule: pods of the service's own namespace, labelled callers only.
    assert pods == [{"podSelector": {"matchLabels": {"modelgate-caller": "true"}}}]
    assert all(len(p) == 1 for p in rule["from"])  # no peer without a selector, which would admit everyone
    assert rule["ports"] == [{"protocol": "TCP", "port": "http"}]
    assert any(p["name"] == "http" for p in container["ports"])


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
