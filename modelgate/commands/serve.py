"""``modelgate serve``: the REST service under uvicorn."""

from __future__ import annotations

from modelgate.commands import model_arg
from modelgate.settings import Settings


def register(sub, settings: Settings) -> None:
    serve = sub.add_parser(
        "serve",
        help="serve the model over HTTP (GET/POST /<output>, /health, /ready, /metadata, /docs)",
        description="Run the REST scoring service with uvicorn.",
    )
    model_arg(serve, settings)
    serve.add_argument("--host", default=settings.host, help=f"interface to bind (default: {settings.host})")
    serve.add_argument("--port", type=int, default=settings.port, help=f"port (default: {settings.port})")
    serve.add_argument("--workers", type=int, default=settings.workers, help=f"worker processes (default: {settings.workers})")
    serve.add_argument(
        "--access-log",
        action="store_true",
        default=settings.access_log,
        help="log every request as a JSON line (off by default: it costs throughput; MODELGATE_ACCESS_LOG=1)",
    )
    serve.set_defaults(run=run)


def run(args) -> int:
    import os

    import uvicorn

    from modelgate.app.logs import log_config
    from modelgate.model import served

    served.load(args.model)  # fail fast, with the reason, before binding the port
    # The app factory runs in uvicorn (and in each worker): it reads its settings from the environment.
    os.environ["MODELGATE_MODEL_DIR"] = str(args.model)
    os.environ["MODELGATE_ACCESS_LOG"] = "1" if args.access_log else "0"
    settings = Settings.from_env()
    uvicorn.run(
        "modelgate.app.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        access_log=False,  # app.observe writes the access lines, with the request id
        log_config=log_config(settings.log_level),
        log_level=settings.log_level,
        timeout_keep_alive=settings.keep_alive_timeout,
        # On SIGTERM uvicorn stops accepting, lets requests in flight finish for up to this long, then exits.
        timeout_graceful_shutdown=settings.graceful_timeout,
    )
    return 0
