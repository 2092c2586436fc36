"""Steps for the container-only scenarios: the built image, run by testcontainers."""

from __future__ import annotations

import json
import os
import time
import xml.etree.ElementTree as ET

from modelgate.model.manifest import MANIFEST_FILE, read_manifest
from modelgate.steps.asking import ANSWERS, Asked, query_of, row_of
from modelgate.steps.container import container, copy_model_out, require_engine
from modelgate.steps.service import Service
from pytest_bdd import given, parsers, then, when

JUNIT_IN_IMAGE = "/app/test-result/junit_result.xml"


@given("the service image is running", target_fixture="running")
def running(service_container, model_under_test):
    return service_container


@then("its process does not run as root")
def not_root(running):
    status = running.container.exec(["cat", "/proc/1/status"]).output.decode()
    uids = next(line.split()[1:] for line in status.splitlines() if line.startswith("Uid:"))
    assert "0" not in uids, f"PID 1 runs with uids {uids}"


@then("nothing can be written to its file system")
def read_only(running):
    for path in ("/app/model/planted", "/app/planted", "/opt/modelgate/planted"):
        result = running.container.exec(["python3", "-c", f"open({path!r}, 'w')"])
        assert result.exit_code != 0, f"{path} was writable"
    info = running.container.get_wrapped_container().attrs["HostConfig"]
    assert info["ReadonlyRootfs"] is True, info


@then(Asked(ANSWERS))
def answers(running, stated, asked):
    response = Service(running.url, path=f"/{stated.output.name}").ask(query_of(stated, [row_of(stated, asked)]))
    assert response.status_code == 200, response.text
    assert list(response.json()) == ["response"] and len(response.json()["response"]) == 1, response.text


@then("it is ready with the version of the model it was built with")
def ready_with_built_model(running, service_image, manifest_on_disk):
    built = running.container.get_wrapped_container().image.labels.get("modelgate.model_version")
    response = Service(running.url).get("/ready")
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "ready" and response.json()["model_version"] == built, (response.text, built)
    assert built == manifest_on_disk["model_version"], (built, manifest_on_disk["model_version"])


@then("the image's own health check reports it healthy")
def healthy(running):
    # The HEALTHCHECK runs every 10 s inside the container, as the service user; give it three rounds.
    deadline = time.monotonic() + 35
    while True:
        wrapped = running.container.get_wrapped_container()
        wrapped.reload()
        health = wrapped.attrs["State"].get("Health") or {}
        if health.get("Status") == "healthy" or time.monotonic() > deadline:
            break
        time.sleep(1)
    assert health.get("Status") == "healthy", health


@when("the image's self-test runs", target_fixture="selftest")
def run_selftest(service_image, tmp_path):
    with container(service_image, command=["modelgate", "selftest", "--junit", JUNIT_IN_IMAGE]) as started:
        code = started.wait()
        out, err = started.get_logs()
        copied = tmp_path / "junit_result.xml"
        started.copy_from_container(JUNIT_IN_IMAGE, copied)
    return {"code": code, "log": (out + err).decode(errors="replace"), "junit": copied}


@then("the self-test passes")
def selftest_passes(selftest):
    assert selftest["code"] == 0, selftest["log"]


@then("its JUnit report, copied out of the container, records every check as passed for the image's model")
def selftest_junit(selftest, manifest_on_disk):
    suite = ET.parse(selftest["junit"]).getroot().find("testsuite")
    cases = suite.findall("testcase")
    assert len(cases) > 3, ET.tostring(suite)
    assert suite.get("failures") == "0" and suite.get("errors") == "0" and suite.get("skipped") == "0", ET.tostring(suite)
    assert any(c.get("name").startswith("agreed answer") for c in cases)
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    expected = {"model_sha256": manifest_on_disk["model"]["sha256"], "model_version": manifest_on_disk["model_version"]}
    assert properties == expected, (properties, expected)


# The files of a model directory the manifest signs, by the names the features give them.
SIGNED = {"model file": "model", "serving form": "serving", "contract": "contract"}


@given(parsers.parse("a copy of the model whose {part} was altered after signing"), target_fixture="tampered")
def tampered(tmp_path, service_image, part):
    """The image's own model, copied out of it, with one byte appended to one of its signed files."""
    target = copy_model_out(service_image, tmp_path)
    manifest = json.loads((target / MANIFEST_FILE).read_text())
    with open(target / manifest[SIGNED[part]]["file"], "ab") as handle:
        handle.write(b"\0")
    # The service runs as an unprivileged user: it must be able to read the copy to find the tampering.
    target.chmod(0o755)
    for path in target.iterdir():
        path.chmod(0o644)
    return target


@when("the service image starts with that model", target_fixture="refused")
def start_tampered(service_image, tampered):
    require_engine()
    with container(service_image, model_dir=tampered) as started:
        code = started.wait()
        out, err = started.get_logs()
    return {"code": code, "log": (out + err).decode(errors="replace")}


@then("it never becomes ready")
def never_ready(refused):
    # The service refuses before it binds the port: no /ready can ever answer 200 (Kubernetes keeps it unready).
    assert refused["code"] != 0, refused["log"]


@then(parsers.parse("its log says the {part} was modified"))
def log_says_why(refused, part):
    assert f"SHA-256 mismatch, the {part} was modified" in refused["log"], refused["log"]
    assert "refusing to load" in refused["log"], refused["log"]
    assert "Traceback" not in refused["log"], refused["log"]


@given("a model folder the Databricks training notebook published", target_fixture="published")
def notebook_model(tmp_path, features_dir, training_data):
    """The training notebook run as the training job runs it (no Spark needed), publishing to a volume stand-in."""
    from modelgate.steps.databricks_notebook import publish_by_notebook

    folder = tmp_path / "volume" / "models" / "candidate"
    publish_by_notebook(folder, features=features_dir, training_data=training_data)
    return folder


@when("an image is built with that model folder alone", target_fixture="notebook_image")
def image_of(published):
    """The serving image of that folder (docker/build.sh TAG MODEL_DIR), running as the cluster runs it."""
    import subprocess
    import sys

    from modelgate.steps.container import require_engine, serving
    from modelgate.steps.support import ROOT

    require_engine()
    tag = f"modelgate:test-notebook-{read_manifest(published).model_version}"
    built = subprocess.run(
        ["bash", str(ROOT / "docker" / "build.sh"), tag, str(published)],
        env={**os.environ, "PYTHON": sys.executable, "TARGETS": "serve"},
        capture_output=True,
        text=True,
        check=False,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    with serving(tag) as running:
        yield tag, running


@then("it is ready with the version of the model the notebook published")
def ready_with_notebook_model(notebook_image, published):
    _, running = notebook_image
    response = Service(running.url).get("/ready")
    expected = json.loads((published / MANIFEST_FILE).read_text())["model_version"]
    assert response.status_code == 200 and response.json()["model_version"] == expected, response.text


@then("that image's self-test passes, leaving its JUnit report for the notebook's model")
def notebook_selftest(notebook_image, published, tmp_path):
    tag, _ = notebook_image
    with container(tag, command=["modelgate", "selftest", "--junit", JUNIT_IN_IMAGE]) as started:
        code = started.wait()
        out, err = started.get_logs()
        copied = tmp_path / "notebook-selftest.xml"
        started.copy_from_container(JUNIT_IN_IMAGE, copied)
    assert code == 0, (out + err).decode(errors="replace")
    suite = ET.parse(copied).getroot().find("testsuite")
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties["model_version"] == json.loads((published / MANIFEST_FILE).read_text())["model_version"]
    assert suite.get("failures") == "0" and suite.get("errors") == "0"
