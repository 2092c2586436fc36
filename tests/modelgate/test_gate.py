"""The release gate passes exactly when the evidence is complete and green, and fails every bad
input with a one-line reason (exit 1), never a traceback."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from modelgate.cli import main

PYTEST = """<?xml version="1.0" encoding="utf-8"?><testsuites name="pytest tests"><testsuite name="{suite}" errors="0"
 failures="{failures}" skipped="0" tests="{tests}" time="1.5">{cases}</testsuite></testsuites>"""
RUFF = """<?xml version="1.0" encoding="UTF-8"?><testsuites name="ruff" tests="1" skipped="0" failures="0" errors="0">
<testsuite name="ruff" tests="1" skipped="0" errors="0" failures="0" package="org.ruff">
<testcase name="No errors found" classname="ruff"/></testsuite></testsuites>"""


def case(name: str, body: str = "") -> str:
    return f'<testcase classname="tests.test_x" name="{name}" time="0.1">{body}</testcase>'


def suite(folder, name: str, *cases: str, failures: int = 0) -> None:
    xml = PYTEST.format(suite=name, failures=failures, tests=len(cases), cases="".join(cases))
    (folder / f"{name}.xml").write_text(xml)


@pytest.fixture
def green(tmp_path):
    """A folder as the chain leaves it when everything passed."""
    (tmp_path / "lint.xml").write_text(RUFF)
    suite(tmp_path, "unit", case("test_a"), case("test_b"))
    suite(tmp_path, "bdd", case("test_scenario"), case("test_skipped", '<skipped message="needs Docker"/>'))
    return tmp_path


def gate(capsys, *args) -> tuple[int, str, str]:
    code = main(["gate", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out, err


def test_green_results_pass_with_a_table_per_suite(green, capsys):
    code, out, err = gate(capsys, green, "--require", "lint", "unit", "bdd")
    assert code == 0, err
    assert "gate: PASSED: 3 suite(s), 4 test(s) ran, none failed or errored" in out
    header, _, *rows = out.splitlines()
    # issue 9 added the flaky and model columns
    assert header.split() == ["suite", "tests", "passed", "failures", "errors", "skipped", "flaky", "time", "model"]
    assert [r.split()[:6] for r in rows[:3]] == [
        ["bdd", "2", "1", "0", "0", "1"],
        ["lint", "1", "1", "0", "0", "0"],
        ["unit", "2", "2", "0", "0", "0"],
    ]
    assert err == ""


def one_line_failure(capsys, *args) -> str:
    code, _, err = gate(capsys, *args)
    assert code == 1
    assert err.count("\n") == 1 and err.startswith("gate: FAILED: "), err
    assert "Traceback" not in err
    return err


def test_an_empty_folder_fails(tmp_path, capsys):
    assert "no JUnit XML files under" in one_line_failure(capsys, tmp_path)


def test_a_missing_folder_fails(tmp_path, capsys):
    assert "is not a folder" in one_line_failure(capsys, tmp_path / "nowhere")


def test_only_skipped_tests_fail(tmp_path, capsys):
    suite(tmp_path, "unit", case("a", "<skipped/>"), case("b", '<skipped message="no Java"/>'))
    assert "no test ran: all 2 test(s) were skipped" in one_line_failure(capsys, tmp_path)


def test_a_truncated_file_fails_by_name(green, capsys):
    text = (green / "unit.xml").read_text()
    (green / "unit.xml").write_text(text[: len(text) // 2])
    err = one_line_failure(capsys, green, "--require", "unit")
    assert f"{green / 'unit.xml'}: not well-formed XML" in err
    assert "required suite" not in err  # one reason per fault


@pytest.mark.parametrize("text", ["<html><body>report</body></html>", "<?xml version='1.0'?><project name='x'/>"])
def test_a_file_that_is_not_junit_fails_by_name(green, capsys, text):
    (green / "coverage.xml").write_text(text)
    assert f"{green / 'coverage.xml'}: not JUnit XML" in one_line_failure(capsys, green)


def test_a_binary_file_fails_by_name(green, capsys):
    (green / "junk.xml").write_bytes(b"\x00\xff\xfe garbage")
    assert "junk.xml: not well-formed XML" in one_line_failure(capsys, green)


def test_a_required_suite_that_is_absent_fails(green, capsys):
    err = one_line_failure(capsys, green, "--require", "unit", "spark")
    assert "required suite 'spark' is missing" in err


def test_a_required_suite_that_ran_nothing_fails(green, capsys):
    suite(green, "spark", case("a", "<skipped/>"))
    assert "required suite 'spark' ran no test" in one_line_failure(capsys, green, "--require", "spark")


def test_failures_and_errors_fail_and_are_listed_with_their_messages(green, capsys):
    suite(green, "unit", case("test_a"), case("test_b", '<failure message="assert 1 == 2">trace</failure>'), failures=1)
    suite(green, "bdd", case("test_c", '<error message="fixture exploded"/>'))
    code, out, err = gate(capsys, green)
    assert code == 1
    assert "1 test(s) failed and 1 errored (in bdd, unit)" in err  # suites in file order
    assert "[unit] tests.test_x::test_b: failure: assert 1 == 2" in out
    assert "[bdd] tests.test_x::test_c: error: fixture exploded" in out


def test_a_failure_with_a_teardown_error_is_one_failing_case_not_an_unreadable_file(green, capsys):
    body = '<failure message="assert 1 == 2"/><error message="teardown exploded"/>'
    (green / "unit.xml").write_text(
        PYTEST.format(suite="unit", failures=1, tests=1, cases=case("t", body)).replace('errors="0"', 'errors="1"')
    )
    err = one_line_failure(capsys, green)
    assert "1 test(s) failed (in unit)" in err and "claims" not in err


def test_a_file_claiming_failures_it_does_not_list_fails(green, capsys):
    suite(green, "unit", case("test_a"), failures=2)
    assert "claims 2 failures but lists 0" in one_line_failure(capsys, green)
    # issue 9: the file is readable, so it keeps its row, with the disagreement as a warning on it
    out = gate(capsys, green)[1]
    row = next(line for line in out.splitlines() if line.startswith("unit "))
    assert row.split()[:7] == ["unit", "1", "1", "0", "0", "0", "0"] and "WARNING: " in row and "failures=2" in row
    assert "unreadable" not in out


def test_a_suite_can_be_required_by_its_testsuite_name(green, capsys):
    (green / "lint.xml").rename(green / "ruff-output.xml")
    code, out, _ = gate(capsys, green, "--require", "ruff", "unit")
    assert code == 0, out


def test_ruff_findings_fail_the_gate_under_the_file_name(green, capsys):
    (green / "lint.xml").write_text(
        '<testsuites name="ruff"><testsuite name="/src/a.py" tests="1" failures="1"><testcase name="org.ruff.F401" '
        'classname="/src/a"><failure message="`os` imported but unused">line 1</failure></testcase></testsuite></testsuites>'
    )
    code, out, err = gate(capsys, green, "--require", "lint")
    assert code == 1 and "(in /src/a.py)" in err
    assert "[lint] /src/a::org.ruff.F401: failure: `os` imported but unused" in out


def test_the_verdict_is_written_as_junit_and_never_read_back(green, capsys):
    out_file = green / "gate.xml"  # inside the folder it reads: must be excluded
    for _ in range(2):
        code, _, err = gate(capsys, green, "--require", "unit", "spark", "--junit", out_file)
        assert code == 1 and "gate.xml" not in err
    root = ET.parse(out_file).getroot()
    cases = {c.get("name"): c.find("failure") for c in root.iter("testcase")}
    assert cases["required suite present: unit"] is None
    assert "required suite 'spark' is missing" in cases["required suite present: spark"].get("message")
    assert root.find("testsuite").get("name") == "gate"
    assert root.find("testsuite/system-out").text.startswith("gate: FAILED: required suite 'spark' is missing")


def test_nested_folders_are_read_and_named_by_path(green, capsys):
    (green / "image").mkdir()
    suite(green / "image", "selftest", case("golden"))
    code, out, _ = gate(capsys, green, "--require", "image/selftest", "selftest")
    assert code == 0 and "image/selftest" in out


@pytest.mark.parametrize("command", ["gate", "report"])
def test_gate_and_report_explain_themselves(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    assert exit_.value.code == 0 and "--junit" in capsys.readouterr().out


FIRST = '<properties><property name="first_release" value="first release: not compared with a production model"/></properties>'


def test_a_first_release_is_named_in_the_verdict_line_not_passed_as_compared(green, capsys):
    """A champion/challenger scenario with no production model passes, and the verdict line says it compared nothing."""
    suite(green, "bdd", case("test_scenario"), case("test_not_worse_than_production", FIRST))
    code, out, err = gate(capsys, green, "--require", "bdd")
    assert code == 0, err
    verdict = out.splitlines()[-1]
    assert verdict.startswith("gate: PASSED: ")
    assert verdict.endswith("; first release: not compared with a production model (1 test(s) in bdd)")


def test_a_compared_release_says_nothing_of_a_first_release(green, capsys):
    code, out, _ = gate(capsys, green, "--require", "bdd")
    assert code == 0 and "first release" not in out


def test_the_comparisons_suite_property_marks_each_of_its_cases_a_first_release(green, capsys):
    xml = (
        '<testsuite name="champion-challenger" tests="2">'
        + FIRST
        + '<testcase classname="c" name="not worse"/><testcase classname="c" name="unmoved"/></testsuite>'
    )
    (green / "compare.xml").write_text(xml)
    code, out, _ = gate(capsys, green)
    assert code == 0
    assert out.splitlines()[-1].endswith("(2 test(s) in compare)")
