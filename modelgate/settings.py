"""One validated settings object, read from the environment (``MODELGATE_*``)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from contracts.errors import ModelgateError
from modelgate import ROOT

DEFAULT_MODEL_DIR = ROOT / "model" / "bundled"
DEFAULT_TRAINING_DATA = ROOT / "data" / "weight_data.csv"
DEFAULT_FEATURES_DIR = ROOT / "features"


@dataclass(frozen=True)
class Settings:
    model_dir: Path
    host: str
    port: int
    workers: int
    log_level: str
    features_dir: Path = DEFAULT_FEATURES_DIR

    @classmethod
    def from_env(cls, env: dict | None = None) -> Settings:
        env = os.environ if env is None else env
        return cls(
            model_dir=Path(env.get("MODELGATE_MODEL_DIR", DEFAULT_MODEL_DIR)),
            host=env.get("MODELGATE_HOST", "127.0.0.1"),
            port=_int(env, "MODELGATE_PORT", 8000, 0, 65535),
            workers=_int(env, "MODELGATE_WORKERS", 1, 1, 64),
            log_level=env.get("MODELGATE_LOG_LEVEL", "info").lower(),
            features_dir=Path(env.get("MODELGATE_FEATURES_DIR", DEFAULT_FEATURES_DIR)),
        )


def _int(env, name: str, default: int, low: int, high: int) -> int:
    raw = env.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ModelgateError(f"{name}={raw!r}: must be a whole number from {low} to {high}") from None
    if not low <= value <= high:
        raise ModelgateError(f"{name}={raw!r}: must be from {low} to {high}")
    return value
