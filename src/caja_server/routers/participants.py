"""Joining a session, answering, and the presenter's view of who is there."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response, status

from caja_core.errors import NotFound
from caja_core.services import participants as participant_service
from caja_core.storage.models import utcnow
from caja_server.deps import (
    AppSettings,
    CurrentAdmin,
    Db,
)
from caja_server.errors import error_responses
from caja_server.schemas import (
    JoinOut,
    JoinRequest,
    Me,
    ParticipantOut,
)
from caja_server.shaping import participant_out
from caja_server.throttle import Throttles, client_key

router = APIRouter(prefix="/api", tags=["participants"])


@router.post(
    "/join",
    summary="Join a session",
    status_code=status.HTTP_201_CREATED,
    response_model=JoinOut,
    responses=error_responses(400, 403, 404, 409, 413, 422, 429),
)
def join_session(body: JoinRequest, request: Request, db: Db, settings: AppSettings) -> JoinOut:
    """Join the running session with this code under a nickname. Keep the token: it is
    the participant's identity across page reloads. A taken nickname (or a look-alike of
    one) is a 409 whose ``suggestion`` is a free one; a name the presenter kicked from the
    session is a 403; a full session is a 409. Too many wrong codes from one address make
    every join from it a 429 with ``Retry-After`` for a while (docs/security.md)."""
    throttles: Throttles = request.app.state.throttles
    client = client_key(request)
    throttles.joins.check(client)
    try:
        participant, token, session = participant_service.join_session(
            db,
            body.join_code,
            body.nickname,
            profanity_filter=settings.nickname_profanity_filter,
            admit=throttles.cap.admit,
        )
    except NotFound:
        throttles.joins.wrong_code(client)
        raise
    return JoinOut(
        session_id=session.id,
        participant=Me(id=participant.id, nickname=participant.nickname),
        token=token,
    )


@router.get(
    "/sessions/{sid}/participants",
    summary="List participants",
    response_model=list[ParticipantOut],
    responses=error_responses(401, 403, 404, 422),
)
def list_participants(sid: uuid.UUID, admin: CurrentAdmin, db: Db) -> list[ParticipantOut]:
    """Everyone in the session with their connection status."""
    now = utcnow()
    return [participant_out(p, now) for p in participant_service.list_participants(db, admin, sid)]


@router.delete(
    "/sessions/{sid}/participants/{pid}",
    summary="Remove a participant",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(401, 403, 404, 409, 422),
)
def kick_participant(
    request: Request, sid: uuid.UUID, pid: uuid.UUID, admin: CurrentAdmin, db: Db
) -> None:
    """Remove someone with their answers; their token stops working."""
    # Rotates the session's live secret: the kicked phone's key to the shared document
    # stops working at the next snapshot, on every replica.
    participant_service.kick_participant(db, admin, sid, pid)
