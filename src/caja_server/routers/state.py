"""The whole live state for one viewer: the big screen's route (and old phones').

The big screen and the admin console poll it with a presenter token: it authenticates
against the database and renders the presenter's document from the session's snapshot (the
same one the phones' documents come from; a screen waits for one being computed, so it
shows news within a tick). Phones use their two documents instead
(:mod:`caja_server.routers.live`); a participant token here still gets their whole
document, for phones loaded from the previous release during an upgrade (deprecated).
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import JSONResponse

from caja_core.activity import Role
from caja_core.errors import AuthenticationFailed
from caja_core.services import admins, participants
from caja_core.services import sessions as session_service
from caja_core.services import state as state_service
from caja_core.storage.db import Database
from caja_core.storage.models import utcnow
from caja_server.deps import ADMIN_TOKEN_PREFIX, PARTICIPANT_TOKEN_PREFIX, Token
from caja_server.errors import error_responses
from caja_server.live import LiveDocuments
from caja_server.schemas import StateOut

router = APIRouter(prefix="/api", tags=["state"])


def _role_of(token: str | None) -> Role:
    if token is None:
        raise AuthenticationFailed("Log in or join the session first", reason="login_required")
    if token.startswith(ADMIN_TOKEN_PREFIX):
        return "presenter"
    if token.startswith(PARTICIPANT_TOKEN_PREFIX):
        return "participant"
    raise AuthenticationFailed("Not a Caja token")


def etag(version: int, tag_suffix: str) -> str:
    """``W/"<version>-presenter"`` or ``W/"<version>-participant-<id>"``."""
    return f'W/"{version}-{tag_suffix}"'


def client_version(tag_suffix: str, since: int | None, if_none_match: str | None) -> int | None:
    """The newest version the caller says it has: ``since``, or the ETags in
    ``If-None-Match`` that are this caller's."""
    best = since
    for raw in (if_none_match or "").split(","):
        tag = raw.strip().removeprefix("W/").strip('"')
        number, _, suffix = tag.partition("-")
        if suffix == tag_suffix and number.isdigit():
            best = int(number) if best is None else max(best, int(number))
    return best


@router.get(
    "/sessions/{sid}/state",
    summary="Live state of a session",
    response_model=StateOut,
    responses={
        304: {"description": "Not modified: the caller's version is current"},
        **error_responses(401, 403, 404, 422),
    },
)
def get_state(
    sid: uuid.UUID,
    request: Request,
    token: Token,
    since: Annotated[
        int | None, Query(ge=0, description="Answer 304 if the version is still this")
    ] = None,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """What the big screen (admin token or cookie) shows now. Poll it with the last
    ``ETag`` in ``If-None-Match`` (or ``?since=<version>``): while nothing changed the
    answer is an empty 304. With a participant token: that phone's whole document
    (deprecated: phones poll ``/api/sessions/{sid}/me`` and the shared document)."""
    role = _role_of(token)
    assert token is not None
    database: Database = request.app.state.db
    live: LiveDocuments = request.app.state.live
    with database.read() as db:
        participant = None
        if role == "presenter":
            admin = admins.admin_for_token(db, token)
            session_service.get_session(db, admin, sid)  # 404 for another admin's
            suffix = "presenter"
        else:
            participant = participants.participant_for_token(db, token, sid)
            suffix = f"participant-{participant.id}"
            live.seen.see(participant.id)
    snap = live.snapshot(sid, wait=role == "presenter")
    tag = etag(snap.version, suffix)
    headers = {"ETag": tag, "Cache-Control": "private, no-cache"}
    have = client_version(suffix, since, if_none_match)
    if have is not None and have >= snap.version:
        return Response(status_code=304, headers=headers)
    own = None
    if participant is not None:
        with database.read() as db:
            own = state_service.own_answers(db, snap, participant.id)
    doc = state_service.render(
        snap,
        role=role,
        participant_id=participant.id if participant is not None else None,
        nickname=participant.nickname if participant is not None else None,
        own_answers=own,
        now=utcnow(),
    )
    return JSONResponse(doc, headers=headers)
