"""The suite lists agree in every copy. tox.ini's `[gate] require` (and `model_suites`, the required suites
that test a model) is the list; tox's env_list, the `chain` label, the gate environment's `depends`, the
pipeline's requiredSuites/modelSuites variables, the suites its stages run and README's account of the
chain and of the Test stage each restate it, and tox reads no list from another, so one test holds them
together. Each check is also shown to catch a copy left behind."""

from __future__ import annotations

import configparser
import copy
import re

import pytest
from modelgate.steps.support import ROOT

from tests.pipelines.test_azure_pipeline import jobs, load, steps

# The pipeline runs one suite the local chain has no environment for: `modelgate selftest` inside the image
# it pushes, published as its own suite. Locally the container suite runs the same self-test in the image it
# built (a scenario of features/container.feature), so the chain requires it there, not separately.
PIPELINE_ONLY = ["selftest"]
BEFORE, AFTER = ["model"], ["gate", "report"]  # the chain's first step trains the model; gate and report judge


def env_list(value: str) -> list[str]:
    """A tox env list: names separated by commas or lines."""
    return [name.strip() for line in value.splitlines() for name in line.split(",") if name.strip()]


def tox_lists(text: str) -> tuple[configparser.ConfigParser, dict[str, list[str]]]:
    tox = configparser.ConfigParser(interpolation=None)
    tox.read_string(text)
    labels = {k.strip(): v for k, _, v in (line.partition("=") for line in tox["tox"]["labels"].splitlines()) if v}
    return tox, {
        "[gate] require": tox["gate"]["require"].split(),
        "[gate] model_suites": tox["gate"]["model_suites"].split(),
        "[tox] env_list": env_list(tox["tox"]["env_list"]),
        "[tox] labels chain": env_list(labels.get("chain", "")),
        "[testenv:gate] depends": env_list(tox["testenv:gate"]["depends"]),
    }


def run_by_stage(pipeline: dict) -> dict[str, list[str]]:
    """The suites each stage runs and publishes (its junit-<suite> artifacts), in order."""
    found: dict[str, list[str]] = {}
    for stage, job in jobs(pipeline):
        for step in steps(job):
            if step.get("artifact", "").startswith("junit-"):
                found.setdefault(stage["stage"], []).append(step["artifact"].removeprefix("junit-"))
    return found


def readme_lists(readme: str) -> dict[str, list[str]]:
    chain = readme[readme.index("Then it runs `tox -m chain`") : readme.index("prints the gate's verdict")]
    named = re.findall(r"`([\w-]+)`", chain)
    test_stage = re.search(r"\*\*Test\*\*: `tox -e ([\w|-]+)`", readme)
    return {"chain": list(dict.fromkeys(named)), "Test": test_stage[1].split("|") if test_stage else []}


def suite_list_problems(tox_ini: str, pipeline: dict, readme: str) -> list[str]:
    tox, lists = tox_lists(tox_ini)
    require, models = lists["[gate] require"], lists["[gate] model_suites"]
    expected = {
        "[tox] env_list": BEFORE + require + AFTER,
        "[tox] labels chain": BEFORE + require + AFTER,
        "[testenv:gate] depends": BEFORE + require,
        "[gate] model_suites": [s for s in require if s in models],  # a subset, in the chain's order
    }
    problems = [f"tox.ini {name} is {lists[name]}, expected {want}" for name, want in expected.items() if lists[name] != want]
    problems += [f"tox.ini has no [testenv:{s}] for required suite {s}" for s in require if f"testenv:{s}" not in tox]
    variables = {v["name"]: v["value"].split() for v in pipeline["variables"] if "name" in v}
    run = run_by_stage(pipeline)
    stated = {
        "variable requiredSuites": (variables.get("requiredSuites"), require + PIPELINE_ONLY),
        "variable modelSuites": (variables.get("modelSuites"), models + PIPELINE_ONLY),
        "suites run": ([s for stage in run.values() for s in stage], require + PIPELINE_ONLY),
    }
    problems += [f"pipeline {name} is {got}, expected {want}" for name, (got, want) in stated.items() if got != want]
    documented = readme_lists(readme)
    if documented["chain"] != BEFORE + require + AFTER:
        problems.append(f"README's chain is {documented['chain']}, expected {BEFORE + require + AFTER}")
    if documented["Test"] != run.get("Test"):
        problems.append(f"README's Test stage runs {documented['Test']}, the pipeline {run.get('Test')}")
    return problems


@pytest.fixture(scope="module")
def copies() -> tuple[str, dict, str]:
    return (ROOT / "tox.ini").read_text(encoding="utf-8"), load(), (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_copy_of_the_suite_lists_agrees(copies):
    assert suite_list_problems(*copies) == []
    assert "selftest" not in tox_lists(copies[0])[1]["[gate] require"]  # the legitimate difference, stated above


def _tox(old: str, new: str):
    return lambda tox, pipeline, readme: (tox.replace(old, new, 1), pipeline, readme)


def _variable(name: str, value: str):
    def edit(tox, pipeline, readme):
        next(v for v in pipeline["variables"] if v.get("name") == name)["value"] = value
        return tox, pipeline, readme

    return edit


def _drop_run(suite: str):
    def edit(tox, pipeline, readme):
        for _, job in jobs(pipeline):
            job["steps"] = [s for s in job.get("steps", []) if suite not in str(s.get("artifact", ""))]
        return tox, pipeline, readme

    return edit


@pytest.mark.parametrize(
    ("break_it", "found"),
    [
        (_tox("env_list = model, lint, unit, bdd, fuzz,", "env_list = model, lint, unit, bdd,"), "[tox] env_list"),
        (
            _tox(
                "spark, dbr, storage, bdd-diabetes, spark-diabetes, bdd-penguins, spark-penguins, container, container-diabetes, "
                "container-penguins, gate, report\n\n",
                "storage, spark, dbr, bdd-diabetes, spark-diabetes, bdd-penguins, spark-penguins, container, container-diabetes, "
                "container-penguins, gate, report\n\n",
            ),
            "labels chain",
        ),
        (_tox("depends = model, lint, unit, bdd, fuzz, spark, dbr, storage, bdd-diabetes", "depends = model, lint"), "depends"),
        (_tox("require = lint unit", "require = smoke lint unit"), "no [testenv:smoke]"),
        (_tox("model_suites = bdd", "model_suites = audit bdd"), "[gate] model_suites"),
        (_variable("requiredSuites", "lint unit bdd fuzz spark dbr storage container"), "variable requiredSuites"),
        (_variable("modelSuites", "bdd spark storage container selftest"), "variable modelSuites"),
        (_drop_run("fuzz"), "suites run"),
        (lambda tox, pipeline, readme: (tox, pipeline, readme.replace("`fuzz` (`fuzz/`), ", "")), "README's chain"),
        (lambda tox, pipeline, readme: (tox, pipeline, readme.replace("lint|unit|bdd|fuzz|", "lint|unit|bdd|")), "README's Test"),
    ],
)
def test_a_copy_left_behind_is_named(copies, break_it, found):
    tox, pipeline, readme = copies
    broken = break_it(tox, copy.deepcopy(pipeline), readme)
    assert broken != (tox, pipeline, readme)
    assert any(found in p for p in suite_list_problems(*broken)), suite_list_problems(*broken)


def example_problems(tox_ini: str, pipeline: dict, written: dict) -> list[str]:
    """Every worked example tox.ini's [gate] releases (``<name>_model``, ``_features``, ``_suites``) is one of the
    pipeline's ``examples``, gated there with its own model, features and suites (the variable ``<name>Suites``)."""
    tox, _ = tox_lists(tox_ini)
    names = [key.removesuffix("_model") for key in tox["gate"] if key.endswith("_model") and key != "release_model"]
    listed = [e["name"] for e in next(p for p in written["parameters"] if p["name"] == "examples")["default"]]
    problems = [] if listed == names else [f"the pipeline's examples are {listed}, tox.ini's [gate] {names}"]
    variables = {v["name"]: v["value"].split() for v in pipeline["variables"] if "name" in v}
    gate = " ".join(
        " ".join(s["script"].split()) for _, job in jobs(pipeline) for s in steps(job) if "modelgate gate" in s.get("script", "")
    )
    for name in names:
        model, features, suites = (tox["gate"][f"{name}_{k}"] for k in ("model", "features", "suites"))
        if f"--model {model} --features {features} --model-suites $({name}Suites)" not in gate:
            problems.append(f"the pipeline's gate does not release {model} with {features} and $({name}Suites)")
        if variables.get(f"{name}Suites") != suites.split():
            problems.append(f"pipeline variable {name}Suites is {variables.get(f'{name}Suites')}, tox.ini's {suites.split()}")
    return problems


def test_every_example_the_chain_gates_the_pipeline_gates_too(copies):
    import yaml

    written = yaml.safe_load((ROOT / "pipelines" / "azure-pipelines.yml").read_text(encoding="utf-8"))
    tox_ini, pipeline, _ = copies
    assert example_problems(tox_ini, pipeline, written) == []
    left_behind = copy.deepcopy(pipeline)
    for _, job in jobs(left_behind):
        for step in steps(job):
            if "modelgate gate" in step.get("script", ""):
                step["script"] = step["script"].replace("--model examples/penguins/model", "--model examples/other/model")
    assert example_problems(tox_ini, left_behind, written) == [
        "the pipeline's gate does not release examples/penguins/model with examples/penguins/features and $(penguinsSuites)"
    ]
    fewer = tox_ini.replace("penguins_model = examples/penguins/model\n", "")
    assert "tox.ini's [gate] ['diabetes']" in example_problems(fewer, pipeline, written)[0]
