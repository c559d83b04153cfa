"""Reports: a session's every activity with its results as the presenter sees them, its
participants and its times, live or past.

Results are cut by the activity type's presenter view, never taken raw from ``aggregate``:
what the big screen may not show yet (poker cards before the reveal, a poll's results before
it is revealed) is not in a report either. A type whose ``aggregate`` or ``view`` fails gets
an ``error`` instead of results; the rest of the report stands.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import Counter
from copy import deepcopy
from typing import Any

import structlog
from sqlalchemy import func, select
from sqlalchemy.orm import Session as DB

from caja_core.activity import (
    ActivityView,
    AggregateContext,
    StoredAnswer,
    ViewContext,
    bind_answers,
)
from caja_core.plugins import PluginHost
from caja_core.services._common import (
    now_or,
    participants_of,
    session_for_admin,
    stored_answers,
)
from caja_core.services.answer_rules import activity_deadline
from caja_core.storage.models import Activity, Admin, Participant, Response, Session

log = structlog.get_logger(__name__)


def presenter_view(
    host: PluginHost,
    activity: Activity,
    answers: list[StoredAnswer],
    participants: dict[uuid.UUID, str],
    connected: frozenset[uuid.UUID],
    now: dt.datetime,
) -> ActivityView:
    """The activity as the presenter sees it now: the type's ``aggregate`` of every answer,
    then its ``view`` for the presenter."""
    activity_type = host.get(activity.type)
    config = activity_type.parse_config(activity.config)
    bind_answers(activity_type, answers)
    results = activity_type.aggregate(
        config, deepcopy(activity.state), answers, AggregateContext(now, participants, connected)
    )
    return activity_type.view(
        config,
        deepcopy(activity.state),
        results,
        ViewContext(role="presenter", now=now, activity_status=activity.status),
    )


def session_report(
    db: DB, host: PluginHost, admin: Admin, session_id: Any, now: dt.datetime | None = None
) -> dict[str, Any]:
    """Everything about one of the admin's sessions, in any status: the session and its
    times, every participant with how many answers they gave, and every activity in order
    with its times, counts, results and display blocks (presenter's view)."""
    now = now_or(now)
    session = session_for_admin(db, admin, session_id)
    names, connected = participants_of(db, session.id, now)
    activities = list(
        db.scalars(
            select(Activity)
            .where(Activity.session_id == session.id)
            .order_by(Activity.position, Activity.created_at)
        )
    )
    answered: Counter[uuid.UUID] = Counter()
    entries = []
    for activity in activities:
        answers = stored_answers(db, activity.id, nicknames=names)
        answered.update({a.participant_id for a in answers})
        entries.append(_activity_entry(host, activity, answers, names, connected, now))
    return {
        "session": _session_entry(session),
        "generated_at": now,
        "participant_count": len(names),
        "participants": _participants(db, session, answered, connected),
        "activities": entries,
    }


def _session_entry(session: Session) -> dict[str, Any]:
    return {
        "id": session.id,
        "name": session.name,
        "status": session.status,
        "join_code": session.join_code,
        "created_at": session.created_at,
        "started_at": session.started_at,
        "completed_at": session.completed_at,
    }


def _participants(
    db: DB, session: Session, answered: Counter[uuid.UUID], connected: frozenset[uuid.UUID]
) -> list[dict[str, Any]]:
    answers_by = dict(
        db.execute(
            select(Response.participant_id, func.count())
            .join(Participant, Participant.id == Response.participant_id)
            .where(Participant.session_id == session.id)
            .group_by(Response.participant_id)
        ).all()
    )
    rows = db.execute(
        select(
            Participant.id, Participant.nickname, Participant.joined_at, Participant.last_seen_at
        )
        .where(Participant.session_id == session.id)
        .order_by(Participant.joined_at, Participant.id)
    )
    return [
        {
            "id": pid,
            "nickname": nickname,
            "joined_at": joined_at,
            "last_seen_at": last_seen_at,
            "connected": pid in connected,
            "answers": int(answers_by.get(pid, 0)),
            "activities_answered": answered.get(pid, 0),
        }
        for pid, nickname, joined_at, last_seen_at in rows
    ]


def _activity_entry(
    host: PluginHost,
    activity: Activity,
    answers: list[StoredAnswer],
    names: dict[uuid.UUID, str],
    connected: frozenset[uuid.UUID],
    now: dt.datetime,
) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": activity.id,
        "position": activity.position,
        "type": activity.type,
        "type_title": host.get(activity.type).title if activity.type in host else None,
        "title": activity.title,
        "description": activity.description,
        "status": activity.status,
        "timeout_seconds": activity.timeout_seconds,
        "activated_at": activity.activated_at,
        "deadline": activity_deadline(activity),
        "closed_at": activity.closed_at,
        "answer_count": len(answers),
        "respondent_count": len({a.participant_id for a in answers}),
        "phase": None,
        "results": None,
        "display": [],
        "error": None,
    }
    if activity.type not in host:
        entry["error"] = f"The activity type '{activity.type}' is not installed"
        return entry
    try:
        view = presenter_view(host, activity, answers, names, connected, now)
    except Exception as exc:  # a plugin bug: this activity's problem, not the report's
        log.warning(
            "report_activity_failed",
            activity_id=str(activity.id),
            type=activity.type,
            error=f"{type(exc).__name__}: {exc}",
        )
        entry["error"] = "The activity type failed to compute its results"
        return entry
    entry.update(
        phase=view.phase,
        results=view.results,
        display=[block.model_dump(mode="json") for block in view.display],
    )
    return entry
