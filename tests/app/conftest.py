"""The models the service is tested with: the bundled one-number model (``trained_model``, the root conftest), the
penguin example of four inputs with a linear serving form (``penguins``), and the same example as a random forest,
which has no serving form and is answered by its skops file (``penguins_forest``)."""

from __future__ import annotations

import pytest

from tests.app.penguins import penguin_model

MODELS = ("trained_model", "penguins", "penguins_forest")


@pytest.fixture(scope="session")
def penguins(tmp_path_factory):
    return penguin_model(tmp_path_factory, "ridge")


@pytest.fixture(scope="session")
def penguins_forest(tmp_path_factory):
    return penguin_model(tmp_path_factory, "random-forest")


@pytest.fixture(scope="session", params=MODELS)
def any_model(request):
    """Each of the three models in turn."""
    return request.getfixturevalue(request.param)


@pytest.fixture(scope="session")
def ready_state(trained_model):
    from modelgate.app.state import ModelState

    state = ModelState(trained_model)
    state.load()
    return state


@pytest.fixture(scope="session")
def penguin_state(penguins):
    from modelgate.app.state import ModelState

    state = ModelState(penguins)
    state.load()
    return state
