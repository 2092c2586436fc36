"""``modelgate score`` on abfs:// URLs against Azurite (marked storage: needs Node.js + azurite)."""

from __future__ import annotations

import json

import pytest

from modelgate.cli import main

pytestmark = pytest.mark.storage


def test_score_blob_to_blob(azure_storage, trained_model, capsys):
    fs, container = azure_storage.filesystem(), azure_storage.new_container()
    fs.pipe_file(f"{container}/input/r_input_7.csv", b"height\n61\n63.5\n")
    code = main(
        [
            "score",
            f"abfs://{container}/input/r_input_7.csv",
            f"abfs://{container}/output/r_output_7.csv",
            "--model",
            str(trained_model),
            "--junit",
            f"abfs://{container}/reports/r_input_7.xml",
        ]
    )
    assert code == 0, capsys.readouterr().err
    fs.invalidate_cache()
    assert fs.cat_file(f"{container}/output/r_output_7.csv").startswith(b"height,weight\n61,")
    assert [p for p in fs.find(container) if ".partial-" in p] == []  # the upload's temporary name is gone
    assert b'failures="0"' in fs.cat_file(f"{container}/reports/r_input_7.xml")


def test_rejected_blob_leaves_no_output_blob(azure_storage, trained_model, capsys):
    fs, container = azure_storage.filesystem(), azure_storage.new_container()
    fs.pipe_file(f"{container}/input/bad.csv", b"height\n61\nshort\n")
    code = main(
        ["score", f"abfs://{container}/input/bad.csv", f"abfs://{container}/output/bad_scored.csv", "--model", str(trained_model)]
    )
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    fs.invalidate_cache()
    assert not fs.exists(f"{container}/output/bad_scored.csv")
    report = json.loads(fs.cat_file(f"{container}/output/bad_scored.csv.report.json"))
    assert report["input"] == f"abfs://{container}/input/bad.csv"
    assert report["failures"]["examples"][0]["line"] == 3


def test_missing_credentials_are_one_line(trained_model, monkeypatch, capsys):
    monkeypatch.delenv("AZURE_STORAGE_CONNECTION_STRING", raising=False)
    monkeypatch.delenv("AZURE_STORAGE_ACCOUNT_NAME", raising=False)
    code = main(["score", "abfs://c/in.csv", "abfs://c/out.csv", "--model", str(trained_model)])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "AZURE_STORAGE_CONNECTION_STRING" in err


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


def test_a_model_published_to_blob_storage_is_the_production_model_compare_reads(azure_storage, trained_model, tmp_path, capsys):
    import xml.etree.ElementTree as ET

    fs, container = azure_storage.filesystem(), azure_storage.new_container()
    target = f"abfs://{container}/production/weight"
    assert main(["publish", str(trained_model), target]) == 0
    fs.invalidate_cache()
    for name in ("manifest.json", "model.skops", "serving.json"):
        assert fs.cat_file(f"{container}/production/weight/{name}") == (trained_model / name).read_bytes(), name
    assert main(["publish", str(trained_model), target]) == 0
    assert "already: nothing to do" in capsys.readouterr().out
    junit = tmp_path / "compare.xml"
    assert main(["compare", "--champion", target, "--challenger", str(trained_model), "--junit", str(junit)]) == 0
    found = {p.get("name"): p.get("value") for p in ET.parse(junit).iter("property")}
    assert found["production_model"] == json.loads((trained_model / "manifest.json").read_text())["model_version"]
