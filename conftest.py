"""This repository's own test fixtures. The step library and its fixtures reach every suite (the features, the unit
tests, the fuzz tests) as the installed package's pytest plugin (``modelgate.steps``, entry point ``pytest11``).
Unit tests keep their own freshly trained model (``trained_model``) and record none; the suites that judge the model
being released use ``model_under_test`` (``steps/plugin.py``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from modelgate.steps.support import FEATURES, TRAINING_DATA, train_into


@pytest.fixture(scope="session")
def trained_model(tmp_path_factory) -> Path:
    """A model trained for this session from the bundled data and features (the repo is not touched): for unit tests."""
    return train_into(tmp_path_factory.mktemp("model"), FEATURES, TRAINING_DATA)


@pytest.fixture(scope="session")
def scorer(trained_model):
    """The scorer of ``trained_model`` (unit tests of the batch engines and the watcher)."""
    from modelgate.model import artifact

    return artifact.load(trained_model).scorer()


def _example(tmp_path_factory, name: str, data: str) -> Path:
    """A worked example packaged as the chain packages it: the Pipeline its train_model.py fits outside modelgate,
    packaged with the example's own features."""
    from modelgate.contracts.reader import read_contract
    from modelgate.model.package import package
    from modelgate.model.train import read_training
    from modelgate.steps.support import ROOT, load_script

    example = ROOT / "examples" / name
    contract = read_contract(example / "features")
    out = tmp_path_factory.mktemp(name) / "model"
    package(load_script(example / "train_model.py").fit(), read_training(example / "data" / data, contract), contract, out)
    return out


@pytest.fixture(scope="session")
def diabetes_model(tmp_path_factory) -> Path:
    """The regression example of ten inputs (examples/diabetes)."""
    return _example(tmp_path_factory, "diabetes", "diabetes.csv")


@pytest.fixture(scope="session")
def penguins_model(tmp_path_factory) -> Path:
    """The classification example (examples/penguins): species from island, sex and four measurements, some missing."""
    return _example(tmp_path_factory, "penguins", "penguins.csv")


@pytest.fixture(scope="session")
def cancer_model(tmp_path_factory) -> Path:
    """The binary classification example (examples/cancer): a breast mass malignant or benign from six measurements,
    malignant being the positive class at a threshold of 0.3."""
    return _example(tmp_path_factory, "cancer", "training.csv")
