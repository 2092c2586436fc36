"""Where the production model lives and how a released model gets there (``model.batch.production``): a model folder
or a folder URL (Azurite, marked storage); the registry (``models:/``) has its own tests (test_registry.py). What is
published is the model folder as it is on disk, byte for byte; ``modelgate compare`` reads it back."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from modelgate.contracts.errors import ModelgateError
from modelgate.model.batch.production import production_model, publish
from modelgate.steps.support import bundled_model

from modelgate.cli import main


def _version_of(model: Path) -> str:
    return json.loads((model / "manifest.json").read_text())["model_version"]


def _properties(junit: Path) -> dict:
    return {p.get("name"): p.get("value") for p in ET.parse(junit).iter("property")}


@pytest.fixture(params=["bundled", "flats"])
def released(request, tmp_path) -> tuple[Path, list[str]]:
    """(a model folder, the ``compare`` options for its evaluation data): the bundled model and the flat price model."""
    if request.param == "bundled":
        return bundled_model(), []
    return request.getfixturevalue("flats_model"), ["--data", str(request.getfixturevalue("flats_training"))]


def test_a_folder_is_published_and_read_back_by_the_same_command(released, tmp_path, capsys):
    model, data = released
    target = tmp_path / "production"
    assert main(["publish", str(model), str(target)]) == 0
    assert sorted(p.name for p in target.iterdir()) == sorted(p.name for p in model.iterdir())
    for path in model.iterdir():
        assert (target / path.name).read_bytes() == path.read_bytes(), path.name
    assert main(["publish", str(model), str(target)]) == 0
    assert "already: nothing to do" in capsys.readouterr().out
    junit = tmp_path / "c.xml"
    assert main(["compare", "--champion", str(target), "--challenger", str(model), *data, "--junit", str(junit)]) == 0
    assert "is not worse than the production model" in capsys.readouterr().out
    assert _properties(junit)["production_model"] == _version_of(model)


def test_with_no_production_model_the_comparison_says_so(tmp_path, capsys):
    args = ["compare", "--champion", str(tmp_path / "none"), "--challenger", str(bundled_model())]
    assert main([*args, "--junit", str(tmp_path / "c.xml")]) == 0
    assert "first release: not compared with a production model" in capsys.readouterr().out
    assert 'name="production_model" value="none"' in (tmp_path / "c.xml").read_text()


@pytest.mark.parametrize(
    "make", [lambda d: None, lambda d: str(d / "none"), lambda d: str(d)], ids=["no source", "no folder", "no manifest"]
)
def test_a_place_with_no_model_is_no_production_model(tmp_path, make):
    (tmp_path / "notes.txt").write_text("not a model\n")
    with production_model(make(tmp_path)) as found:
        assert found is None


def test_a_tampered_model_is_not_published(tmp_path, flats_model):
    model = tmp_path / "model"
    model.mkdir()
    for path in flats_model.iterdir():
        (model / path.name).write_bytes(path.read_bytes())
    (model / "contract.json").write_bytes((model / "contract.json").read_bytes().replace(b"North", b"Norte"))
    target = tmp_path / "production"
    with pytest.raises(ModelgateError, match="SHA-256 mismatch"):
        publish(model, str(target))
    assert not target.exists()


@pytest.mark.storage
def test_a_model_published_to_blob_storage_is_the_production_model_compare_reads(azure_storage, released, tmp_path, capsys):
    model, data = released
    fs, container = azure_storage.filesystem(), azure_storage.new_container()
    target = f"abfs://{container}/production/{model.name}"
    assert main(["publish", str(model), target]) == 0
    fs.invalidate_cache()
    names = sorted(p.name for p in model.iterdir())
    assert sorted(p.rsplit("/", 1)[1] for p in fs.find(f"{container}/production/{model.name}")) == names
    for name in names:
        assert fs.cat_file(f"{container}/production/{model.name}/{name}") == (model / name).read_bytes(), name
    assert main(["publish", str(model), target]) == 0
    assert "already: nothing to do" in capsys.readouterr().out
    junit = tmp_path / "compare.xml"
    assert main(["compare", "--champion", target, "--challenger", str(model), *data, "--junit", str(junit)]) == 0
    assert _properties(junit)["production_model"] == _version_of(model)
