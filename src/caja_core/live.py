"""Knowing a session's version without asking the database.

Most polls find nothing new. To answer them with 304 cheaply, every process keeps a
:class:`VersionBoard`: the newest version it knows for each session.

- Changes made by this process reach the board right after their commit (a commit listener
  on :class:`~caja_core.storage.db.Database`).
- On PostgreSQL, a :class:`PostgresVersionRelay` shares changes between replicas: each
  replica batches the versions it committed and sends them with one ``NOTIFY`` per tick
  (never one per answer); every replica ``LISTEN``\\ s and updates its board. If the listening
  connection drops, the board is cleared (so polls fall back to reading the database) until
  it is listening again.
- On SQLite (one machine, one process) the local commit listener is all there is.

A board entry is a lower bound: a poll whose ETag matches it may still be stale by at most
one relay tick, which is well inside a poll interval.
"""

from __future__ import annotations

import contextlib
import threading
import uuid
from typing import TYPE_CHECKING

import structlog

if TYPE_CHECKING:
    from caja_core.storage.db import Database

log = structlog.get_logger(__name__)

CHANNEL = "caja_versions"
_MAX_PAYLOAD = 7900  # PostgreSQL's NOTIFY payload limit is 8000 bytes


class VersionBoard:
    """The newest known version per session, shared by every request of one process."""

    def __init__(self) -> None:
        self._versions: dict[uuid.UUID, int] = {}
        self._lock = threading.Lock()
        self.enabled = True
        """False while cross-replica updates can't be trusted (relay disconnected)."""
        self.generation = 0
        """Bumped by :meth:`clear`; see :meth:`update_if`."""

    def get(self, session_id: uuid.UUID) -> int | None:
        """The known version, or None when unknown (then ask the database)."""
        if not self.enabled:
            return None
        return self._versions.get(session_id)

    def update(self, versions: dict[uuid.UUID, int]) -> None:
        """Record versions; a version never goes backwards."""
        with self._lock:
            self._merge(versions)

    def update_if(self, generation: int, versions: dict[uuid.UUID, int]) -> None:
        """Record versions read from the database, unless the board was cleared since
        ``generation`` was read (the read may predate changes the board never heard of)."""
        with self._lock:
            if generation == self.generation and self.enabled:
                self._merge(versions)

    def _merge(self, versions: dict[uuid.UUID, int]) -> None:
        for sid, version in versions.items():
            if version > self._versions.get(sid, 0):
                self._versions[sid] = version

    def forget(self, session_id: uuid.UUID) -> None:
        """Drop one session (e.g. deleted)."""
        with self._lock:
            self._versions.pop(session_id, None)

    def clear(self) -> None:
        """Forget everything."""
        with self._lock:
            self._versions.clear()
            self.generation += 1

    def __len__(self) -> int:
        return len(self._versions)


def encode_versions(versions: dict[uuid.UUID, int]) -> list[str]:
    """NOTIFY payloads ("<hex id>:<version>,...") each under PostgreSQL's size limit."""
    payloads, current = [], ""
    for sid, version in versions.items():
        item = f"{sid.hex}:{version}"
        if current and len(current) + len(item) + 1 > _MAX_PAYLOAD:
            payloads.append(current)
            current = ""
        current = f"{current},{item}" if current else item
    if current:
        payloads.append(current)
    return payloads


def decode_versions(payload: str) -> dict[uuid.UUID, int]:
    """Parse a payload made by :func:`encode_versions`; malformed items are skipped."""
    out: dict[uuid.UUID, int] = {}
    for item in payload.split(","):
        sid, _, version = item.partition(":")
        try:
            out[uuid.UUID(hex=sid)] = int(version)
        except ValueError:
            continue
    return out


class PostgresVersionRelay:
    """Shares session versions between replicas with LISTEN/NOTIFY.

    Args:
        conninfo: a libpq connection string (``postgresql://...``, no ``+psycopg``).
        board: the process's board, updated from every replica's notifications.
        tick: seconds between batched NOTIFYs of locally committed versions.
    """

    def __init__(self, conninfo: str, board: VersionBoard, tick: float = 0.1) -> None:
        self.conninfo = conninfo
        self.board = board
        self.tick = tick
        self._pending: dict[uuid.UUID, int] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._listening = threading.Event()
        self._threads: list[threading.Thread] = []
        self.received = 0
        """Notifications received (tests and metrics read it)."""
        # Until it listens, this process can't know other replicas' changes.
        board.enabled = False

    def publish(self, versions: dict[uuid.UUID, int]) -> None:
        """Queue locally committed versions for the next tick (a commit listener)."""
        with self._lock:
            for sid, version in versions.items():
                if version > self._pending.get(sid, 0):
                    self._pending[sid] = version

    def start(self) -> None:
        """Start the listening and the sending threads."""
        for target, name in ((self._listen_loop, "listen"), (self._send_loop, "notify")):
            thread = threading.Thread(target=target, name=f"caja-versions-{name}", daemon=True)
            thread.start()
            self._threads.append(thread)

    def wait_listening(self, timeout: float = 5.0) -> bool:
        """Block until the listener is connected (tests use it)."""
        return self._listening.wait(timeout)

    def stop(self) -> None:
        """Stop both threads."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=5)

    def _connect(self) -> object:
        import psycopg

        return psycopg.connect(self.conninfo, autocommit=True)

    def _listen_loop(self) -> None:
        while not self._stop.is_set():
            try:
                with self._connect() as conn:  # type: ignore[attr-defined]
                    conn.execute(f"LISTEN {CHANNEL}")
                    # Anything may have changed while we weren't listening.
                    self.board.clear()
                    self.board.enabled = True
                    self._listening.set()
                    log.info("version_relay_listening")
                    while not self._stop.is_set():
                        for note in conn.notifies(timeout=0.5, stop_after=100):
                            self.received += 1
                            self.board.update(decode_versions(note.payload))
            except Exception as exc:
                self._listening.clear()
                self.board.enabled = False
                log.warning("version_relay_disconnected", error=str(exc))
                self._stop.wait(1.0)

    def _send_loop(self) -> None:
        conn = None
        while not self._stop.wait(self.tick):
            with self._lock:
                pending, self._pending = self._pending, {}
            if not pending:
                continue
            try:
                if conn is None:
                    conn = self._connect()
                for payload in encode_versions(pending):
                    conn.execute("SELECT pg_notify(%s, %s)", (CHANNEL, payload))  # type: ignore[attr-defined]
            except Exception as exc:
                log.warning("version_relay_notify_failed", error=str(exc))
                self.publish(pending)  # try again next tick
                if conn is not None:
                    with contextlib.suppress(Exception):
                        conn.close()  # type: ignore[attr-defined]
                conn = None
        if conn is not None:
            with contextlib.suppress(Exception):
                conn.close()  # type: ignore[attr-defined]


def libpq_conninfo(sqlalchemy_url: str) -> str:
    """``postgresql+psycopg://...`` -> ``postgresql://...`` for psycopg itself."""
    from sqlalchemy.engine import make_url

    url = make_url(sqlalchemy_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


def connect_board(
    database: Database, tick: float = 0.1, *, start: bool = True
) -> tuple[VersionBoard, PostgresVersionRelay | None]:
    """A board fed by this process's commits and, on PostgreSQL, by every replica's.

    Returns the board and the relay (None on SQLite). With ``start=False`` the caller starts
    the relay later (an app's lifespan); call ``relay.stop()`` on shutdown.
    """
    board = VersionBoard()
    database.add_commit_listener(board.update)
    relay = None
    if database.dialect == "postgresql":
        relay = PostgresVersionRelay(libpq_conninfo(database.url), board, tick=tick)
        database.add_commit_listener(relay.publish)
        if start:
            relay.start()
    return board, relay
