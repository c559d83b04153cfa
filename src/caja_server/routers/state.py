"""The live state the big screen and the phones poll, with cheap 304s.

The poll path is built for volume. Most polls never reach this route: the outermost ASGI
layer (:mod:`caja_server.fastpath`) answers them from memory (304, or the document rendered
from the session's snapshot). Those that reach it try the same first
(:func:`~caja_server.live.look_up`, :func:`~caja_server.live.answer_for`); the rest
authenticate against the database, record that a participant was seen, compute the
session's snapshot if it is due, and render the document with the participant's own
answers read fresh.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import JSONResponse

from caja_core.activity import Role
from caja_core.errors import AuthenticationFailed
from caja_core.plugins import PluginHost
from caja_core.services import admins, participants
from caja_core.services import sessions as session_service
from caja_core.services import state as state_service
from caja_core.services.snapshots import SnapshotCache, compute_snapshot
from caja_core.storage.db import Database
from caja_core.storage.models import Participant, utcnow
from caja_server.deps import ADMIN_TOKEN_PREFIX, PARTICIPANT_TOKEN_PREFIX, Token
from caja_server.errors import error_responses
from caja_server.live import (
    Answer,
    BoardVersions,
    RecentAuth,
    Viewer,
    answer_for,
    compute_due,
    etag,
    look_up,
    not_modified,
)
from caja_server.schemas import StateOut

router = APIRouter(prefix="/api", tags=["state"])


def _role_of(token: str | None) -> Role:
    if token is None:
        raise AuthenticationFailed("Log in or join the session first")
    if token.startswith(ADMIN_TOKEN_PREFIX):
        return "presenter"
    if token.startswith(PARTICIPANT_TOKEN_PREFIX):
        return "participant"
    raise AuthenticationFailed("Not a Caja token")


def _respond(answer: Answer) -> Response:
    headers = {"ETag": answer.etag, "Cache-Control": "no-cache"}
    if answer.doc is None:
        return Response(status_code=304, headers=headers)
    return JSONResponse(answer.doc, headers=headers)


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
    """What the big screen (admin token or cookie) or a phone (participant token) shows
    now. Poll it with the last ``ETag`` in ``If-None-Match`` (or ``?since=<version>``):
    while nothing changed the answer is an empty 304."""
    role = _role_of(token)
    assert token is not None
    conditional = since is not None or bool(if_none_match)
    lookup = look_up(request.app.state.live, sid, token, conditional=conditional)
    if lookup is not None:
        screen = lookup.viewer.participant_id is None
        snap = lookup.snapshot or compute_due(request.app.state, sid, lookup.version, screen=screen)
        return _respond(
            answer_for(request.app.state.live, lookup.viewer, snap, since, if_none_match)
        )
    return _respond(_from_database(request, sid, token, role, since, if_none_match))


def _from_database(
    request: Request,
    sid: uuid.UUID,
    token: str,
    role: Role,
    since: int | None,
    if_none_match: str | None,
) -> Answer:
    """Authenticate, record that a participant was seen, and answer from the session's
    snapshot (computed here when needed) with the participant's own answers read fresh."""
    database: Database = request.app.state.db
    host: PluginHost = request.app.state.host
    recent: RecentAuth = request.app.state.live.recent_auth
    snapshots: SnapshotCache = request.app.state.live.snapshots
    versions: BoardVersions = request.app.state.versions
    now = utcnow()
    touch = None
    with database.read() as db:
        participant = None
        if role == "presenter":
            admin = admins.admin_for_token(db, token)
            session_service.get_session(db, admin, sid)  # 404 for another admin's
            viewer = Viewer("presenter", "presenter")
        else:
            participant = participants.participant_for_token(db, token, sid)
            viewer = Viewer(
                f"participant-{participant.id}", "participant", participant.id, participant.nickname
            )
            if participants.connection_status(participant, now) == "disconnected":
                touch = participant.id  # back after a while: show it at once
            else:
                request.app.state.live.seen.see(participant.id)
        recent.put(token, sid, viewer)
        snap = snapshots.get(
            sid,
            versions.current(sid),
            lambda: compute_snapshot(db, host, sid, now, snapshots.peek(sid)),
            screen=role == "presenter",
        )
        tag = etag(snap.version, viewer.tag_suffix)
        if not_modified(snap.version, viewer.tag_suffix, since, if_none_match):
            doc = None
        else:
            own = None
            if participant is not None:
                own = state_service.own_answers(db, snap, participant.id)
            doc = state_service.render(
                snap,
                role=role,
                participant_id=viewer.participant_id,
                nickname=viewer.nickname,
                own_answers=own,
                now=now,
            )
    if touch is not None:
        _touch(database, touch, now)
    return Answer(tag, doc)


def _touch(database: Database, participant_id: uuid.UUID, now: dt.datetime) -> None:
    # A separate short write: the poll itself only reads (no write lock on SQLite).
    with database.transaction() as db:
        participant = db.get(Participant, participant_id)
        if participant is not None:
            participants.touch_participant(db, participant, now)
