"""admins.disabled_at and participant_bans: disabling accounts, a kick keeps the name out

``admins.disabled_at`` (nullable): a disabled admin can't log in and their tokens stop
working. ``participant_bans``: the nickname skeletons kicked from a session, refused when
someone tries to join that session under them again. Expand-only.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from caja_core.storage.models import UTCDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("admins", schema=None) as batch_op:
        batch_op.add_column(sa.Column("disabled_at", UTCDateTime(), nullable=True))
    op.create_table(
        "participant_bans",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("session_id", sa.Uuid(), nullable=False),
        sa.Column("nickname_skeleton", sa.String(length=128), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["sessions.id"],
            name=op.f("fk_participant_bans_session_id_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_participant_bans")),
        sa.UniqueConstraint(
            "session_id", "nickname_skeleton", name="uq_participant_bans_session_skeleton"
        ),
    )


def downgrade() -> None:
    op.drop_table("participant_bans")
    with op.batch_alter_table("admins", schema=None) as batch_op:
        batch_op.drop_column("disabled_at")
