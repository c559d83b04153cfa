"""The live state the big screen and the phones poll, with cheap 304s.

The poll path is built for volume. Most unchanged polls never reach this route: the
outermost ASGI layer (:mod:`caja_server.fastpath`) answers them from memory. Those that do
(the board did not know the version yet) and whose caller was authenticated for this session
by this process within the last few seconds (:class:`RecentAuth`) only look up the session's
version (:class:`VersionSource`: the in-memory board, else one tiny query) and answer 304 when
the caller already has it. Everything else takes the full path: authenticate, record that a
participant was seen, and build the document.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import time
import uuid
from typing import Annotated, Literal, Protocol

from fastapi import APIRouter, Header, Query, Request, Response
from fastapi.responses import JSONResponse

from caja_core.errors import AuthenticationFailed
from caja_core.plugins import PluginHost
from caja_core.services import admins, participants
from caja_core.services import sessions as session_service
from caja_core.services import state as state_service
from caja_core.storage.db import Database
from caja_core.storage.models import Participant, utcnow
from caja_server.deps import ADMIN_TOKEN_PREFIX, PARTICIPANT_TOKEN_PREFIX, Token
from caja_server.errors import error_responses
from caja_server.schemas import StateOut

router = APIRouter(prefix="/api", tags=["state"])

Role = Literal["presenter", "participant"]


class VersionSource(Protocol):
    """Where the poll path reads a session's current version."""

    def current(self, session_id: uuid.UUID) -> int:
        """The version; raises NotFound for an unknown session."""
        ...


class RecentAuth:
    """Remembers, for a few seconds, that a token was checked for a session (and whose it
    was), so polls in between skip the token lookup. Only the 304 path trusts it."""

    def __init__(self, ttl_seconds: float = 10.0, max_entries: int = 100_000) -> None:
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        self._entries: dict[tuple[str, uuid.UUID], tuple[float, str]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(token: str, session_id: uuid.UUID) -> tuple[str, uuid.UUID]:
        return hashlib.sha256(token.encode()).hexdigest(), session_id

    def get(self, token: str, session_id: uuid.UUID) -> str | None:
        """The ETag suffix remembered for this caller, or None when not fresh."""
        entry = self._entries.get(self._key(token, session_id))
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, token: str, session_id: uuid.UUID, tag_suffix: str) -> None:
        """Remember a successful authentication."""
        now = time.monotonic()
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries = {k: v for k, v in self._entries.items() if v[0] >= now}
                if len(self._entries) >= self.max_entries:
                    self._entries.clear()
            self._entries[self._key(token, session_id)] = (now + self.ttl, tag_suffix)

    def forget(self, *, token: str | None = None, tag_suffix: str | None = None) -> None:
        """Drop what is remembered for a token (logout) or an ETag suffix such as
        ``participant-<id>`` (kick), so this process stops answering their polls at once."""
        token_hash = hashlib.sha256(token.encode()).hexdigest() if token else None
        with self._lock:
            self._entries = {
                key: value
                for key, value in self._entries.items()
                if key[0] != token_hash and value[1] != tag_suffix
            }


def etag(version: int, tag_suffix: str) -> str:
    """``W/"<version>-presenter"`` or ``W/"<version>-participant-<id>"`` (a participant's
    document is their own)."""
    return f'W/"{version}-{tag_suffix}"'


def not_modified(
    version: int, tag_suffix: str, since: int | None, if_none_match: str | None
) -> bool:
    """Whether the caller already has ``version``: ``since`` names it or ``If-None-Match``
    lists its ETag (weak or strong). The route and the fast path share this one check."""
    if since is not None and since == version:
        return True
    if if_none_match:
        tags = {t.strip() for t in if_none_match.split(",")}
        current = etag(version, tag_suffix)
        return current in tags or current.removeprefix("W/") in tags
    return False


def _role_of(token: str | None) -> Role:
    if token is None:
        raise AuthenticationFailed("Log in or join the session first")
    if token.startswith(ADMIN_TOKEN_PREFIX):
        return "presenter"
    if token.startswith(PARTICIPANT_TOKEN_PREFIX):
        return "participant"
    raise AuthenticationFailed("Not a Caja token")


def _no_body(version: int, tag_suffix: str) -> Response:
    return Response(
        status_code=304, headers={"ETag": etag(version, tag_suffix), "Cache-Control": "no-cache"}
    )


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
    recent: RecentAuth = request.app.state.recent_auth
    versions: VersionSource = request.app.state.versions
    known_suffix = recent.get(token, sid)
    if known_suffix is not None and (since is not None or if_none_match):
        version = versions.current(sid)
        if not_modified(version, known_suffix, since, if_none_match):
            return _no_body(version, known_suffix)
    return _full_state(request, sid, token, role, since, if_none_match)


def _full_state(
    request: Request,
    sid: uuid.UUID,
    token: str,
    role: Role,
    since: int | None,
    if_none_match: str | None,
) -> Response:
    database: Database = request.app.state.db
    host: PluginHost = request.app.state.host
    recent: RecentAuth = request.app.state.recent_auth
    now = utcnow()
    touch = None
    with database.read() as db:
        participant = None
        if role == "presenter":
            admin = admins.admin_for_token(db, token)
            session_service.get_session(db, admin, sid)  # 404 for another admin's
            suffix = "presenter"
        else:
            participant = participants.participant_for_token(db, token, sid)
            suffix = f"participant-{participant.id}"
            if participant.last_seen_at < now - participants.TOUCH_INTERVAL:
                touch = participant.id
        version = state_service.session_version(db, sid)
        recent.put(token, sid, suffix)
        if not_modified(version, suffix, since, if_none_match):
            doc = None
        else:
            doc = state_service.build_state(
                db,
                host,
                sid,
                role=role,
                participant=participant,
                now=now,
                cache=request.app.state.results_cache,
            )
    if touch is not None:
        _touch(database, touch, now)
    if doc is None:
        return _no_body(version, suffix)
    return JSONResponse(
        doc, headers={"ETag": etag(doc["version"], suffix), "Cache-Control": "no-cache"}
    )


def _touch(database: Database, participant_id: uuid.UUID, now: dt.datetime) -> None:
    # A separate short write: the poll itself only reads (no write lock on SQLite).
    with database.transaction() as db:
        participant = db.get(Participant, participant_id)
        if participant is not None:
            participants.touch_participant(db, participant, now)
