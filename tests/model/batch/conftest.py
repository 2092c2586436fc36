"""Fixtures of the batch room's tests: besides the bundled one-number model (``trained_model``, ``scorer`` in the
root conftest), the flat price model of :mod:`.flats`, trained once per session in a temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from modelgate.steps.support import train_into

from tests.model.batch import flats


@pytest.fixture(scope="session")
def flats_features(tmp_path_factory) -> Path:
    return flats.write_features(tmp_path_factory.mktemp("flats-features"))


@pytest.fixture(scope="session")
def flats_training(tmp_path_factory) -> Path:
    return flats.write_training(tmp_path_factory.mktemp("flats-data") / "flats.csv")


@pytest.fixture(scope="session")
def flats_model(tmp_path_factory, flats_features, flats_training) -> Path:
    return train_into(tmp_path_factory.mktemp("flats-model"), flats_features, flats_training, estimator="ridge")


@pytest.fixture(scope="session")
def flats_loaded(flats_model):
    from modelgate.model import artifact

    return artifact.load(flats_model)


@pytest.fixture(scope="session")
def flats_scorer(flats_loaded):
    return flats_loaded.scorer()
