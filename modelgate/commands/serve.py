"""``modelgate serve``: the REST service under uvicorn."""

from __future__ import annotations

from modelgate.commands import model_arg
from modelgate.settings import Settings


def register(sub, settings: Settings) -> None:
    serve = sub.add_parser(
        "serve",
        help="serve the model over HTTP (GET/POST /weight, /health, /ready, /metadata, /docs)",
        description="Run the REST scoring service with uvicorn.",
    )
    model_arg(serve, settings)
    serve.add_argument("--host", default=settings.host, help=f"interface to bind (default: {settings.host})")
    serve.add_argument("--port", type=int, default=settings.port, help=f"port (default: {settings.port})")
    serve.add_argument("--workers", type=int, default=settings.workers, help=f"worker processes (default: {settings.workers})")
    serve.add_argument("--access-log", action="store_true", help="log every request (off by default: it costs throughput)")
    serve.set_defaults(run=run)


def run(args) -> int:
    import os

    import uvicorn

    from model import artifact

    artifact.load(args.model)  # fail fast, with the reason, before binding the port
    os.environ["MODELGATE_MODEL_DIR"] = str(args.model)
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        access_log=args.access_log,
        log_level=Settings.from_env().log_level,
    )
    return 0
