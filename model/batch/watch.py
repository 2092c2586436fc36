"""Event-driven scoring: each new CSV dropped in INBOX is scored into OUTBOX or quarantined, once.

This is the local (and Azurite-testable) twin of the Data Factory storage-event trigger: the same
output-naming rule (:func:`output_name`), empty files ignored like ``ignoreEmptyBlobs``. Folders
are local paths or fsspec URLs (``abfs://container/folder``).

- A file is taken only when two listings in a row show the same size and modification stamp, so
  a file still being uploaded or copied is left for the next poll.
- The ledger is keyed by the SHA-256 of the file's content: one small JSON object per scored or
  quarantined content in ``OUTBOX/.modelgate-ledger/<sha256>.json`` (an object per entry rather
  than one appended file, because blob storage has no cheap atomic append). The same content is
  scored once, whatever its name; a restarted watcher skips what its ledger holds and redoes what
  was in flight. The ledger entry is written last, so a crash can cause a rerun, never a loss.
- The input is never moved or changed; the output and the quarantined copy are published
  atomically by :mod:`.storage`.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from modelgate.contracts.errors import ModelgateError
from modelgate.model.batch import storage
from modelgate.model.batch.engines import score, write_reports
from modelgate.model.batch.inputs_check import Policy
from modelgate.model.scorer import Scorer

from modelgate.files import sha256_file

LEDGER_FOLDER = ".modelgate-ledger"


def output_name(name: str) -> str:
    """The output file's name for an input file's name: 'input' becomes 'output' (r_input_1.csv ->
    r_output_1.csv). Same rule as the Databricks job script behind the Data Factory pipeline."""
    return name.replace("input", "output")


@dataclass(frozen=True)
class Outcome:
    name: str
    status: str  # scored | quarantined | duplicate
    target: str | None
    digest: str
    rows: int = 0

    def describe(self) -> str:
        if self.status == "duplicate":
            return f"{self.name}: same content already handled ({self.target}); skipped"
        return f"{self.name}: {self.status} ({self.rows} rows) -> {self.target}"


class Folder:
    """A local folder or a storage URL prefix, seen through fsspec."""

    def __init__(self, location: str):
        self.location = str(location).rstrip("/") or "/"
        self.fs, self.path = storage.filesystem(self.location) if storage.is_url(location) else _local(location)

    def url(self, name: str) -> str:
        return storage.join(self.location, name)

    def listing(self) -> dict[str, tuple]:
        """{file name: (size, change stamp)} of the visible CSV files."""
        self.fs.invalidate_cache(self.path)  # listings are cached by fsspec; a watcher must look again
        if not self.fs.isdir(self.path):
            if storage.is_url(self.location):
                return {}  # blob storage has no empty folders: no blob under the prefix yet
            raise ModelgateError(f"{self.location}: folder not found")
        found = {}
        for entry in self.fs.ls(self.path, detail=True):
            name = posixpath.basename(entry["name"].rstrip("/"))
            if entry.get("type") == "file" and name.lower().endswith(".csv") and not name.startswith("."):
                stamp = entry.get("mtime") or entry.get("last_modified") or entry.get("etag")
                found[name] = (int(entry.get("size") or 0), str(stamp))
        return found

    def exists(self, name: str) -> bool:
        target = posixpath.join(self.path, name)
        self.fs.invalidate_cache(posixpath.dirname(target))
        return self.fs.exists(target)

    def digest(self, name: str) -> str:
        sha = hashlib.sha256()
        with self.fs.open(posixpath.join(self.path, name), "rb") as handle:
            while chunk := handle.read(1 << 20):
                sha.update(chunk)
        return sha.hexdigest()

    def fetch(self, name: str, local: Path) -> None:
        self.fs.get_file(posixpath.join(self.path, name), str(local))

    def read_text(self, name: str) -> str:
        return self.fs.cat_file(posixpath.join(self.path, name)).decode()


def _local(location) -> tuple:
    import fsspec

    path = Path(location).resolve()
    return fsspec.filesystem("file"), path.as_posix()


class Watcher:
    """Poll INBOX; score each stable, new CSV into OUTBOX or move its copy and reports to QUARANTINE."""

    def __init__(self, inbox, outbox, quarantine, scorer: Scorer, *, log=print, policy: Policy | None = None):
        if len({str(inbox).rstrip("/"), str(outbox).rstrip("/"), str(quarantine).rstrip("/")}) != 3:
            raise ModelgateError("INBOX, --outbox and --quarantine must be three different folders")
        self.inbox, self.outbox, self.quarantine = Folder(inbox), Folder(outbox), Folder(quarantine)
        for folder in (self.outbox, self.quarantine):
            if not storage.is_url(folder.location):
                Path(folder.location).mkdir(parents=True, exist_ok=True)
        self.ledger = Folder(self.outbox.url(LEDGER_FOLDER))
        self.scorer, self.log = scorer, log
        self.policy = policy  # the drift and extrapolation check: see engines.score
        self._last: dict[str, tuple] = {}  # the previous listing: unchanged since then = upload finished
        self._done: set[tuple] = set()  # (name, size, stamp) handled by this process: not fetched again

    def poll(self) -> list[Outcome]:
        """Look once; handle every file that did not change since the previous look."""
        try:
            current = self.inbox.listing()
        except OSError as exc:  # storage unreachable for a moment: keep watching
            self.log(f"modelgate watch: {self.inbox.location}: {exc}; will retry")
            return []
        ready = [
            n for n, sig in sorted(current.items()) if self._last.get(n) == sig and sig[0] > 0 and (n, *sig) not in self._done
        ]
        self._last = current
        outcomes = []
        for name in ready:
            try:
                outcome = self._handle(name, current[name])
            except (ModelgateError, OSError) as exc:  # one bad file or a network hiccup: retry next poll
                self.log(f"modelgate watch: {name}: {exc}; will retry")
                continue
            if outcome is not None:
                self._done.add((name, *current[name]))
                outcomes.append(outcome)
                self.log(outcome.describe())
        return outcomes

    def run(self, *, once: bool = False, poll: float = 2.0, settle: float = 0.5) -> list[Outcome]:
        """``once``: two looks ``settle`` seconds apart, handle what was stable, return. Else poll forever."""
        if once:
            self.poll()
            time.sleep(settle)
            return self.poll()
        while True:
            self.poll()
            time.sleep(poll)

    def _handle(self, name: str, signature: tuple) -> Outcome | None:
        with tempfile.TemporaryDirectory(prefix="modelgate-watch-") as folder:
            local = Path(folder) / name
            self.inbox.fetch(name, local)
            if local.stat().st_size != signature[0]:
                return None  # changed while we read it: the next polls will see it settle
            digest = sha256_file(local)
            if self.ledger.exists(f"{digest}.json"):
                entry = json.loads(self.ledger.read_text(f"{digest}.json"))
                return Outcome(name, "duplicate", entry.get("target"), digest)
            target = self.outbox.url(output_name(name))
            result = score(local, target, self.scorer, policy=self.policy)
            if result.ok:
                outcome = Outcome(name, "scored", target, digest, result.rows)
            else:
                outcome = self._quarantine(name, local, digest, result)
            self._record(outcome, Path(folder) / "ledger.json")
            return outcome

    def _quarantine(self, name: str, local: Path, digest: str, result) -> Outcome:
        # A rerun after a crash finds its own copy under NAME: keep that name rather than add a second copy.
        taken = self.quarantine.exists(name) and self.quarantine.digest(name) != digest
        kept = f"{Path(name).stem}.{digest[:12]}{Path(name).suffix}" if taken else name
        target = self.quarantine.url(kept)
        storage.write_file(local, target)
        result.input = storage.Location(self.inbox.url(name))
        write_reports(result, self.scorer.contract, f"{target}.report.json", f"{target}.junit.xml")
        return Outcome(name, "quarantined", target, digest, result.rows)

    def _record(self, outcome: Outcome, scratch: Path) -> None:
        entry = {
            "input": self.inbox.url(outcome.name),
            "status": outcome.status,
            "target": outcome.target,
            "rows": outcome.rows,
            "at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        }
        scratch.write_text(json.dumps(entry) + "\n")
        storage.write_file(scratch, self.ledger.url(f"{outcome.digest}.json"))
