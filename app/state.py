"""The service's model: loaded and verified once at start-up; readiness says whether that worked.

It loads the serving form (``model.serving``), which needs neither scikit-learn nor numpy."""

from __future__ import annotations

import logging
from pathlib import Path

from modelgate.contracts.errors import ModelgateError
from modelgate.model import serving

log = logging.getLogger("modelgate.app")


class ModelState:
    def __init__(self, model_dir: Path):
        self.model_dir = Path(model_dir)
        self.artifact: serving.Served | None = None
        self.scorer: serving.LinearForm | None = None
        self.reason = "model not loaded yet"

    def load(self) -> None:
        try:
            loaded = serving.load(self.model_dir)
        except ModelgateError as exc:
            self.reason = str(exc)
            log.error("model not ready: %s", exc)
            return
        self.artifact, self.scorer, self.reason = loaded, loaded.form, "ready"
        log.info("model %s loaded and verified from %s", loaded.version, self.model_dir)

    @property
    def ready(self) -> bool:
        return self.scorer is not None
