"""model.manifest: the manifest is read, written and verified in one place; every file it signs must have exactly the
SHA-256 it records (computed here with hashlib), it names only files of its own folder, and a manifest of the old
format, or one that cannot be read, is refused in one line saying what is wrong."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest
from modelgate.contracts.contract import Contract
from modelgate.model.forms import linear, logistic
from modelgate.model.manifest import (
    CONTRACT_FILE,
    MANIFEST_FILE,
    MODEL_FILE,
    SERVING_FILE,
    ArtifactError,
    Manifest,
    Signed,
    model_version,
    read_manifest,
    verified,
)

SIGNED = {"model file": ("model", MODEL_FILE), "contract": ("contract", CONTRACT_FILE), "serving form": ("serving", SERVING_FILE)}


@pytest.fixture
def model_copy(trained_model, tmp_path) -> Path:
    return shutil.copytree(trained_model, tmp_path / "model")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _on_disk(directory: Path) -> dict:
    return json.loads((directory / MANIFEST_FILE).read_text())


def _rewrite(directory: Path, **fields) -> None:
    """Change fields of the manifest on disk, as anyone with write access could."""
    (directory / MANIFEST_FILE).write_text(json.dumps(_on_disk(directory) | fields))


def test_the_manifest_is_the_file_on_disk_and_signs_each_file_with_its_sha256(trained_model, tmp_path):
    manifest = read_manifest(trained_model)
    assert manifest.to_dict() == _on_disk(trained_model)
    for what, (_, name) in SIGNED.items():
        assert manifest.path(trained_model, what) == trained_model / name
        assert dict(manifest.signed_files())[what] == Signed(name, _sha256(trained_model / name))
    assert manifest.sha256 == _sha256(trained_model / MODEL_FILE)
    assert manifest.files(trained_model) == [trained_model / n for n in (MODEL_FILE, CONTRACT_FILE, SERVING_FILE, MANIFEST_FILE)]
    assert manifest.read_contract(trained_model) == Contract.loads((trained_model / CONTRACT_FILE).read_bytes())
    (tmp_path / "again").mkdir()
    manifest.write(tmp_path / "again")
    assert _on_disk(tmp_path / "again") == _on_disk(trained_model) and read_manifest(tmp_path / "again") == manifest


def test_the_model_version_names_the_data_the_contract_the_answers_and_the_form(trained_model):
    manifest = read_manifest(trained_model)
    data, contract, answers = manifest.training_data["sha256"], manifest.contract.sha256, manifest.answers_sha256
    form = hashlib.sha256(json.dumps(_form_numbers(trained_model), sort_keys=True).encode()).hexdigest()  # computed here
    assert manifest.form_sha256 == form
    assert manifest.model_version == model_version(data, contract, answers, form)
    assert len(manifest.model_version) == 12 and int(manifest.model_version, 16) >= 0
    # The rule written out here: the first 12 hex digits of the SHA-256 of the facts as JSON with sorted keys.
    facts = json.dumps({"answers": answers, "contract": contract, "data": data, "form": form}).encode()
    assert manifest.model_version == hashlib.sha256(facts).hexdigest()[:12]
    other = "0" * 64
    versions = {model_version(data, contract, answers, form), model_version(other, contract, answers, form)}
    versions |= {model_version(data, other, answers, form), model_version(data, contract, other, form)}
    versions |= {model_version(data, contract, answers, other), model_version(data, contract, answers, "")}
    assert len(versions) == 6
    # A model without a serving form: the same rule over the facts without one.
    formless = json.dumps({"answers": answers, "contract": contract, "data": data}).encode()
    assert model_version(data, contract, answers, "") == hashlib.sha256(formless).hexdigest()[:12]


def _form_numbers(directory: Path, keys=("decimals", "intercept", "columns")) -> dict:
    body = json.loads((directory / "serving.json").read_text())
    return {key: body[key] for key in keys}


def test_a_classifiers_form_digest_is_of_its_numbers_as_written(penguins_model):
    numbers = _form_numbers(penguins_model, ("decimals", "classes", "rows"))  # a logistic form's numbers, read here
    digest = hashlib.sha256(json.dumps(numbers, sort_keys=True).encode()).hexdigest()
    assert read_manifest(penguins_model).form_sha256 == digest
    # and the form read from that file digests to the same: the digest is of the numbers, whoever computes it
    form, _, _ = logistic.loads((penguins_model / "serving.json").read_bytes(), "serving.json")
    assert logistic.digest(form) == digest


def test_a_serving_form_changed_and_signed_again_by_hand_is_refused(model_copy_for_forms):
    """A coefficient moved and the serving form's SHA-256 updated in the manifest: the version names the numbers."""
    directory = model_copy_for_forms
    path = directory / "serving.json"
    body = json.loads(path.read_text())
    body["columns"][0]["coefficient"] += 0.001
    path.write_text(json.dumps(body, indent=2) + "\n")
    manifest = json.loads((directory / "manifest.json").read_text())
    manifest["serving"]["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    (directory / "manifest.json").write_text(json.dumps(manifest))
    from modelgate.model import served

    with pytest.raises(ArtifactError, match="this form is not model"):
        served.load(directory)


@pytest.fixture
def model_copy_for_forms(trained_model, tmp_path) -> Path:
    import shutil

    shutil.copytree(trained_model, tmp_path / "model")
    return tmp_path / "model"


def _damaged(directory: Path, name: str, how: str) -> None:
    """Damage the file ``name`` or its digest in the manifest."""
    path = directory / name
    key = next(k for k, n in SIGNED.values() if n == name)
    actual = _sha256(path)
    if how == "a byte appended":
        path.write_bytes(path.read_bytes() + b"\n")
    elif how == "a byte changed":
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 1
        path.write_bytes(bytes(data))
    elif how == "a prefix-equal digest":
        _rewrite(directory, **{key: {"file": name, "sha256": actual[:12]}})
    elif how == "a digest written in capitals":
        _rewrite(directory, **{key: {"file": name, "sha256": actual.upper()}})
    elif how == "a digest with a newline":
        _rewrite(directory, **{key: {"file": name, "sha256": actual + "\n"}})


HOW = ["a byte appended", "a byte changed", "a prefix-equal digest", "a digest written in capitals", "a digest with a newline"]


@pytest.mark.parametrize("how", HOW)
@pytest.mark.parametrize("what", SIGNED)
def test_a_signed_file_whose_digest_is_not_exactly_the_one_recorded_is_refused(model_copy, what, how):
    _damaged(model_copy, SIGNED[what][1], how)
    manifest = read_manifest(model_copy)
    # The message names both digests by their first 12 hex digits: the manifest's on disk, and the file's by hashlib.
    recorded, actual = _on_disk(model_copy)[SIGNED[what][0]]["sha256"][:12], _sha256(model_copy / SIGNED[what][1])[:12]
    message = (
        rf"^{model_copy / SIGNED[what][1]}: SHA-256 mismatch, the {what} was modified or replaced "
        rf"\(manifest {re.escape(recorded)}…, file {actual}…\); refusing to load it$"
    )
    with pytest.raises(ArtifactError, match=message):
        manifest.path(model_copy, what)
    with pytest.raises(ArtifactError, match=message):
        manifest.files(model_copy)


@pytest.mark.parametrize("elsewhere", ["../model.skops", "/etc/passwd", "sub/model.skops", "", ".", "..", MANIFEST_FILE])
@pytest.mark.parametrize("what", SIGNED)
def test_a_manifest_naming_a_file_outside_its_folder_is_refused(model_copy, what, elsewhere):
    key, name = SIGNED[what]
    _rewrite(model_copy, **{key: {"file": elsewhere, "sha256": _sha256(model_copy / name)}})
    with pytest.raises(ArtifactError, match=rf"the {what} '{elsewhere}' must be a file in the model directory$"):
        read_manifest(model_copy)


def test_a_missing_signed_file_is_named(model_copy):
    (model_copy / SERVING_FILE).unlink()
    with pytest.raises(ArtifactError, match=rf"^{model_copy / SERVING_FILE}: serving form named by the manifest is missing$"):
        read_manifest(model_copy).files(model_copy)


def test_a_model_without_a_serving_form_lists_the_files_it_has(model_copy):
    _rewrite(model_copy, serving=None)
    (model_copy / SERVING_FILE).unlink()
    manifest = read_manifest(model_copy)
    assert manifest.files(model_copy) == [model_copy / n for n in (MODEL_FILE, CONTRACT_FILE, MANIFEST_FILE)]
    with pytest.raises(ArtifactError, match="the manifest names no serving form"):
        manifest.path(model_copy, "serving form")


def _v1(directory: Path) -> dict:
    """The manifest as modelgate wrote it before the contract travelled with the model (manifest_version 1)."""
    return {
        "manifest_version": 1,
        "model_version": "3f2a1b0c9d8e",
        "model_file": MODEL_FILE,
        "model_sha256": _sha256(directory / MODEL_FILE),
        "serving_file": SERVING_FILE,
        "serving_sha256": _sha256(directory / SERVING_FILE),
        "model_type": "sklearn.linear_model._base.LinearRegression",
        "features": ["height"],
        "target": "weight",
        "coefficients": {"slope": 4.97, "intercept": -187.99},
        "metrics": {"r2_train": 0.75},
        "training_data": {"file": "weight_data.csv", "sha256": "0" * 64, "rows": 240},
        "sklearn_version": "1.5.0",
        "skops_version": "0.10.0",
        "python_version": "3.11.9",
        "created_at": "2026-11-26T00:00:00+00:00",
    }


@pytest.mark.parametrize("version", [1, None, "2", 3])
def test_a_manifest_of_another_format_is_refused_in_one_line(model_copy, version):
    old = _v1(model_copy) | {"manifest_version": version}
    if version is None:
        del old["manifest_version"]
    (model_copy / MANIFEST_FILE).write_text(json.dumps(old))
    with pytest.raises(ArtifactError) as raised:
        read_manifest(model_copy)
    message = str(raised.value)
    assert "\n" not in message and message.startswith(f"{model_copy / MANIFEST_FILE}: manifest format {version!r} is not 2")
    assert message.endswith("package it again with modelgate train or modelgate package")


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: shutil.rmtree(d), "no model directory at {d} (make one with: modelgate train or modelgate package)"),
        (lambda d: (d / MANIFEST_FILE).unlink(), "{d}/manifest.json: manifest missing (make the model with: modelgate train"),
        (lambda d: (d / MANIFEST_FILE).write_text("{not json"), "{d}/manifest.json: manifest is not valid JSON"),
        (lambda d: (d / MANIFEST_FILE).write_bytes(b'{"a": "\xff"}'), "{d}/manifest.json: manifest is not valid JSON"),
        (lambda d: (d / MANIFEST_FILE).write_text("[]"), "{d}/manifest.json: manifest must be a JSON object, got list"),
        (lambda d: (d / MANIFEST_FILE).write_text("null"), "{d}/manifest.json: manifest must be a JSON object, got NoneType"),
        (lambda d: (d / MANIFEST_FILE).write_text('"x"'), "{d}/manifest.json: manifest must be a JSON object, got str"),
        (lambda d: (d / MANIFEST_FILE).write_text("42"), "{d}/manifest.json: manifest must be a JSON object, got int"),
    ],
)
def test_a_manifest_that_cannot_be_read_says_what_is_wrong(model_copy, damage, message):
    damage(model_copy)
    with pytest.raises(ArtifactError) as raised:
        read_manifest(model_copy)
    assert str(raised.value).startswith(message.format(d=model_copy)) and "\n" not in str(raised.value)


def test_an_unreadable_manifest_is_an_artifact_error_not_a_traceback(model_copy):
    # A directory where the file should be stands in for a file the user may not read (root reads any file).
    (model_copy / MANIFEST_FILE).unlink()
    (model_copy / MANIFEST_FILE).mkdir()
    with pytest.raises(ArtifactError, match="cannot read the manifest"):
        read_manifest(model_copy)


@pytest.mark.parametrize(
    "change",
    [
        lambda m: m.pop("model"),
        lambda m: m.pop("inputs"),
        lambda m: m.pop("answers_sha256"),
        lambda m: m.update(model={"file": MODEL_FILE}),
        lambda m: m.update(contract="contract.json"),
        lambda m: m.update(unexpected=1),
    ],
    ids=[
        "no model",
        "no inputs",
        "no answers digest",
        "a file without its digest",
        "a file as a string",
        "a field of no manifest",
    ],
)
def test_a_manifest_lacking_or_misnaming_a_field_is_refused(model_copy, change):
    found = _on_disk(model_copy)
    change(found)
    (model_copy / MANIFEST_FILE).write_text(json.dumps(found))
    with pytest.raises(ArtifactError, match=rf"^{model_copy / MANIFEST_FILE}: the manifest lacks or misnames a field"):
        read_manifest(model_copy)


def test_verified_returns_the_path_only_for_the_exact_digest(model_copy):
    path = model_copy / MODEL_FILE
    assert verified(model_copy, Signed(MODEL_FILE, _sha256(path)), "model file") == path
    with pytest.raises(ArtifactError, match="SHA-256 mismatch, the model file was modified or replaced"):
        verified(model_copy, Signed(MODEL_FILE, "0" * 64), "model file")


@pytest.mark.parametrize("what", SIGNED)
def test_a_signed_file_that_cannot_be_read_is_refused_in_one_line(model_copy, what, monkeypatch):
    # Root reads any file, so the refusal of the operating system is made here, where the digest is taken.
    def refused(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("modelgate.model.manifest.sha256_file", refused)
    path = model_copy / SIGNED[what][1]
    with pytest.raises(ArtifactError, match=rf"^{path}: cannot read the {what} \(Permission denied\)$"):
        read_manifest(model_copy).path(model_copy, what)


@pytest.mark.parametrize("model", ["trained_model", "penguins_model"], ids=["linear", "logistic"])
def test_the_serving_form_is_written_for_people_to_read(request, model):
    written = (request.getfixturevalue(model) / SERVING_FILE).read_text(encoding="utf-8")
    assert written == json.dumps(json.loads(written), indent=2) + "\n"
    # and a form read from its file writes those bytes again (what packaging wrote is what the form writes)
    kind = logistic if model == "penguins_model" else linear
    form, version, output = kind.loads(written.encode(), SERVING_FILE)
    assert kind.dumps(form, version, output).decode() == written


def test_the_manifest_is_written_for_people_to_read_with_its_text_as_written(trained_model, tmp_path):
    manifest = read_manifest(trained_model)
    manifest.features = {"Größe und Gewicht.feature": "0" * 64}  # a feature file named in German
    manifest.write(tmp_path)
    written = (tmp_path / MANIFEST_FILE).read_text(encoding="utf-8")
    assert written == json.dumps(json.loads(written), indent=2, ensure_ascii=False) + "\n"
    assert '"Größe und Gewicht.feature"' in written and read_manifest(tmp_path) == manifest


def test_a_contract_changed_after_packaging_is_refused(model_copy):
    path = model_copy / CONTRACT_FILE
    found = json.loads(path.read_text())
    found["golden"][0]["expected"] += 1.0
    changed = Contract.from_dict(found).dumps()
    path.write_bytes(changed)
    with pytest.raises(ArtifactError, match="SHA-256 mismatch, the contract was modified or replaced"):
        read_manifest(model_copy).read_contract(model_copy)
    # Signed again by hand, the changed contract is still not the one the model version names.
    _rewrite(model_copy, contract={"file": CONTRACT_FILE, "sha256": hashlib.sha256(changed).hexdigest()})
    with pytest.raises(ArtifactError, match=f"{path}: model .* was not packaged with this contract"):
        read_manifest(model_copy).read_contract(model_copy)


def test_a_contract_rewritten_with_the_same_facts_is_not_the_file_packaged(model_copy):
    path = model_copy / CONTRACT_FILE
    loose = json.dumps(json.loads(path.read_text())).encode()  # the same facts, not in the canonical layout
    path.write_bytes(loose)
    _rewrite(model_copy, contract={"file": CONTRACT_FILE, "sha256": hashlib.sha256(loose).hexdigest()})
    with pytest.raises(ArtifactError, match="the contract is not written as packaged; repackage the model"):
        read_manifest(model_copy).read_contract(model_copy)


def test_a_contract_file_that_is_no_contract_is_refused(model_copy):
    path = model_copy / CONTRACT_FILE
    path.write_text('{"format": "something else"}')
    _rewrite(model_copy, contract={"file": CONTRACT_FILE, "sha256": _sha256(path)})
    with pytest.raises(ArtifactError, match=rf"^{path}: not a readable contract"):
        read_manifest(model_copy).read_contract(model_copy)


def test_a_manifest_is_what_it_writes(trained_model):
    manifest = read_manifest(trained_model)
    assert Manifest.from_dict(manifest.to_dict(), trained_model / MANIFEST_FILE) == manifest
