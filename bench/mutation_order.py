"""A pytest plugin for the mutation stage (``bench/mutation_stage.py`` puts it on the stage's path and tox's
``PYTEST_PLUGINS`` loads it): while mutmut checks a mutant, the tests most likely to kill it run first, so a killed
mutant stops sooner (mutmut runs with ``-x``). First the tests that killed other mutants of the same function, then
those that killed mutants of the same module (most kills first), then the rest fastest first by the stats run's own
timings (``mutants/mutmut-stats.json``). Which test killed a mutant is kept in ``mutants/mutation-killers/``, a line
per kill. It changes the order only: the tests run are the ones mutmut chose, and outside a mutant's check (the stats,
the clean run, any other pytest) it does nothing."""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path

import pytest

STATS = Path("mutmut-stats.json")  # mutmut runs each mutant's tests in mutants/, beside its stats
KILLERS = Path("mutation-killers")


def _mutant() -> str:
    found = os.environ.get("MUTANT_UNDER_TEST", "")
    return found if "__mutmut_" in found else ""


def _function(mutant: str) -> str:
    """``modelgate.model.manifest.x_signed_file__mutmut_3`` -> ``modelgate.model.manifest.x_signed_file``: mutmut's own
    rule (``mutmut.utils.format_utils.mangled_name_from_mutant_name``), written out because the plugin is also loaded
    where mutmut is not installed (its test runs in the unit environment)."""
    return mutant.partition("__mutmut_")[0]


def _module(function: str) -> str:
    return function.partition(".xǁ")[0] if ".xǁ" in function else function.rsplit(".", 1)[0]


def _kills(files) -> Counter:
    return Counter(line for path in files for line in path.read_text(encoding="utf-8").splitlines() if line)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    mutant = _mutant()
    if not mutant:
        return
    durations = json.loads(STATS.read_text(encoding="utf-8"))["duration_by_test"] if STATS.is_file() else {}
    function = _function(mutant)
    siblings = _kills([KILLERS / function] if (KILLERS / function).is_file() else [])
    kin = _kills(p for p in KILLERS.glob("*") if _module(p.name) == _module(function)) if KILLERS.is_dir() else Counter()

    def rank(item: pytest.Item) -> tuple:
        # Unknown tests (none, unless the stats are stale) last among the rest; sorted() is stable, so ties keep pytest's order.
        return (-siblings[item.nodeid], -kin[item.nodeid], durations.get(item.nodeid, float("inf")))

    items[:] = sorted(items, key=rank)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    mutant = _mutant()
    if mutant and report.failed:
        KILLERS.mkdir(exist_ok=True)
        with (KILLERS / _function(mutant)).open("a", encoding="utf-8") as handle:
            handle.write(report.nodeid + "\n")  # one short line: appends of two workers do not interleave
