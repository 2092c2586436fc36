"""Evidence bound to the artifact: suites name the model they tested (``model_sha256``/``model_version``
properties of a ``<testsuite>``), and ``modelgate gate --model``/``--model-version`` fails a release whose
evidence came from another model; plus the flaky rule (``--fail-on-flaky``)."""

from __future__ import annotations

import hashlib
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from modelgate.steps.support import FEATURES, TRAINING_DATA, train_into

from modelgate.cli import main

FLAKY = Path(__file__).parent / "junit_corpus" / "surefire" / "TEST-com.example.FlakyClockTest.xml"
RELEASE = "9f8e7d6c5b4a"


def suite_xml(name: str, **props: str) -> str:
    properties = "".join(f'<property name="{k}" value="{v}"/>' for k, v in props.items())
    # the model is recorded on a nested suite, as a merged or per-class file would hold it
    return (
        f'<testsuites><testsuite name="{name}" tests="1"><testsuite name="{name}.inner" tests="1">'
        f'<properties><property name="python" value="3.11"/>{properties}</properties>'
        f'<testcase classname="c" name="t" time="0.1"/></testsuite></testsuite></testsuites>'
    )


@pytest.fixture
def model_dir(tmp_path, trained_model) -> tuple[Path, str, str]:
    """A model folder as `modelgate train` leaves it; its digest computed here and its version read from the file,
    not by the code under test."""
    folder = tmp_path / "model"
    shutil.copytree(trained_model, folder)
    digest = hashlib.sha256((folder / "model.skops").read_bytes()).hexdigest()
    return folder, digest, json.loads((folder / "manifest.json").read_text())["model_version"]


@pytest.fixture
def results(tmp_path) -> Path:
    folder = tmp_path / "junit"
    folder.mkdir()
    (folder / "unit.xml").write_text(suite_xml("unit"))  # tests no model: it names none and need not
    return folder


def gate(capsys, *args) -> tuple[int, str, str]:
    code = main(["gate", *map(str, args)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_a_suite_that_tested_the_released_model_passes_and_shows_it(results, model_dir, capsys):
    folder, digest, RELEASE = model_dir
    (results / "bdd.xml").write_text(suite_xml("bdd", model_sha256=digest, model_version=RELEASE))
    code, out, err = gate(capsys, results, "--model", folder, "--model-suites", "bdd")
    assert code == 0, err
    assert f"evidence for model {RELEASE}" in out
    rows = {line.split()[0]: line.split() for line in out.splitlines()[2:] if line.strip()}
    assert rows["bdd"][8] == RELEASE and rows["unit"][8] == "-"  # the model column


def test_a_suite_that_tested_another_model_fails_naming_both_versions(results, model_dir, capsys):
    folder, _, RELEASE = model_dir
    (results / "bdd.xml").write_text(suite_xml("bdd", model_sha256="ab" * 32, model_version="1a2b3c4d5e6f"))
    code, _, err = gate(capsys, results, "--model", folder)
    assert code == 1
    assert f"suite 'bdd' tested model 1a2b3c4d5e6f, but the release is model {RELEASE}" in err


def test_same_version_from_another_file_fails_naming_both_digests(results, model_dir, capsys):
    folder, digest, RELEASE = model_dir
    (results / "bdd.xml").write_text(suite_xml("bdd", model_sha256="cd" * 32, model_version=RELEASE))
    code, _, err = gate(capsys, results, "--model", folder)
    assert code == 1 and f"(sha256:{'cd' * 6})" in err and f"(sha256:{digest[:12]})" in err


def test_a_model_suite_that_names_no_model_fails(results, model_dir, capsys):
    folder, _, _ = model_dir
    (results / "bdd.xml").write_text(suite_xml("bdd"))
    code, _, err = gate(capsys, results, "--model", folder, "--model-suites", "bdd", "selftest")
    assert code == 1
    assert "suite 'bdd' tests a model but names none" in err
    assert "model suite 'selftest' is missing" in err


def test_a_model_not_on_disk_is_compared_by_version(results, capsys):
    (results / "container.xml").write_text(suite_xml("container", model_version=RELEASE))
    assert gate(capsys, results, "--model-version", RELEASE, "--model-suites", "container")[0] == 0
    code, _, err = gate(capsys, results, "--model-version", "000000000000")
    assert code == 1 and f"tested model {RELEASE}, but the release is model 000000000000" in err
    # a digest alone cannot be checked against a bare version: not proven is not passed
    (results / "container.xml").write_text(suite_xml("container", model_sha256="ef" * 32))
    assert gate(capsys, results, "--model-version", RELEASE)[0] == 1


def test_a_model_folder_whose_file_does_not_match_its_manifest_fails(results, model_dir, capsys):
    folder, _, _ = model_dir
    (folder / "model.skops").write_bytes(b"swapped after signing")
    code, _, err = gate(capsys, results, "--model", folder)
    assert code == 1 and err.count("\n") == 1
    assert "release model:" in err and "SHA-256 mismatch, the model file was modified or replaced" in err


def test_a_model_folder_without_a_manifest_fails_in_one_line(results, tmp_path, capsys):
    code, _, err = gate(capsys, results, "--model", tmp_path / "nowhere")
    assert code == 1 and err.count("\n") == 1 and f"release model: no model directory at {tmp_path / 'nowhere'}" in err


def test_without_a_release_model_the_suites_must_agree(results, capsys):
    (results / "bdd.xml").write_text(suite_xml("bdd", model_version="1a2b3c4d5e6f"))
    (results / "selftest.xml").write_text(suite_xml("selftest", model_version=RELEASE))
    code, _, err = gate(capsys, results)
    assert code == 1 and "suites name different models: bdd (1a2b3c4d5e6f), selftest (9f8e7d6c5b4a)" in err


def test_the_verdict_junit_has_one_case_per_evidence_check(results, model_dir, capsys):
    folder, _, _ = model_dir
    (results / "bdd.xml").write_text(suite_xml("bdd", model_version="1a2b3c4d5e6f"))
    out_file = results.parent / "gate.xml"
    assert gate(capsys, results, "--model", folder, "--model-suites", "bdd", "--junit", out_file)[0] == 1
    cases = {c.get("name"): c.find("failure") for c in ET.parse(out_file).getroot().iter("testcase")}
    assert cases[f"release model identified: {folder}"] is None
    assert "tested model 1a2b3c4d5e6f" in cases["model evidence: bdd"].get("message")
    assert "model evidence: unit" not in cases  # names no model and need not


def test_a_flaky_pass_is_counted_listed_and_named_and_fails_on_request(tmp_path, capsys):
    shutil.copyfile(FLAKY, tmp_path / "unit.xml")
    code, out, _ = gate(capsys, tmp_path)
    assert code == 0
    assert "1 flaky (passed only on a rerun): [unit] com.example.FlakyClockTest::ticksOncePerSecond" in out
    assert "[unit] com.example.FlakyClockTest::ticksOncePerSecond: flaky: expected: <1> but was: <2>" in out
    code, _, err = gate(capsys, tmp_path, "--fail-on-flaky")
    assert code == 1 and "1 flaky test(s) passed only on a rerun" in err and "(in unit)" in err


# Added for the mutation run: the corners of binding evidence to a model.
def test_the_released_digest_with_another_version_is_contradicting_evidence(results, model_dir, capsys):
    folder, digest, RELEASE = model_dir
    (results / "bdd.xml").write_text(suite_xml("bdd", model_sha256=digest, model_version="1a2b3c4d5e6f"))
    code, _, err = gate(capsys, results, "--model", folder)
    assert code == 1 and f"suite 'bdd' tested model 1a2b3c4d5e6f, but the release is model {RELEASE}" in err


def test_a_digest_beside_the_right_version_passes_a_release_known_by_version(results, capsys):
    (results / "container.xml").write_text(suite_xml("container", model_sha256="ef" * 32, model_version=RELEASE))
    assert gate(capsys, results, "--model-version", RELEASE, "--model-suites", "container")[0] == 0


@pytest.mark.parametrize("drop", ["model_version", "model", "contract"])
def test_a_manifest_without_one_of_its_facts_identifies_no_model(results, model_dir, capsys, drop):
    folder, _, _ = model_dir
    manifest = json.loads((folder / "manifest.json").read_text())
    (folder / "manifest.json").write_text(json.dumps({k: v for k, v in manifest.items() if k != drop}))
    code, _, err = gate(capsys, results, "--model", folder)
    assert code == 1 and "the manifest lacks or misnames a field" in err and drop in err


def test_a_manifest_that_is_not_an_object_identifies_no_model(results, model_dir, capsys):
    folder, _, release = model_dir
    (folder / "manifest.json").write_text(json.dumps([release]))
    code, _, err = gate(capsys, results, "--model", folder)
    assert code == 1 and "manifest must be a JSON object, got list" in err


def test_models_known_only_by_digest_are_named_by_the_digests_first_twelve_digits(results, capsys):
    inner = "".join(
        f'<testsuite name="{name}"><properties><property name="model_sha256" value="{digest}"/></properties>'
        f'<testcase classname="c" name="t"/></testsuite>'
        for name, digest in (("first", "ab" * 32), ("second", "cd" * 32))
    )
    two = f'<testsuites><testsuite name="bdd">{inner}</testsuite></testsuites>'
    (results / "bdd.xml").write_text(two)
    (results / "selftest.xml").write_text(suite_xml("selftest", model_sha256="ef" * 32))
    code, _, err = gate(capsys, results)
    assert code == 1
    assert f"suite 'bdd' names several models: sha256:{'ab' * 6}, sha256:{'cd' * 6}" in err
    assert f"suites name different models: bdd (sha256:{'ab' * 6}), selftest (sha256:{'ef' * 6})" in err


@pytest.mark.parametrize("which", ["model_version", "model_sha256"])
def test_either_half_of_the_identity_alone_binds_a_suite_to_the_model_on_disk(results, model_dir, capsys, which):
    folder, digest, RELEASE = model_dir
    (results / "bdd.xml").write_text(suite_xml("bdd", **{which: {"model_version": RELEASE, "model_sha256": digest}[which]}))
    code, _, err = gate(capsys, results, "--model", folder, "--model-suites", "bdd")
    assert code == 0, err


def _last_changed(text: str) -> str:
    """``text`` with only its last hex digit changed: every prefix of it but the whole is the original's."""
    return text[:-1] + ("0" if text[-1] != "0" else "1")


@pytest.mark.parametrize("which", ["model_sha256", "model_version"])
def test_evidence_naming_a_model_that_differs_only_in_its_last_digit_is_refused(results, model_dir, capsys, which):
    folder, digest, release = model_dir
    named = {"model_sha256": digest, "model_version": release}
    named[which] = _last_changed(named[which])
    (results / "bdd.xml").write_text(suite_xml("bdd", **named))
    code, _, err = gate(capsys, results, "--model", folder, "--model-suites", "bdd")
    assert code == 1 and "suite 'bdd' tested model" in err and f"but the release is model {release}" in err
    # the same half alone, the other not named: still not the released model
    (results / "bdd.xml").write_text(suite_xml("bdd", **{which: named[which]}))
    code, _, err = gate(capsys, results, "--model", folder, "--model-suites", "bdd")
    assert code == 1 and f"but the release is model {release}" in err


def test_a_version_that_differs_only_in_its_last_digit_is_not_a_release_known_by_version(results, capsys):
    (results / "container.xml").write_text(suite_xml("container", model_version=_last_changed(RELEASE)))
    code, _, err = gate(capsys, results, "--model-version", RELEASE, "--model-suites", "container")
    assert code == 1 and f"tested model {_last_changed(RELEASE)}, but the release is model {RELEASE}" in err


def test_an_unidentified_release_is_the_one_reason_not_followed_by_evidence_faults(results, tmp_path, capsys):
    (results / "bdd.xml").write_text(suite_xml("bdd"))  # would fail as naming no model, were the release known
    code, _, err = gate(capsys, results, "--model", tmp_path / "nowhere", "--model-suites", "bdd")
    expected = f"no model directory at {tmp_path / 'nowhere'} (make one with: modelgate train or modelgate package)"
    assert code == 1 and err == f"gate: FAILED: release model: {expected}\n"


# The contract travels with the model: the gate also judges that the model carries the one its features state.
def test_a_model_whose_contract_is_not_the_features_fails_naming_what_differs(results, model_dir, tmp_path, capsys):
    folder, digest, release = model_dir
    (results / "bdd.xml").write_text(suite_xml("bdd", model_sha256=digest, model_version=release))
    assert gate(capsys, results, "--model", folder, "--features", FEATURES, "--model-suites", "bdd")[0] == 0
    changed = tmp_path / "features"
    shutil.copytree(FEATURES, changed)
    scoring = changed / "scoring.feature"
    scoring.write_text(scoring.read_text().replace("| 138    | 498.2981 |", "| 138    | 498.2982 |"))
    code, _, err = gate(capsys, results, "--model", folder, "--features", changed, "--model-suites", "bdd")
    assert code == 1 and "the model's contract is not the one" in err and "498.2981 against 498.2982" in err


def test_each_model_of_a_release_is_judged_by_its_own_suites(results, model_dir, tmp_path, capsys):
    folder, digest, release = model_dir
    (tmp_path / "shuffled").mkdir()
    other = train_into(tmp_path / "other", FEATURES, shuffled_data(tmp_path / "shuffled"))
    other_manifest = json.loads((other / "manifest.json").read_text())
    (results / "bdd.xml").write_text(suite_xml("bdd", model_sha256=digest, model_version=release))
    (results / "bdd-other.xml").write_text(
        suite_xml("bdd-other", model_sha256=other_manifest["model"]["sha256"], model_version=other_manifest["model_version"])
    )
    both = ["--model", folder, "--features", FEATURES, "--model-suites", "bdd"]
    both += ["--model", other, "--features", FEATURES, "--model-suites", "bdd-other"]
    code, out, err = gate(capsys, results, *both)
    assert code == 0, err
    assert f"evidence for models {release}, {other_manifest['model_version']}" in out
    # the other model's suite naming the first model is evidence for the wrong model
    (results / "bdd-other.xml").write_text(suite_xml("bdd-other", model_sha256=digest, model_version=release))
    code, _, err = gate(capsys, results, *both)
    assert (
        code == 1
        and f"suite 'bdd-other' tested model {release}, but the release is model {other_manifest['model_version']}" in err
    )


def test_features_given_before_any_model_are_one_line_of_usage(results, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["gate", str(results), "--features", str(FEATURES)])
    assert exit_.value.code == 2 and "--features belongs to a --model" in capsys.readouterr().err


def shuffled_data(folder: Path) -> Path:
    """The bundled training data with its weights shuffled: a model that is not the bundled one."""
    from modelgate.steps.support import shuffled_model

    shuffled_model(folder)
    return folder / TRAINING_DATA.name
