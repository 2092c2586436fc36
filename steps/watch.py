"""Steps for the event-driven scoring feature: ``modelgate watch --once`` on a local folder or on Azurite."""

from __future__ import annotations

import codecs
import json
import posixpath
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from pytest_bdd import given, parsers, then, when

from modelgate.cli import main


@dataclass
class Place:
    """One folder (local path or abfs:// URL) with just enough file operations for the steps."""

    location: str
    fs: Any  # an fsspec file system

    def path(self, name: str) -> str:
        return posixpath.join(self.location.split("://", 1)[-1], name)

    def put(self, name: str, data: bytes) -> None:
        self.fs.pipe_file(self.path(name), data)

    def read(self, name: str) -> bytes:
        return self.fs.cat_file(self.path(name))

    def names(self) -> set[str]:
        self.fs.invalidate_cache()
        root = self.location.split("://", 1)[-1]
        if not self.fs.exists(root):
            return set()
        return {posixpath.basename(p) for p in self.fs.ls(root, detail=False) if not posixpath.basename(p).startswith(".")}


@given(parsers.parse("an empty inbox, outbox and quarantine in {storage}"), target_fixture="places")
def places(storage, tmp_path, request):
    if storage == "local folder":
        import fsspec

        fs = fsspec.filesystem("file")
        roots = {name: (tmp_path / name) for name in ("inbox", "outbox", "quarantine")}
        for root in roots.values():
            root.mkdir()
        return {name: Place(str(root), fs) for name, root in roots.items()}
    assert storage == "cloud storage", storage  # Azurite, the Azure Storage emulator
    azure = request.getfixturevalue("azure_storage")
    container, fs = azure.new_container(), azure.filesystem()
    return {name: Place(f"abfs://{container}/{name}", fs) for name in ("inbox", "outbox", "quarantine")}


def _lines(text: str) -> bytes:
    return codecs.decode(text, "unicode_escape").encode()


@when(parsers.parse('"{name}" with the lines "{lines}" is dropped into the inbox'))
@when(parsers.parse('while the watcher is stopped "{name}" with the lines "{lines}" is dropped into the inbox'))
def drop_lines(places, name, lines):
    places["inbox"].put(name, _lines(lines))


def agreed_file(stated) -> bytes:
    """A CSV of the agreed rows: the inputs, one row each, as the features list them."""
    lines = [",".join(stated.names)] + [",".join(i.to_text(v) for i, v in zip(stated.inputs, c.values)) for c in stated.golden]
    return ("\n".join(lines) + "\n").encode()


@when(parsers.re(r'"(?P<name>[^"]+)" with the agreed (?P<what>\w+) is dropped into the inbox'))
def drop_agreed(places, name, stated):
    places["inbox"].put(name, agreed_file(stated))


@when(parsers.parse('an empty "{name}" is dropped into the inbox'))
def drop_empty(places, name):
    places["inbox"].put(name, b"")


@when(parsers.parse('the same content is dropped into the inbox again as "{copy}"'))
def drop_again(places, copy):
    inbox = places["inbox"]
    (first,) = inbox.names()
    inbox.put(copy, inbox.read(first))


@when("the watcher looks once", target_fixture="look")
@when("the watcher is started again and looks once", target_fixture="look")
def look_once(places, model_under_test, capsys):
    # Every look is a fresh ``modelgate watch --once``: all it knows of earlier runs is its ledger.
    code = main(
        [
            "watch",
            places["inbox"].location,
            "--outbox",
            places["outbox"].location,
            "--quarantine",
            places["quarantine"].location,
            "--model",
            str(model_under_test),
            "--once",
            "--settle",
            "0",
        ]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "Traceback" not in err
    return out.splitlines()


@then(parsers.re(r'the outbox holds "(?P<name>[^"]+)" with the agreed (?P<output>\w+) for each (?P<what>\w+)'))
def outbox_agreed(places, name, stated, tmp_path):
    from modelgate.steps.least_squares import read_rows

    scored = tmp_path / "scored.csv"
    scored.write_bytes(places["outbox"].read(name))
    rows, answers = read_rows(scored, stated)
    assert [tuple(r[n] for n in stated.names) for r in rows] == [c.values for c in stated.golden]
    for case, answer in zip(stated.golden, answers):
        assert case.met_by(answer), (case, answer)


@then(parsers.parse('"{name}" is still in the inbox, unchanged'))
def inbox_unchanged(places, name, stated):
    assert places["inbox"].read(name) == agreed_file(stated)


@then(parsers.parse('the outbox holds no "{name}"'))
def outbox_lacks(places, name):
    assert name not in places["outbox"].names()


@then(parsers.parse('the quarantine holds "{name}" with a report naming line {line:d} and "{problem}"'))
def quarantined(places, name, line, problem):
    quarantine = places["quarantine"]
    assert quarantine.read(name) == places["inbox"].read(name)
    report = json.loads(quarantine.read(f"{name}.report.json"))
    assert report["status"] == "rejected" and report["input"].endswith(name)
    assert any(e["line"] == line and problem in e["check"] for e in report["failures"]["examples"]), report


@then(parsers.parse('the quarantine holds a JUnit file for "{name}" whose "{check}" check failed'))
def quarantined_junit(places, name, check):
    root = ET.fromstring(places["quarantine"].read(f"{name}.junit.xml"))
    failed = [case.get("name") for case in root.iter("testcase") if case.find("failure") is not None]
    assert len(failed) == 1 and check in failed[0], failed


@then(parsers.parse("the outbox holds {count:d} scored file"))
@then(parsers.parse("the outbox holds {count:d} scored files"))
def outbox_count(places, count):
    assert len(places["outbox"].names()) == count, places["outbox"].names()


@then("the quarantine is empty")
def quarantine_empty(places):
    assert places["quarantine"].names() == set()


@then(parsers.parse('the watcher\'s last look skipped "{name}" as already scored'))
def skipped(look, name):
    assert any(line.startswith(f"{name}: same content already handled") for line in look), look


@then(parsers.parse('the outbox holds "{first}" and "{second}"'))
def outbox_both(places, first, second):
    assert {first, second} <= places["outbox"].names()


@then(parsers.parse('the watcher\'s last look scored only "{name}"'))
def scored_only(look, name):
    scored = [line.split(":", 1)[0] for line in look if ": scored" in line]
    assert scored == [name], look
