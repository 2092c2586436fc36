"""A pytest plugin for the mutation stage (``bench/mutation_stage.py`` puts it on the stage's path and tox's
``PYTEST_PLUGINS`` loads it): while mutmut checks a mutant, that mutant's tests run fastest first by the stats run's
own timings (``mutants/mutmut-stats.json``), so a mutant that a quick test kills stops there instead of after the
slow ones (mutmut runs with ``-x``). It changes the order only: the tests run are the ones mutmut chose, and outside a
mutant's check (the stats, the clean run, any other pytest) it does nothing."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

STATS = Path("mutmut-stats.json")  # mutmut runs each mutant's tests in mutants/, beside its stats


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if "__mutmut_" not in os.environ.get("MUTANT_UNDER_TEST", "") or not STATS.is_file():
        return
    durations = json.loads(STATS.read_text(encoding="utf-8"))["duration_by_test"]
    # Unknown tests (none, unless the stats are stale) last; sorted() is stable, so ties keep pytest's order.
    items[:] = sorted(items, key=lambda item: durations.get(item.nodeid, float("inf")))
