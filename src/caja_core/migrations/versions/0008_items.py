"""items and item_votes: what participants submit and vote on (Q&A, open text); an activity
beside the current one (sessions.side_activity_id)

Expand-only: two new tables and a nullable column; the previous release reads neither.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import caja_core.storage.models

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSONType = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "items",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("activity_id", sa.Uuid(), nullable=False),
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("data", JSONType, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("created_at", caja_core.storage.models.UTCDateTime(), nullable=False),
        sa.Column("updated_at", caja_core.storage.models.UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_items_activity_id_activities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_items_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_items")),
        sa.UniqueConstraint(
            "activity_id",
            "participant_id",
            "fingerprint",
            name="uq_items_activity_participant_fingerprint",
        ),
    )
    op.create_index("ix_items_activity_version", "items", ["activity_id", "version"])
    op.create_index(op.f("ix_items_participant_id"), "items", ["participant_id"])
    op.create_table(
        "item_votes",
        sa.Column("item_id", sa.Uuid(), nullable=False),
        sa.Column("participant_id", sa.Uuid(), nullable=False),
        sa.Column("created_at", caja_core.storage.models.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["items.id"], name=op.f("fk_item_votes_item_id_items"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["participant_id"],
            ["participants.id"],
            name=op.f("fk_item_votes_participant_id_participants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("item_id", "participant_id", name=op.f("pk_item_votes")),
    )
    op.create_index(op.f("ix_item_votes_participant_id"), "item_votes", ["participant_id"])
    # No foreign key: adding one to a live table locks it; the services clear the column
    # when that activity goes (services/activities.py).
    op.add_column("sessions", sa.Column("side_activity_id", sa.Uuid(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("sessions") as batch:
        batch.drop_column("side_activity_id")
    op.drop_table("item_votes")
    op.drop_table("items")
