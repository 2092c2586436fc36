"""Storage URLs without Azure: fsspec's in-memory filesystem stands in for a blob store."""

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
    code = main(
        [
            "score",
            "memory://t/in/bad.csv",
            "memory://t/out/bad_scored.csv",
            "--model",
            str(trained_model),
            "--junit",
            "memory://t/out/bad.junit.xml",
        ]
    )
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
