"""The REST scoring service: FastAPI routes plus a validated fast path for ``GET /<output>``."""
