"""sessions.live_secret: the key of a session's shared live documents

A phone polls its session's shared live document at ``/api/live/{sid}/{key}``, where the key
is an HMAC of this per-session random secret over the session, its current activity and the
visibility variant (``caja_core/services/documents.py``). Kicking a participant replaces the
secret, so keys handed out before stop working. Expand-only: a nullable column; a session
without a secret gets one the first time its live documents are served.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("sessions", sa.Column("live_secret", sa.String(length=64), nullable=True))


def downgrade() -> None:
    op.drop_column("sessions", "live_secret")
