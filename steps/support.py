"""Test support shared by the steps, ``tests/``, ``fuzz/`` and ``bench/``: where the repository is, and
small builders every suite needs (one home each, so suites cannot drift apart)."""

from __future__ import annotations

import importlib.util
import math
import socket
from pathlib import Path
from types import ModuleType

from modelgate.files import TEMP_MARK
from modelgate.settings import DEFAULT_MODEL_DIR, DEFAULT_TRAINING_DATA


def _checkout(here: Path) -> Path:
    """The folder above steps/ (the checkout's root); or, when that holds no features/ and data/ but the one above does,
    that one: ``tox -e mutation`` stages the package one level deeper (``modelgate/steps/``, bench/mutation_stage.py).
    No further up: an installed copy must not take a folder around its environment for the checkout."""
    above, stage = here.parents[1], here.parents[2]
    if not (above / "features").is_dir() and (stage / "features").is_dir() and (stage / "data").is_dir():
        return stage
    return above


# The checkout the tests run from: home of features/, data/, docker/ and pipelines/. Installed code never
# uses it (its defaults come from settings and the working directory).
ROOT = _checkout(Path(__file__).resolve())

BUNDLED_MODEL = ROOT / DEFAULT_MODEL_DIR  # the model that ships: what the features judge by default
TRAINING_DATA = ROOT / DEFAULT_TRAINING_DATA  # the bundled training data
FEATURES = ROOT / "features"


def train_into(out: Path, features: Path, data: Path, estimator: str = "linear") -> Path:
    """``modelgate train --features FEATURES --data DATA --out OUT --estimator ESTIMATOR``, as a function."""
    from modelgate.contracts.reader import read_contract
    from modelgate.model.package import package
    from modelgate.model.train import estimator_for, fit, read_training

    contract = read_contract(features)
    training = read_training(data, contract)
    package(fit(estimator_for(contract, estimator), training, contract), training, contract, out)
    return out


def load_scorer(model_dir: Path | str):
    """The scorer of the verified model in ``model_dir`` (``artifact.load`` refuses a tampered one)."""
    from modelgate.model import artifact

    return artifact.load(model_dir).scorer()


def temporaries(folder: Path) -> list[str]:
    """Every output temporary left anywhere below ``folder`` (the writers' ``TEMP_MARK`` in its name), as
    paths relative to ``folder``. A missing folder is an error, not an empty answer: a check that looks
    in the wrong place must not pass."""
    if not folder.is_dir():
        raise FileNotFoundError(f"{folder} is not a folder: no temporaries can be looked for there")
    return sorted(str(p.relative_to(folder)) for p in folder.rglob(f"*{TEMP_MARK}*"))


def load_script(path: Path) -> ModuleType:
    """A script of the repository that is not part of the package (``data/generate.py``,
    ``pipelines/replace_tokens.py``, …), imported from its file so that the tests run its own code."""
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None and spec.loader is not None, f"{path} is not a Python file"
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rows_like_training(training_data: Path, contract, rows: int) -> list[list[str]]:
    """``rows`` rows of the training data's inputs, over and over, as written in the file (cells in the contract's
    order): a batch the drift check accepts (a spread such as 50-140 inches is refused as drifted input)."""
    import csv

    with open(training_data, newline="", encoding="utf-8-sig") as handle:
        found = [[row[name] for name in contract.names] for row in csv.DictReader(handle)]
    return [found[i % len(found)] for i in range(rows)]


def bundled_model() -> Path:
    """``model/bundled``, trained from the bundled data first if there is none (never replaced)."""
    from modelgate.model.manifest import MANIFEST_FILE

    if not (BUNDLED_MODEL / MANIFEST_FILE).is_file():
        train_into(BUNDLED_MODEL, FEATURES, TRAINING_DATA)
    return BUNDLED_MODEL


def shuffled_model(folder: Path, features: Path = FEATURES, data: Path = TRAINING_DATA) -> Path:
    """A model trained on the training inputs with their answers shuffled (no relation left to learn): a
    deliberately worse model, for the champion/challenger checks. Written to ``folder / "model"``."""
    import csv

    import numpy as np

    with open(data, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header, *rows = list(reader)
    from modelgate.contracts.reader import read_contract

    answer = header.index(read_contract(features).output.name)
    answers = [row[answer] for row in rows]
    np.random.default_rng(5).shuffle(answers)
    shuffled = folder / data.name  # the same file name: the quality scenarios read the record's training data by it
    with open(shuffled, "w", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows([*row[:answer], a, *row[answer + 1 :]] for row, a in zip(rows, answers))
    return train_into(folder / "model", features, shuffled)


class Fallback:
    """Stands in for everything behind the fast path: notes what reached it and answers 418, so a test sees who answered."""

    def __init__(self):
        self.seen = []

    async def __call__(self, scope, receive, send):
        self.seen.append((scope["method"], scope["path"]))
        await send({"type": "http.response.start", "status": 418, "headers": []})
        await send({"type": "http.response.body", "body": b""})


def psi_by_definition(counts: list[int], expected: list[float]) -> float:
    """The population stability index by its definition, computed here: Σ (a − e)·ln(a / e), shares floored at 0.01 %."""
    total = sum(counts)
    return math.fsum(
        (a - e) * math.log(a / e) for a, e in ((max(n / total, 1e-4), max(s, 1e-4)) for n, s in zip(counts, expected))
    )
