"""The database handle: engine set-up for SQLite and PostgreSQL, transactions, migrations."""

from __future__ import annotations

import contextlib
import threading
import time
import uuid
import zlib
from collections.abc import Callable, Iterator
from importlib import resources
from typing import Any, Literal

import structlog
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import Connection, create_engine, event, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session as OrmSession
from sqlalchemy.orm import sessionmaker

log = structlog.get_logger(__name__)

# Any constant works; it only has to be the same in every replica.
_MIGRATION_LOCK_ID = zlib.crc32(b"caja-migrations")

SchemaState = Literal["current", "ahead", "behind", "empty"]
"""Where a database's schema stands against this release's migrations."""

MIGRATION_LOCK_POLL = 0.2
"""Seconds between two tries for the migration lock while another replica migrates."""

MAX_OVERFLOW = 10
"""Connections a pool may open beyond ``pool_size`` for a moment."""


def _take_migration_lock(conn: Connection) -> None:
    """Take the migration advisory lock, waiting for the replica that holds it.

    Tried, not waited for in one statement: a statement waiting for the lock holds a
    snapshot the whole time, and the holder's ``CREATE INDEX CONCURRENTLY`` waits for every
    such snapshot to go away, so the two would deadlock. Between tries nothing is held."""
    try_lock = text("SELECT pg_try_advisory_lock(:id)")
    while not conn.execute(try_lock, {"id": _MIGRATION_LOCK_ID}).scalar_one():
        conn.commit()
        time.sleep(MIGRATION_LOCK_POLL)
    conn.commit()


SQLITE_BUSY_SECONDS = 30
"""How long a SQLite writer waits for the write lock before failing."""


class Database:
    """One database: an engine plus helpers. Create one per app (or per test).

    ``sqlite:///path`` gets WAL, foreign keys and write transactions that take the write lock
    up front (``BEGIN IMMEDIATE``), so concurrent writers queue instead of failing.
    ``postgresql+psycopg://...`` is used as is.
    """

    def __init__(self, url: str, *, echo: bool = False, pool_size: int = 10) -> None:
        self.url = url
        parsed = make_url(url)
        self.dialect = parsed.get_backend_name()
        kwargs: dict[str, Any] = {"echo": echo}
        if self.dialect == "sqlite":
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": SQLITE_BUSY_SECONDS}
            if parsed.database not in (None, "", ":memory:"):
                kwargs.update(pool_size=pool_size, max_overflow=MAX_OVERFLOW)
        else:
            kwargs.update(pool_size=pool_size, max_overflow=MAX_OVERFLOW, pool_pre_ping=True)
        self.engine: Engine = create_engine(url, **kwargs)
        if self.dialect == "sqlite":
            _configure_sqlite(self.engine)
        # SQLite has one write lock. Its busy handler sleeps between tries (up to 100 ms),
        # so writers queued on it wake late and in no order: under a join burst most worker
        # threads sat in BEGIN IMMEDIATE. This process's writers queue on a lock of its own
        # instead, and each starts the moment the one before commits.
        self._writer = threading.Lock() if self.dialect == "sqlite" else None
        self._commit_listeners: list[Callable[[dict[uuid.UUID, int]], None]] = []
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)
        # PostgreSQL reads see one snapshot of the database for the whole transaction
        # (REPEATABLE READ; read-only, so they never fail to serialise), as SQLite's do:
        # what a read combines from several statements is consistent.
        consistent = {"isolation_level": "REPEATABLE READ"} if self.dialect == "postgresql" else {}
        self._readonly = sessionmaker(
            self.engine.execution_options(caja_readonly=True, **consistent),
            expire_on_commit=False,
        )

    @contextlib.contextmanager
    def transaction(self) -> Iterator[OrmSession]:
        """A unit of work: commits when the block ends, rolls back on an exception.

        After a successful commit, the session versions bumped inside it are handed to
        every commit listener (see :meth:`add_commit_listener`).
        """
        with self._write_turn(), self._sessions() as db:
            with db.begin():
                yield db
            bumped = db.info.pop("caja_bumped", None)
        if bumped:
            for listener in self._commit_listeners:
                listener(bumped)

    @contextlib.contextmanager
    def _write_turn(self) -> Iterator[None]:
        """On SQLite, wait for this process's other write transactions to end (no longer
        than SQLite's own busy timeout: then SQLite decides, as it would without this).
        Released by whichever thread ends the transaction: a request's unit of work may
        begin and commit in different worker threads."""
        writer = self._writer
        got = writer is not None and writer.acquire(timeout=SQLITE_BUSY_SECONDS)
        try:
            yield
        finally:
            if got:
                assert writer is not None
                writer.release()

    def add_commit_listener(self, listener: Callable[[dict[uuid.UUID, int]], None]) -> None:
        """Call ``listener({session_id: new_version, ...})`` after each commit that bumped
        session versions."""
        self._commit_listeners.append(listener)

    @contextlib.contextmanager
    def read(self) -> Iterator[OrmSession]:
        """A read-only unit of work that sees one consistent state of the database (on
        SQLite it does not take the write lock; on PostgreSQL it is REPEATABLE READ)."""
        with self._readonly() as db, db.begin():
            yield db

    def ping(self) -> None:
        """Raise if the database is unreachable."""
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    # -- migrations ---------------------------------------------------------------------

    def alembic_config(self) -> Config:
        """An Alembic config pointing at Caja's migrations and this database."""
        cfg = Config()
        cfg.set_main_option(
            "script_location", str(resources.files("caja_core").joinpath("migrations"))
        )
        cfg.set_main_option("sqlalchemy.url", self.url.replace("%", "%%"))
        return cfg

    def upgrade(self, revision: str = "head") -> None:
        """Upgrade the schema. Safe when several replicas start at once: on PostgreSQL an
        advisory lock lets one replica migrate while the others wait, then find nothing to do.

        A database that a newer release has already migrated (a revision this release does
        not know) is left as it is: migrations are expand/contract, so this release still
        works on it (a rollback, or the previous release's migration task)."""
        cfg = self.alembic_config()
        with self.engine.connect() as conn:
            if self.dialect == "postgresql":
                _take_migration_lock(conn)
            try:
                current = MigrationContext.configure(conn).get_current_revision()
                # End the read's transaction: Alembic must begin its own, or a migration's
                # autocommit block (CREATE INDEX CONCURRENTLY) finds none to commit.
                conn.commit()
                if revision == "head" and self._is_ahead(current):
                    log.info("database_ahead_of_release", revision=current)
                    return
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, revision)
                conn.commit()
            finally:
                if self.dialect == "postgresql":
                    conn.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": _MIGRATION_LOCK_ID})
                    conn.commit()
        log.info("database_migrated", revision=self.current_revision())

    def current_revision(self) -> str | None:
        """The revision the database is at, or None for an empty database."""
        with self.engine.connect() as conn:
            return MigrationContext.configure(conn).get_current_revision()

    def head_revision(self) -> str | None:
        """The newest revision among Caja's migrations."""
        return ScriptDirectory.from_config(self.alembic_config()).get_current_head()

    def schema_is_current(self) -> bool:
        """True when the database is at the newest migration."""
        return self.current_revision() == self.head_revision()

    def schema_state(self) -> SchemaState:
        """Where the database stands against this release's migrations: ``current`` (at the
        newest), ``ahead`` (at a revision this release does not know: a newer release
        migrated it), ``behind`` (``caja-server migrate`` is due) or ``empty``."""
        current = self.current_revision()
        if current is None:
            return "empty"
        if current == self.head_revision():
            return "current"
        return "ahead" if self._is_ahead(current) else "behind"

    def schema_is_usable(self) -> bool:
        """True when this release can serve on the schema: current, or ahead of it (a newer
        release's expand migrations keep the previous release working, docs/deploy.md)."""
        return self.schema_state() in ("current", "ahead")

    def _is_ahead(self, revision: str | None) -> bool:
        if revision is None:
            return False
        script = ScriptDirectory.from_config(self.alembic_config())
        try:
            script.get_revision(revision)
        except CommandError:
            return True
        return False

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below emit BEGIN itself (pysqlite's own is deferred).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_SECONDS * 1000}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        readonly = conn.get_execution_options().get("caja_readonly", False)
        conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")
