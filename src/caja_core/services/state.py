"""The live state document that the big screen and the phones poll.

Aggregation is the expensive part, so results and the presenter's view are computed once
per (activity, session version) and kept in a small :class:`ResultsCache` the app owns.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections import OrderedDict
from copy import deepcopy
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session as DB

from caja_core.activity import (
    ActivityType,
    ActivityView,
    AggregateContext,
    Role,
    StoredAnswer,
    ViewContext,
)
from caja_core.errors import NotFound
from caja_core.plugins import PluginHost
from caja_core.services._common import as_uuid, now_or, participants_of, stored_answers
from caja_core.services.participants import count_participants
from caja_core.services.responses import effective_deadline
from caja_core.storage.models import Activity, Participant, Session

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class CachedResults:
    """Results of one activity at one session version."""

    config: Any
    results: dict[str, Any]
    presenter_view: ActivityView


class ResultsCache:
    """A small thread-safe LRU of aggregated results keyed by (activity id, version)."""

    def __init__(self, max_entries: int = 256) -> None:
        self._entries: OrderedDict[tuple[uuid.UUID, int], CachedResults] = OrderedDict()
        self._lock = threading.Lock()
        self.max_entries = max_entries
        self.misses = 0
        """How many times results were computed (the tests and benchmarks read it)."""

    def get(self, key: tuple[uuid.UUID, int]) -> CachedResults | None:
        """The cached entry, or None."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
            return entry

    def put(self, key: tuple[uuid.UUID, int], entry: CachedResults) -> None:
        """Store an entry, evicting the least recently used beyond ``max_entries``."""
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)


def session_version(db: DB, session_id: Any) -> int:
    """The session's current version (NotFound if there is no such session)."""
    version = db.scalar(select(Session.version).where(Session.id == as_uuid(session_id, "Session")))
    if version is None:
        raise NotFound("Session not found")
    return version


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def build_state(
    db: DB,
    host: PluginHost,
    session_id: Any,
    *,
    role: Role,
    participant: Participant | None = None,
    now: dt.datetime | None = None,
    cache: ResultsCache | None = None,
) -> dict[str, Any]:
    """The state document for one viewer (see docs/architecture.md for its shape)."""
    now = now_or(now)
    session = db.get(Session, as_uuid(session_id, "Session"))
    if session is None:
        raise NotFound("Session not found")
    if participant is not None and participant.session_id != session.id:
        raise NotFound("Session not found")
    doc: dict[str, Any] = {
        "version": session.version,
        "server_time": now.isoformat(),
        "role": role,
        "session": {
            "id": str(session.id),
            "name": session.name,
            "status": session.status,
            "join_code": session.join_code,
        },
        "participant_count": count_participants(db, session.id),
        "you": (
            {"id": str(participant.id), "nickname": participant.nickname}
            if participant is not None
            else None
        ),
        "activity": None,
    }
    activity = (
        db.get(Activity, session.current_activity_id) if session.current_activity_id else None
    )
    if activity is None or activity.type not in host:
        return doc
    activity_type = host.get(activity.type)
    try:
        cached, view, own = _views(
            db, activity, activity_type, session, role, participant, now, cache
        )
    except SQLAlchemyError:
        raise  # the database's trouble, not the plugin's: the caller maps it (503)
    except Exception as exc:
        # A plugin bug must not blank the big screen: show the activity without results.
        log.error(
            "activity_view_failed",
            session_id=str(session.id),
            activity_id=str(activity.id),
            type=activity.type,
            error=f"{type(exc).__name__}: {exc}",
        )
        doc["activity"] = _activity_doc(activity, role, deadline=None, accepting=False)
        doc["activity"]["phase"] = "error"
        doc["activity"]["extra"] = {
            "error": "This activity's results can't be shown right now (a plugin error)."
        }
        return doc
    deadline = effective_deadline(activity, activity_type, cached.config)
    if view.deadline is not None:
        deadline = min(deadline, view.deadline) if deadline is not None else view.deadline
    accepting = (
        view.accepting_answers
        and activity.status == "active"
        and session.status == "active"
        and (deadline is None or now <= deadline)
    )
    doc["activity"] = _activity_doc(activity, role, deadline=deadline, accepting=accepting)
    doc["activity"].update(
        config=view.config,
        phase=view.phase,
        results=view.results,
        display=[block.model_dump(mode="json") for block in view.display],
        extra=view.extra,
    )
    if role == "participant":
        doc["activity"]["your_answers"] = [
            {"slot": a.slot, "data": a.data, "submitted_at": a.submitted_at.isoformat()}
            for a in own
        ]
    return doc


def _views(
    db: DB,
    activity: Activity,
    activity_type: ActivityType[Any, Any],
    session: Session,
    role: Role,
    participant: Participant | None,
    now: dt.datetime,
    cache: ResultsCache | None,
) -> tuple[CachedResults, ActivityView, list[StoredAnswer]]:
    """The (cached) results and this viewer's view, and the participant's own answers."""
    key = (activity.id, session.version)
    cached = cache.get(key) if cache is not None else None
    if cached is None:
        config = activity_type.parse_config(activity.config)
        names, connected = participants_of(db, session.id, now)
        results = activity_type.aggregate(
            config,
            deepcopy(activity.state),
            stored_answers(db, activity.id),
            AggregateContext(now=now, participants=names, connected=connected),
        )
        presenter_view = activity_type.view(
            config,
            deepcopy(activity.state),
            results,
            ViewContext(role="presenter", now=now, activity_status=activity.status),
        )
        cached = CachedResults(config, results, presenter_view)
        if cache is not None:
            cache.misses += 1
            cache.put(key, cached)
    if role != "participant" or participant is None:
        return cached, cached.presenter_view, []
    own = stored_answers(db, activity.id, participant.id)
    view = activity_type.view(
        cached.config,
        deepcopy(activity.state),
        cached.results,
        ViewContext(
            role="participant",
            now=now,
            activity_status=activity.status,
            participant_id=participant.id,
            own_answers=own,
        ),
    )
    return cached, view, own


def _activity_doc(
    activity: Activity, role: Role, *, deadline: dt.datetime | None, accepting: bool
) -> dict[str, Any]:
    return {
        "id": str(activity.id),
        "type": activity.type,
        "title": activity.title,
        "description": activity.description,
        "status": activity.status,
        "position": activity.position,
        "activated_at": _iso(activity.activated_at),
        "deadline": _iso(deadline),
        "config": {},
        "phase": "open",
        "results": None,
        "display": [],
        "accepting_answers": accepting,
        "extra": {},
        "your_answers": [] if role == "participant" else None,
    }
