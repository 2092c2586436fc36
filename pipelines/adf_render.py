#!/usr/bin/env python3
"""Render the Data Factory definitions in pipelines/adf/ for one environment, as deploy-adf.sh uploads them.

    python pipelines/adf_render.py BUNDLE_SUMMARY.json OUT_DIR

The deployed scoring job's id and its job cluster come from ``databricks bundle summary -o json`` (what was
deployed, not what the bundle file says); everything else (workspace, storage account, container, subscription)
from the environment's variables, through the same ``#{NAME}#`` tokens as the Kubernetes manifest
(replace_tokens.py). The rendered files go to OUT_DIR and one line per definition goes to stdout, in the order
they must be deployed (linked services, then pipelines, then triggers): ``KIND NAME FILE``. Nothing is written
unless every token has a value and every reference (linked service, pipeline) names a definition deployed with
it; otherwise one line per problem and exit 2.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # replace_tokens.py beside this file
from replace_tokens import replace_tokens

ADF = Path(__file__).resolve().parent / "adf"
SCORING_JOB = "batch_scoring"  # the job's key under resources.jobs in pipelines/databricks/databricks.yml
ORDER = ("linkedservices", "pipelines", "triggers")
REFERENCES = {"LinkedServiceReference": "linkedservices", "PipelineReference": "pipelines"}


class RenderError(ValueError):
    """What stops a render: each line says what is wrong and where."""


def job_values(summary: dict, key: str = SCORING_JOB) -> dict[str, str]:
    """The deployed job's id and job cluster from a bundle summary, as token values."""
    job = (summary.get("resources") or {}).get("jobs", {}).get(key)
    if job is None:
        raise RenderError(f"bundle summary: no job {key!r} under resources.jobs")
    if not str(job.get("id", "")).isdigit() or job.get("modified_status"):
        state = job.get("modified_status") or "no id"
        raise RenderError(f"bundle summary: job {key!r} is not deployed ({state}); run databricks bundle deploy first")
    clusters = job.get("job_clusters") or []
    if len(clusters) != 1:
        raise RenderError(f"bundle summary: job {key!r} has {len(clusters)} job clusters, expected 1")
    cluster = clusters[0]["new_cluster"]
    return {
        "DATABRICKS_JOB_ID": str(job["id"]),
        "DATABRICKS_SPARK_VERSION": cluster["spark_version"],
        "DATABRICKS_NODE_TYPE": cluster["node_type_id"],
        "DATABRICKS_NUM_WORKERS": str(cluster["num_workers"]),
    }


def kind(definition: dict) -> str:
    """The ARM collection a definition belongs to (the REST path segment), or RenderError."""
    props = definition.get("properties", {})
    if "activities" in props:
        return "pipelines"
    kind_name = str(props.get("type", ""))
    if kind_name.endswith("Trigger"):
        return "triggers"
    if kind_name and "typeProperties" in props:
        return "linkedservices"
    raise RenderError(f"{definition.get('name', '?')}: neither a linked service, a pipeline nor a trigger")


def references(node) -> list[tuple[str, str]]:
    """Every (collection, name) a definition refers to."""
    found = []
    if isinstance(node, dict):
        if node.get("type") in REFERENCES and "referenceName" in node:
            found.append((REFERENCES[node["type"]], node["referenceName"]))
        for value in node.values():
            found += references(value)
    elif isinstance(node, list):
        for item in node:
            found += references(item)
    return found


def render(values: dict[str, str], folder: Path = ADF) -> list[tuple[str, str, dict]]:
    """(kind, name, body) for every definition in ``folder``, in deployment order; RenderError lists every problem."""
    problems, rendered = [], []
    # A value goes into a JSON string: escaped, so a quote or backslash in a variable cannot break the file.
    escaped = {name: json.dumps(str(value))[1:-1] for name, value in values.items()}
    for path in sorted(folder.glob("*.json")):
        try:
            body = json.loads(replace_tokens(path.read_text(encoding="utf-8"), escaped))
            rendered.append((kind(body), body["name"], body))
        except KeyError as exc:
            problems.append(f"{path.name}: no value for token(s) {exc.args[0]}")
        except (RenderError, ValueError) as exc:
            problems.append(f"{path.name}: {exc}")
    deployed = {(k, name) for k, name, _ in rendered}
    for k, name, body in rendered:
        missing = [ref for ref in references(body) if ref not in deployed]
        problems += [f"{k}/{name} refers to {ref_kind}/{ref_name}, which is not deployed" for ref_kind, ref_name in missing]
    if problems:
        raise RenderError("\n".join(problems))
    return sorted(rendered, key=lambda item: (ORDER.index(item[0]), item[1]))


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: adf_render.py BUNDLE_SUMMARY.json OUT_DIR", file=sys.stderr)
        return 2
    summary_file, out = Path(argv[0]), Path(argv[1])
    try:
        summary = json.loads(summary_file.read_text(encoding="utf-8"))
        definitions = render({**os.environ, **job_values(summary)})
    except OSError as exc:
        print(f"adf_render: {summary_file}: {exc.strerror}", file=sys.stderr)
        return 2
    except (RenderError, ValueError) as exc:
        for line in str(exc).splitlines():
            print(f"adf_render: {line}", file=sys.stderr)
        return 2
    out.mkdir(parents=True, exist_ok=True)
    for k, name, body in definitions:
        target = out / f"{k}-{name}.json"
        target.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
        print(k, name, target)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
