"""On PostgreSQL a migration waits at most its lock timeout for a lock, then fails whole,
instead of queueing the running release's queries behind it."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from caja_core.storage.db import Database


@pytest.fixture
def fresh_postgres(database_url: str) -> Iterator[str]:
    """An empty PostgreSQL database of its own (the shared test database is migrated)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("lock timeouts are PostgreSQL's")
    url = make_url(database_url)
    name = f"caja_lock_{secrets.token_hex(4)}"
    admin = create_engine(
        url.set(database="postgres").render_as_string(hide_password=False),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_a_migration_gives_up_on_a_held_lock_and_changes_nothing(fresh_postgres: str) -> None:
    db = Database(fresh_postgres)
    reader = create_engine(fresh_postgres)
    try:
        db.upgrade("0002")
        with reader.connect() as busy:
            # A transaction of the running release that has read `responses`: ALTER TABLE
            # needs an exclusive lock and must wait for it to end.
            busy.execute(text("SELECT count(*) FROM responses"))
            cfg = db.alembic_config()
            cfg.attributes["lock_timeout"] = "200ms"
            started = time.monotonic()
            with db.engine.connect() as conn, pytest.raises(OperationalError, match="lock"):
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "0003")
            assert time.monotonic() - started < 5
            busy.rollback()
        assert db.current_revision() == "0002"
        columns = {c["name"] for c in inspect(db.engine).get_columns("responses")}
        assert "version" not in columns
        # Once the lock is free the same migration goes through, and the pooled connection
        # it used comes back without the migration's timeouts.
        db.upgrade()
        assert db.schema_is_current()
        with db.engine.connect() as conn:
            assert conn.execute(text("SHOW lock_timeout")).scalar() == "0"
            assert conn.execute(text("SHOW statement_timeout")).scalar() == "0"
    finally:
        reader.dispose()
        db.dispose()
