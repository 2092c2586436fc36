"""Fault injection for the watcher: SIGKILL ``modelgate watch`` at seeded random points while it works.

Files are dropped into INBOX between runs (large ones, so a kill can land while an output is being
written; a same-content upload under another name; a file that breaks the contract). Each run is
killed once a temporary of an output in OUTBOX holds a seeded random number of bytes, then a
final ``--once`` run finishes. Promises checked: every distinct content is scored exactly once,
into OUTBOX under the ``output_name`` rule, complete and equal to the model's own predictions; the
same content under another name is not scored again; the bad file is in QUARANTINE with its
reports; no temporaries are left; the ledger holds one entry per distinct content, each pointing
at an existing file.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from modelgate.model import artifact
from modelgate.model.artifact import Artifact
from modelgate.model.batch.watch import LEDGER_FOLDER, output_name
from modelgate.steps.support import temporaries

from modelgate.files import TEMP_MARK, sha256_file

SEED = 1815
KILLS = 4


def _watch(inbox: Path, outbox: Path, quarantine: Path, model: Path, *extra: str) -> subprocess.Popen:
    args = [sys.executable, "-m", "modelgate.cli", "watch", str(inbox), "--outbox", str(outbox)]
    args += ["--quarantine", str(quarantine), "--model", str(model), *extra]
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _heights(path: Path, rows: int, rng: random.Random) -> None:
    with open(path, "w") as handle:
        handle.write("height\n")
        # Heights drawn like the training people: a spread of 50-140 inches is refused as drifted input.
        handle.writelines(f"{min(max(rng.gauss(66, 4), 55), 80):.3f}\n" for _ in range(rows))


def _kill_while_writing(proc: subprocess.Popen, outbox: Path, threshold: int, timeout: float = 20) -> bool:
    """SIGKILL ``proc`` once one of its output temporaries holds ``threshold`` bytes (or at the
    timeout); return whether the kill landed mid-write (the temporary is still there)."""
    mine = f"{TEMP_MARK}{proc.pid}-"
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        temps = [p for p in outbox.glob(f".*{mine}*")]
        try:
            if temps and temps[0].stat().st_size >= threshold:
                break
        except FileNotFoundError:  # renamed into place between the listing and the stat
            pass
        time.sleep(0.002)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    return any(mine in p.name for p in outbox.glob(".*"))


def test_sigkilled_watcher_scores_every_content_once_completely(tmp_path, trained_model):
    inbox, outbox, quarantine = tmp_path / "inbox", tmp_path / "outbox", tmp_path / "quarantine"
    inbox.mkdir()
    rng = random.Random(SEED)
    # What is dropped before each run: several large files per round (distinct seeded content).
    rounds: list[dict[str, int]] = [
        {"a_input_1.csv": 300_000, "a_input_2.csv": 250_000, "small_input.csv": 50},
        {"b_input_1.csv": 280_000, "b_input_2.csv": 200_000},
        {"c_input_1.csv": 320_000},
        {"d_input_1.csv": 260_000},
    ]
    good: list[str] = []
    procs: list[subprocess.Popen] = []
    kills = []
    try:
        for round_no in range(KILLS):
            for name, rows in rounds[round_no].items():
                _heights(inbox / name, rows, rng)
                good.append(name)
            if round_no == 1:
                # The same content as a file already scored (or being scored), under another name,
                (inbox / "z_again_input.csv").write_bytes((inbox / "a_input_1.csv").read_bytes())
                # and a file that breaks the contract (a negative height deep in the file).
                lines = ["height"] + [f"{60 + i % 20}.5" for i in range(5_000)]
                lines[2_500] = "-3"
                (inbox / "bad_input.csv").write_text("\n".join(lines) + "\n")
            proc = _watch(inbox, outbox, quarantine, trained_model, "--poll", "0.05")
            procs.append(proc)
            threshold = rng.randrange(0, 3_000_000)
            mid_write = _kill_while_writing(proc, outbox, threshold)
            kills.append((round_no, threshold, mid_write))
        # The kills must really have hit runs while they were writing an output (their temporary is left).
        assert sum(mid for *_, mid in kills) >= KILLS - 1, kills
        final = _watch(inbox, outbox, quarantine, trained_model, "--once", "--settle", "0.1")
        procs.append(final)
        _, err = final.communicate(timeout=60)
        assert final.returncode == 0, err.decode()
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.communicate(timeout=30)

    _check_outbox(outbox, inbox, good, artifact.load(trained_model))
    _check_quarantine_and_ledger(outbox, quarantine, inbox, good)


def _check_outbox(outbox: Path, inbox: Path, good: list[str], loaded: Artifact) -> None:
    """Every distinct good content once, under the output_name rule; the duplicate upload not scored."""
    outputs = sorted(p.name for p in outbox.iterdir() if p.is_file())
    assert outputs == sorted(output_name(n) for n in good), outputs
    assert not (outbox / output_name("z_again_input.csv")).exists()
    for name in good:
        source = pd.read_csv(inbox / name)
        with open(outbox / output_name(name)) as handle:
            assert handle.readline() == "height,weight\n"
        scored = pd.read_csv(outbox / output_name(name))
        assert list(scored.columns) == ["height", "weight"]
        assert len(scored) == len(source), name
        assert np.array_equal(scored["height"].to_numpy(), source["height"].to_numpy()), name
        expected = np.round(loaded.estimator.predict(source[["height"]]), loaded.contract.output.decimals)  # scikit-learn's own
        assert np.array_equal(scored["weight"].to_numpy(), expected), name
    assert temporaries(outbox) == []


def _check_quarantine_and_ledger(outbox: Path, quarantine: Path, inbox: Path, good: list[str]) -> None:
    """The bad file once, with its reports; one ledger entry per distinct content, each pointing at a file."""
    assert sorted(p.name for p in quarantine.iterdir()) == [
        "bad_input.csv",
        "bad_input.csv.junit.xml",
        "bad_input.csv.report.json",
    ]
    assert (quarantine / "bad_input.csv").read_bytes() == (inbox / "bad_input.csv").read_bytes()
    report = json.loads((quarantine / "bad_input.csv.report.json").read_text())
    assert report["status"] == "rejected" and report["input"] == str(inbox / "bad_input.csv"), report
    assert "<testsuite" in (quarantine / "bad_input.csv.junit.xml").read_text()
    digests = {name: sha256_file(inbox / name) for name in [*good, "bad_input.csv"]}
    assert len(set(digests.values())) == len(digests)
    assert sha256_file(inbox / "z_again_input.csv") == digests["a_input_1.csv"]
    entries = {p.stem: json.loads(p.read_text()) for p in (outbox / LEDGER_FOLDER).glob("*.json")}
    assert sorted(entries) == sorted(digests.values())
    for name, digest in digests.items():
        entry = entries[digest]
        assert Path(entry["target"]).is_file()
        if name == "bad_input.csv":
            assert entry["status"] == "quarantined" and Path(entry["target"]) == quarantine / name
        else:
            assert entry["status"] == "scored" and Path(entry["target"]) == outbox / output_name(name)
            assert entry["rows"] == len(pd.read_csv(inbox / name))
