from __future__ import annotations

import threading

from alembic import command
from sqlalchemy import inspect, text

from caja_core.storage.db import Database


def test_migrations_match_the_models(database: Database):
    """`alembic check`: the models and the migrations describe the same schema."""
    assert database.schema_is_current()
    cfg = database.alembic_config()
    with database.engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.check(cfg)  # raises when autogenerate would find a difference


def test_schema_has_keys_and_indexes(database: Database):
    insp = inspect(database.engine)
    assert {"admins", "sessions", "activities", "participants", "responses"} <= set(
        insp.get_table_names()
    )
    uniques = {tuple(u["column_names"]) for u in insp.get_unique_constraints("responses")}
    assert ("activity_id", "participant_id", "slot") in uniques
    fks = {fk["referred_table"] for fk in insp.get_foreign_keys("responses")}
    assert fks == {"activities", "participants"}
    indexes = {i["name"] for i in insp.get_indexes("sessions")}
    assert "uq_sessions_join_code_open" in indexes


def test_sqlite_runs_with_wal_and_foreign_keys(tmp_path):
    db = Database(f"sqlite:///{tmp_path / 'x.db'}")
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    db.dispose()


def test_sqlite_writers_take_turns_in_the_process(tmp_path):
    """A SQLite write transaction waits for this process's current one on a lock of the
    process (not in SQLite's sleeping busy handler), and the turn is free again once the
    transaction ends, even when it ended in another thread than it began in (a request's
    unit of work spans worker threads)."""
    db = Database(f"sqlite:///{tmp_path / 'turns.db'}")
    with db.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (n INTEGER)")
    order: list[str] = []
    first = db.transaction()
    session = first.__enter__()
    session.execute(text("INSERT INTO t VALUES (1)"))
    started = threading.Event()

    def second() -> None:
        started.set()
        with db.transaction() as other:
            order.append("second began")
            other.execute(text("INSERT INTO t VALUES (2)"))

    waiter = threading.Thread(target=second)
    waiter.start()
    assert started.wait(5)
    waiter.join(0.3)
    assert waiter.is_alive() and order == []  # waiting for its turn
    ender = threading.Thread(
        target=lambda: (order.append("first ends"), first.__exit__(None, None, None))
    )
    ender.start()
    ender.join(5)
    waiter.join(5)
    assert not waiter.is_alive()
    assert order == ["first ends", "second began"]
    with db.read() as reader:
        assert reader.execute(text("SELECT count(*) FROM t")).scalar_one() == 2
    db.dispose()
