"""Third-party JUnit, read as its producers mean it: every file of ``tests/junit_corpus`` goes through
``modelgate gate`` alone in its folder, as the CLI reads it, and must give the counts, verdict and reason
``expected.toml`` states for it (with the producer that writes that form)."""

from __future__ import annotations

import shutil
import tomllib
from pathlib import Path

import pytest

from modelgate.cli import main

CORPUS = Path(__file__).parent / "junit_corpus"
EXPECTED = tomllib.loads((CORPUS / "expected.toml").read_text(encoding="utf-8"))
COLUMNS = ("tests", "passed", "failures", "errors", "skipped", "flaky")


def test_every_corpus_file_has_its_expectation_and_the_corpus_is_broad():
    files = {p.relative_to(CORPUS).as_posix() for p in CORPUS.rglob("*.xml")}
    assert files == set(EXPECTED)
    assert len(files) >= 40 and len({name.split("/")[0] for name in files}) >= 8
    assert all(entry["producer"] for entry in EXPECTED.values())


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_the_gate_reads_the_file_as_its_producer_means_it(name, tmp_path, capsys):
    expected = EXPECTED[name]
    source = CORPUS / name
    shutil.copyfile(source, tmp_path / source.name)
    code = main(["gate", str(tmp_path)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    verdict = (out if code == 0 else err).strip().splitlines()[-1]
    assert code == (0 if expected["verdict"] == "pass" else 1), verdict
    assert verdict.startswith("gate: PASSED: " if code == 0 else "gate: FAILED: ")
    assert expected.get("reason", "") in verdict
    row = next(line for line in out.splitlines() if line.split()[:1] == [source.stem])
    cells = row.split()
    if expected["verdict"] == "unreadable":
        assert "unreadable" in cells and "unreadable result files:" in out
        return
    assert dict(zip(COLUMNS, map(int, cells[1:7]))) == expected["counts"], row
    assert ("WARNING:" in row) == expected.get("warning", False), row
    if "time" in expected:
        assert cells[7] == expected["time"], row
    if "message" in expected:
        listed = next(line for line in out.splitlines() if line.startswith(f"  [{source.stem}] "))
        assert listed.endswith(f": {expected['message']}"), listed
