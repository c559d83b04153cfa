"""Session snapshots: everything the live state needs, read and aggregated once per version.

A poll must not cost a database round trip or an aggregation. A :class:`Snapshot` is what
every viewer of one session shares at one version: the session, the participant count, the
current activity with its parsed config, aggregated results and presenter view, and every
participant's own answers. :func:`~caja_core.services.state.render` turns it into one
viewer's document without touching the database.

A :class:`SnapshotCache` holds the newest snapshot per session and decides when to compute
a new one:

- **Once per version.** A snapshot at (or above) the version asked for is reused.
- **At most once per tick.** During a burst the version moves with every answer; a
  snapshot younger than ``tick`` seconds is still served (its own, older version is in the
  ETag, so the client asks again and gets the next one). The hold stretches to twice the
  last computation's duration when that is longer, so aggregation never takes more than
  about half of a core. ``tick=0`` disables the hold (every new version is computed).
- **Single flight.** One thread computes a session's next snapshot; concurrent pollers get
  the previous snapshot meanwhile (or wait, if there is none yet).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from copy import deepcopy
from dataclasses import dataclass, field, replace
from typing import Any

import structlog
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session as DB

from caja_core.activity import (
    ActivityType,
    ActivityView,
    AggregateContext,
    StoredAnswer,
    ViewContext,
)
from caja_core.branding import branding
from caja_core.errors import NotFound
from caja_core.i18n import DEFAULT_LANGUAGE
from caja_core.plugins import PluginHost
from caja_core.services._common import as_uuid
from caja_core.services.answer_rules import effective_deadline
from caja_core.services.answer_sets import AnswerSet, load_answers
from caja_core.services.roster import Roster, load_roster
from caja_core.storage.models import Activity, Session

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class ActivitySnapshot:
    """The current activity at one version: plain values, no ORM object."""

    id: uuid.UUID
    type: str
    title: str
    description: str | None
    status: str
    position: int
    activated_at: dt.datetime | None
    state: Any
    activity_type: ActivityType[Any, Any] | None = None
    """None when the activity's type is not installed here."""
    config: Any = None
    results: dict[str, Any] | None = None
    presenter_view: ActivityView | None = None
    deadline: dt.datetime | None = None
    """The earlier of the activity's timeout and the type's own clock."""
    error: bool = False
    """True when the plugin failed to aggregate or view: results can't be shown."""


@dataclass(frozen=True)
class Snapshot:
    """What every viewer of one session shares at one version."""

    session_id: uuid.UUID
    version: int
    name: str
    status: str
    join_code: str
    participant_count: int
    nicknames: dict[uuid.UUID, str]
    activity: ActivitySnapshot | None
    language: str | None = None
    """The session's fixed language (display blocks are in it; English when None)."""
    branding: dict[str, Any] | None = None
    """:func:`caja_core.branding.branding` of the session, or None."""
    answers: dict[uuid.UUID, list[StoredAnswer]] = field(default_factory=dict)
    """Each participant's own answers to the current activity, oldest first."""
    fresh_until: float = 0.0
    """``time.monotonic()`` until which the cache serves this snapshot as current."""
    screen_fresh_until: float = 0.0
    """The same for the big screen: one tick after it was computed, however long that took
    (a screen shown a held snapshot would show the news only a whole poll later)."""
    structure: str = ""
    """A digest of what answers don't change (session status, the current activity, its
    status, config and state): when two snapshots share it, only answers moved."""
    answer_set: AnswerSet | None = field(default=None, compare=False, repr=False)
    """The current activity's answers as loaded: the next snapshot reads only what changed
    since (:func:`~caja_core.services.answer_sets.load_answers`)."""
    roster: Roster | None = field(default=None, compare=False, repr=False)
    """The session's participants as loaded (:func:`~caja_core.services.roster.load_roster`)."""


def compute_snapshot(
    db: DB,
    host: PluginHost,
    session_id: Any,
    now: dt.datetime,
    previous: Snapshot | None = None,
) -> Snapshot:
    """Read and aggregate one session (NotFound if there is no such session).

    Given the ``previous`` snapshot of the session, only the answers and participants
    stored or changed since are read. Best in a consistent read
    (:meth:`~caja_core.storage.db.Database.read`), where the snapshot holds exactly what was
    committed at its version; in any other transaction rows committed between its
    statements may show up early or, when the counts then disagree, make it read
    everything again.
    """
    sid = as_uuid(session_id, "Session")
    session = db.get(Session, sid)
    if session is None:
        raise NotFound("Session not found")
    version = session.version
    kept = previous if previous is not None and previous.session_id == sid else None
    roster = load_roster(db, sid, version, now, kept.roster if kept else None)
    names, connected = dict(roster.names), roster.connected
    activity = (
        db.get(Activity, session.current_activity_id) if session.current_activity_id else None
    )
    current: ActivitySnapshot | None = None
    answers: dict[uuid.UUID, list[StoredAnswer]] = {}
    answer_set = None
    if activity is not None:
        if activity.type in host:
            answers_kept = kept.answer_set if kept else None
            answer_set = load_answers(db, activity.id, version, names, answers_kept)
        current, answers = _activity_snapshot(
            host, activity, session, answer_set, names, connected, now
        )
    return Snapshot(
        session_id=sid,
        version=version,
        name=session.name,
        status=session.status,
        join_code=session.join_code,
        language=session.language,
        branding=branding(session.accent_color, session.logo_url, session.theme),
        participant_count=len(names),
        nicknames=names,
        activity=current,
        answers=answers,
        structure=_structure(session, activity),
        answer_set=answer_set,
        roster=roster,
    )


def _structure(session: Session, activity: Activity | None) -> str:
    parts: list[Any] = [session.name, session.status, session.current_activity_id]
    parts += [session.language, session.accent_color, session.logo_url, session.theme]
    if activity is not None:
        parts += [
            activity.status,
            activity.title,
            activity.description,
            activity.config,
            activity.state,
            activity.timeout_seconds,
            activity.activated_at,
        ]
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.blake2b(text.encode(), digest_size=16).hexdigest()


def _activity_snapshot(
    host: PluginHost,
    activity: Activity,
    session: Session,
    answer_set: AnswerSet | None,
    names: dict[uuid.UUID, str],
    connected: frozenset[uuid.UUID],
    now: dt.datetime,
) -> tuple[ActivitySnapshot, dict[uuid.UUID, list[StoredAnswer]]]:
    base = ActivitySnapshot(
        id=activity.id,
        type=activity.type,
        title=activity.title,
        description=activity.description,
        status=activity.status,
        position=activity.position,
        activated_at=activity.activated_at,
        state=deepcopy(activity.state),
    )
    if activity.type not in host or answer_set is None:
        return base, {}
    activity_type = host.get(activity.type)
    all_answers = answer_set.answers
    own: dict[uuid.UUID, list[StoredAnswer]] = {}
    for answer in all_answers:
        own.setdefault(answer.participant_id, []).append(answer)
    try:
        config = activity_type.parse_config(activity.config)
        results = activity_type.aggregate(
            config,
            deepcopy(activity.state),
            all_answers,
            AggregateContext(now=now, participants=names, connected=connected),
        )
        presenter_view = activity_type.view(
            config,
            deepcopy(activity.state),
            results,
            ViewContext(
                role="presenter",
                now=now,
                activity_status=activity.status,
                translator=activity_type.translator(session.language or DEFAULT_LANGUAGE),
            ),
        )
        deadline = effective_deadline(activity, activity_type, config)
    except SQLAlchemyError:
        raise  # the database's trouble, not the plugin's: the caller maps it (503)
    except Exception as exc:
        # A plugin bug must not blank the big screen: show the activity without results.
        log_view_failure(session.id, base, exc)
        return replace(base, activity_type=activity_type, error=True), own
    return (
        replace(
            base,
            activity_type=activity_type,
            config=config,
            results=results,
            presenter_view=presenter_view,
            deadline=deadline,
        ),
        own,
    )


def log_view_failure(session_id: uuid.UUID, activity: ActivitySnapshot, exc: Exception) -> None:
    """Log a plugin's failure to aggregate or view an activity (its viewers then see the
    activity in the ``error`` phase, never the exception)."""
    log.error(
        "activity_view_failed",
        session_id=str(session_id),
        activity_id=str(activity.id),
        type=activity.type,
        error=f"{type(exc).__name__}: {exc}",
    )


class SnapshotCache:
    """The newest snapshot per session, computed once per version and at most once per tick.

    Args:
        tick: seconds a snapshot is served after newer versions exist (0: never).
        max_sessions: sessions kept; the least recently used are dropped beyond it.
        participant_hold: seconds phones keep the snapshot they were shown while only
            answers moved (default 8 ticks; 0: never).
        documents_per_second: phone documents a process may render per second for others'
            answers alone: the hold stretches to ``participants / documents_per_second``
            seconds in rooms larger than that.
        room_refresh: phones of a room of N participants make a new snapshot at most every
            ``N / room_refresh`` seconds (5,000: 1 s; 10,000: 2 s) besides the tick: in a
            room that large each phone is held longer than that anyway, and every snapshot
            aggregates every answer. The big screen still gets one every tick.
    """

    def __init__(
        self,
        tick: float = 0.2,
        max_sessions: int = 1024,
        participant_hold: float | None = None,
        documents_per_second: float = 1000.0,
        room_refresh: float = 5000.0,
    ) -> None:
        self.tick = tick
        self.participant_hold = 8 * tick if participant_hold is None else participant_hold
        self.documents_per_second = documents_per_second
        self.room_refresh = room_refresh
        self._shared: dict[uuid.UUID, tuple[Snapshot, float]] = {}
        # session -> participant -> the snapshot they were shown for their own answers
        # while the session's shared one is held (dropped when that one moves on)
        self._pins: dict[uuid.UUID, dict[uuid.UUID, Snapshot]] = {}
        self.max_sessions = max_sessions
        self._latest: OrderedDict[uuid.UUID, Snapshot] = OrderedDict()
        self._locks: dict[uuid.UUID, threading.Lock] = {}
        self._guard = threading.Lock()
        self.misses = 0
        """Snapshots computed (tests and benchmarks read it)."""

    def peek(self, session_id: uuid.UUID) -> Snapshot | None:
        """The newest snapshot, however old, or None."""
        return self._latest.get(session_id)

    def visible(
        self, session_id: uuid.UUID, version: int | None, *, screen: bool = False
    ) -> Snapshot | None:
        """The snapshot to serve for a session whose newest version is ``version``, when no
        computation is needed: it is at least that new, or still within its hold (for the
        presenter's ``screen``, one tick)."""
        snap = self._latest.get(session_id)
        if snap is None or version is None:
            return None
        hold = snap.screen_fresh_until if screen else snap.fresh_until
        if snap.version >= version or time.monotonic() < hold:
            return snap
        return None

    def for_participant(
        self, session_id: uuid.UUID, snap: Snapshot, participant_id: uuid.UUID
    ) -> Snapshot:
        """The snapshot to show one participant when ``snap`` is the newest one served.

        While only answers moved, phones keep the snapshot they were shown for up to
        ``participant_hold`` seconds (8 ticks: 1.6 s with the default tick, so a phone
        polling every 2 s still sees every answer within one poll interval), so during a
        burst most phone polls are 304s instead of a new document each; the big screen
        shows every tick. In a room of more than ``documents_per_second`` participants the
        hold is one second per that many (5,000 phones: 5 s; 10,000: 10 s), so new documents for
        others' answers stay within what the process can render beside everything else. A
        participant whose own answers changed since, and everyone after a structural change
        (an activity opened or closed, a question moved on, a reveal), gets ``snap`` at once.
        Such a participant then keeps that snapshot too until the hold ends (or their
        answers change again): each newer one would be a new document for nothing of theirs.
        """
        held = self._shared.get(session_id)
        if held is None or held[0].version >= snap.version:
            return snap
        shown, since = held
        hold = self.participant_hold
        if hold > 0:
            hold = max(hold, snap.participant_count / self.documents_per_second)
        if time.monotonic() - since > hold or shown.structure != snap.structure:
            with self._guard:
                current = self._shared.get(session_id)
                if current is None or current[0].version < snap.version:
                    self._shared[session_id] = (snap, time.monotonic())
                    self._pins.pop(session_id, None)
            return snap
        mine = snap.answers.get(participant_id)
        if shown.answers.get(participant_id) == mine:
            return shown
        pins = self._pins.setdefault(session_id, {})
        pinned = pins.get(participant_id)
        if (
            pinned is not None
            and pinned.version > shown.version
            and pinned.structure == snap.structure
            and pinned.answers.get(participant_id) == mine
        ):
            return pinned
        pins[participant_id] = snap
        return snap

    def computing(self, session_id: uuid.UUID) -> bool:
        """Whether a thread is computing this session's next snapshot right now."""
        lock = self._locks.get(session_id)
        return lock is not None and lock.locked()

    def get(
        self,
        session_id: uuid.UUID,
        version: int,
        compute: Callable[[], Snapshot],
        *,
        screen: bool = False,
    ) -> Snapshot:
        """A snapshot to serve for ``version``: cached when :meth:`visible` allows, else
        ``compute()`` in this thread (or the previous snapshot while another thread
        computes; the presenter's ``screen`` waits for that one instead)."""
        snap = self.visible(session_id, version, screen=screen)
        if snap is not None:
            return snap
        lock = self._lock(session_id)
        previous = self._latest.get(session_id)
        if previous is not None and not screen:
            if not lock.acquire(blocking=False):
                return previous  # someone is computing the next one
        else:
            lock.acquire()
        try:
            snap = self.visible(session_id, version, screen=screen)
            if snap is not None:
                return snap
            started = time.monotonic()
            snap = compute()
            finished = time.monotonic()
            hold = 0.0
            if self.tick > 0:
                room = snap.participant_count / self.room_refresh
                hold = max(self.tick, 2 * (finished - started), room)
            snap = replace(
                snap, fresh_until=finished + hold, screen_fresh_until=finished + self.tick
            )
            self.misses += 1
            self._store(snap)
            return snap
        finally:
            lock.release()

    def forget(self, session_id: uuid.UUID) -> None:
        """Drop a session's snapshot (e.g. deleted)."""
        with self._guard:
            self._latest.pop(session_id, None)
            self._shared.pop(session_id, None)
            self._pins.pop(session_id, None)

    def _lock(self, session_id: uuid.UUID) -> threading.Lock:
        with self._guard:
            lock = self._locks.get(session_id)
            if lock is None:
                lock = self._locks[session_id] = threading.Lock()
            return lock

    def _store(self, snap: Snapshot) -> None:
        with self._guard:
            current = self._latest.get(snap.session_id)
            if current is None or snap.version >= current.version:
                self._latest[snap.session_id] = snap
            if snap.session_id not in self._shared or self.participant_hold <= 0:
                self._shared[snap.session_id] = (snap, time.monotonic())
                self._pins.pop(snap.session_id, None)
            self._latest.move_to_end(snap.session_id)
            while len(self._latest) > self.max_sessions:
                old, _ = self._latest.popitem(last=False)
                self._locks.pop(old, None)
                self._shared.pop(old, None)
                self._pins.pop(old, None)
