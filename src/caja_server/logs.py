"""structlog set-up: console lines in development, JSON lines in production.

Every line logged while a request is handled carries its ``request_id`` (bound in a
contextvar by :class:`caja_server.middleware.RequestContextMiddleware`). The standard
library's loggers (uvicorn, SQLAlchemy, alembic) go through the same renderer, so their lines
carry it too. Logs go to stderr: stdout stays free for command output (``caja-server openapi``).
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import structlog

from caja_server.settings import Settings

TRACEBACKS_WITHOUT_LOCALS = structlog.dev.RichTracebackFormatter(show_locals=False)
"""Tracebacks in development logs without each frame's variables: they are slow to render
(an app's whole state) and would print tokens and passwords."""


def configure_logging(settings: Settings) -> None:
    """Configure structlog and the standard library's logging for ``settings``."""
    level = getattr(logging, settings.log_level.upper())
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    renderer: Any
    if settings.env == "production":
        renderer = structlog.processors.JSONRenderer()
        shared.append(structlog.processors.format_exc_info)
    else:
        renderer = structlog.dev.ConsoleRenderer(
            colors=sys.stderr.isatty(), exception_formatter=TRACEBACKS_WITHOUT_LOCALS
        )

    structlog.configure(
        processors=[
            *shared,
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_caja", False):
            root.removeHandler(old)
    handler._caja = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(level)
    # Alembic narrates every step at INFO; its facts are in our own database_migrated line.
    logging.getLogger("alembic").setLevel(max(level, logging.WARNING))
    # uvicorn installs its own handlers; route its lines through ours instead.
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        uv = logging.getLogger(name)
        uv.handlers.clear()
        uv.propagate = True
    # Our own ``request`` line (with the request id and duration) replaces uvicorn's.
    logging.getLogger("uvicorn.access").propagate = False
