"""The FastAPI application factory. Nothing happens at import time: ``create_app`` builds
one app with its own database handle and plugin host (tests build one per test module)."""

from __future__ import annotations

import asyncio
import gc
import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager

import structlog
from fastapi import Depends, FastAPI
from fastapi.routing import APIRoute

from caja_core import __version__
from caja_core.plugins import PluginHost
from caja_core.services.lifecycle import ClosedActivity, close_due_activity, due_activities
from caja_core.storage.db import Database
from caja_core.storage.models import utcnow
from caja_server.answers import AnswerWriter
from caja_server.deps import check_json_body, database_slot
from caja_server.docs_page import add_docs_route
from caja_server.errors import InternalErrorMiddleware, install_error_handlers
from caja_server.live import attach_live
from caja_server.live_front import LiveDocumentFront
from caja_server.media_store import media_store
from caja_server.middleware import (
    BodySizeLimitMiddleware,
    RequestContextMiddleware,
    SecurityHeadersMiddleware,
    security_headers,
)
from caja_server.release import RELEASE_HEADER, release_name
from caja_server.routers import ALL_ROUTERS, UNGATED
from caja_server.routers.media import UPLOAD_PATH
from caja_server.settings import Settings
from caja_server.static import mount_web_ui
from caja_server.throttle import Throttles

log = structlog.get_logger(__name__)

OPENAPI_URL = "/api/openapi.json"

TAGS = [
    {"name": "auth", "description": "Presenter login."},
    {"name": "catalog", "description": "Installed activity types and plugins."},
    {"name": "sessions", "description": "A presenter's sessions and their lifecycle."},
    {"name": "activities", "description": "The activities of a session."},
    {"name": "participants", "description": "Joining, answering, and who is there."},
    {"name": "state", "description": "The live state the big screen and phones poll."},
    {"name": "media", "description": "Uploaded images for quiz questions and poll options."},
    {"name": "health", "description": "Liveness and readiness probes."},
]


def operation_id(route: APIRoute) -> str:
    """Stable OpenAPI operation ids: the route function's name (``create_session``), so a
    generated TypeScript client gets readable method names."""
    return route.name


def create_app(
    settings: Settings | None = None,
    *,
    database: Database | None = None,
    host: PluginHost | None = None,
) -> FastAPI:
    """Build the app.

    Args:
        settings: the configuration; read from ``CAJA_*`` variables when omitted.
        database: an existing handle (tests share one); else one for ``settings.database_url``.
            No connection is made until the first request.
        host: an existing plugin host; else a new one that loads the ``caja`` entry points
            (strict when ``settings.strict_plugins``).
    """
    settings = settings or Settings()
    tuning = settings.live_tuning()
    database = database or Database(settings.database_url, pool_size=settings.db_pool_size)
    if host is None:
        host = PluginHost(strict=settings.strict_plugins)
        host.load_entry_points()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        relay = app.state.relay
        if relay is not None:
            relay.start()
        stop_flushing = _every(
            tuning.seen_flush_seconds,
            "seen_flush",
            lambda: app.state.live.seen.flush(),
            last=True,
        )
        stop_closing = (
            _every(settings.auto_close_interval, "auto_close", lambda: close_due(app), last=False)
            if settings.auto_close_interval
            else lambda: None
        )
        if settings.gc_threshold:
            gc.set_threshold(settings.gc_threshold, 20, 20)
        app.state.warm_up = _warm_up_in_background(app.state.host, freeze=settings.gc_freeze)
        yield
        stop_closing()
        stop_flushing()
        app.state.answers.close()
        if app.state.relay is not None:
            app.state.relay.stop()
        app.state.db.dispose()

    app = FastAPI(
        title="Caja",
        version=__version__,
        summary="Live audience interaction: polls, planning poker, quizzes, word clouds.",
        openapi_url=OPENAPI_URL,
        docs_url=None,
        redoc_url=None,
        openapi_tags=TAGS,
        generate_unique_id_function=operation_id,
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.db = database
    app.state.host = host
    attach_live(app, database, host, tuning)
    app.state.db_slots = asyncio.Semaphore(settings.db_concurrency)
    app.state.answers = AnswerWriter(database, host, max_batch=tuning.max_answer_batch)
    app.state.media = media_store(settings)
    app.state.throttles = Throttles.from_settings(settings)

    install_error_handlers(app)
    for router in ALL_ROUTERS:
        gates = [Depends(check_json_body)]
        if router not in UNGATED:
            gates.append(Depends(database_slot))
        app.include_router(router, dependencies=gates)
    add_docs_route(app, "/api/docs", OPENAPI_URL, settings.static_dir)
    mount_web_ui(app, settings.static_dir)

    # Added innermost first: the request id wraps everything, so even a 413 carries it.
    app.add_middleware(InternalErrorMiddleware)
    app.add_middleware(
        BodySizeLimitMiddleware, overrides={UPLOAD_PATH: settings.media_max_bytes + 1024}
    )
    app.add_middleware(SecurityHeadersMiddleware, headers=answer_headers(settings))
    app.add_middleware(RequestContextMiddleware)
    # Outermost of ours: the phones' polls skip the rest (caja_server/live_front.py).
    app.add_middleware(LiveDocumentFront, headers=answer_headers(settings))
    return app


def answer_headers(settings: Settings) -> dict[str, str]:
    """Headers on every answer: the security headers and the release's name (for the web
    app's reload after a release, :mod:`caja_server.release`)."""
    release = release_name(settings.release, settings.static_dir)
    return {
        **security_headers(settings.static_origin, hsts=settings.env == "production"),
        RELEASE_HEADER: release,
    }


def _every(
    seconds: float, name: str, work: Callable[[], object], *, last: bool
) -> Callable[[], None]:
    """Run ``work`` every ``seconds`` in a background thread; a failure (the database is
    down) is logged and the next round tries again. Returns the stop function, which runs
    ``work`` once more when ``last``."""
    stop = threading.Event()

    def run() -> None:
        try:
            work()
        except Exception as exc:
            log.warning(f"{name}_failed", error=f"{type(exc).__name__}: {exc}")

    def loop() -> None:
        while not stop.wait(seconds):
            run()

    thread = threading.Thread(target=loop, name=f"caja-{name}", daemon=True)
    thread.start()

    def stop_and_finish() -> None:
        stop.set()
        thread.join(timeout=5)
        if last:
            run()

    return stop_and_finish


def close_due(app: FastAPI) -> list[ClosedActivity]:
    """Close the activities whose deadline has passed (``services.lifecycle``): one cheap
    read when none is due; each due one in its own transaction (its commit tells the live
    version board and the other replicas)."""
    database: Database = app.state.db
    with database.read() as db:
        due = due_activities(db, utcnow())
    closed = []
    for item in due:
        with database.transaction() as db:
            done = close_due_activity(db, app.state.host, item, utcnow())
        if done is not None:
            closed.append(done)
    return closed


def _warm_up_in_background(host: PluginHost, *, freeze: bool = False) -> threading.Thread:
    """Every activity type's ``warm_up``, one after the other, in a background thread; a
    failure is logged (answering will load what it needs itself). Then, with ``freeze``,
    collect once and ``gc.freeze()`` what is loaded (the ``gc_freeze`` setting)."""

    def run() -> None:
        for activity_type, _ in host.activity_types():
            try:
                activity_type.warm_up()
            except Exception as exc:
                log.warning(
                    "warm_up_failed",
                    activity_type=activity_type.name,
                    error=f"{type(exc).__name__}: {exc}",
                )
        if freeze:
            gc.collect()
            gc.freeze()
            log.info("gc_frozen", objects=gc.get_freeze_count())

    thread = threading.Thread(target=run, name="caja-warm-up", daemon=True)
    thread.start()
    return thread


def app_from_environment() -> FastAPI:
    """``uvicorn --factory caja_server.app:app_from_environment``: settings from ``CAJA_*``
    (``caja-server --reload`` and ``--workers`` start it so)."""
    from caja_server.logs import configure_logging

    settings = Settings()
    configure_logging(settings)
    return create_app(settings)
