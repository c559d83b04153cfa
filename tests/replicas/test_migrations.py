"""Several replicas starting at once migrate the database once (PostgreSQL advisory lock)."""

from __future__ import annotations

import secrets
import threading

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from caja_core.storage.db import Database


def test_concurrent_upgrades_run_the_migrations_once(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("several replicas need PostgreSQL")
    url = make_url(database_url)
    name = f"caja_m_{secrets.token_hex(4)}"
    admin = create_engine(
        url.set(database="postgres").render_as_string(hide_password=False),
        isolation_level="AUTOCOMMIT",
    )
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    fresh = url.set(database=name).render_as_string(hide_password=False)
    replicas = [Database(fresh) for _ in range(4)]
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(replicas))

    def start(db: Database) -> None:
        barrier.wait()
        try:
            db.upgrade()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(db,)) for db in replicas]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert not any(t.is_alive() for t in threads), "a replica is stuck migrating"
        assert errors == []
        assert all(db.schema_is_current() for db in replicas)
        with replicas[0].engine.connect() as conn:
            assert conn.execute(text("select count(*) from alembic_version")).scalar() == 1
    finally:
        for db in replicas:
            db.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
