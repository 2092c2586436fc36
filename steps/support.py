"""Test support shared by the steps, ``tests/``, ``fuzz/`` and ``bench/``: where the repository is, and
small builders every suite needs (one home each, so suites cannot drift apart)."""

from __future__ import annotations

import asyncio
import importlib.util
import math
import socket
from pathlib import Path
from types import ModuleType

from modelgate.model import artifact
from modelgate.model.files import TEMP_MARK
from modelgate.model.scorer import Scorer

from modelgate.settings import DEFAULT_MODEL_DIR, DEFAULT_TRAINING_DATA

# The checkout the tests run from: home of features/, data/, docker/ and pipelines/. Installed code never
# uses it (its defaults come from settings and the working directory).
ROOT = Path(__file__).resolve().parent.parent

BUNDLED_MODEL = ROOT / DEFAULT_MODEL_DIR  # the model that ships: what the features judge by default
TRAINING_DATA = ROOT / DEFAULT_TRAINING_DATA  # the bundled training data
FEATURES = ROOT / "features"


def load_scorer(model_dir: Path | str) -> Scorer:
    """The scorer of the verified model in ``model_dir`` (``artifact.load`` refuses a tampered one)."""
    return Scorer(artifact.load(model_dir).estimator)


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
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def heights_like_training(rows: int) -> list[str]:
    """``rows`` heights of the training people, over and over, as written in the training data: a batch the
    drift check accepts (a spread such as 50-140 inches is refused as drifted input)."""
    heights = [line.split(",")[0] for line in TRAINING_DATA.read_text().splitlines()[1:]]
    return [heights[i % len(heights)] for i in range(rows)]


def bundled_model() -> Path:
    """``model/bundled``, trained from the bundled data first if there is none (never replaced)."""
    from modelgate.model import artifact
    from modelgate.model.train import train

    if not (BUNDLED_MODEL / artifact.MANIFEST_FILE).is_file():
        train(TRAINING_DATA, BUNDLED_MODEL)
    return BUNDLED_MODEL


def shuffled_model(folder: Path) -> Path:
    """A model trained on the bundled heights with their weights shuffled (no relation left to learn): a
    deliberately worse model, for the champion/challenger checks. Written to ``folder / "model"``."""
    import numpy as np
    from modelgate.model.train import train

    pairs = [line.split(",") for line in TRAINING_DATA.read_text().splitlines()[1:]]
    weights = [w for _, w in pairs]
    np.random.default_rng(5).shuffle(weights)
    data = folder / "shuffled.csv"
    data.write_text("height,weight\n" + "".join(f"{h},{w}\n" for (h, _), w in zip(pairs, weights)))
    train(data, folder / "model")
    return folder / "model"


class Fallback:
    """Stands in for everything behind the fast path: notes what reached it and answers 418, so a test sees who answered."""

    def __init__(self):
        self.seen = []

    async def __call__(self, scope, receive, send):
        self.seen.append((scope["method"], scope["path"]))
        await send({"type": "http.response.start", "status": 418, "headers": []})
        await send({"type": "http.response.body", "body": b""})


def ask_asgi(app, method="GET", path="/weight", query=b"", headers=()):
    """One request through an ASGI app, as a server sends it; the messages the app sent back."""
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": method, "path": path, "query_string": query, "headers": list(headers)}
    asyncio.run(app(scope, receive, send))
    return sent


def drift_bin(height: float, cuts: list[float]) -> int:
    """The drift bin of one height by its definition, computed here: how many cuts lie below it (NaN: the last)."""
    return len(cuts) if math.isnan(height) else sum(1 for cut in cuts if height > cut)


def psi_by_definition(counts: list[int], expected: list[float]) -> float:
    """The population stability index by its definition, computed here: Σ (a − e)·ln(a / e), shares floored at 0.01 %."""
    total = sum(counts)
    return math.fsum(
        (a - e) * math.log(a / e) for a, e in ((max(n / total, 1e-4), max(s, 1e-4)) for n, s in zip(counts, expected))
    )
