"""SQLAlchemy 2 typed tables. Alembic migrations (``caja_core/migrations``) are the only
way this schema reaches a database; ``alembic check`` in the tests keeps the two in step."""

from __future__ import annotations

import datetime as dt
import secrets
import uuid
from typing import Any

from sqlalchemy import (
    JSON,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    Uuid,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JSONType = JSON().with_variant(JSONB(), "postgresql")


def new_live_secret() -> str:
    """A session's live-document secret: 256 random bits, hex."""
    return secrets.token_hex(32)


def utcnow() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp stored as UTC; always read back timezone-aware (SQLite forgets zones)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is not None and value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Any) -> dt.datetime | None:
        if not isinstance(value, dt.datetime):
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


class Base(DeclarativeBase):
    """Declarative base with named constraints."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: UTCDateTime, dict[str, Any]: JSONType}


class Timestamped:
    """``created_at`` and ``updated_at`` columns."""

    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class Admin(Timestamped, Base):
    """A presenter account."""

    __tablename__ = "admins"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    disabled_at: Mapped[dt.datetime | None] = mapped_column(nullable=True, default=None)
    """Set while the account is disabled: no login, and its tokens are refused."""


class AdminToken(Base):
    """A login token (stored hashed). Lives in the database so every replica accepts it."""

    __tablename__ = "admin_tokens"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    admin_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("admins.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[dt.datetime]


class LoginAttempt(Base):
    """A failed login, kept briefly for rate limiting across replicas."""

    __tablename__ = "login_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(128), index=True)
    attempted_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)


class Session(Timestamped, Base):
    """A presenter's session: ordered activities run on a big screen."""

    __tablename__ = "sessions"
    __table_args__ = (
        # A join code is unique among sessions that are not completed; completed sessions
        # free their code for reuse.
        Index(
            "uq_sessions_join_code_open",
            "join_code",
            unique=True,
            sqlite_where=text("status != 'completed'"),
            postgresql_where=text("status != 'completed'"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="draft")
    admin_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("admins.id", ondelete="CASCADE"), index=True
    )
    join_code: Mapped[str] = mapped_column(String(16), index=True)
    current_activity_id: Mapped[uuid.UUID | None] = mapped_column(
        Uuid,
        ForeignKey("activities.id", ondelete="SET NULL", use_alter=True),
        nullable=True,
    )
    side_activity_id: Mapped[uuid.UUID | None] = mapped_column(Uuid, nullable=True)
    """An activity open beside the current one for the whole session (a Q&A: phones show it
    as a second tab), or None. No foreign key (see migration 0005): deleting the activity
    clears it."""
    version: Mapped[int] = mapped_column(Integer, default=1)
    started_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    completed_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    # The presenter's choices (migration 0005); None: each reader's language, the default look.
    language: Mapped[str | None] = mapped_column(String(8), nullable=True)
    accent_color: Mapped[str | None] = mapped_column(String(7), nullable=True)
    logo_url: Mapped[str | None] = mapped_column(String(300), nullable=True)
    theme: Mapped[str | None] = mapped_column(String(8), nullable=True)
    live_secret: Mapped[str | None] = mapped_column(
        String(64), nullable=True, default=new_live_secret
    )
    """Keys the session's shared live documents (``services/documents.py``); replaced when
    a participant is kicked. NULL for sessions from before migration 0007 until served."""

    activities: Mapped[list[Activity]] = relationship(
        back_populates="session",
        order_by="Activity.position",
        foreign_keys="Activity.session_id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )


class Activity(Timestamped, Base):
    """One activity of a session: a poll, a poker table, a quiz, ..."""

    __tablename__ = "activities"
    __table_args__ = (
        Index("ix_activities_session_position", "session_id", "position"),
        # The activities the deadline loop asks about every second (services/lifecycle.py).
        Index(
            "ix_activities_active_timed",
            "activated_at",
            sqlite_where=text("status = 'active' AND timeout_seconds IS NOT NULL"),
            postgresql_where=text("status = 'active' AND timeout_seconds IS NOT NULL"),
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    session_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("sessions.id", ondelete="CASCADE")
    )
    type: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    config: Mapped[dict[str, Any]]
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    position: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="draft")
    timeout_seconds: Mapped[int | None] = mapped_column(Integer, nullable=True)
    activated_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)

    session: Mapped[Session] = relationship(back_populates="activities", foreign_keys=[session_id])


class Participant(Base):
    """Someone who joined a session from a phone. Scoped to that one session."""

    __tablename__ = "participants"
    __table_args__ = (
        UniqueConstraint("session_id", "nickname_key", name="uq_participants_session_nickname"),
        Index("ix_participants_session_version", "session_id", "version"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    session_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("sessions.id", ondelete="CASCADE"), index=True
    )
    nickname: Mapped[str] = mapped_column(String(32))
    nickname_key: Mapped[str] = mapped_column(String(64))
    """Case-folded nickname, for uniqueness ignoring case."""
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    joined_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """The session version whose commit added this participant (None before 0003)."""


class ParticipantBan(Base):
    """A nickname kicked from a session, by its confusables skeleton
    (:func:`caja_core.text.skeleton`): joining that session under it again is refused."""

    __tablename__ = "participant_bans"
    __table_args__ = (
        UniqueConstraint(
            "session_id", "nickname_skeleton", name="uq_participant_bans_session_skeleton"
        ),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    session_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("sessions.id", ondelete="CASCADE")
    )
    nickname_skeleton: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Response(Base):
    """A participant's answer to an activity (one per slot, see ActivityType.answer_slot)."""

    __tablename__ = "responses"
    __table_args__ = (
        UniqueConstraint(
            "activity_id", "participant_id", "slot", name="uq_responses_activity_participant_slot"
        ),
        Index("ix_responses_activity_version", "activity_id", "version"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    activity_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("activities.id", ondelete="CASCADE"), index=True
    )
    participant_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    slot: Mapped[str] = mapped_column(String(64), default="")
    data: Mapped[dict[str, Any]]
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    fingerprint: Mapped[str | None] = mapped_column(String(64), nullable=True)
    """SHA-256 of the answer exactly as the participant sent it (after parsing), so a
    retry is recognised even when the type stores a normalised form."""
    submitted_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """The session version whose commit stored or last changed this answer (None for
    answers stored before 0003): a snapshot at version V loads only answers above V."""


class Item(Base):
    """Something a participant submitted to an activity that others see and act on: a Q&A
    question, an open-text answer (see ``ActivityType.item_model``). Unlike an answer, a
    participant may submit several, and the host moderates them."""

    __tablename__ = "items"
    __table_args__ = (
        UniqueConstraint(
            "activity_id",
            "participant_id",
            "fingerprint",
            name="uq_items_activity_participant_fingerprint",
        ),
        Index("ix_items_activity_version", "activity_id", "version"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    activity_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("activities.id", ondelete="CASCADE")
    )
    participant_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("participants.id", ondelete="CASCADE"), index=True
    )
    data: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(16), default="visible")
    """``pending`` (waiting for the presenter's approval), ``visible`` or ``hidden``."""
    anonymous: Mapped[bool] = mapped_column(default=False)
    fingerprint: Mapped[str] = mapped_column(String(64))
    """SHA-256 of the item as sent: the same item sent again is a retry, not a second one."""
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    """The session version whose commit stored or last changed this item."""


class ItemVote(Base):
    """One participant's vote for an item (one each; withdrawn by deleting it)."""

    __tablename__ = "item_votes"

    item_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("items.id", ondelete="CASCADE"), primary_key=True
    )
    participant_id: Mapped[uuid.UUID] = mapped_column(
        Uuid, ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
