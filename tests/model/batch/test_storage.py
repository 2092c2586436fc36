"""Storage URLs (``model.batch.storage``): fsspec's in-memory filesystem stands in for a blob store, and Azurite, the
Azure Storage emulator, for ADLS itself (those tests marked storage: need Node.js + azurite)."""

from __future__ import annotations

import json

import fsspec
import pytest
from modelgate.contracts.errors import ModelgateError
from modelgate.model.batch import storage

from modelgate.cli import main


@pytest.fixture
def memory():
    """fsspec's process-wide in-memory filesystem, emptied after each test."""
    fs = fsspec.filesystem("memory")
    yield fs
    fs.store.clear()
    fs.pseudo_dirs[:] = [""]


def test_location_names_like_a_path():
    assert storage.Location("abfs://c/in/r_input_1.csv").name == "r_input_1.csv"
    assert str(storage.Location("abfs://c/in/x.csv")) == "abfs://c/in/x.csv"
    assert storage.join("abfs://c/out/", "y.csv") == "abfs://c/out/y.csv"
    assert not storage.is_url("/tmp/x.csv") and storage.is_url("abfs://c/x.csv")


def test_azure_urls_need_credentials_from_the_environment(monkeypatch):
    for name in ("AZURE_STORAGE_CONNECTION_STRING", "AZURE_STORAGE_ACCOUNT_NAME"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ModelgateError, match="AZURE_STORAGE_CONNECTION_STRING"):
        storage.filesystem("abfs://container/x.csv")


def test_score_reads_and_writes_urls(memory, trained_model, capsys):
    memory.pipe_file("/t/in/r_input_1.csv", b"height\n64\n67\n")
    code = main(["score", "memory://t/in/r_input_1.csv", "memory://t/out/r_output_1.csv", "--model", str(trained_model)])
    assert code == 0, capsys.readouterr().err
    assert memory.cat_file("/t/out/r_output_1.csv").startswith(b"height,weight\n64,")
    assert [p for p in memory.find("/t/out") if ".partial-" in p] == []


def test_a_rejected_url_input_leaves_no_output_and_a_report(memory, trained_model, capsys):
    memory.pipe_file("/t/in/bad.csv", b"height\n64\n0\n")
    args = ["score", "memory://t/in/bad.csv", "memory://t/out/bad_scored.csv", "--model", str(trained_model)]
    code = main([*args, "--junit", "memory://t/out/bad.junit.xml"])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert not memory.exists("/t/out/bad_scored.csv")
    report = json.loads(memory.cat_file("/t/out/bad_scored.csv.report.json"))
    assert report["input"] == "memory://t/in/bad.csv" and report["failures"]["total"] == 1
    assert b"greater than 45" in memory.cat_file("/t/out/bad.junit.xml")


def test_a_missing_url_input_is_one_line(memory, trained_model, capsys):
    code = main(["score", "memory://t/none.csv", "memory://t/out.csv", "--model", str(trained_model)])
    err = capsys.readouterr().err
    assert code == 2 and err == "modelgate: error: memory://t/none.csv: input file not found\n"


def test_a_rejected_url_file_of_flats_names_the_line_column_and_rule(memory, flats_model, capsys):
    memory.pipe_file("/t/in/flats.csv", b"area,district,age,garden\n50,North,,yes\n80,South,7,maybe\n")
    code = main(["score", "memory://t/in/flats.csv", "memory://t/out/flats.csv", "--model", str(flats_model)])
    err = capsys.readouterr().err
    assert code == 1 and "line 3 (row 2), column 'garden': is_yes_no, got 'maybe'" in err, err
    assert not memory.exists("/t/out/flats.csv")
    report = json.loads(memory.cat_file("/t/out/flats.csv.report.json"))
    assert [(e["line"], e["column"], e["check"]) for e in report["failures"]["examples"]] == [(3, "garden", "is_yes_no")]


# -- on Azurite -------------------------------------------------------------------------------------------------------


@pytest.mark.storage
def test_score_blob_to_blob(azure_storage, trained_model, capsys):
    fs, container = azure_storage.filesystem(), azure_storage.new_container()
    fs.pipe_file(f"{container}/input/r_input_7.csv", b"height\n61\n63.5\n")
    args = ["score", f"abfs://{container}/input/r_input_7.csv", f"abfs://{container}/output/r_output_7.csv"]
    code = main([*args, "--model", str(trained_model), "--junit", f"abfs://{container}/reports/r_input_7.xml"])
    assert code == 0, capsys.readouterr().err
    fs.invalidate_cache()
    assert fs.cat_file(f"{container}/output/r_output_7.csv").startswith(b"height,weight\n61,")
    assert [p for p in fs.find(container) if ".partial-" in p] == []  # the upload's temporary name is gone
    assert b'failures="0"' in fs.cat_file(f"{container}/reports/r_input_7.xml")


@pytest.mark.storage
def test_rejected_blob_leaves_no_output_blob(azure_storage, trained_model, capsys):
    fs, container = azure_storage.filesystem(), azure_storage.new_container()
    fs.pipe_file(f"{container}/input/bad.csv", b"height\n61\nshort\n")
    args = ["score", f"abfs://{container}/input/bad.csv", f"abfs://{container}/output/bad_scored.csv"]
    code = main([*args, "--model", str(trained_model)])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    fs.invalidate_cache()
    assert not fs.exists(f"{container}/output/bad_scored.csv")
    report = json.loads(fs.cat_file(f"{container}/output/bad_scored.csv.report.json"))
    assert report["input"] == f"abfs://{container}/input/bad.csv"
    assert report["failures"]["examples"][0]["line"] == 3


@pytest.mark.storage
def test_missing_credentials_are_one_line(trained_model, monkeypatch, capsys):
    monkeypatch.delenv("AZURE_STORAGE_CONNECTION_STRING", raising=False)
    monkeypatch.delenv("AZURE_STORAGE_ACCOUNT_NAME", raising=False)
    code = main(["score", "abfs://c/in.csv", "abfs://c/out.csv", "--model", str(trained_model)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "AZURE_STORAGE_CONNECTION_STRING" in err
