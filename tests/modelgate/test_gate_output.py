"""What the gate prints, as a reader of the build log sees it: the table, the listings and the verdict line
for a folder that holds each kind of row at once, compared with the text in ``tests/gate_table/``, written
and checked by hand against the files beside it (their counts, warnings, messages and models)."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from modelgate.cli import main

TABLE = Path(__file__).parent / "gate_table"
FLAKY = Path(__file__).parent / "junit_corpus" / "surefire" / "TEST-com.example.FlakyClockTest.xml"


def gate(capsys, *args) -> tuple[int, str, str]:
    code = main(["gate", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_table_listings_verdict_and_checks_read_as_written(tmp_path, capsys):
    """Counts that disagree (one WARNING each, joined), an unreadable file, a suite naming two models, a
    required suite that is missing, a failure, a message-less error, Ant's error outside any case, two flaky
    passes, and times from the root, from the outermost suite and from the cases."""
    folder = tmp_path / "junit"
    folder.mkdir()
    for source in TABLE.glob("*.xml"):
        shutil.copyfile(source, folder / source.name)
    shutil.copyfile(FLAKY, folder / "flaky.xml")
    code, out, err = gate(capsys, folder, "--require", "unit", "spark", "--junit", tmp_path / "gate.xml")
    assert code == 1
    assert out == (TABLE / "expected-output.txt").read_text().replace("{folder}", str(folder))
    assert err == (TABLE / "expected-verdict.txt").read_text().replace("{folder}", str(folder))
    checks = [
        f"{case.get('name')} | {case.find('failure').get('message') if case.find('failure') is not None else 'passed'}"
        for case in ET.parse(tmp_path / "gate.xml").getroot().iter("testcase")
    ]
    assert checks == (TABLE / "expected-checks.txt").read_text().replace("{folder}", str(folder)).splitlines()


@pytest.mark.parametrize(
    ("files", "reason"),
    [
        ({"cut.xml": "<testsuite"}, "no test ran: no readable JUnit file"),
        ({"empty.xml": '<testsuite name="empty" tests="0"/>'}, "no test ran: the JUnit files hold no test cases"),
    ],
)
def test_nothing_that_ran_is_named_for_what_it_is(tmp_path, capsys, files, reason):
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    code, _, err = gate(capsys, tmp_path)
    assert code == 1 and reason in err


def _cases(count: int, body: str) -> str:
    return "".join(f'<testcase classname="c" name="t{i:02d}" time="0.1">{body}</testcase>' for i in range(count))


def test_long_listings_and_the_flaky_names_are_capped(tmp_path, capsys):
    failing = _cases(52, '<failure message="no"/>')
    (tmp_path / "many.xml").write_text(f'<testsuite name="many">{failing}</testsuite>')
    _, out, _ = gate(capsys, tmp_path)
    assert "failing test cases (52):" in out and "  [many] c::t49: failure: no" in out
    assert "c::t50" not in out and out.rstrip().endswith("  ... and 2 more")  # 52 listed as 50 and the rest counted

    (tmp_path / "many.xml").write_text(
        '<testsuite name="many"><properties><property name="model_version" value="0123456789ab"/></properties>'
        f"{_cases(7, '<flakyFailure/>')}</testsuite>"
    )
    code, out, _ = gate(capsys, tmp_path, "--model-version", "0123456789ab", "--model-suites", "many")
    named = ", ".join(f"[many] c::t{i:02d}" for i in range(5))
    verdict = (
        f"gate: PASSED: 1 suite(s), 7 test(s) ran, none failed or errored; 7 flaky (passed only on a rerun): "
        f"{named} and 2 more; evidence for model 0123456789ab"
    )
    assert code == 0 and out.rstrip().splitlines()[-1] == verdict


def test_the_verdict_junit_names_the_gate_and_its_folder_and_may_go_anywhere(tmp_path, capsys):
    for name in ("unit", "bdd"):
        shutil.copyfile(FLAKY, tmp_path / f"{name}.xml")
    out_file = tmp_path / "not" / "yet" / "there" / "gate.xml"  # folders the gate has to make
    assert gate(capsys, tmp_path, "--junit", out_file, "--fail-on-flaky")[0] == 1
    suite = ET.parse(out_file).getroot().find("testsuite")
    assert suite.get("timestamp") is None  # the same verdict gives the same bytes
    cases = suite.findall("testcase")
    assert cases and {(c.get("classname"), c.get("file")) for c in cases} == {("modelgate.gate", str(tmp_path))}
    flaky = suite.find("testcase[@name='no flaky test (--fail-on-flaky)']/failure").get("message")
    assert flaky.startswith("2 flaky test(s) passed only on a rerun") and flaky.endswith("(in bdd, unit)")
