"""``modelgate signoff`` and ``modelgate gate --require-signoff``: a sign-off binds a reviewer to the stakeholder
features in force (their fingerprint and the contract they compile to); an agreed number changed since fails the
gate, naming it old → new, until the features are signed off again."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from datetime import UTC, datetime

import pytest
from modelgate.model.manifest import read_manifest
from modelgate.steps.support import FEATURES

from modelgate.cli import main
from modelgate.signoff import SIGNOFF_FILE, fingerprint, read_signoffs, stakeholder_files, standing


@pytest.fixture
def features(tmp_path):
    copy = tmp_path / "features"
    shutil.copytree(FEATURES, copy, ignore=shutil.ignore_patterns(SIGNOFF_FILE))
    return copy


@pytest.fixture
def junit(tmp_path):
    folder = tmp_path / "junit"
    folder.mkdir()
    (folder / "unit.xml").write_text('<testsuite name="unit" tests="1"><testcase name="t" classname="c"/></testsuite>')
    return folder


def gate(capsys, monkeypatch, junit, features, *more) -> tuple[int, str]:
    monkeypatch.setenv("MODELGATE_FEATURES_DIR", str(features))
    code = main(["gate", str(junit), "--require-signoff", *map(str, more)])
    out, err = capsys.readouterr()
    return code, (out + err).strip().splitlines()[-1]


def signoff(capsys, features, model, *more) -> str:
    args = ["signoff", "--features", str(features), "--model", str(model), *more]
    assert main(args) == 0
    return capsys.readouterr().out


def test_a_signoff_records_who_when_the_fingerprint_the_contract_and_the_model_version(features, trained_model, capsys):
    out = signoff(capsys, features, trained_model, "--by", "Ada Lovelace", "--role", "model risk", "--note", "ticket 7")
    lines = (features / SIGNOFF_FILE).read_text().splitlines()
    assert len(lines) == 1
    record = json.loads(lines[0])
    assert (record["by"], record["role"], record["note"]) == ("Ada Lovelace", "model risk", "ticket 7")
    assert record["model_version"] == read_manifest(trained_model).model_version
    when = datetime.fromisoformat(record["at"].replace("Z", "+00:00"))
    assert record["at"].endswith("Z") and abs((datetime.now(UTC) - when).total_seconds()) < 60
    # The fingerprint, worked here as `sha256sum *.feature | sha256sum` would: the stakeholder set, not technical/.
    names = sorted(p.name for p in features.glob("*.feature"))
    listing = "".join(f"{hashlib.sha256((features / n).read_bytes()).hexdigest()}  {n}\n" for n in names)
    assert record["fingerprint"] == hashlib.sha256(listing.encode()).hexdigest()
    assert sorted(record["files"]) == names and not any("technical" in n for n in record["files"])
    assert record["contract"]["golden"][0] == {"values": [50.0], "expected": 60.6672, "tolerance": 0.0001}
    assert f"fingerprint {record['fingerprint'][:12]}" in out and "Ada Lovelace, model risk" in out


def test_features_never_signed_fail_the_gate_saying_how_to_sign(features, junit, capsys, monkeypatch):
    code, verdict = gate(capsys, monkeypatch, junit, features)
    assert code == 1
    assert verdict == (
        f"gate: FAILED: no sign-off of the features in {features} ({features / SIGNOFF_FILE} has none): "
        f"modelgate signoff --features {features} --by NAME --role ROLE"
    )


def test_a_changed_agreed_weight_fails_the_gate_naming_it_old_to_new_until_signed_again(
    features, junit, trained_model, capsys, monkeypatch
):
    signoff(capsys, features, trained_model, "--by", "Ada Lovelace", "--role", "model risk")
    code, verdict = gate(capsys, monkeypatch, junit, features)
    assert code == 0 and verdict.startswith("gate: PASSED")
    scoring = features / "scoring.feature"
    scoring.write_text(scoring.read_text().replace("| 72     | 170.075  |", "| 72     | 171.5    |"))
    code, verdict = gate(capsys, monkeypatch, junit, features)
    assert code == 1
    assert verdict.startswith(f"gate: FAILED: the features in {features} changed since their last sign-off (Ada Lovelace, ")
    assert "agreed weight for height=72.0: 170.075 → 171.5 pounds: sign them off again (modelgate signoff)" in verdict
    assert verdict.count("→") == 1  # only the weight that moved
    assert (
        main(["signoff", "--features", str(features), "--model", str(trained_model), "--by", "Grace Hopper", "--role", "x"]) == 0
    )
    out, err = capsys.readouterr()
    assert "agreed weight for height=72.0: 170.075 → 171.5 pounds" in out  # the signer is shown what they sign
    # ... and told that the model they read them against does not carry them (the gate's contract check refuses it)
    assert err.startswith(f"modelgate signoff: note: the model's contract is not the one {features} states (repackage it)")
    code, verdict = gate(capsys, monkeypatch, junit, features)
    assert code == 0 and verdict.startswith("gate: PASSED")
    at = read_signoffs(features)[-1].at
    assert verdict.endswith(f"; signed off: {features} by Grace Hopper on {at}")
    assert [(r.by, r.role) for r in read_signoffs(features)] == [("Ada Lovelace", "model risk"), ("Grace Hopper", "x")]


def test_bands_limits_and_inputs_that_moved_are_each_named(features, trained_model, capsys):
    signoff(capsys, features, trained_model, "--by", "A", "--role", "R")
    quality, risk = features / "quality.feature", features / "risk.feature"
    quality.write_text(quality.read_text().replace("between 0.60 and 0.95", "between 0.65 and 0.95"))
    risk.write_text(risk.read_text().replace("at most 0.5 pounds worse", "at most 1 pounds worse"))
    risk.write_text(risk.read_text().replace("greater than 45 and at most 150 inches", "greater than 40 and at most 150 inches"))
    changed = standing(features).changed
    assert "the R² band: 0.6 to 0.95 → 0.65 to 0.95" in changed
    assert "the champion margin: 0.5 → 1" in changed
    assert any(re.fullmatch(r"input 'height' range: .*45.* → .*40.*", line) for line in changed), changed


def test_the_drift_rule_that_moved_is_named_part_by_part(features, trained_model, capsys):
    signoff(capsys, features, trained_model, "--by", "A", "--role", "R")
    risk = features / "risk.feature"
    risk.write_text(risk.read_text().replace("smaller file of 50 or more heights", "smaller file of 60 or more heights"))
    assert standing(features).changed[-1] == "the rows of a smaller file judged on five bands: 50 → 60"


def test_a_range_whose_agreed_coverage_moved_is_named_in_words(features, trained_model, capsys):
    signoff(capsys, features, trained_model, "--by", "A", "--role", "R")
    quality = features / "quality.feature"
    quality.write_text(quality.read_text().replace("weight of at least 74 in 100", "weight of at least 70 in 100"))
    assert "the range for 80 in 100: holds at least 74 in 100 → holds at least 70 in 100" in standing(features).changed


def test_a_change_of_words_alone_names_the_file(features, trained_model, capsys):
    signoff(capsys, features, trained_model, "--by", "A", "--role", "R")
    batch = features / "batch.feature"
    batch.write_text(batch.read_text().replace("Files of heights are scored", "Files of heights get scored"))
    assert standing(features).changed == ["the text of batch.feature changed (no fact of the contract moved)"]


def test_features_without_a_card_cannot_be_signed(features, trained_model, capsys):
    from tests.contracts.test_card import without_card

    without_card(features)
    args = ["signoff", "--features", str(features), "--model", str(trained_model), "--by", "A", "--role", "R"]
    assert main(args) == 2
    assert f"{features}: no model's card" in capsys.readouterr().err
    assert not (features / SIGNOFF_FILE).exists()


def test_the_technical_features_are_not_signed(features, trained_model, capsys):
    signoff(capsys, features, trained_model, "--by", "A", "--role", "R")
    before = fingerprint(stakeholder_files(features))
    shape = features / "technical" / "response_shape.feature"
    shape.write_text(shape.read_text() + "\n")
    assert fingerprint(stakeholder_files(features)) == before and standing(features).current


def test_an_unreadable_record_is_one_line(features, junit, capsys, monkeypatch):
    (features / SIGNOFF_FILE).write_text('{"by": "A"}\n')
    code, verdict = gate(capsys, monkeypatch, junit, features)
    assert code == 1
    assert verdict.startswith(f"gate: FAILED: sign-off of {features}: {features / SIGNOFF_FILE}, line 1: not a sign-off record")


@pytest.mark.parametrize(
    ("line", "says"),
    [("[1, 2]", ", line 1: not a sign-off record"), ("not json", ", line 1: not a sign-off record")],
)
def test_a_record_that_is_not_an_object_is_one_line(features, junit, capsys, monkeypatch, line, says):
    (features / SIGNOFF_FILE).write_text(line + "\n")
    code, verdict = gate(capsys, monkeypatch, junit, features)
    assert code == 1 and verdict.startswith(f"gate: FAILED: sign-off of {features}: {features / SIGNOFF_FILE}{says}")


def test_a_record_whose_contract_cannot_be_read_is_one_line(features, junit, trained_model, capsys, monkeypatch):
    signoff(capsys, features, trained_model, "--by", "A", "--role", "R")
    path = features / SIGNOFF_FILE
    record = json.loads(path.read_text())
    path.write_text(json.dumps({**record, "contract": {"format": "other"}, "fingerprint": "0" * 64}) + "\n")
    code, verdict = gate(capsys, monkeypatch, junit, features)
    assert code == 1
    assert verdict.startswith(f"gate: FAILED: sign-off of {features}: the sign-off of A on {record['at']} holds no readable")


def test_the_gate_checks_the_signoff_of_each_release_models_features(features, junit, trained_model, capsys, monkeypatch):
    signoff(capsys, features, trained_model, "--by", "A", "--role", "R")
    code, verdict = gate(
        capsys, monkeypatch, junit, FEATURES.parent / "nowhere", "--model", trained_model, "--features", features
    )
    assert code == 0, verdict


def _tox():
    import configparser

    tox = configparser.ConfigParser(interpolation=None)
    tox.read(FEATURES.parent / "tox.ini")
    return tox


def _gated() -> list:
    """The features folders the chain releases: the bundled model's and each [gate] *_features."""
    tox = _tox()
    return [FEATURES, *(FEATURES.parent / v for k, v in tox["gate"].items() if k.endswith("_features"))]


@pytest.mark.parametrize("features", _gated(), ids=lambda p: str(p.relative_to(FEATURES.parent)))
def test_every_gated_models_features_are_the_last_signed_off(features):
    """A change to the stakeholder features needs a new record (modelgate signoff), or the chain's gate fails."""
    found = standing(features)
    assert found.current, found.problem()


def test_the_chain_the_pipeline_and_the_release_gate_with_the_signoff():
    root = FEATURES.parent
    assert "--require-signoff" in _tox()["testenv:gate"]["commands"]
    pipeline = (root / "pipelines" / "azure-pipelines.yml").read_text()
    assert "- template: templates/gate-stage.yml" in pipeline  # the Gate stage this pipeline and another's use
    gate_stage = (root / "pipelines" / "templates" / "gate-stage.yml").read_text()
    assert "modelgate gate $(Pipeline.Workspace)/results --require-signoff " in gate_stage
    release = (root / "pipelines" / "release-steps.yml").read_text()
    assert "--model-suites databricks --require-signoff" in release
