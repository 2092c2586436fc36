"""Fault injection for batch scoring: SIGKILL mid-write, and a full disk under OUTPUT.

Each kill waits until the run's own temporary holds a seeded random share of the output, so it
lands while the run is writing, whatever the machine's speed. Promises checked: after a kill,
OUTPUT either does not exist or is the complete, valid result; the next run removes the killed
runs' temporaries and writes output byte-identical to an uninterrupted run. A full disk is one
clear line, the input intact, no output and no temporary.
"""

from __future__ import annotations

import errno
import os
import random
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from modelgate.contracts.reader import read_contract
from modelgate.model.batch.stream import score_file
from modelgate.steps.support import FEATURES, TRAINING_DATA, load_scorer, rows_like_training, temporaries

from modelgate.cli import main
from modelgate.files import TEMP_MARK

ROWS = 1_500_000  # about 10 MB in, 20 MB out: several blocks, long enough to be killed mid-write
KILLS = 5


def _score(source: Path, output: Path, model: Path) -> subprocess.Popen:
    args = [sys.executable, "-m", "modelgate.cli", "score", str(source), str(output), "--model", str(model), "--no-progress"]
    return subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


@pytest.fixture(scope="module")
def large_input(tmp_path_factory) -> Path:
    source = tmp_path_factory.mktemp("large") / "in.csv"
    rng = random.Random(6)
    with open(source, "w") as handle:
        handle.write("id,height\n")
        # Heights drawn like the training people: a spread of 50-140 inches is refused as drifted input.
        handle.writelines(f"{i},{min(max(rng.gauss(66, 4), 55), 80):.3f}\n" for i in range(ROWS))
    return source


@pytest.fixture(scope="module")
def reference(large_input, trained_model, tmp_path_factory) -> tuple[bytes, float]:
    """The uninterrupted run's output, and how long that run took."""
    output = tmp_path_factory.mktemp("reference") / "out.csv"
    started = time.monotonic()
    proc = _score(large_input, output, trained_model)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    return output.read_bytes(), time.monotonic() - started


def _kill_mid_write(source: Path, output: Path, model: Path, fraction: float, full_size: int) -> bool:
    """Start a run, wait until its own temporary holds ``fraction`` of the output, SIGKILL it.
    Returns whether the kill landed while it was writing (its temporary is still there)."""
    proc = _score(source, output, model)
    mine = f".{output.name}{TEMP_MARK}{proc.pid}-"
    deadline = time.monotonic() + 300
    while proc.poll() is None and time.monotonic() < deadline:
        temps = [p for p in output.parent.iterdir() if p.name.startswith(mine)]
        if temps and temps[0].exists() and temps[0].stat().st_size >= fraction * full_size:
            break
        time.sleep(0.002)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    return any(p.name.startswith(mine) for p in output.parent.iterdir())


def test_sigkill_at_random_points_leaves_no_or_complete_output_and_a_rerun_is_identical(
    large_input, trained_model, reference, tmp_path
):
    expected, _ = reference
    source_before = large_input.read_bytes()
    output = tmp_path / "out.csv"
    rng = random.Random(1066)
    outcomes = []
    for fraction in sorted(rng.uniform(0.0, 0.95) for _ in range(KILLS)):
        output.unlink(missing_ok=True)
        mid_write = _kill_mid_write(large_input, output, trained_model, fraction, len(expected))
        if output.exists():
            assert output.read_bytes() == expected, f"killed at {fraction:.2f} of the output: OUTPUT is not the full result"
        outcomes.append((round(fraction, 2), output.exists(), mid_write))
    # The kills must really have hit runs while they were writing (each run's own temporary is left).
    assert sum(mid_write and not exists for _, exists, mid_write in outcomes) >= KILLS - 1, outcomes
    # A kill the moment OUTPUT appears (the rename is done, the process is still running): complete.
    output.unlink(missing_ok=True)
    proc = _score(large_input, output, trained_model)
    while proc.poll() is None and not output.exists():
        time.sleep(0.001)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=60)
    assert output.read_bytes() == expected
    output.unlink(missing_ok=True)
    # The rerun removes every temporary the killed runs left and writes the same bytes.
    proc = _score(large_input, output, trained_model)
    _, err = proc.communicate(timeout=600)
    assert proc.returncode == 0, err
    assert output.read_bytes() == expected
    assert temporaries(tmp_path) == []
    assert large_input.read_bytes() == source_before


def _mount_tmpfs(folder: Path) -> bool:
    """A 64 KiB tmpfs at ``folder`` where we may mount (root in a permissive sandbox), else False."""
    if os.geteuid() != 0 or not shutil.which("mount"):
        return False
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)], capture_output=True, check=False)
    return done.returncode == 0


def _check_disk_full(source: Path, full: Path, model: Path, capsys) -> None:
    before = source.read_bytes()
    output = full / "out.csv"
    assert main(["score", str(source), str(output), "--model", str(model), "--no-progress"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "Traceback" not in err, err
    assert err.startswith(f"modelgate: error: {output}: cannot write output:") and "no output written" in err, err
    assert "No space left on device" in err, err
    assert not output.exists() and temporaries(full) == []
    assert source.read_bytes() == before


def _like_training(rows: int) -> str:
    """One height repeated is refused as drifted input: these files hold the training people's heights."""
    contract = read_contract(FEATURES)
    return "height\n" + "".join(f"{row[0]}\n" for row in rows_like_training(TRAINING_DATA, contract, rows))


def test_a_full_disk_under_output_is_one_clear_line(tmp_path, trained_model, capsys, record_testsuite_property):
    """On a real 64 KiB tmpfs when this process may mount one; otherwise ENOSPC is simulated at the writer."""
    source = tmp_path / "in.csv"
    source.write_text(_like_training(50_000))  # ~250 KB of input, ~600 KB of output
    full = tmp_path / f"full-{uuid.uuid4().hex[:6]}"
    full.mkdir()
    if _mount_tmpfs(full):
        record_testsuite_property("disk_full", "tmpfs 64k")
        try:
            _check_disk_full(source, full, trained_model, capsys)
        finally:
            subprocess.run(["umount", str(full)], check=False)
    else:
        record_testsuite_property("disk_full", "simulated ENOSPC (mount not permitted)")
        _simulate_enospc(source, full, trained_model, capsys)


def test_enospc_at_the_writer_is_one_clear_line(tmp_path, trained_model, capsys):
    source = tmp_path / "in.csv"
    source.write_text(_like_training(50_000))
    _simulate_enospc(source, tmp_path, trained_model, capsys, previous=b"yesterday's results\n")


def _simulate_enospc(source: Path, folder: Path, model_dir: Path, capsys, previous: bytes | None = None) -> None:
    """Every write to a file under ``folder`` fails with ENOSPC after the first 64 KiB."""
    output = folder / "out.csv"
    if previous is not None:
        output.write_bytes(previous)
    real_open = open

    class Full:
        def __init__(self, handle):
            self.handle, self.written = handle, 0

        def write(self, data):
            self.written += len(data)
            if self.written > 64 << 10:
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
            return self.handle.write(data)

        def __getattr__(self, name):
            return getattr(self.handle, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

    def fake_open(path, mode="r", *args, **kwargs):
        handle = real_open(path, mode, *args, **kwargs)
        return Full(handle) if "w" in mode and Path(path).parent == folder else handle

    from modelgate import files as writer  # the atomic writer opens OUTPUT's temporary

    before = source.read_bytes()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(writer, "open", fake_open, raising=False)
        assert main(["score", str(source), str(output), "--model", str(model_dir), "--no-progress"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "Traceback" not in err, err
    assert err.startswith(f"modelgate: error: {output}: cannot write output:") and "No space left on device" in err, err
    assert (output.read_bytes() == previous) if previous is not None else not output.exists()
    assert temporaries(folder) == []
    assert source.read_bytes() == before


def test_the_in_process_scorer_cleans_up_after_enospc_too(tmp_path, trained_model, monkeypatch):
    """The library call (used by the watcher and pipelines) raises the same one-line error."""
    from modelgate.contracts.errors import ModelgateError

    from modelgate import files as writer  # the atomic writer flushes OUTPUT's temporary

    source = tmp_path / "in.csv"
    source.write_text("height\n72\n")

    def no_space(*_):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(writer.os, "fsync", no_space)
    with pytest.raises(ModelgateError, match="cannot write output: No space left on device"):
        score_file(source, tmp_path / "out.csv", load_scorer(trained_model))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.csv"]
