"""A JUnit suite's own counts (``tests=``, ``failures=``, ``errors=``) against the elements it lists.

Producers count differently and none of them is wrong by its own rules: Surefire counts every rerun in
``tests`` and ``failures`` (a flaky test adds its failed runs), googletest and others count a case once
however many ``<failure>`` elements it holds, some file a ``<failure>`` under ``errors=``, Ant counts a
class that could not start as one test with one error. So a count between the cases that show an outcome
and the elements (with reruns) that could explain it is consistent; outside that range it is a *warning*.
A suite that claims more failures and errors than any of its elements can explain fails the gate: the
tool itself counted something as broken.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

_RERUNS = {"failure": ("rerunFailure", "flakyFailure"), "error": ("rerunError", "flakyError")}


def compare(element: ET.Element, label: str) -> tuple[list[str], list[str]]:
    """(warnings, unexplained failure claims) for one ``<testsuite>``/``<testsuites>`` element, whose
    counts cover every case beneath it at any depth."""
    cases = list(element.iter("testcase"))
    loose = {tag: sum(len(s.findall(tag)) for s in element.iter("testsuite")) for tag in ("failure", "error")}
    ranges = {}
    for tag in ("failure", "error"):
        shown = sum(1 for c in cases if c.find(tag) is not None) + loose[tag]
        elements = sum(len(c.findall(t)) for c in cases for t in (tag, *_RERUNS[tag])) + loose[tag]
        ranges[tag] = (shown, elements)
    reruns = sum(len(c.findall(t)) for c in cases for pair in _RERUNS.values() for t in pair)
    ranges["test"] = (len(cases), len(cases) + reruns + loose["failure"] + loose["error"])

    warnings = []
    claimed = {}
    for tag, attribute in (("test", "tests"), ("failure", "failures"), ("error", "errors")):
        value = _count(element.get(attribute))
        if value is None:
            continue
        claimed[tag] = value
        low, high = ranges[tag]
        if not low <= value <= high:
            warnings.append(f"{label}: {attribute}={value} but {_listed(low, high)} {tag}(s) listed")
    total = claimed.get("failure", 0) + claimed.get("error", 0)
    explained = ranges["failure"][1] + ranges["error"][1]
    unexplained = []
    if total > explained:
        parts = [f"{claimed[t]} {t}s" for t in ("failure", "error") if claimed.get(t)]
        unexplained.append(f"{label}: claims {' and '.join(parts)} but lists {explained} such test case(s)")
    return warnings, unexplained


def _listed(low: int, high: int) -> str:
    return str(low) if low == high else f"{low} to {high}"


def _count(raw: str | None) -> int | None:
    """A count attribute; None when absent or not a number (nothing is claimed then)."""
    try:
        return int(float(raw)) if raw not in (None, "") else None
    except ValueError:
        return None
