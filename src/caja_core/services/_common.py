"""Helpers shared by the service modules."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session as DB
from sqlalchemy.orm.attributes import set_committed_value

from caja_core.activity import StoredAnswer
from caja_core.errors import NotFound
from caja_core.storage.models import Activity, Admin, Participant, Response, Session, utcnow


def now_or(now: dt.datetime | None) -> dt.datetime:
    """``now`` if given (tests pin the clock), else the current UTC time."""
    return now if now is not None else utcnow()


def hash_token(token: str) -> str:
    """SHA-256 of a bearer token: tokens are stored hashed, never as they are."""
    return hashlib.sha256(token.encode()).hexdigest()


_SESSIONS: Table = Session.__table__  # type: ignore[assignment]
# Prebuilt, on the table: an ORM-enabled UPDATE runs SQLAlchemy's bulk-update machinery
# (hundreds of microseconds), and every answer batch and join bumps a version.
_BUMP = (
    update(_SESSIONS)
    .where(_SESSIONS.c.id == bindparam("sid"))
    .values(version=_SESSIONS.c.version + 1, updated_at=bindparam("now"))
    .returning(_SESSIONS.c.version)
)


def bump_version(db: DB, session: Session) -> int:
    """Advance the session's version in the current transaction and return the new one.

    ``version = version + 1`` runs in SQL, so concurrent bumps never get lost. The new
    version is noted in ``db.info["caja_bumped"]``; after the commit, the
    :class:`~caja_core.storage.db.Database` hands it to its commit listeners (the live
    version board), so pollers learn about it without asking the database.
    """
    db.flush()
    now = utcnow()
    version = db.execute(_BUMP, {"sid": session.id, "now": now}).scalar_one()
    set_committed_value(session, "version", version)
    set_committed_value(session, "updated_at", now)
    db.info.setdefault("caja_bumped", {})[session.id] = version
    return int(version)


def stamp_version(
    db: DB, model: type[Participant] | type[Response], ids: Sequence[uuid.UUID], version: int
) -> None:
    """Stamp rows this transaction wrote with the session version it just bumped to
    (:func:`bump_version`, under the session row's lock, so stamps become visible in
    version order): a snapshot at version V reads only the rows stamped above V."""
    table: Table = model.__table__  # type: ignore[assignment]
    db.execute(update(table).where(table.c.id.in_(ids)).values(version=version))


def new_ids(count: int) -> list[uuid.UUID]:
    """``count`` random (version 4) UUIDs from one read of the system's random source.

    ``uuid.uuid4()`` reads 16 bytes per call, and every such read releases and re-takes the
    GIL: in a busy server each re-take can wait a whole switch interval behind the event
    loop, which made the ids of a batch of answers cost more than its judging."""
    raw = os.urandom(16 * count)
    return [uuid.UUID(bytes=raw[i : i + 16], version=4) for i in range(0, 16 * count, 16)]


def as_uuid(value: Any, what: str) -> uuid.UUID:
    """Parse an id; an unparsable one is simply not found."""
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound(f"{what} not found") from None


def session_for_admin(db: DB, admin: Admin, session_id: Any, *, lock: bool = False) -> Session:
    """The admin's own session; another admin's is reported as not found."""
    sid = as_uuid(session_id, "Session")
    stmt = select(Session).where(Session.id == sid, Session.admin_id == admin.id)
    if lock:
        stmt = stmt.with_for_update()
    session = db.scalars(stmt).first()
    if session is None:
        raise NotFound("Session not found")
    return session


def activity_in_session(db: DB, session: Session, activity_id: Any) -> Activity:
    """An activity of this session."""
    aid = as_uuid(activity_id, "Activity")
    activity = db.scalars(
        select(Activity).where(Activity.id == aid, Activity.session_id == session.id)
    ).first()
    if activity is None:
        raise NotFound("Activity not found")
    return activity


def stored_answers(
    db: DB,
    activity_id: uuid.UUID,
    participant_id: uuid.UUID | None = None,
    nicknames: Mapping[uuid.UUID, str] | None = None,
) -> list[StoredAnswer]:
    """The stored answers of an activity (optionally one participant's), oldest first.

    Plain columns, not ORM objects: aggregation reads thousands of answers per version, and
    building and tracking an entity per row costs several times the query itself. Given
    every participant's ``nicknames`` (the caller has just read them), no join is needed."""
    where = [Response.activity_id == activity_id]
    if participant_id is not None:
        where.append(Response.participant_id == participant_id)
    order = (Response.submitted_at, Response.id)
    if nicknames is not None:
        plain = select(
            Response.participant_id,
            Response.slot,
            Response.data,
            Response.meta,
            Response.submitted_at,
        )
        return [
            StoredAnswer(pid, nicknames.get(pid, ""), slot, data, meta or {}, submitted_at)
            for pid, slot, data, meta, submitted_at in db.execute(
                plain.where(*where).order_by(*order)
            )
        ]
    joined = select(
        Response.participant_id,
        Participant.nickname,
        Response.slot,
        Response.data,
        Response.meta,
        Response.submitted_at,
    ).join(Participant, Participant.id == Response.participant_id)
    return [
        StoredAnswer(pid, nickname, slot, data, meta or {}, submitted_at)
        for pid, nickname, slot, data, meta, submitted_at in db.execute(
            joined.where(*where).order_by(*order)
        )
    ]


CONNECTED_WINDOW = dt.timedelta(seconds=30)
"""A participant seen within this window counts as connected."""


def participants_of(
    db: DB, session_id: uuid.UUID, now: dt.datetime
) -> tuple[dict[uuid.UUID, str], frozenset[uuid.UUID]]:
    """Every participant (id -> nickname) and the ids of those connected now (the
    comparison runs in SQL: no timestamp to parse per participant)."""
    seen_lately = Participant.last_seen_at >= now - CONNECTED_WINDOW
    rows = db.execute(
        select(Participant.id, Participant.nickname, seen_lately).where(
            Participant.session_id == session_id
        )
    )
    names: dict[uuid.UUID, str] = {}
    connected: list[uuid.UUID] = []
    for pid, nickname, is_connected in rows:
        names[pid] = nickname
        if is_connected:
            connected.append(pid)
    return names, frozenset(connected)
