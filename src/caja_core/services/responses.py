"""Answers: validation by the activity type, one per participant and slot, idempotent retries."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from copy import deepcopy
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DB

from caja_core.activity import ActivityType, AggregateContext, AnswerContext
from caja_core.errors import AnswerRejected, Conflict, InvalidState, NotFound
from caja_core.plugins import PluginHost
from caja_core.services._common import (
    as_uuid,
    bump_version,
    now_or,
    participants_of,
    stored_answers,
)
from caja_core.storage.models import Activity, Participant, Response, Session

log = structlog.get_logger(__name__)


def activity_deadline(activity: Activity) -> dt.datetime | None:
    """When the activity's own timeout runs out, if it has one."""
    if activity.timeout_seconds is None or activity.activated_at is None:
        return None
    return activity.activated_at + dt.timedelta(seconds=activity.timeout_seconds)


def effective_deadline(
    activity: Activity, activity_type: ActivityType[Any, Any], config: Any
) -> dt.datetime | None:
    """The earlier of the activity's timeout and the type's own clock (e.g. a quiz question)."""
    deadlines = [
        d
        for d in (activity_deadline(activity), activity_type.deadline(config, activity.state))
        if d is not None
    ]
    return min(deadlines) if deadlines else None


def _overrides(activity_type: ActivityType[Any, Any], method: str) -> bool:
    return getattr(type(activity_type), method) is not getattr(ActivityType, method)


def submit_answer(
    db: DB,
    host: PluginHost,
    participant: Participant,
    session_id: Any,
    activity_id: Any,
    data: Any,
    now: dt.datetime | None = None,
) -> tuple[Response, bool]:
    """Store a participant's answer.

    Returns ``(response, changed)``. An identical retry (the client did not see the first
    reply) returns the stored answer with ``changed=False``. A different answer in the same
    slot replaces the stored one only when the type allows changes; otherwise Conflict.
    The database's unique constraint on (activity, participant, slot) is the final guard:
    two concurrent first answers can't both be stored.
    """
    now = now_or(now)
    sid = as_uuid(session_id, "Session")
    if participant.session_id != sid:
        raise NotFound("Session not found")
    session = db.get(Session, sid)
    if session is None:
        raise NotFound("Session not found")
    activity = db.scalars(
        select(Activity).where(
            Activity.id == as_uuid(activity_id, "Activity"), Activity.session_id == sid
        )
    ).first()
    if activity is None:
        raise NotFound("Activity not found")
    activity_type = host.get(activity.type)
    config = activity_type.parse_config(activity.config)
    answer = activity_type.parse_answer(data)
    submitted = answer.model_dump(mode="json")
    previous = stored_answers(db, activity.id, participant.id)
    ctx = AnswerContext(now=now, participant_id=participant.id, previous=previous)
    state = deepcopy(activity.state)

    if session.status != "active":
        raise InvalidState("This session is not running")
    fingerprint = answer_fingerprint(submitted)
    if activity.status != "active":
        # A retry of an answer that landed before the activity closed still succeeds.
        landed = _find_fingerprint(db, activity, participant, fingerprint)
        if landed is not None:
            return landed, False
        raise AnswerRejected("This activity is not open for answers")
    slot = activity_type.answer_slot(config, state, answer, ctx)
    existing = _find(db, activity, participant, slot)
    if existing is not None and (existing.fingerprint == fingerprint or existing.data == submitted):
        return existing, False
    deadline = effective_deadline(activity, activity_type, config)
    if deadline is not None and now > deadline:
        raise AnswerRejected("Time is up: answers are no longer accepted")
    stored_data, meta = activity_type.validate_answer(config, state, answer, ctx)
    if existing is not None:
        if existing.data == stored_data:
            return existing, False
        if not activity_type.allows_change(config, state):
            raise Conflict("You have already answered; this activity does not allow changes")
        existing.data = stored_data
        existing.meta = meta
        existing.fingerprint = fingerprint
        existing.updated_at = now
        response = existing
    else:
        response = Response(
            activity_id=activity.id,
            participant_id=participant.id,
            slot=slot,
            data=stored_data,
            meta=meta,
            fingerprint=fingerprint,
            submitted_at=now,
            updated_at=now,
        )
        try:
            with db.begin_nested():
                db.add(response)
                db.flush()
        except IntegrityError:
            # A concurrent request stored this slot first: treat it as if we had seen it.
            raced = _find(db, activity, participant, slot)
            if raced is not None and raced.fingerprint == fingerprint:
                return raced, False
            raise Conflict("You have already answered") from None
    participant.last_seen_at = now
    if _overrides(activity_type, "after_answer"):
        names, connected = participants_of(db, sid, now)
        new_state = activity_type.after_answer(
            config,
            state,
            stored_answers(db, activity.id),
            AggregateContext(now=now, participants=names, connected=connected),
        )
        if new_state is not None:
            activity.state = new_state
    bump_version(db, session)
    log.info(
        "answer_recorded",
        session_id=str(sid),
        activity_id=str(activity.id),
        participant_id=str(participant.id),
        slot=slot,
    )
    return response, True


def _find(db: DB, activity: Activity, participant: Participant, slot: str) -> Response | None:
    return db.scalars(
        select(Response).where(
            Response.activity_id == activity.id,
            Response.participant_id == participant.id,
            Response.slot == slot,
        )
    ).first()


def answer_fingerprint(submitted: Any) -> str:
    """SHA-256 of the parsed answer in canonical JSON: equal answers, equal fingerprints."""
    canonical = json.dumps(submitted, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _find_fingerprint(
    db: DB, activity: Activity, participant: Participant, fingerprint: str
) -> Response | None:
    return db.scalars(
        select(Response).where(
            Response.activity_id == activity.id,
            Response.participant_id == participant.id,
            Response.fingerprint == fingerprint,
        )
    ).first()
