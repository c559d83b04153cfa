"""sessions.language, accent_color, logo_url, theme: a session's language and branding

All nullable: a session without them follows each reader's language and the default look.
Expand-only (new nullable columns, no defaults to write).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = (
    ("language", 8),
    ("accent_color", 7),
    ("logo_url", 300),
    ("theme", 8),
)


def upgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        for name, length in COLUMNS:
            batch_op.add_column(sa.Column(name, sa.String(length=length), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sessions", schema=None) as batch_op:
        for name, _ in reversed(COLUMNS):
            batch_op.drop_column(name)
