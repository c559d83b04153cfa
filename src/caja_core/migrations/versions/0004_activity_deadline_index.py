"""ix_activities_active_timed: the active activities that have a timeout

The server closes activities whose deadline has passed (services/lifecycle.py), asking every
second; this partial index holds only the rows that question can return. Expand-only: no
column changes. On PostgreSQL it is built CONCURRENTLY, so writers are not blocked.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NAME = "ix_activities_active_timed"
WHERE = sa.text("status = 'active' AND timeout_seconds IS NOT NULL")


def upgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        with op.get_context().autocommit_block():
            op.execute("SET statement_timeout = 0")
            op.create_index(
                NAME,
                "activities",
                ["activated_at"],
                postgresql_where=WHERE,
                postgresql_concurrently=True,
                if_not_exists=True,
            )
    else:
        op.create_index(NAME, "activities", ["activated_at"], sqlite_where=WHERE)


def downgrade() -> None:
    op.drop_index(NAME, table_name="activities")
