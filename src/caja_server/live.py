"""The process's live documents: one object renders and keeps what phones and screens poll.

- :class:`BoardVersions`: a session's newest version from the process's version board,
  else one tiny query.
- :class:`LiveDocuments`: the session's snapshot (computed at most once per tick, one
  thread at a time per session), the shared documents' encoded bytes per key, and each
  participant's personal document cut from the same snapshot (who a token is, is in the
  snapshot's roster). See ``docs/architecture.md`` ("Live documents").
- :class:`SeenBuffer`: participants seen, written in batches.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from dataclasses import dataclass
from typing import Any, NamedTuple

import orjson
from sqlalchemy import update

from caja_core.activity import StoredAnswer
from caja_core.live import PostgresVersionRelay, VersionBoard, connect_board
from caja_core.plugins import PluginHost
from caja_core.services import participants
from caja_core.services import state as state_service
from caja_core.services._common import hash_token, stored_answers
from caja_core.services.documents import key_variant, personal_document
from caja_core.services.documents import shared_document as render_shared
from caja_core.services.snapshots import Snapshot, SnapshotCache, compute_snapshot
from caja_core.storage.db import Database
from caja_core.storage.models import Session, new_live_secret, utcnow


@dataclass(frozen=True)
class LiveTuning:
    """Every knob of the live path, in one place (from :class:`~caja_server.settings.Settings`,
    ``CAJA_LIVE_*``)."""

    tick: float = 0.2
    """Seconds a snapshot is served after newer versions exist (at most ~5 aggregations a
    second per session in a burst); 0 computes every version (tests)."""
    shared_max_age: int = 1
    """``Cache-Control: public, max-age`` of a shared document: how long any HTTP cache
    (nginx, CloudFront, the browser) may answer it without asking."""
    poll_interval_ms: int = 2000
    """How often a phone polls its shared document."""
    heartbeat_ms: int = 15000
    """How often a phone fetches its personal document even when nothing says it changed
    (that is also how a participant counts as connected, within 30 s)."""
    max_answer_batch: int = 256
    """Answers stored in one transaction at most (the answer writer's group commit)."""
    seen_flush_seconds: float = 5.0
    """How often participants seen are written (one statement per 500)."""


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


class Encoded(NamedTuple):
    """A shared document as sent: its strong ETag and its bytes."""

    etag: str
    body: bytes


MAX_KEYS_PER_SNAPSHOT = 64
"""Encoded shared documents kept per session snapshot (one per variant in use)."""


class LiveDocuments:
    """Renders a session's live documents from its snapshot; one per process
    (``app.state.live``)."""

    def __init__(
        self, database: Database, host: PluginHost, board: VersionBoard, tuning: LiveTuning
    ) -> None:
        self.database = database
        self.host = host
        self.board = board
        self.versions = BoardVersions(board, database)
        self.tuning = tuning
        self.snapshots = SnapshotCache(tick=tuning.tick)
        self.seen = SeenBuffer(database)
        self._encoded: dict[uuid.UUID, tuple[Snapshot, dict[str, Encoded]]] = {}
        self._before: dict[uuid.UUID, Snapshot] = {}
        """Per session, the last snapshot of its previous activity (or secret): whose keys
        are retired."""
        self.rendered = 0
        """Shared documents rendered (tests and the bench read it)."""

    # -- snapshots --------------------------------------------------------------------

    def ready(self, session_id: uuid.UUID) -> Snapshot | None:
        """The snapshot to serve now from memory alone, or None when one must be computed
        (call :meth:`snapshot` in a worker thread then). While another thread computes
        the next one, the previous one is served."""
        version = self.board.get(session_id)
        if version is None:
            return None
        snap = self.snapshots.visible(session_id, version)
        if snap is None and self.snapshots.computing(session_id):
            snap = self.snapshots.peek(session_id)
        return snap

    def snapshot(self, session_id: uuid.UUID, *, wait: bool = False) -> Snapshot:
        """The session's snapshot for its current version (computed here when due; NotFound
        for an unknown session). Blocking: run it in a worker thread. ``wait``: wait for one
        being computed instead of taking the previous one (the big screen)."""
        version = self.versions.current(session_id)
        return self.snapshots.get(session_id, version, lambda: self._compute(session_id), wait=wait)

    def _compute(self, session_id: uuid.UUID) -> Snapshot:
        with self.database.read() as db:
            previous = self.snapshots.peek(session_id)
            snap = compute_snapshot(db, self.host, session_id, utcnow(), previous)
        if snap.live_secret is None:  # a session from before migration 0007
            self._give_secret(session_id)
            with self.database.read() as db:
                snap = compute_snapshot(db, self.host, session_id, utcnow(), previous)
        return snap

    def _give_secret(self, session_id: uuid.UUID) -> None:
        # No version bump: nobody holds a key to this session's documents yet.
        with self.database.transaction() as db:
            db.execute(
                update(Session)
                .where(Session.id == session_id, Session.live_secret.is_(None))
                .values(live_secret=new_live_secret())
            )

    def forget(self, session_id: uuid.UUID) -> None:
        """Drop what is kept of a session (deleted)."""
        self.board.forget(session_id)
        self.snapshots.forget(session_id)
        self._encoded.pop(session_id, None)
        self._before.pop(session_id, None)

    # -- documents --------------------------------------------------------------------

    def shared(self, snap: Snapshot, key: str) -> Encoded | None:
        """The shared document ``key`` opens in this snapshot, encoded once per snapshot;
        None for a key this snapshot does not know (wrong, old activity, rotated secret)."""
        entry = self._encoded.get(snap.session_id)
        if entry is None or entry[0].version < snap.version:
            if entry is not None and _key_scope(entry[0]) != _key_scope(snap):
                self._before[snap.session_id] = entry[0]
            entry = (snap, {})
            self._encoded[snap.session_id] = entry
        elif entry[0] is not snap:  # an older snapshot still served: render, don't keep
            entry = (snap, {})
        found = entry[1].get(key)
        if found is not None:
            return found
        variant = key_variant(snap, key)
        if variant is None:
            return None
        self.rendered += 1
        encoded = Encoded(f'"{snap.version}"', orjson.dumps(render_shared(snap, variant)))
        if len(entry[1]) < MAX_KEYS_PER_SNAPSHOT:
            entry[1][key] = encoded
        return encoded

    def retired(self, snap: Snapshot, key: str) -> bool:
        """Whether ``key`` opened this session's document before its current activity (or
        live secret) and opens nothing now: a 404 that the next seconds will not change,
        so a shared cache may keep it (it tells nothing: the phone had the key)."""
        before = self._before.get(snap.session_id)
        return (
            before is not None
            and before.version < snap.version
            and key_variant(snap, key) is None
            and key_variant(before, key) is not None
        )

    def participant_in(self, snap: Snapshot, token: str) -> uuid.UUID | None:
        """Whose token this is, if the snapshot's roster knows it (no database)."""
        if snap.roster is None:
            return None
        return snap.roster.tokens.get(hash_token(token))

    def personal(
        self,
        snap: Snapshot,
        participant_id: uuid.UUID,
        *,
        nickname: str | None = None,
        own_answers: list[StoredAnswer] | None = None,
        version: int | None = None,
    ) -> dict[str, Any]:
        """A participant's personal document from the snapshot (own answers as the snapshot
        holds them unless given), with the path of their shared document."""
        self.seen.see(participant_id)
        doc = personal_document(
            snap,
            participant_id,
            nickname=nickname,
            own_answers=own_answers,
            version=version,
            now=utcnow(),
        )
        key = doc.pop("live_key")
        doc["live"] = {
            "path": f"/api/live/{snap.session_id}/{key}",
            "poll_interval_ms": self.tuning.poll_interval_ms,
            "heartbeat_ms": self.tuning.heartbeat_ms,
        }
        return doc

    def personal_from_database(self, session_id: uuid.UUID, token: str) -> dict[str, Any]:
        """The personal document of a participant the snapshot does not know yet (joined
        since): authenticated and their answers read in the database. Blocking."""
        with self.database.read() as db:
            participant = participants.participant_for_token(db, token, session_id)
            pid, nickname = participant.id, participant.nickname
        snap = self.snapshot(session_id)
        own = None
        if snap.activity is not None:
            with self.database.read() as db:
                own = stored_answers(db, snap.activity.id, pid)
        return self.personal(snap, pid, nickname=nickname, own_answers=own)


def _key_scope(snap: Snapshot) -> tuple[uuid.UUID | None, str | None]:
    """What a shared document's keys are tied to besides the session."""
    return (snap.activity.id if snap.activity is not None else None, snap.live_secret)


def with_answer(snap: Snapshot, answer: StoredAnswer) -> list[StoredAnswer]:
    """The participant's answers in the snapshot with ``answer`` in its slot."""
    own = [a for a in snap.answers.get(answer.participant_id, []) if a.slot != answer.slot]
    return sorted([*own, answer], key=lambda a: a.submitted_at)


def attach_live(
    app: Any, database: Database, host: PluginHost, tuning: LiveTuning
) -> PostgresVersionRelay | None:
    """Give ``app.state`` its :class:`LiveDocuments` (``app.state.live``, on a version board
    fed by ``database``'s commits) and, on PostgreSQL, a relay to share versions with other
    replicas (start it in the lifespan). Returns the relay, or None on SQLite."""
    board, relay = connect_board(database, start=False)
    app.state.relay = relay
    app.state.live = LiveDocuments(database, host, board, tuning)
    return relay


class SeenBuffer:
    """Participants seen, written to the database in batches.

    A document answered from memory must not write; :meth:`flush` (every few seconds, from
    the app's lifespan) records everyone seen since the last flush with one statement per 500.
    """

    def __init__(self, database: Database) -> None:
        self.database = database
        self._ids: set[uuid.UUID] = set()
        self._lock = threading.Lock()

    def see(self, participant_id: uuid.UUID) -> None:
        """Note that a participant was seen."""
        self._ids.add(participant_id)

    def flush(self, now: dt.datetime | None = None) -> int:
        """Write what was seen; returns how many participants."""
        with self._lock:
            ids, self._ids = self._ids, set()
        if not ids:
            return 0
        with self.database.transaction() as db:
            participants.mark_seen(db, ids, now or utcnow())
        return len(ids)
