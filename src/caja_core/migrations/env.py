"""Alembic environment: runs Caja's migrations on the connection the caller hands over
(``Database.upgrade``) or on ``sqlalchemy.url`` (the ``alembic`` command line)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, create_engine

from caja_core.storage.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


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
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("Caja's migrations run online only")
run_migrations_online()
