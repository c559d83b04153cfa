"""The live poll path's memory: versions, recent callers and snapshots, and the answer a
poll gets when everything it needs is already in memory.

- :class:`BoardVersions`: a session's newest version from the process's version board,
  else one tiny query.
- :class:`RecentAuth`: who a token was, for a few seconds after the database said so.
- :func:`answer_from_memory`: 304, or the caller's whole document rendered from the
  session's snapshot, or None when the database is needed (the route then authenticates,
  computes the snapshot and refreshes these caches). Both the route and the outermost
  fast path (:mod:`caja_server.fastpath`) use it, so they can't disagree.
"""

from __future__ import annotations

import hashlib
import threading
import time
import uuid
from typing import Any, Literal, NamedTuple

from caja_core.live import PostgresVersionRelay, VersionBoard, connect_board
from caja_core.services import state as state_service
from caja_core.services.snapshots import SnapshotCache
from caja_core.storage.db import Database
from caja_core.storage.models import utcnow

Role = Literal["presenter", "participant"]


class BoardVersions:
    """The poll path's version source: the in-memory board first, the database when the
    board does not know (the answer then goes on the board for the next polls)."""

    def __init__(self, board: VersionBoard, database: Database) -> None:
        self.board = board
        self.database = database

    def current(self, session_id: uuid.UUID) -> int:
        """The session's version; raises NotFound for an unknown session."""
        known = self.board.get(session_id)
        if known is not None:
            return known
        generation = self.board.generation
        with self.database.read() as db:
            version = state_service.session_version(db, session_id)
        self.board.update_if(generation, {session_id: version})
        return version


def attach_live_versions(
    app: Any, database: Database, *, tick: float = 0.2
) -> PostgresVersionRelay | None:
    """Give ``app.state`` a version board fed by ``database``'s commits (and, on
    PostgreSQL, a relay to share them with other replicas; start it in the lifespan), an
    empty :class:`RecentAuth` and a :class:`SnapshotCache` with ``tick``.
    Returns the relay, or None on SQLite."""
    board, relay = connect_board(database, start=False)
    app.state.board = board
    app.state.versions = BoardVersions(board, database)
    app.state.relay = relay
    app.state.recent_auth = RecentAuth()
    app.state.snapshots = SnapshotCache(tick=tick)
    return relay


class Viewer(NamedTuple):
    """Who a recently checked token belongs to."""

    tag_suffix: str
    """``presenter`` or ``participant-<id>``: the ETag's second half."""
    role: Role
    participant_id: uuid.UUID | None = None
    nickname: str | None = None


class RecentAuth:
    """Remembers, for a few seconds, that a token was checked for a session (and whose it
    was), so polls in between skip the token lookup."""

    def __init__(self, ttl_seconds: float = 10.0, max_entries: int = 100_000) -> None:
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        self._entries: dict[tuple[str, uuid.UUID], tuple[float, Viewer]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(token: str, session_id: uuid.UUID) -> tuple[str, uuid.UUID]:
        return hashlib.sha256(token.encode()).hexdigest(), session_id

    def get(self, token: str, session_id: uuid.UUID) -> Viewer | None:
        """Who the token is, or None when not checked recently."""
        entry = self._entries.get(self._key(token, session_id))
        if entry is None or entry[0] < time.monotonic():
            return None
        return entry[1]

    def put(self, token: str, session_id: uuid.UUID, viewer: Viewer) -> None:
        """Remember a successful authentication."""
        now = time.monotonic()
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries = {k: v for k, v in self._entries.items() if v[0] >= now}
                if len(self._entries) >= self.max_entries:
                    self._entries.clear()
            self._entries[self._key(token, session_id)] = (now + self.ttl, viewer)

    def forget(self, *, token: str | None = None, tag_suffix: str | None = None) -> None:
        """Drop what is remembered for a token (logout) or an ETag suffix such as
        ``participant-<id>`` (kick), so this process stops answering their polls at once."""
        token_hash = hashlib.sha256(token.encode()).hexdigest() if token else None
        with self._lock:
            self._entries = {
                key: value
                for key, value in self._entries.items()
                if key[0] != token_hash and value[1].tag_suffix != tag_suffix
            }


def etag(version: int, tag_suffix: str) -> str:
    """``W/"<version>-presenter"`` or ``W/"<version>-participant-<id>"`` (a participant's
    document is their own)."""
    return f'W/"{version}-{tag_suffix}"'


def client_version(tag_suffix: str, since: int | None, if_none_match: str | None) -> int | None:
    """The newest version the caller says it has: ``since``, or the ETags in
    ``If-None-Match`` (weak or strong) that are this caller's."""
    best = since
    if if_none_match:
        for raw in if_none_match.split(","):
            tag = raw.strip().removeprefix("W/").strip('"')
            number, _, suffix = tag.partition("-")
            if suffix == tag_suffix and number.isdigit():
                value = int(number)
                best = value if best is None else max(best, value)
    return best


def not_modified(
    version: int, tag_suffix: str, since: int | None, if_none_match: str | None
) -> bool:
    """Whether the caller already has ``version`` (or something newer, served by another
    replica): 304 then."""
    have = client_version(tag_suffix, since, if_none_match)
    return have is not None and have >= version


class Answer(NamedTuple):
    """What a poll gets: ``doc`` None means 304 with ``etag``."""

    etag: str
    doc: dict[str, Any] | None


def answer_from_memory(
    state: Any, session_id: uuid.UUID, token: str, since: int | None, if_none_match: str | None
) -> Answer | None:
    """Answer a poll from the app's memory alone, or None when that is not possible.

    It is possible when the token was authenticated for this session moments ago, the
    board knows the session's version, and the snapshot cache holds a snapshot it may serve
    for that version. The participant's own answers then come from the snapshot.
    """
    viewer: Viewer | None = state.recent_auth.get(token, session_id)
    if viewer is None:
        return None
    snapshots: SnapshotCache = state.snapshots
    snap = snapshots.visible(session_id, state.board.get(session_id))
    if snap is None:
        return None
    tag = etag(snap.version, viewer.tag_suffix)
    if not_modified(snap.version, viewer.tag_suffix, since, if_none_match):
        return Answer(tag, None)
    doc = state_service.render(
        snap,
        role=viewer.role,
        participant_id=viewer.participant_id,
        nickname=viewer.nickname,
        now=utcnow(),
    )
    return Answer(tag, doc)
