"""The live state document that the big screen and the phones poll.

The shared part (session, results, presenter view, everyone's own answers) is a
:class:`~caja_core.services.snapshots.Snapshot`, computed at most once per version;
:func:`render` makes one viewer's document from it without the database.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from copy import deepcopy
from typing import Any

import orjson
from sqlalchemy import select
from sqlalchemy.orm import Session as DB

from caja_core.activity import (
    ActivityView,
    PersonalContext,
    PersonalView,
    Role,
    StoredAnswer,
    ViewContext,
    bind_answers,
)
from caja_core.errors import NotFound
from caja_core.i18n import DEFAULT_LANGUAGE, Translator
from caja_core.plugins import PluginHost
from caja_core.services._common import as_uuid, now_or, stored_answers
from caja_core.services.items import for_viewers, own_items
from caja_core.services.snapshots import (
    ActivitySnapshot,
    Snapshot,
    SnapshotCache,
    compute_snapshot,
    log_view_failure,
)
from caja_core.storage.models import Participant, Session


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
    cache: SnapshotCache | None = None,
) -> dict[str, Any]:
    """The state document for one viewer (see docs/architecture.md for its shape).

    With a ``cache``, the shared part comes from a snapshot computed at most once per
    version (see :class:`~caja_core.services.snapshots.SnapshotCache`); a participant's own
    answers are always read fresh here.
    """
    now = now_or(now)
    sid = as_uuid(session_id, "Session")
    if participant is not None and participant.session_id != sid:
        raise NotFound("Session not found")
    if cache is None:
        snap = compute_snapshot(db, host, sid, now)
    else:
        snap = cache.get(
            sid,
            session_version(db, sid),
            lambda: compute_snapshot(db, host, sid, now, cache.peek(sid)),
        )
    own = None
    if participant is not None and snap.activity is not None:
        own = stored_answers(db, snap.activity.id, participant.id)
    return render(
        snap,
        role=role,
        participant_id=participant.id if participant is not None else None,
        nickname=participant.nickname if participant is not None else None,
        own_answers=own,
        now=now,
    )


def render(
    snap: Snapshot,
    *,
    role: Role,
    participant_id: uuid.UUID | None = None,
    nickname: str | None = None,
    own_answers: list[StoredAnswer] | None = None,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """One viewer's state document from a snapshot, without the database.

    ``own_answers`` overrides the participant's answers held in the snapshot (a fresher
    read); the nickname defaults to the snapshot's. A participant's document needs their
    id (without one there is no participant view to cut, and the presenter's is not theirs).
    """
    if role == "participant" and participant_id is None:
        raise ValueError("a participant's document needs the participant's id")
    now = now_or(now)
    you = None
    if role == "participant" and participant_id is not None:
        you = {
            "id": str(participant_id),
            "nickname": nickname
            if nickname is not None
            else snap.nicknames.get(participant_id, ""),
        }
    doc: dict[str, Any] = {
        "version": snap.version,
        "server_time": now.isoformat(),
        "role": role,
        "session": {
            "id": str(snap.session_id),
            "name": snap.name,
            "status": snap.status,
            "join_code": snap.join_code,
            "language": snap.language,
            "branding": snap.branding,
        },
        "participant_count": snap.participant_count,
        "you": you,
        "activity": None,
    }
    doc["activity"] = activity_part(
        snap, snap.activity, snap.answers, role, participant_id, own_answers, now
    )
    if snap.side is not None:
        doc["side"] = activity_part(
            snap, snap.side, snap.side_answers, role, participant_id, None, now
        )
    return doc


def activity_part(
    snap: Snapshot,
    activity: ActivitySnapshot | None,
    answers: dict[uuid.UUID, list[StoredAnswer]],
    role: Role,
    participant_id: uuid.UUID | None,
    own_answers: list[StoredAnswer] | None,
    now: dt.datetime,
) -> dict[str, Any] | None:
    """One activity of a document (the current one, or the one beside it) for a viewer
    (``answers``: everyone's own answers to it; ``own_answers`` overrides the viewer's)."""
    if activity is None or activity.activity_type is None:
        return None
    if activity.error:
        return error_document(activity, role)
    own: list[StoredAnswer] = []
    view = activity.presenter_view
    mine: PersonalView | None = None
    if role == "participant" and participant_id is not None:
        own = own_answers if own_answers is not None else answers.get(participant_id, [])
        bind_answers(activity.activity_type, own)
        try:
            view, mine = participant_view(
                activity,
                participant_id,
                own,
                now,
                activity.activity_type.translator(snap.language or DEFAULT_LANGUAGE),
            )
        except Exception as exc:
            log_view_failure(snap.session_id, activity, exc)
            return error_document(activity, role)
    assert view is not None
    part = activity_document(snap, activity, view, role=role, now=now)
    if mine is not None:
        if mine.accepting_answers is not None:
            part["accepting_answers"] = part["accepting_answers"] and mine.accepting_answers
        part["extra"] = {**part["extra"], **mine.extra}
        part["display"] += [block.model_dump(mode="json") for block in mine.display]
    if role == "participant":
        part["your_answers"] = answers_document(own)
    return part


def participant_view(
    activity: ActivitySnapshot,
    participant_id: uuid.UUID,
    own: list[StoredAnswer],
    now: dt.datetime,
    translator: Translator,
) -> tuple[ActivityView, PersonalView | None]:
    """The participant's view of the activity and, for a type with ``personal``, their own
    part; the view is then the one shared by every participant of the same variant."""
    activity_type = activity.activity_type
    assert activity_type is not None
    results = activity.results if activity.results is not None else {}
    mine = activity_type.personal(
        activity.config,
        private_copy(activity.state),
        results,
        personal_context(activity, participant_id, own, now, translator),
    )
    seen = for_viewers(activity.items)
    if mine is None:  # contract 1: a view for this participant
        ctx = ViewContext(
            role="participant",
            now=now,
            activity_status=activity.status,
            participant_id=participant_id,
            own_answers=own,
            items=seen,
            translator=translator,
        )
    else:
        ctx = ViewContext(
            role="participant",
            now=now,
            activity_status=activity.status,
            variant=mine.variant,
            items=seen,
            translator=translator,
        )
    view = activity_type.view(activity.config, private_copy(activity.state), results, ctx)
    return view, mine


def personal_context(
    activity: ActivitySnapshot,
    participant_id: uuid.UUID,
    own: Sequence[StoredAnswer],
    now: dt.datetime,
    translator: Translator,
) -> PersonalContext:
    """What the type's ``personal`` is given for one participant."""
    return PersonalContext(
        now=now,
        activity_status=activity.status,
        participant_id=participant_id,
        own_answers=own,
        own_items=own_items(activity.items, participant_id),
        own_votes=activity.votes.get(participant_id, frozenset()),
        translator=translator,
    )


def activity_document(
    snap: Snapshot,
    activity: ActivitySnapshot,
    view: ActivityView,
    *,
    role: Role,
    now: dt.datetime,
) -> dict[str, Any]:
    """The ``activity`` part of a document: the activity's own fields and one view of it
    (``your_answers`` empty for a participant, None for the presenter)."""
    deadline = activity.deadline
    if view.deadline is not None:
        deadline = min(deadline, view.deadline) if deadline is not None else view.deadline
    accepting = (
        view.accepting_answers
        and activity.status == "active"
        and snap.status == "active"
        and (deadline is None or now <= deadline)
    )
    doc = _activity_doc(activity, role, deadline=deadline, accepting=accepting)
    doc.update(
        config=view.config,
        phase=view.phase,
        results=view.results,
        display=[block.model_dump(mode="json") for block in view.display],
        extra=view.extra,
    )
    return doc


def error_document(activity: ActivitySnapshot, role: Role) -> dict[str, Any]:
    """The ``activity`` part of a document when the plugin failed: no results."""
    doc = _activity_doc(activity, role, deadline=None, accepting=False)
    doc["phase"] = "error"
    doc["extra"] = {"error": "This activity's results can't be shown right now (a plugin error)."}
    return doc


def answers_document(own: Sequence[StoredAnswer]) -> list[dict[str, Any]]:
    """A participant's own answers as their documents carry them."""
    return [
        {"slot": a.slot, "data": a.data, "submitted_at": a.submitted_at.isoformat()} for a in own
    ]


def _activity_doc(
    activity: ActivitySnapshot, role: Role, *, deadline: dt.datetime | None, accepting: bool
) -> dict[str, Any]:
    return {
        "id": str(activity.id),
        "type": activity.type,
        "title": activity.title,
        "description": activity.description,
        "status": activity.status,
        "position": activity.position,
        "activated_at": _iso(activity.activated_at),
        "answer_schema": activity.answer_schema,
        "item_schema": activity.item_schema,
        "deadline": _iso(deadline),
        "config": {},
        "phase": "open",
        "results": None,
        "display": [],
        "accepting_answers": accepting,
        "extra": {},
        "your_answers": [] if role == "participant" else None,
    }


def own_answers(db: DB, snap: Snapshot, participant_id: uuid.UUID) -> list[StoredAnswer] | None:
    """A participant's answers to the snapshot's activity, read fresh (None: no activity)."""
    if snap.activity is None:
        return None
    return stored_answers(db, snap.activity.id, participant_id)


def private_copy(state: Any) -> Any:
    """A private copy of an activity's state for one view (a plugin may change what it is
    given). States are JSON: orjson copies them several times faster than ``deepcopy``."""
    try:
        return orjson.loads(orjson.dumps(state))
    except TypeError:  # not plain JSON after all (orjson.JSONEncodeError is a TypeError)
        return deepcopy(state)
