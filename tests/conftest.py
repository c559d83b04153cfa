"""Shared fixtures: a real, migrated database (SQLite or PostgreSQL) and a plugin host.

``CAJA_TEST_DATABASE_URL`` picks the database: unset or ``sqlite`` gives a fresh SQLite file
per test, a copy of one file migrated once per test process (running Alembic for every test
was a third of the suite's time); a ``postgresql+psycopg://...`` URL names a server on which
each test process creates its own database (so parallel runs and pytest-xdist workers never
collide), migrated once and emptied after each test by ``DELETE`` (on nearly empty tables
~5x faster than ``TRUNCATE``, which creates new files for every table).
With ``CAJA_TEST_DB_ONLY=1`` only the tests that use a database run (the PostgreSQL pass of
``make test``).
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import structlog
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from caja_core.plugins import PluginHost
from caja_core.storage.db import Database
from caja_core.storage.models import Base

DB_FIXTURES = {"database", "database_url", "db_url_for_process"}


def pytest_configure(config: pytest.Config) -> None:
    """structlog's defaults, but tracebacks without every frame's variables (rendering an
    app's whole state takes seconds per logged error)."""
    from caja_server.logs import TRACEBACKS_WITHOUT_LOCALS

    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.StackInfoRenderer(),
            structlog.dev.set_exc_info,
            structlog.processors.TimeStamper(fmt="%Y-%m-%d %H:%M:%S", utc=False),
            structlog.dev.ConsoleRenderer(exception_formatter=TRACEBACKS_WITHOUT_LOCALS),
        ]
    )


# Tests that `--dist loadfile` (the slow lane) hands out one by one rather than with their file:
# many short ones, run after all the files, so that both workers finish together.
SPREAD = ("tests/api/test_schemathesis.py::test_no_server_errors_and_responses_match_the_schema[",)


def _spread(nodeid: str) -> bool:
    return nodeid.startswith(SPREAD)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # The spread tests last (the slow lane runs with --no-loadscope-reorder: in this order).
    items[:] = [i for i in items if not _spread(i.nodeid)] + [i for i in items if _spread(i.nodeid)]
    if os.environ.get("CAJA_TEST_DB_ONLY") != "1":
        return
    keep, drop = [], []
    for item in items:
        uses_db = bool(DB_FIXTURES & set(getattr(item, "fixturenames", ())))
        (keep if uses_db else drop).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """``--dist loadfile``, but the tests in ``SPREAD`` each on their own."""
    if config.getvalue("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    class LoadFileButSpread(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return nodeid if _spread(nodeid) else super()._split_scope(nodeid)

    return LoadFileButSpread(config, log)


def _configured_url() -> str:
    return os.environ.get("CAJA_TEST_DATABASE_URL", "sqlite") or "sqlite"


@pytest.fixture(scope="session")
def _postgres_database() -> Iterator[str | None]:
    """A private PostgreSQL database for this test run (None when testing on SQLite)."""
    configured = _configured_url()
    if not configured.startswith("postgresql"):
        yield None
        return
    url = make_url(configured)
    name = f"caja_t_{os.getpid()}_{secrets.token_hex(3)}"
    admin_engine = create_engine(
        url.set(database="postgres").render_as_string(hide_password=False),
        isolation_level="AUTOCOMMIT",
    )
    with admin_engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    test_url = url.set(database=name).render_as_string(hide_password=False)
    Database(test_url).upgrade()
    yield test_url
    with admin_engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin_engine.dispose()


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to the newest revision, once per test process."""
    path = tmp_path_factory.mktemp("template") / "caja.db"
    db = Database(f"sqlite:///{path}")
    db.upgrade()
    db.dispose()
    # Closing the last connection checkpoints the write-ahead log into the main file and
    # removes it: a copy of the main file alone is the whole database.
    assert not path.with_name("caja.db-wal").exists()
    return path


@pytest.fixture(scope="session")
def _postgres_cleaner(_postgres_database: str | None) -> Iterator[Any]:
    """An engine on the run's PostgreSQL database that empties it after each test."""
    if _postgres_database is None:
        yield None
        return
    engine = create_engine(_postgres_database, pool_size=1, pool_pre_ping=True)
    yield engine
    engine.dispose()


@pytest.fixture
def database_url(
    _postgres_database: str | None,
    _postgres_cleaner: Any,
    tmp_path: Path,
    request: pytest.FixtureRequest,
) -> Iterator[str]:
    """The URL of an empty, migrated database for this test."""
    if _postgres_database is None:
        path = tmp_path / "caja.db"
        shutil.copyfile(request.getfixturevalue("_sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    yield _postgres_database
    with _postgres_cleaner.begin() as conn:
        # Children before parents, so no foreign key needs CASCADE.
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """A :class:`Database` on the test's empty, migrated database."""
    db = Database(database_url)
    yield db
    db.dispose()


@pytest.fixture
def plugin_host() -> PluginHost:
    """A strict plugin host with every installed ``caja`` entry point loaded."""
    host = PluginHost(strict=True)
    host.load_entry_points()
    return host
