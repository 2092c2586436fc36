"""The Data Factory definitions rendered as a release renders them (pipelines/adf_render.py), with sample values
for one environment and a bundle summary shaped like ``databricks bundle summary -o json`` after a deploy."""

from __future__ import annotations

import importlib.util
import sys

import yaml
from modelgate.steps.support import ROOT

PIPELINES = ROOT / "pipelines"
BUNDLE = PIPELINES / "databricks" / "databricks.yml"
# What the release variable group of one environment holds (never real names).
ENVIRONMENT = {
    "DATABRICKS_HOST": "https://adb-1234567890123456.7.azuredatabricks.net",
    "DATABRICKS_WORKSPACE_RESOURCE_ID": "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-dev"
    "/providers/Microsoft.Databricks/workspaces/dbw-dev",
    "SUBSCRIPTION_ID": "11111111-2222-3333-4444-555555555555",
    "STORAGE_RESOURCE_GROUP": "rg-dev-data",
    "STORAGE_ACCOUNT": "modelgatedevscoring",
    "STORAGE_CONTAINER": "scoring",
}
DEPLOYED_JOB_ID = "918273645546372"


def renderer():
    """pipelines/adf_render.py as a module (it is a script beside replace_tokens.py, not part of the package)."""
    if str(PIPELINES) not in sys.path:
        sys.path.insert(0, str(PIPELINES))
    spec = importlib.util.spec_from_file_location("adf_render", PIPELINES / "adf_render.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def bundle_summary(target: str = "dev", job_id: str | None = DEPLOYED_JOB_ID) -> dict:
    """The summary the CLI prints for the bundle's target: the job as configured (variables resolved), with the
    ``id`` and ``url`` a deploy adds (without ``id`` and with ``modified_status`` before one)."""
    bundle = yaml.safe_load(BUNDLE.read_text(encoding="utf-8"))
    variables = {name: spec["default"] for name, spec in bundle["variables"].items()}
    variables.update(bundle["targets"][target].get("variables", {}))
    variables["workspace.current_user.userName"] = "release@example.com"  # the CLI resolves it to the deployer
    job = yaml.safe_load(yaml.safe_dump(bundle["resources"]["jobs"]["batch_scoring"]).replace("${var.", "${"))
    cluster = job["job_clusters"][0]["new_cluster"]
    for key, value in list(cluster.items()):
        if isinstance(value, str) and value.startswith("${"):
            cluster[key] = variables[value[2:-1]]
    if job_id is None:
        job["modified_status"] = "created"
    else:
        job["id"], job["url"] = job_id, f"{ENVIRONMENT['DATABRICKS_HOST']}/jobs/{job_id}?o=1234567890123456"
    return {"bundle": {"name": bundle["bundle"]["name"], "target": target}, "resources": {"jobs": {"batch_scoring": job}}}


def rendered(target: str = "dev") -> dict[str, dict]:
    """{name: definition} of every rendered definition, for one target."""
    module = renderer()
    values = {**ENVIRONMENT, **module.job_values(bundle_summary(target))}
    return {name: body for _, name, body in module.render(values)}
