from __future__ import annotations

from alembic import command
from sqlalchemy import inspect

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
