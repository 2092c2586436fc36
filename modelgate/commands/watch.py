"""``modelgate watch``: score every CSV dropped into a folder (local or abfs://), once, like the Data Factory trigger."""

from __future__ import annotations

import sys

from modelgate.commands import model_arg
from modelgate.settings import Settings


def register(sub, settings: Settings) -> None:
    watch = sub.add_parser(
        "watch",
        help="score each new CSV in INBOX into OUTBOX (input -> output in the name), bad ones to QUARANTINE",
        description="Poll INBOX (a folder or abfs://container/folder) for *.csv files. A file is taken once its size and "
        "time stamp are unchanged between two polls; empty files are ignored. A file that passes the contract is scored into "
        "OUTBOX under its name with 'input' replaced by 'output'; one that does not is copied to QUARANTINE with "
        "NAME.report.json and NAME.junit.xml. The input is never changed. "
        "A ledger keyed by content hash (OUTBOX/.modelgate-ledger/) makes "
        "the same content scored once, also across restarts. Storage credentials come from the environment "
        "(AZURE_STORAGE_CONNECTION_STRING, or AZURE_STORAGE_ACCOUNT_NAME with a key, SAS token or the default Azure credential).",
    )
    watch.add_argument("inbox", metavar="INBOX", help="folder or URL to watch")
    watch.add_argument("--outbox", required=True, metavar="DIR", help="folder or URL for the scored files and the ledger")
    watch.add_argument("--quarantine", required=True, metavar="DIR", help="folder or URL for rejected files and their reports")
    model_arg(watch, settings)
    watch.add_argument("--once", action="store_true", help="handle what is there (two looks --settle seconds apart) and exit")
    watch.add_argument("--poll", type=_seconds, default=2.0, metavar="SECONDS", help="seconds between looks (default 2)")
    watch.add_argument(
        "--settle", type=_seconds, default=0.5, metavar="SECONDS", help="with --once: seconds between the two looks"
    )
    watch.set_defaults(run=run)


def _seconds(text: str) -> float:
    import argparse

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}") from None
    if not 0 <= value <= 3600:
        raise argparse.ArgumentTypeError(f"seconds must be between 0 and 3600, got {text}")
    return value


def run(args) -> int:
    from modelgate.commands import batch_policy
    from modelgate.model import artifact
    from modelgate.model.batch.watch import Watcher

    loaded = artifact.load(args.model)
    for warning in loaded.warnings:
        print(f"modelgate: warning: {warning}", file=sys.stderr)
    watcher = Watcher(
        args.inbox,
        args.outbox,
        args.quarantine,
        loaded.scorer(),
        log=lambda line: print(line, flush=True),
        policy=batch_policy(loaded),
    )
    if not args.once:
        print(f"watching {args.inbox} every {args.poll:g} s (Ctrl-C to stop)", flush=True)
    outcomes = watcher.run(once=args.once, poll=args.poll, settle=args.settle)
    print(f"{len(outcomes)} file(s) handled", flush=True)
    return 0
