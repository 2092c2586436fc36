"""The models the service is tested with: the bundled one-number model (``trained_model``, the root conftest), the
penguin example of four inputs with a linear serving form (``penguins``), and the same example as a random forest,
which has no serving form and is answered by its skops file (``penguins_forest``)."""

from __future__ import annotations

import json

import pytest

from tests.app.penguins import penguin_model

MODELS = ("trained_model", "penguins", "penguins_forest")


@pytest.fixture(scope="session")
def penguins(tmp_path_factory):
    model = penguin_model(tmp_path_factory, "ridge")
    # The example is here to be answered by a linear serving form of several inputs: packaging must have written one.
    assert (model / "serving.json").is_file(), json.loads((model / "manifest.json").read_text())["form_note"]
    return model


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
