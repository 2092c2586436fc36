"""The production model from an MLflow model registry (``model.batch.registry``: ``models:/NAME@ALIAS``, extra
``mlflow``), on MLflow's own local registry (a SQLite database in tmp_path): ``modelgate publish`` registers the bundled
model (and the flat price model of several inputs) and moves the alias, ``modelgate compare`` reads it back, verified.
The expected values come from outside the code under test: the model folders' files on disk, the registry read with
MLflow's own client, the features the flats' contract was written in."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from modelgate.steps import support
from modelgate.steps.support import ROOT, bundled_model

from modelgate.cli import main

ALIAS = "models:/weight@champion"


def registry_client():
    """MLflow's own client, to read the registry independently of modelgate. Imported here, not at the top: the suites
    without the mlflow extra (spark, storage) collect this module too, and deselect its tests by marker."""
    from mlflow import MlflowClient

    return MlflowClient()


@pytest.fixture
def registry(tmp_path, monkeypatch) -> Path:
    """An empty local registry, MLflow's SQLite store in tmp_path (publishing keeps its artifacts beside it)."""
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{tmp_path / 'registry.db'}")
    for name in ("MLFLOW_REGISTRY_URI", "MLFLOW_EXPERIMENT_NAME", "MODELGATE_PRODUCTION_MODEL", "DATABRICKS_RUNTIME_VERSION"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture(scope="module")
def shuffled_model(tmp_path_factory) -> Path:
    return support.shuffled_model(tmp_path_factory.mktemp("shuffled"))


def _version_of(model: Path) -> str:
    return json.loads((model / "manifest.json").read_text())["model_version"]


def _compare(champion: str, challenger: Path, junit: Path) -> int:
    return main(["compare", "--champion", champion, "--challenger", str(challenger), "--junit", str(junit)])


def _properties(junit: Path) -> dict:
    import xml.etree.ElementTree as ET

    return {p.get("name"): p.get("value") for p in ET.parse(junit).iter("property")}


def _versions() -> dict[str, dict]:
    """{registered version: its tags}, read with MLflow's own client."""
    return {str(v.version): v.tags for v in registry_client().search_model_versions("name = 'weight'")}


def test_the_published_bundled_model_is_read_back_and_passes_against_itself(registry, capsys):
    model = bundled_model()
    assert main(["publish", str(model), ALIAS]) == 0
    assert f"-> model {_version_of(model)}, registered as version 1" in capsys.readouterr().out
    junit = registry / "reports" / "compare.xml"
    assert _compare(ALIAS, model, junit) == 0
    assert "is not worse than the production model" in capsys.readouterr().out
    found = _properties(junit)
    assert (found["production_model"], found["production_source"]) == (_version_of(model), ALIAS)
    assert main(["gate", str(junit.parent), "--require", "compare"]) == 0
    (tags,) = _versions().values()
    manifest = json.loads((model / "manifest.json").read_text())
    assert tags == {"model_version": manifest["model_version"], "model_sha256": manifest["model"]["sha256"]}


def test_a_model_trained_on_shuffled_weights_fails_against_the_alias(registry, shuffled_model, capsys):
    assert main(["publish", str(bundled_model()), ALIAS]) == 0
    junit = registry / "reports" / "compare.xml"
    assert _compare(ALIAS, shuffled_model, junit) == 1
    out = capsys.readouterr().out
    assert "worse by more than 0.5 pounds" in out and out.count(" pounds)") == 2, out
    assert _properties(junit)["production_model"] == _version_of(bundled_model())
    assert main(["gate", str(junit.parent), "--require", "compare"]) == 1


def test_the_alias_not_the_latest_version_is_the_production_model(registry, shuffled_model, capsys):
    """A later version under another alias (a candidate) is not production: the comparison uses the alias's."""
    assert main(["publish", str(bundled_model()), ALIAS]) == 0
    assert main(["publish", str(shuffled_model), "models:/weight@candidate"]) == 0
    junit = registry / "compare.xml"
    assert _compare(ALIAS, bundled_model(), junit) == 0, capsys.readouterr().out
    assert _properties(junit)["production_model"] == _version_of(bundled_model())
    assert _compare("models:/weight/2", bundled_model(), junit) == 1  # a version number reads that version
    assert _properties(junit)["production_model"] == _version_of(shuffled_model)


def test_publishing_again_registers_nothing_and_an_old_model_moves_the_alias_back(registry, shuffled_model, capsys):
    bundled = bundled_model()
    assert main(["publish", str(bundled), ALIAS]) == 0
    assert main(["publish", str(bundled), ALIAS]) == 0
    assert "already (registered version 1): nothing to do" in capsys.readouterr().out
    assert list(_versions()) == ["1"]
    assert main(["publish", str(shuffled_model), ALIAS]) == 0
    assert main(["publish", str(bundled), ALIAS]) == 0  # a rollback: the alias goes back, no third version
    assert "already registered as version 1" in capsys.readouterr().out
    assert sorted(_versions()) == ["1", "2"]
    aliases = registry_client().get_registered_model("weight").aliases
    assert {alias: str(version) for alias, version in aliases.items()} == {"champion": "1"}


def _signature(folder: Path) -> tuple[list[tuple], list[tuple]]:
    """The registered MLmodel file's signature: (inputs, outputs) as (name, type, required)."""
    signature = yaml.safe_load((folder / "MLmodel").read_text())["signature"]
    return tuple(
        [(c["name"], c["type"], c.get("required", True)) for c in json.loads(signature[k])] for k in ("inputs", "outputs")
    )


def test_the_registered_artifacts_are_the_model_folder_with_a_signature(registry):
    model = bundled_model()
    assert main(["publish", str(model), ALIAS]) == 0
    (folder,) = registry.glob("mlruns/*/artifacts/model")
    assert sorted(p.name for p in folder.iterdir()) == sorted(["MLmodel", *(p.name for p in model.iterdir())])
    for path in model.iterdir():
        assert (folder / path.name).read_bytes() == path.read_bytes(), path.name
    assert _signature(folder) == ([("height", "double", True)], [("weight", "double", True)])


def test_a_model_of_several_inputs_is_registered_with_each_input_in_its_signature(registry, flats_model, flats_training, capsys):
    alias = "models:/price@champion"
    assert main(["publish", str(flats_model), alias]) == 0
    (folder,) = registry.glob("mlruns/*/artifacts/model")
    assert sorted(p.name for p in folder.iterdir()) == sorted(["MLmodel", *(p.name for p in flats_model.iterdir())])
    # As flats.MODEL_FEATURE declares them: a number, a category, a number that may be missing, a yes/no.
    inputs = [("area", "double", True), ("district", "string", True), ("age", "double", False), ("garden", "boolean", True)]
    assert _signature(folder) == (inputs, [("price", "double", True)])
    junit = registry / "compare.xml"
    args = ["compare", "--champion", alias, "--challenger", str(flats_model), "--data", str(flats_training)]
    assert main([*args, "--junit", str(junit)]) == 0, capsys.readouterr().out
    assert _properties(junit)["production_model"] == _version_of(flats_model)


def test_an_unknown_alias_or_model_is_no_production_model_yet(registry, capsys):
    assert main(["publish", str(bundled_model()), ALIAS]) == 0
    for source in ("models:/weight@nobody", "models:/nothing@champion"):
        junit = registry / "c.xml"
        assert _compare(source, bundled_model(), junit) == 0
        assert "first release: not compared with a production model" in capsys.readouterr().out
        assert _properties(junit)["production_model"] == "none"


def _one_error_line(capsys, *needles: str) -> str:
    err = capsys.readouterr().err.strip()
    lines = [line for line in err.splitlines() if " INFO " not in line]  # MLflow logs its database set-up
    assert len(lines) == 1 and "Traceback" not in err, err
    assert all(n in lines[0] for n in needles), lines[0]
    return lines[0]


def test_a_tampered_artifact_in_the_registry_fails_in_one_line(registry, capsys):
    assert main(["publish", str(bundled_model()), ALIAS]) == 0
    (model_file,) = registry.glob("mlruns/*/artifacts/model/model.skops")
    model_file.write_bytes(model_file.read_bytes() + b"\0")
    assert _compare(ALIAS, bundled_model(), registry / "c.xml") == 2
    _one_error_line(capsys, f"{ALIAS} (registered version 1)", "SHA-256 mismatch")


def test_a_replaced_model_with_a_matching_manifest_fails_against_the_registry_tags(registry, shuffled_model, capsys):
    assert main(["publish", str(bundled_model()), ALIAS]) == 0
    (folder,) = registry.glob("mlruns/*/artifacts/model")
    for path in shuffled_model.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    assert _compare(ALIAS, bundled_model(), registry / "c.xml") == 2
    _one_error_line(capsys, "changed after it was registered")


def test_a_registry_that_cannot_be_used_is_one_line(registry, monkeypatch, capsys):
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{registry / 'missing' / 'registry.db'}")
    assert _compare(ALIAS, bundled_model(), registry / "c.xml") == 2
    _one_error_line(capsys, "no registry at")
    assert not (registry / "missing").exists()  # not created on the way
    (registry / "garbage.db").write_text("not a database\n")
    monkeypatch.setenv("MLFLOW_TRACKING_URI", f"sqlite:///{registry / 'garbage.db'}")
    assert _compare(ALIAS, bundled_model(), registry / "c.xml") == 2
    _one_error_line(capsys, ALIAS, "the model registry failed")
    monkeypatch.delenv("MLFLOW_TRACKING_URI")
    assert main(["publish", str(bundled_model()), ALIAS]) == 2
    _one_error_line(capsys, "set MLFLOW_TRACKING_URI")
    assert not (registry / "mlflow.db").exists()


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (["publish", "MODEL", "models:/weight/1"], "publish to models:/NAME@ALIAS"),
        (["compare", "--champion", "models:/weight", "--challenger", "MODEL"], "models:/NAME@ALIAS or models:/NAME/VERSION"),
        (["compare", "--champion", "models:/weight/9", "--challenger", "MODEL"], "has no version 9"),
    ],
)
def test_a_wrong_registry_source_is_one_line(registry, capsys, args, problem):
    assert main(["publish", str(bundled_model()), ALIAS]) == 0
    capsys.readouterr()
    assert main([str(bundled_model()) if a == "MODEL" else a for a in args]) == 2
    _one_error_line(capsys, problem)


# Runs the command with mlflow unimportable, as in an installation without the mlflow extra.
WITHOUT_MLFLOW = """
import sys
from importlib.abc import MetaPathFinder
from modelgate.cli import main

class Missing(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == "mlflow":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)

sys.meta_path.insert(0, Missing())
sys.exit(main(sys.argv[1:]))
"""


@pytest.mark.parametrize("command", [["compare", "--champion", ALIAS, "--challenger", "MODEL"], ["publish", "MODEL", ALIAS]])
def test_without_the_mlflow_extra_a_registry_source_says_so_in_one_line(registry, trained_model, command):
    # A model trained here, by this environment's scikit-learn: loading one from another version warns on stderr.
    argv = [str(trained_model) if a == "MODEL" else a for a in command]
    done = subprocess.run(
        [sys.executable, "-c", WITHOUT_MLFLOW, *argv], capture_output=True, text=True, cwd=ROOT, check=False, timeout=120
    )
    assert done.returncode == 2, done
    assert done.stderr.strip().splitlines() == [
        f"modelgate: error: {ALIAS}: a models:/ source needs the mlflow extra: pip install 'modelgate[mlflow]'"
    ]


def test_mlflow_is_loaded_only_for_a_registry_source():
    code = (
        "import sys, modelgate.app.main, modelgate.cli, modelgate.model.batch.production, modelgate.model.batch.registry;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'mlflow', 'sqlalchemy', 'alembic'}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True, timeout=60)
    assert done.stdout.strip() == "[]", done.stdout


def test_the_risk_scenario_compares_with_the_model_at_the_alias(registry, shuffled_model):
    assert main(["publish", str(bundled_model()), ALIAS]) == 0
    junit = registry / "bdd.xml"
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "steps/test_features.py", "-k", "not_worse"]
    command += ["--production-model", ALIAS, "--model", str(shuffled_model), "--junitxml", str(junit)]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert run.returncode == 1 and "the production model's" in run.stdout and "worse by" in run.stdout, run.stdout[-2000:]
    assert _properties(junit)["production_model"] == _version_of(bundled_model())
