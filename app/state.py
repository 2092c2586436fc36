"""The service's model: loaded and verified once at start-up; readiness says whether that worked.

It loads the serving form (``model.serving``), which needs neither scikit-learn nor numpy."""

from __future__ import annotations

import logging
from pathlib import Path

from modelgate.contracts.errors import ModelgateError
from modelgate.model import serving
from modelgate.model.manifest import training_heights

log = logging.getLogger("modelgate.app")


class ModelState:
    def __init__(self, model_dir: Path, extrapolation: str = "flag"):
        self.model_dir = Path(model_dir)
        self.artifact: serving.Served | None = None
        self.scorer: serving.LinearForm | None = None
        self.reason = "model not loaded yet"
        # Heights outside the training heights: answered and counted ("flag"), or refused ("refuse").
        self.refuses_extrapolation = extrapolation == "refuse"
        self.profile: dict | None = None  # the training heights (modelgate.model.drift), once loaded

    def load(self) -> None:
        try:
            loaded = serving.load(self.model_dir)
        except ModelgateError as exc:
            self.reason = str(exc)
            log.error("model not ready: %s", exc)
            return
        self.artifact, self.scorer, self.reason = loaded, loaded.form, "ready"
        self.profile = training_heights(loaded.manifest)
        if self.profile is None:
            log.warning("model %s records no training heights: extrapolations cannot be flagged; retrain it", loaded.version)
        log.info("model %s loaded and verified from %s", loaded.version, self.model_dir)

    def extrapolated(self, heights: list[float]) -> list[int]:
        """Positions of the heights outside the training heights (plain Python: one request's few heights)."""
        if self.profile is None:
            return []
        low, high = self.profile["min"], self.profile["max"]
        return [i for i, h in enumerate(heights) if h < low or h > high]

    def extrapolation_message(self, height: float) -> str:
        return (
            f"height {height!r} is outside the heights the model was trained on "
            f"({self.profile['min']:g} to {self.profile['max']:g} inches) and this service refuses extrapolations"
        )

    @property
    def ready(self) -> bool:
        return self.scorer is not None
