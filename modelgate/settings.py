"""One validated settings object, read from the environment (``MODELGATE_*``)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from modelgate.contracts.errors import ModelgateError

# Relative to the working directory (a checkout, or the image's /app), never to where the package is installed.
DEFAULT_MODEL_DIR = Path("model/bundled")
DEFAULT_TRAINING_DATA = Path("data/weight_data.csv")
DEFAULT_FEATURES_DIR = Path("features")
DEFAULT_EVALUATION_DATA = Path("data/evaluation.csv")  # people no model was trained on (data/generate.py)
DEFAULT_MAX_BODY_BYTES = 1 << 20
EXTRAPOLATION_POLICIES = ("flag", "refuse")
LOG_LEVELS = ("critical", "error", "warning", "info", "debug", "trace")
# API keys: a file of one key per line (a mounted Kubernetes Secret), never a value in the environment or the repo.
API_KEYS_VARIABLE = "MODELGATE_API_KEYS_FILE"
API_KEY = re.compile(r"[A-Za-z0-9._~+/-]{16,}=*")  # RFC 7235 token68, as a Bearer credential is written


@dataclass(frozen=True)
class Settings:
    model_dir: Path
    host: str
    port: int
    workers: int
    log_level: str
    features_dir: Path = DEFAULT_FEATURES_DIR
    # Service hygiene: the largest request body accepted (413 beyond), how long an idle
    # keep-alive connection is held, how long SIGTERM waits for in-flight requests, and
    # whether every request gets a JSON access-log line (off by default: it costs throughput).
    max_body_bytes: int | None = None  # None: about 4 times the model's largest valid request, 1 MiB at least
    keep_alive_timeout: int = 5
    graceful_timeout: int = 30
    access_log: bool = False
    # The keys a caller may present (none: the service is open, as before keys existed).
    api_keys: tuple[bytes, ...] = ()
    # Values outside the training data: the contract's rule, unless the operator sets MODELGATE_EXTRAPOLATION.
    extrapolation: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        return cls(
            model_dir=Path(env.get("MODELGATE_MODEL_DIR", DEFAULT_MODEL_DIR)),
            host=env.get("MODELGATE_HOST", "127.0.0.1"),
            port=_int(env, "MODELGATE_PORT", 8000, 0, 65535),
            workers=_int(env, "MODELGATE_WORKERS", 1, 1, 64),
            features_dir=Path(env.get("MODELGATE_FEATURES_DIR", DEFAULT_FEATURES_DIR)),
            log_level=_choice(env, "MODELGATE_LOG_LEVEL", "info", LOG_LEVELS),
            max_body_bytes=_int(env, "MODELGATE_MAX_BODY_BYTES", None, 1024, 256 << 20),
            keep_alive_timeout=_int(env, "MODELGATE_KEEP_ALIVE_TIMEOUT", 5, 1, 300),
            graceful_timeout=_int(env, "MODELGATE_GRACEFUL_TIMEOUT", 30, 1, 600),
            access_log=_choice(env, "MODELGATE_ACCESS_LOG", "0", ("0", "1", "true", "false")) in ("1", "true"),
            api_keys=_api_keys(env),
            extrapolation=_choice(env, "MODELGATE_EXTRAPOLATION", None, EXTRAPOLATION_POLICIES),
        )


def _int(env, name: str, default, low: int, high: int):
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


def _choice(env, name: str, default, allowed: tuple[str, ...]):
    if env.get(name) is None:
        return default
    value = env[name].lower()
    if value not in allowed:
        raise ModelgateError(f"{name}={value!r}: must be one of {', '.join(allowed)}")
    return value


def _api_keys(env) -> tuple[bytes, ...]:
    """The keys in the file ``MODELGATE_API_KEYS_FILE`` names (blank lines and ``#`` comments skipped); an error
    names the variable and the line, never a key."""
    path = env.get(API_KEYS_VARIABLE)
    if not path:
        return ()
    where = f"{API_KEYS_VARIABLE}={path!r}"
    try:
        text = Path(path).read_text(encoding="ascii")
    except OSError as exc:
        raise ModelgateError(f"{where}: cannot read the key file ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise ModelgateError(f"{where}: the key file must be ASCII text, one key per line") from None
    keys = []
    for number, line in enumerate(text.splitlines(), 1):
        key = line.strip()
        if not key or key.startswith("#"):
            continue
        if not API_KEY.fullmatch(key):
            raise ModelgateError(f"{where}: line {number} is not a key: at least 16 of A-Z a-z 0-9 . _ ~ + / - (= at the end)")
        keys.append(key.encode())
    if not keys:
        raise ModelgateError(f"{where}: the key file holds no key; unset {API_KEYS_VARIABLE} to serve without keys")
    return tuple(keys)
