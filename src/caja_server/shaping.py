"""ORM rows -> response models. Called inside the request's unit of work."""

from __future__ import annotations

import datetime as dt

from caja_core.branding import branding
from caja_core.services import participants as participant_service
from caja_core.services.answer_rules import AnswerRow
from caja_core.storage.models import Activity, Participant, Response, Session
from caja_server.schemas import (
    ActivityOut,
    ParticipantOut,
    ResponseOut,
    SessionDetail,
    SessionOut,
)
from caja_server.settings import Settings


def session_out(session: Session, settings: Settings) -> SessionOut:
    """A session with its join URL and QR code URL."""
    return SessionOut(
        id=session.id,
        name=session.name,
        status=session.status,
        join_code=session.join_code,
        join_url=settings.join_url(session.join_code),
        qr_code_url=f"{settings.public_url}/api/sessions/{session.id}/qr.svg",
        version=session.version,
        current_activity_id=session.current_activity_id,
        created_at=session.created_at,
        updated_at=session.updated_at,
        started_at=session.started_at,
        completed_at=session.completed_at,
        language=session.language,
        branding=branding(session.accent_color, session.logo_url, session.theme),
    )


def session_detail(session: Session, settings: Settings) -> SessionDetail:
    """A session with its activities in order."""
    return SessionDetail(
        **session_out(session, settings).model_dump(),
        activities=[activity_out(a) for a in session.activities],
    )


def activity_out(activity: Activity) -> ActivityOut:
    """An activity as the presenter sees it."""
    return ActivityOut(
        id=activity.id,
        session_id=activity.session_id,
        type=activity.type,
        title=activity.title,
        description=activity.description,
        config=activity.config,
        position=activity.position,
        status=activity.status,
        timeout_seconds=activity.timeout_seconds,
        activated_at=activity.activated_at,
        closed_at=activity.closed_at,
        created_at=activity.created_at,
        updated_at=activity.updated_at,
    )


def participant_out(participant: Participant, now: dt.datetime) -> ParticipantOut:
    """A participant with their connection status at ``now``."""
    return ParticipantOut(
        id=participant.id,
        nickname=participant.nickname,
        joined_at=participant.joined_at,
        last_seen_at=participant.last_seen_at,
        connection_status=participant_service.connection_status(participant, now),
    )


def response_out(response: Response | AnswerRow) -> ResponseOut:
    """A stored answer."""
    return ResponseOut(
        id=response.id,
        activity_id=response.activity_id,
        participant_id=response.participant_id,
        slot=response.slot,
        data=response.data,
        submitted_at=response.submitted_at,
    )
