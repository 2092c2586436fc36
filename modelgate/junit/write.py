"""One JUnit XML file of one test suite, published atomically: the batch run's, the self-test's and
the gate's evidence are all written here, so CI reads the same shape from each."""

from __future__ import annotations

from pathlib import Path

from junit_xml import TestCase, TestSuite, to_xml_report_string

from modelgate.files import atomic_writer


def write_suite(
    path: str | Path,
    name: str,
    cases: list[TestCase],
    *,
    properties: dict[str, str] | None = None,
    stdout: str | None = None,
) -> None:
    """Write the suite ``name`` with ``cases`` to ``path`` (its folder made if missing); ``properties``
    (e.g. the model tested, see ``contracts.evidence``) go on the suite, ``stdout`` is its output."""
    suite = TestSuite(name, cases, timestamp=None, properties=properties or None, stdout=stdout)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_writer(path, "w") as handle:
        handle.write(to_xml_report_string([suite]))
