"""Activities whose deadline has passed close by themselves.

An activity with ``timeout_seconds`` stops accepting answers at ``activated_at + timeout``
(the answer path judges each answer by its arrival time). Some time after that, the server's
background loop calls :func:`close_due_activities`: the activity becomes ``expired``, its
type's ``on_close`` runs once, and the session's version moves, so every screen shows it
closed at its next poll. No presenter needed.

Why a grace period: an answer that arrived just before the deadline may still be waiting in
a replica's answer writer; the activity is closed :data:`CLOSE_GRACE` after its deadline so
that such an answer is stored first (the answer path refuses answers to a closed activity).
``closed_at`` is the deadline itself: the moment it stopped accepting answers.

Several replicas may run the loop at once: each due activity is closed under its session's
row lock (the lock every writer of a session takes first) and re-read under it, so only one
of them applies ``on_close``; the others find it expired and skip it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

import structlog
from sqlalchemy import select, text
from sqlalchemy.orm import Session as DB

from caja_core.plugins import PluginHost
from caja_core.services._common import bump_version
from caja_core.services.activities import close_running
from caja_core.services.answer_rules import activity_deadline
from caja_core.storage.models import Activity, Session

log = structlog.get_logger(__name__)

CLOSE_GRACE = dt.timedelta(seconds=2)
"""How long after its deadline an activity is closed (answers in flight land first)."""

# Spelled as literals, not bound parameters: SQLite and PostgreSQL use a partial index
# (ix_activities_active_timed) only when the query's WHERE visibly implies the index's.
_ACTIVE_TIMED = text("activities.status = 'active' AND activities.timeout_seconds IS NOT NULL")
_DUE_CANDIDATES = select(
    Activity.id, Activity.session_id, Activity.activated_at, Activity.timeout_seconds
).where(_ACTIVE_TIMED)


@dataclass(frozen=True)
class DueActivity:
    """An active activity whose deadline has passed."""

    activity_id: uuid.UUID
    session_id: uuid.UUID
    deadline: dt.datetime


@dataclass(frozen=True)
class ClosedActivity:
    """An activity this call closed, and the session version that shows it."""

    activity_id: uuid.UUID
    session_id: uuid.UUID
    deadline: dt.datetime
    version: int


def due_activities(
    db: DB, now: dt.datetime, grace: dt.timedelta = CLOSE_GRACE
) -> list[DueActivity]:
    """The active activities whose deadline passed at least ``grace`` before ``now``: one
    query on a partial index holding only the active activities that have a timeout (at
    most one per running session), so it costs next to nothing when nothing is due."""
    due = []
    for aid, sid, activated_at, timeout in db.execute(_DUE_CANDIDATES):
        if activated_at is None or timeout is None:
            continue
        deadline = activated_at + dt.timedelta(seconds=timeout)
        if deadline + grace <= now:
            due.append(DueActivity(aid, sid, deadline))
    return sorted(due, key=lambda d: (d.deadline, str(d.session_id)))


def close_due_activity(
    db: DB,
    host: PluginHost,
    due: DueActivity,
    now: dt.datetime,
    grace: dt.timedelta = CLOSE_GRACE,
) -> ClosedActivity | None:
    """Close one due activity, unless somebody else (a presenter, another replica)
    changed it meanwhile: its session's row is locked first, then the activity re-read.
    Returns None when there was nothing left to do."""
    session = db.scalars(select(Session).where(Session.id == due.session_id).with_for_update())
    locked = session.first()
    if locked is None:
        return None
    activity = db.scalars(
        select(Activity)
        .where(Activity.id == due.activity_id)
        .execution_options(populate_existing=True)
    ).first()
    if activity is None or activity.status != "active":
        return None
    deadline = activity_deadline(activity)
    if deadline is None or deadline + grace > now:
        return None  # reopened or given a longer timeout since
    close_running(activity, host, deadline)
    version = bump_version(db, locked)
    log.info(
        "activity_timed_out",
        session_id=str(locked.id),
        activity_id=str(activity.id),
        deadline=deadline.isoformat(),
    )
    return ClosedActivity(activity.id, locked.id, deadline, version)


def close_due_activities(
    db: DB, host: PluginHost, now: dt.datetime, grace: dt.timedelta = CLOSE_GRACE
) -> list[ClosedActivity]:
    """Close every activity whose deadline passed at least ``grace`` before ``now``, in
    the caller's transaction. (The server's loop closes each in its own transaction, so
    one session's lock is never held while waiting for another's.)"""
    closed = []
    for due in due_activities(db, now, grace):
        done = close_due_activity(db, host, due, now, grace)
        if done is not None:
            closed.append(done)
    return closed
