"""The pipeline's stages are templates (pipelines/templates/) that this repository's pipeline and another repository's
use alike: every parameter a template declares is used, no stage a template defines is written out in a pipeline
instead, and the example consumer pipeline, extending the templates from another repository, expands into the whole
flow for its own model folder and features. Each check is shown to catch a broken pipeline."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from modelgate.steps.support import ROOT

from tests.pipelines import azure_templates
from tests.pipelines.test_azure_pipeline import PIPELINES, jobs, publish_problems, steps

TEMPLATES = PIPELINES / "templates"
CONSUMER = TEMPLATES / "consumer-example.yml"
BODIES = ("steps", "jobs", "stages")


def unused_parameters(folder: Path) -> list[str]:
    """``file: name`` of every parameter a pipeline file declares that its body never reads."""
    found = []
    for path in sorted(folder.rglob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(document, dict) or not isinstance(document.get("parameters"), list):
            continue
        body = yaml.safe_dump({k: v for k, v in document.items() if k != "parameters"})
        for parameter in document["parameters"]:
            if not re.search(rf"parameters\.{re.escape(parameter['name'])}\b", body):
                found.append(f"{path.relative_to(folder)}: {parameter['name']}")
    return found


def _name_pattern(name: str) -> re.Pattern:
    """A stage name as a template writes it (``Release_${{ environment.name }}``), as a pattern of the names it makes."""
    parts = azure_templates.EXPRESSION.split(name)
    return re.compile("".join(re.escape(p) if i % 2 == 0 else ".+" for i, p in enumerate(parts)))


def stage_templates(folder: Path) -> set[Path]:
    """The templates some pipeline file inserts into its stages (``- template: FILE`` in a ``stages`` list)."""
    found = set()
    for path in folder.rglob("*.yml"):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        if isinstance(document, dict):
            items = document.get("stages") or []
            found |= {(path.parent / i["template"]).resolve() for i in items if isinstance(i, dict) and "template" in i}
    return found


def templated_stages(folder: Path) -> dict[str, re.Pattern]:
    """Each stage template's file and the pattern of the stage names it makes."""
    found = {}
    for path in sorted(stage_templates(folder)):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for item in _stage_items(document.get("stages", [])):
            found[f"{path.relative_to(folder.resolve()).as_posix()}:{item['stage']}"] = _name_pattern(item["stage"])
    return found


def _stage_items(items: list) -> list[dict]:
    """The stages a list writes out, inside ``${{ each }}``/``${{ if }}`` too (not those a template reference makes)."""
    found = []
    for item in items or []:
        if isinstance(item, dict) and "stage" in item:
            found.append(item)
        elif isinstance(item, dict) and len(item) == 1 and azure_templates.EXPRESSION.fullmatch(str(next(iter(item)))):
            (body,) = item.values()
            found += _stage_items(body if isinstance(body, list) else [body])
    return found


def copied_stages(folder: Path) -> list[str]:
    """Stages a pipeline file writes out although a template in templates/ makes them (a copy, not a use)."""
    patterns = templated_stages(folder)
    found = []
    for path in sorted(folder.rglob("*.yml")):
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        if not isinstance(document, dict):
            continue
        for item in _stage_items(document.get("stages", [])):
            for where, pattern in patterns.items():
                if not where.startswith(f"{path.relative_to(folder).as_posix()}:") and pattern.fullmatch(item["stage"]):
                    found.append(f"{path.relative_to(folder)} writes out stage {item['stage']}: use {where.split(':')[0]}")
    return found


def copy_pipelines(target: Path) -> Path:
    for path in PIPELINES.rglob("*.yml"):
        (target / path.relative_to(PIPELINES)).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target / path.relative_to(PIPELINES))
    return target


def consumer(repositories: dict[str, Path] | None = None, path: Path = CONSUMER) -> dict:
    return azure_templates.load(path, repositories or {"modelgate": ROOT})


def test_every_template_parameter_is_used():
    assert unused_parameters(PIPELINES) == []


def test_an_unused_parameter_is_named(tmp_path):
    folder = copy_pipelines(tmp_path)
    gate = folder / "templates" / "gate-stage.yml"
    spare = "parameters:\n  - name: spare\n    type: string\n"
    gate.write_text(gate.read_text(encoding="utf-8").replace("parameters:\n", spare, 1))
    assert unused_parameters(folder) == ["templates/gate-stage.yml: spare"]


def test_no_templated_stage_is_written_out_and_this_pipeline_uses_the_templates():
    assert copied_stages(PIPELINES) == []
    written = yaml.safe_load((PIPELINES / "azure-pipelines.yml").read_text(encoding="utf-8"))
    used = [item["template"] for item in written["stages"] if "template" in item]
    assert used == ["templates/gate-stage.yml", "templates/release-stages.yml"]
    names = [s["stage"] for s in azure_templates.load(PIPELINES / "azure-pipelines.yml")["stages"]]
    assert names == ["Model", "Test", "Image", "Gate", "Release_dev", "Release_prod"]


def test_a_stage_copied_instead_of_templated_is_named(tmp_path):
    folder = copy_pipelines(tmp_path)
    pipeline = folder / "azure-pipelines.yml"
    written = yaml.safe_load(pipeline.read_text(encoding="utf-8"))
    expanded = azure_templates.load(pipeline)
    # The Gate stage as the template makes it, pasted in place of the template's use.
    pasted = next(s for s in expanded["stages"] if s["stage"] == "Gate")
    written["stages"] = [pasted if item.get("template") == "templates/gate-stage.yml" else item for item in written["stages"]]
    pipeline.write_text(yaml.safe_dump(written, sort_keys=False), encoding="utf-8")
    assert copied_stages(folder) == ["azure-pipelines.yml writes out stage Gate: use templates/gate-stage.yml"]


def test_another_repository_extends_the_templates_for_its_own_model():
    pipeline = consumer()
    assert [s["stage"] for s in pipeline["stages"]] == ["Model", "Test", "Image", "Gate", "Release_dev", "Release_prod"]
    assert publish_problems(pipeline) == []
    scripts = {stage["stage"]: [" ".join(s.get("script", "").split()) for s in steps(job)] for stage, job in jobs(pipeline)}
    assert "python fit.py $(Agent.TempDirectory)/fitted.skops" in scripts["Model"]
    assert any(s.startswith("modelgate package") and "--features features --out model" in s for s in scripts["Model"])
    assert any(s.startswith("pytest steps -o bdd_features_base_dir=features --model model") for s in scripts["Test"])
    assert any("docker/build.sh" in s and s.endswith("$(Pipeline.Workspace)/team/model") for s in scripts["Image"])
    (gate,) = [s for s in scripts["Gate"] if s.startswith("modelgate gate")]
    assert "--model model --features features --model-suites bdd selftest" in gate and "--require bdd selftest" in gate
    release = yaml.safe_dump([s for s in pipeline["stages"] if s["stage"].startswith("Release")])
    assert "model/bundled" not in release and "--model model " in release
    prod = next(s for s in pipeline["stages"] if s["stage"] == "Release_prod")
    assert prod["dependsOn"] == ["Gate", "Release_dev"] and prod["variables"] == [{"group": "modelgate-release-prod"}]


def test_every_parameter_of_the_consumer_reaches_the_stages(tmp_path):
    text = CONSUMER.read_text(encoding="utf-8")
    changed = tmp_path / "azure-pipelines.yml"
    text = text.replace("modelDir: model", "modelDir: models/penguins").replace("--model model", "--model models/penguins")
    changed.write_text(text.replace("features: features", "features: spec"))
    expanded = yaml.safe_dump(consumer(path=changed))
    assert "models/penguins" in expanded and "--features spec" in expanded
    assert not re.search(r"--model model\b|--out model\b|/model\b", expanded.replace("models/penguins", "M"))


def test_an_extends_from_an_undeclared_repository_is_refused(tmp_path):
    changed = tmp_path / "azure-pipelines.yml"
    changed.write_text(CONSUMER.read_text(encoding="utf-8").replace("- repository: modelgate", "- repository: tools"))
    with pytest.raises(azure_templates.TemplateError, match="no repository resource 'modelgate'"):
        consumer(path=changed)
