#!/usr/bin/env python3
"""Bootstrap for a fresh machine with only Python >= 3.11: the README's two commands.

    python3 dev.py serve   # set up .venv, train the bundled model if needed, serve it on :8000
    python3 dev.py test    # set up .venv, tox and the test services; run the chain (tox -m chain); print the verdict

Extra arguments go to ``modelgate serve`` or to tox.
"""

from __future__ import annotations

import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
CONSTRAINTS = ROOT / "constraints.txt"


def run(*args: str | Path) -> None:
    subprocess.run([str(a) for a in args], check=True, cwd=ROOT)


def ensure_venv(*requirements: str) -> None:
    # One stamp per requirement set, so alternating serve and test does not reinstall.
    stamp = VENV / f".installed-{'-'.join(r.strip('-.') or 'e' for r in requirements)}"
    wanted = f"{CONSTRAINTS.read_text()}{(ROOT / 'pyproject.toml').read_text()}"
    if stamp.exists() and stamp.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        print(f"creating {VENV}", flush=True)
        venv.create(VENV, with_pip=True)
    run(BIN / "python", "-m", "pip", "install", "--quiet", "-c", CONSTRAINTS, *requirements)
    stamp.write_text(wanted)


def serve(args: list[str]) -> None:
    ensure_venv("-e", ".[batch]")  # serve trains the model first if there is none
    modelgate = BIN / "modelgate"
    if not (ROOT / "model" / "bundled" / "manifest.json").exists():
        run(modelgate, "train")
    port = args[args.index("--port") + 1] if "--port" in args else "8000"
    print(f"serving on http://127.0.0.1:{port}  try:  curl 'http://127.0.0.1:{port}/weight?height=138'", flush=True)
    os.execv(modelgate, [str(modelgate), "serve", *args])


def services() -> None:
    """Install and start what the chain needs, with the scripts CI uses (.ci/setup/*.sh: a Docker engine and
    base image, Java, Azurite, Chromium; each installs only what is missing), and take the environment they
    export. MODELGATE_NO_SETUP=1 skips this: the tests needing a missing service then skip and say why, and
    the gate names their suites."""
    if os.environ.get("MODELGATE_NO_SETUP") == "1":
        return
    script = 'set -euo pipefail; for step in .ci/setup/*.sh; do echo "== setup: $step"; source "$step"; done >&2; env -0'
    done = subprocess.run(["bash", "-c", script], cwd=ROOT, stdout=subprocess.PIPE, check=False)
    if done.returncode:
        sys.exit(
            f"dev.py: setting up the test services failed (exit {done.returncode}, see above); they need root and "
            "the Debian/npm registries. MODELGATE_NO_SETUP=1 runs the chain without them."
        )
    os.environ.update(item.split("=", 1) for item in done.stdout.decode().split("\0") if "=" in item)


def test(args: list[str]) -> None:
    ensure_venv("tox")
    services()
    if args:
        os.execv(BIN / "tox", [str(BIN / "tox"), *args])
    code = subprocess.run([str(BIN / "tox"), "run", "-m", "chain"], cwd=ROOT, check=False).returncode
    print(*verdict(), sep="\n")
    sys.exit(code)


def verdict() -> list[str]:
    """The chain's last words: the gate's verdict (from its JUnit file) and where the report is."""
    import xml.etree.ElementTree as ET

    gate, report = ROOT / "reports" / "gate.xml", ROOT / "reports" / "report.html"
    try:
        root = ET.parse(gate).getroot()
        failures = [f.get("message", "") for f in root.iter("failure")]
        said = next((out.text.strip() for out in root.iter("system-out") if out.text and out.text.strip()), "")
        lines = [said or (f"gate: FAILED: {'; '.join(failures)}" if failures else "gate: PASSED")]
    except (OSError, ET.ParseError):
        lines = [f"gate: no verdict ({gate.relative_to(ROOT)} missing or unreadable)"]
    if report.exists():
        shot = report.with_suffix(".png")
        lines.append(f"report: {report}" + (f" (screenshot {shot})" if shot.exists() else ""))
    else:
        lines.append(f"report: not written ({report.relative_to(ROOT)})")
    return lines


def main() -> None:
    commands = {"serve": serve, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    try:
        commands[sys.argv[1]](sys.argv[2:])
    except subprocess.CalledProcessError as exc:
        sys.exit(f"dev.py: {' '.join(map(str, exc.cmd))} failed with exit code {exc.returncode}")


if __name__ == "__main__":
    main()
