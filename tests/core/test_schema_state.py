"""A release serves on a schema that a newer release migrated (expand/contract), and
``migrate`` leaves such a schema alone: the previous release stays ready during a blue/green
deployment and after a rollback."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from caja_core.storage.db import Database


def at_revision(db: Database, revision: str) -> None:
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})


def test_each_schema_state(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'caja.db'}")
    try:
        assert db.schema_state() == "empty"
        assert not db.schema_is_usable()
        db.upgrade("0002")
        assert db.schema_state() == "behind"
        assert not db.schema_is_usable()
        db.upgrade()
        assert db.schema_state() == "current"
        assert db.schema_is_usable()
        # A newer release's migration: a revision this code has never heard of.
        at_revision(db, "9999_from_a_newer_release")
        assert db.schema_state() == "ahead"
        assert db.schema_is_usable()
        assert not db.schema_is_current()
    finally:
        db.dispose()


def test_migrate_leaves_a_newer_schema_alone(database: Database) -> None:
    head = database.head_revision()
    assert head is not None
    at_revision(database, "9999_from_a_newer_release")
    try:
        database.upgrade()  # the previous release's migration task after a rollback
        assert database.current_revision() == "9999_from_a_newer_release"
    finally:
        at_revision(database, head)
