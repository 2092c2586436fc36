"""The template expansion the pipeline tests read the YAML through (tests/azure_templates.py) expands as Azure
DevOps documents it, refuses what it cannot expand, and carries a fault in the real step template into
every suite's expanded steps, where the gating checks find it."""

from __future__ import annotations

import configparser
import shutil
import textwrap

import pytest
import yaml
from modelgate.steps.support import ROOT

from tests.pipelines import azure_templates
from tests.pipelines.test_azure_pipeline import PIPELINES, jobs, load, publish_problems, steps

_TOX = configparser.ConfigParser(interpolation=None)
_TOX.read(ROOT / "tox.ini", encoding="utf-8")

# Every suite tox.ini's [gate] requires, and the in-image selftest the pipeline alone runs.
SUITES_RUN = len(_TOX["gate"]["require"].split()) + 1


def write(folder, name: str, text: str):
    (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return folder / name


def test_each_if_and_parameters_expand_as_documented(tmp_path):
    # The documentation's example: a step per list element, its value in the text; a key inserted by `if`.
    write(
        tmp_path,
        "each.yml",
        """\
        parameters:
          - name: items
            type: object
          - name: shell
            type: string
            default: bash
        steps:
          - ${{ each item in parameters.items }}:
              - script: echo ${{ item.name }}
                displayName: 'Print ${{ item.name }} with ${{ parameters.shell }}'
                ${{ if item.env }}:
                  env: ${{ item.env }}
        """,
    )
    pipeline = write(
        tmp_path,
        "pipeline.yml",
        """\
        jobs:
          - job: one
            steps:
              - template: each.yml
                parameters:
                  items: [{name: a}, {name: b, env: {X: "1"}}]
              - script: after
        """,
    )
    assert azure_templates.load(pipeline)["jobs"][0]["steps"] == [
        {"script": "echo a", "displayName": "Print a with bash"},
        {"script": "echo b", "displayName": "Print b with bash", "env": {"X": "1"}},
        {"script": "after"},
    ]


@pytest.mark.parametrize(
    ("reference", "template", "found"),
    [
        ("parameters: {item: x}", "steps:\n  - script: ${{ parameters.other }}", "unexpected parameter(s) item"),
        ("", "parameters:\n  - name: item\n    type: string\nsteps: []", "no value for parameter item"),
        ("", "steps:\n  - script: ${{ format('{0}', 1) }}", "unsupported template expression"),
        ("", "steps:\n  - ${{ each k, v in parameters }}:\n    - script: x", "unsupported in a sequence"),
    ],
)
def test_what_cannot_be_expanded_stops_with_its_name(tmp_path, reference, template, found):
    write(tmp_path, "t.yml", template)
    pipeline = write(tmp_path, "p.yml", f"steps:\n  - template: t.yml\n    {reference}\n")
    with pytest.raises(azure_templates.TemplateError, match=found.replace("(", r"\(").replace(")", r"\)")):
        azure_templates.load(pipeline)


def test_every_suite_runs_through_the_one_step_template():
    written = yaml.safe_load((PIPELINES / "azure-pipelines.yml").read_text(encoding="utf-8"))
    by_stage = {stage["stage"]: steps(job) for stage, job in jobs(written)}
    for stage in ("Test", "Image"):
        # the suites' one template (and the examples' model downloads, which run no suite)
        assert [s["template"] for s in by_stage[stage] if "template" in s and s["template"] != "example-models.yml"] == [
            "suite-steps.yml"
        ]
        inline = [s for s in by_stage[stage] if s.get("task") == "PublishTestResults@2" or "junit-" in str(s.get("artifact"))]
        assert inline == [], stage
    published = [s for _, job in jobs(load()) for s in steps(job) if s.get("artifact", "").startswith("junit-")]
    assert len(published) == SUITES_RUN


@pytest.mark.parametrize(
    ("line", "found"),
    [
        ("          failTaskOnMissingResultsFile: true\n", "failTaskOnMissingResultsFile=None"),
        ("        condition: succeededOrFailed()\n        inputs:\n", "condition succeededOrFailed()"),
    ],
)
def test_a_fault_in_the_step_template_fails_every_suite(tmp_path, line, found):
    for path in PIPELINES.rglob("*.yml"):
        (tmp_path / path.relative_to(PIPELINES)).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, tmp_path / path.relative_to(PIPELINES))
    template = (tmp_path / "suite-steps.yml").read_text(encoding="utf-8")
    assert line in template
    kept = "        inputs:\n" if line.endswith("inputs:\n") else ""
    (tmp_path / "suite-steps.yml").write_text(template.replace(line, kept), encoding="utf-8")
    problems = publish_problems(load(folder=tmp_path))
    assert sum(found in p for p in problems) == SUITES_RUN, problems
