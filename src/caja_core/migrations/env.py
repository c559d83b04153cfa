"""Alembic environment: runs Caja's migrations on the connection the caller hands over
(``Database.upgrade``) or on ``sqlalchemy.url`` (the ``alembic`` command line).

On PostgreSQL every migration runs with a lock timeout: a schema change waits at most
``LOCK_TIMEOUT`` for its lock and then fails (the release stops, nothing changed), instead of
queueing every query of the running release behind it. ``STATEMENT_TIMEOUT`` bounds each
statement. A migration that must run longer without blocking anyone (an index built
``CONCURRENTLY``, a batched backfill) raises it for itself (docs/deploy.md, "Writing a
migration").

Offline mode (``alembic upgrade A:B --sql``) prints the PostgreSQL statements instead of
running them, one transaction per migration: the migration linter reads that SQL
(``tests/infra/test_migration_lint.py``). Production migrates online.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from caja_core.storage.models import Base

LOCK_TIMEOUT = "5s"
STATEMENT_TIMEOUT = "60s"

config = context.config
target_metadata = Base.metadata


def _set_timeouts() -> None:
    # Overridable through the Alembic config's attributes (tests use a short lock timeout).
    lock = config.attributes.get("lock_timeout", LOCK_TIMEOUT)
    statement = config.attributes.get("statement_timeout", STATEMENT_TIMEOUT)
    context.execute(f"SET lock_timeout = '{lock}'")
    context.execute(f"SET statement_timeout = '{statement}'")


def _run(connection: Connection) -> None:
    postgres = connection.dialect.name == "postgresql"
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        if postgres:
            # Session settings made inside the transaction: undone if it rolls back,
            # reset below when it commits, so the connection goes back to the pool clean.
            _set_timeouts()
        context.run_migrations()
    if postgres:
        connection.exec_driver_sql("RESET lock_timeout")
        connection.exec_driver_sql("RESET statement_timeout")


def run_migrations_online() -> None:
    """Migrate using the given connection, or one made from the configured URL."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    assert url, "set sqlalchemy.url or CAJA_DATABASE_URL"
    engine = create_engine(url)
    with engine.connect() as conn:
        _run(conn)
        conn.commit()
    engine.dispose()


def run_migrations_offline() -> None:
    """Print the SQL for PostgreSQL, whatever ``sqlalchemy.url`` says (on SQLite, batch mode
    rebuilds tables, which is not what production runs)."""
    context.configure(
        dialect_name="postgresql",
        target_metadata=target_metadata,
        literal_binds=True,
        transaction_per_migration=True,
    )
    _set_timeouts()
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
