"""The watcher (``model.batch.watch``) on local folders: stability, empty files, the ledger, restarts, the drift check;
for the bundled one-number model and the flat price model of several inputs (:mod:`.flats`). One test watches a blob
prefix on Azurite (marked storage)."""

from __future__ import annotations

import json

import pytest
from modelgate.contracts.errors import ModelgateError
from modelgate.model.batch.inputs_check import Policy
from modelgate.model.batch.watch import LEDGER_FOLDER, Watcher, output_name

from modelgate.cli import main
from tests.model.batch import flats


@pytest.fixture
def folders(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    return inbox, tmp_path / "outbox", tmp_path / "quarantine"


def watcher(folders, scorer, lines):
    return Watcher(*folders, scorer, log=lines.append)


def test_output_name_is_the_pipeline_rule():
    assert output_name("r_input_file1.csv") == "r_output_file1.csv"
    assert output_name("input_input.csv") == "output_output.csv"


def test_a_file_still_growing_waits_for_the_next_poll(folders, scorer):
    inbox, outbox, _ = folders
    lines = []
    w = watcher(folders, scorer, lines)
    (inbox / "a_input.csv").write_text("height\n64\n")
    assert w.poll() == []  # first sight: not yet known to be complete
    (inbox / "a_input.csv").write_text("height\n64\n67\n")
    assert w.poll() == []  # it changed since the last look
    (outcome,) = w.poll()
    assert outcome.status == "scored" and outcome.rows == 2
    assert (outbox / "a_output.csv").read_text().count("\n") == 3


def test_empty_files_and_other_names_are_ignored(folders, scorer):
    inbox, outbox, quarantine = folders
    (inbox / "empty_input.csv").write_bytes(b"")
    (inbox / "notes.txt").write_text("height\n64\n")
    (inbox / ".hidden.csv").write_text("height\n64\n")
    w = watcher(folders, scorer, [])
    assert w.run(once=True, settle=0) == []
    assert [p.name for p in outbox.iterdir()] == [] and list(quarantine.iterdir()) == []


def test_the_ledger_is_keyed_by_content_and_survives_a_restart(folders, scorer):
    inbox, outbox, _ = folders
    (inbox / "x_input.csv").write_text("height\n64\n")
    (first,) = watcher(folders, scorer, []).run(once=True, settle=0)
    entries = list((outbox / LEDGER_FOLDER).glob("*.json"))
    assert [e.stem for e in entries] == [first.digest]
    assert json.loads(entries[0].read_text())["status"] == "scored"
    (inbox / "y_input.csv").write_text("height\n64\n")  # same content, new name
    again = watcher(folders, scorer, []).run(once=True, settle=0)  # a new process: knows only the ledger
    assert sorted(o.status for o in again) == ["duplicate", "duplicate"]
    assert not (outbox / "y_output.csv").exists()


def crashing_before_the_ledger(w, monkeypatch):
    """A watcher that dies (OSError) when it would write a ledger entry: a crash after the output."""

    def crash(*_):
        raise OSError("killed")

    monkeypatch.setattr(w, "_record", crash)
    return w


def test_a_crash_before_the_ledger_entry_means_a_rerun_not_a_loss(folders, scorer, monkeypatch):
    inbox, outbox, _ = folders
    (inbox / "z_input.csv").write_text("height\n64\n")
    w = crashing_before_the_ledger(watcher(folders, scorer, []), monkeypatch)
    logged = []
    w.log = logged.append
    assert w.run(once=True, settle=0) == []
    assert "will retry" in logged[-1]
    (outcome,) = watcher(folders, scorer, []).run(once=True, settle=0)
    assert outcome.status == "scored"
    assert (outbox / "z_output.csv").exists()


def test_a_crash_after_quarantining_reruns_into_the_same_copy(folders, scorer, monkeypatch):
    inbox, _, quarantine = folders
    (inbox / "q_input.csv").write_text("height\n-1\n")
    w = crashing_before_the_ledger(watcher(folders, scorer, []), monkeypatch)
    assert w.run(once=True, settle=0) == []  # the copy and its reports are there, the ledger entry is not
    (outcome,) = watcher(folders, scorer, []).run(once=True, settle=0)
    assert outcome.status == "quarantined"
    assert sorted(p.name for p in quarantine.iterdir()) == ["q_input.csv", "q_input.csv.junit.xml", "q_input.csv.report.json"]


def test_a_second_bad_file_with_the_same_name_keeps_both(folders, scorer):
    inbox, _, quarantine = folders
    (inbox / "b_input.csv").write_text("height\n-1\n")
    watcher(folders, scorer, []).run(once=True, settle=0)
    (inbox / "b_input.csv").write_text("height\n-2\n")
    watcher(folders, scorer, []).run(once=True, settle=0)
    kept = sorted(p.name for p in quarantine.iterdir() if p.suffix == ".csv")
    assert len(kept) == 2 and "b_input.csv" in kept


def test_the_three_folders_must_differ(tmp_path, scorer):
    with pytest.raises(ModelgateError, match="three different folders"):
        Watcher(tmp_path, tmp_path, tmp_path / "q", scorer)


def test_watch_command_reports_usage_errors_in_one_line(tmp_path, trained_model, capsys):
    code = main(
        [
            "watch",
            str(tmp_path / "missing"),
            "--outbox",
            str(tmp_path / "o"),
            "--quarantine",
            str(tmp_path / "q"),
            "--model",
            str(trained_model),
            "--once",
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("modelgate: error: ") and "folder not found" in err and err.count("\n") == 1


@pytest.mark.storage
def test_watching_a_prefix_with_no_blobs_yet_is_not_an_error(azure_storage, trained_model, capsys):
    container = azure_storage.new_container()
    code = main(
        [
            "watch",
            f"abfs://{container}/inbox",
            "--outbox",
            f"abfs://{container}/outbox",
            "--quarantine",
            f"abfs://{container}/quarantine",
            "--model",
            str(trained_model),
            "--once",
            "--settle",
            "0",
        ]
    )
    assert code == 0, capsys.readouterr().err


# -- a model of several inputs ----------------------------------------------------------------------------------------


def test_flats_are_scored_or_quarantined_with_a_report_naming_the_line_column_and_rule(folders, flats_loaded, flats_training):
    inbox, outbox, quarantine = folders
    policy = Policy.of(flats_loaded.contract, flats_loaded.manifest.training_data["profile"])
    rows = flats.training_rows(flats_training)
    flats.write_file(inbox / "good_input.csv", rows)
    bad = [list(r) for r in rows]
    bad[41][flats.NAMES.index("district")] = "Nowhere"
    flats.write_file(inbox / "bad_input.csv", bad)
    lines = []
    outcomes = Watcher(*folders, flats_loaded.scorer(), log=lines.append, policy=policy).run(once=True, settle=0)
    assert sorted((o.name, o.status, o.rows) for o in outcomes) == [
        ("bad_input.csv", "quarantined", len(rows)),
        ("good_input.csv", "scored", len(rows)),
    ]
    assert (outbox / "good_output.csv").read_text().splitlines()[0] == ",".join([*flats.NAMES, flats.OUTPUT])
    assert len((outbox / "good_output.csv").read_text().splitlines()) == len(rows) + 1
    report = json.loads((quarantine / "bad_input.csv.report.json").read_text())
    found = [(e["line"], e["column"], e["check"], e["value"]) for e in report["failures"]["examples"]]
    assert found == [(43, "district", "one of North, South, East, West", "'Nowhere'")]
    assert report["inputs"]["drift"]["verdict"] == "stable"
    assert 'name="one of North, South, East, West"' in (quarantine / "bad_input.csv.junit.xml").read_text()
    assert (quarantine / "bad_input.csv").read_bytes() == (inbox / "bad_input.csv").read_bytes()
