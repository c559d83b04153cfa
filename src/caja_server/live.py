"""The live poll path's memory: versions, recent callers and snapshots, and the answer a
poll gets when everything it needs is already in memory.

- :class:`BoardVersions`: a session's newest version from the process's version board,
  else one tiny query.
- :class:`RecentAuth`: who a token was, for a few seconds after the database said so.
- :func:`look_up` and :func:`answer_for`: who polls and which snapshot answers them, then
  304 or their document rendered from it. When a new snapshot is due, one request computes
  it (:func:`compute_due`, in a worker thread) while the others keep getting the previous
  one. Both the route and the outermost fast path (:mod:`caja_server.fastpath`) use these,
  so they can't disagree.
- :class:`SeenBuffer`: participants seen polling, written in batches.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from typing import Any, NamedTuple

from caja_core.activity import Role
from caja_core.live import PostgresVersionRelay, VersionBoard, connect_board
from caja_core.services import participants
from caja_core.services import state as state_service
from caja_core.services.snapshots import Snapshot, SnapshotCache, compute_snapshot
from caja_core.storage.db import Database
from caja_core.storage.models import utcnow


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


@dataclass(slots=True, frozen=True)
class LiveMemory:
    """What a poll is answered from, in one object (``app.state.live``): the poll path
    reads it once per request instead of looking each part up on the app's ``state``."""

    board: VersionBoard
    recent_auth: RecentAuth
    snapshots: SnapshotCache
    seen: SeenBuffer


def attach_live_versions(
    app: Any, database: Database, *, tick: float = 0.2
) -> PostgresVersionRelay | None:
    """Give ``app.state`` its :class:`LiveMemory` (``app.state.live``: a version board fed
    by ``database``'s commits, an empty :class:`RecentAuth`, a :class:`SnapshotCache` with
    ``tick`` and a :class:`SeenBuffer`) and, on PostgreSQL, a relay to share versions with
    other replicas (start it in the lifespan). Returns the relay, or None on SQLite."""
    board, relay = connect_board(database, start=False)
    app.state.versions = BoardVersions(board, database)
    app.state.relay = relay
    app.state.live = LiveMemory(board, RecentAuth(), SnapshotCache(tick=tick), SeenBuffer(database))
    return relay


class Viewer(NamedTuple):
    """Who a recently checked token belongs to."""

    tag_suffix: str
    """``presenter`` or ``participant-<id>``: the ETag's second half."""
    role: Role
    participant_id: uuid.UUID | None = None
    nickname: str | None = None


class RecentAuth:
    """Remembers, for ``ttl_seconds``, that a token was checked for a session (and whose
    it was), so polls in between skip the token lookup. Logging out or kicking someone
    forgets them at once in this process. :meth:`revalidate` (every few seconds, from the
    app's lifespan) checks every participant entry used since the last round against the
    database in one query per 500 and keeps the valid ones: a phone that keeps polling is
    never sent back to the database path, and a participant kicked or deleted through
    another replica stops being served here within one round. Presenter entries simply
    expire (answers and every other request always check the database)."""

    def __init__(self, ttl_seconds: float = 30.0, max_entries: int = 100_000) -> None:
        self.ttl = ttl_seconds
        self.max_entries = max_entries
        # key -> [expires at, viewer, used since the last revalidation]
        self._entries: dict[tuple[str, uuid.UUID], list[Any]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(token: str, session_id: uuid.UUID) -> tuple[str, uuid.UUID]:
        # The participants table's own token hash: revalidate() looks the keys up there.
        return participants.hash_token(token), session_id

    def get(self, token: str, session_id: uuid.UUID) -> Viewer | None:
        """Who the token is, or None when not checked recently."""
        entry = self._entries.get(self._key(token, session_id))
        if entry is None or entry[0] < time.monotonic():
            return None
        entry[2] = True
        viewer: Viewer = entry[1]
        return viewer

    def put(self, token: str, session_id: uuid.UUID, viewer: Viewer) -> None:
        """Remember a successful authentication."""
        now = time.monotonic()
        with self._lock:
            if len(self._entries) >= self.max_entries:
                self._entries = {k: v for k, v in self._entries.items() if v[0] >= now}
                if len(self._entries) >= self.max_entries:
                    self._entries.clear()
            # Counts as used: the next round keeps it even if its phone has not polled yet
            # (a page loaded in the lobby, the activity starting a minute later).
            self._entries[self._key(token, session_id)] = [now + self.ttl, viewer, True]

    def forget(self, *, token: str | None = None, tag_suffix: str | None = None) -> None:
        """Drop what is remembered for a token (logout) or an ETag suffix such as
        ``participant-<id>`` (kick), so this process stops answering their polls at once."""
        token_hash = participants.hash_token(token) if token else None
        with self._lock:
            self._entries = {
                key: value
                for key, value in self._entries.items()
                if key[0] != token_hash and value[1].tag_suffix != tag_suffix
            }

    def revalidate(self, database: Database) -> tuple[int, int]:
        """Check the participant entries used since the last call against the database:
        extend the valid ones by the TTL, drop the others (and every expired entry).
        Returns ``(kept, dropped)``."""
        now = time.monotonic()
        with self._lock:
            used = {
                key: entry
                for key, entry in self._entries.items()
                if entry[2] and entry[0] >= now and entry[1].role == "participant"
            }
        valid: set[tuple[str, uuid.UUID]] = set()
        hashes = [token_hash for token_hash, _ in used]
        with database.read() as db:
            for start in range(0, len(hashes), 500):
                valid.update(participants.token_sessions(db, hashes[start : start + 500]))
        now = time.monotonic()
        dropped = 0
        with self._lock:
            for key, entry in list(self._entries.items()):
                if used.get(key) is not entry:  # not checked (or put again since)
                    if entry[0] < now:
                        del self._entries[key]
                elif key in valid:
                    entry[0], entry[2] = now + self.ttl, False
                else:
                    del self._entries[key]
                    dropped += 1
        return len(used) - dropped, dropped


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


def answer_for(
    live: LiveMemory,
    viewer: Viewer,
    snap: Snapshot,
    since: int | None,
    if_none_match: str | None,
) -> Answer:
    """304 when the caller has this snapshot's version (or newer), else its document
    rendered from the snapshot (a participant's own answers as the snapshot holds them).
    Phones may be shown an earlier snapshot while only answers moved
    (:meth:`~caja_core.services.snapshots.SnapshotCache.for_participant`)."""
    if viewer.participant_id is not None:
        snap = live.snapshots.for_participant(snap.session_id, snap, viewer.participant_id)
    tag = etag(snap.version, viewer.tag_suffix)
    # A poll sends back the ETag it got: the common case needs no parsing.
    if if_none_match == tag or not_modified(snap.version, viewer.tag_suffix, since, if_none_match):
        return Answer(tag, None)
    doc = state_service.render(
        snap,
        role=viewer.role,
        participant_id=viewer.participant_id,
        nickname=viewer.nickname,
        now=utcnow(),
    )
    return Answer(tag, doc)


class Lookup(NamedTuple):
    """What memory knows about a poll: who asks, and the snapshot to answer from.

    ``snapshot`` is None when a new one is due (``version`` says which is current) and no
    other thread is computing it already."""

    viewer: Viewer
    version: int
    snapshot: Snapshot | None


def look_up(
    live: LiveMemory, session_id: uuid.UUID, token: str, *, conditional: bool = True
) -> Lookup | None:
    """The caller and the snapshot to serve, from memory; None when the database is
    needed to know who the caller is, the session's version, or anything at all about it.

    ``conditional`` says the caller sent ``If-None-Match`` or ``since``: it has a document
    and is polling. A phone without one is loading the page (a reload, a new tab), which
    is rare and must show the answers it just sent, so it goes to the database."""
    viewer = live.recent_auth.get(token, session_id)
    if viewer is None or (viewer.participant_id is not None and not conditional):
        return None
    version = live.board.get(session_id)
    if version is None:
        return None
    snapshots = live.snapshots
    screen = viewer.participant_id is None
    snap = snapshots.visible(session_id, version, screen=screen)
    if snap is None:
        previous = snapshots.peek(session_id)
        if previous is None:
            return None
        if snapshots.computing(session_id) and not screen:
            snap = previous  # one thread computes; the others keep showing the last one
    if viewer.participant_id is not None:
        live.seen.see(viewer.participant_id)
    return Lookup(viewer, version, snap)


def compute_due(
    state: Any, session_id: uuid.UUID, version: int, *, screen: bool = False
) -> Snapshot:
    """The session's snapshot for ``version`` (computed here unless another thread just
    did; the presenter's ``screen`` waits for one being computed); blocking: run it in a
    worker thread."""

    def compute() -> Snapshot:
        with state.db.read() as db:
            previous = snapshots.peek(session_id)
            return compute_snapshot(db, state.host, session_id, utcnow(), previous)

    snapshots: SnapshotCache = state.live.snapshots
    return snapshots.get(session_id, version, compute, screen=screen)


class SeenBuffer:
    """Participants seen polling, written to the database in batches.

    A poll answered from memory must not write; :meth:`flush` (every few seconds, from the
    app's lifespan) records everyone seen since the last flush with one statement per 500.
    """

    def __init__(self, database: Database) -> None:
        self.database = database
        self._ids: set[uuid.UUID] = set()
        self._lock = threading.Lock()

    def see(self, participant_id: uuid.UUID) -> None:
        """Note that a participant polled."""
        self._ids.add(participant_id)

    def flush(self) -> int:
        """Write what was seen; returns how many participants."""
        with self._lock:
            ids, self._ids = self._ids, set()
        if not ids:
            return 0
        with self.database.transaction() as db:
            participants.mark_seen(db, ids, utcnow())
        return len(ids)
