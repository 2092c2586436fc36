"""The step library: modelgate's pytest plugin (entry point ``pytest11``, name ``modelgate``).

pytest loads this package in every run where modelgate is installed; the steps (``plugin``, and through it every step
module) need the ``test`` extra (pytest-bdd), so an installation without it gets no steps rather than a broken pytest.
"""

from importlib.util import find_spec

pytest_plugins = ["modelgate.steps.plugin"] if find_spec("pytest_bdd") else []
