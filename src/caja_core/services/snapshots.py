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
  Everyone, big screen and phones, gets the same snapshot: nobody is held longer.
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
    StoredItem,
    ViewContext,
    answer_schema_of,
    bind_answers,
)
from caja_core.branding import branding
from caja_core.errors import NotFound
from caja_core.i18n import DEFAULT_LANGUAGE
from caja_core.plugins import PluginHost
from caja_core.services._common import as_uuid
from caja_core.services.answer_rules import effective_deadline
from caja_core.services.answer_sets import AnswerSet, load_answers
from caja_core.services.items import load_items, load_votes
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
    results: Any = None
    """What the type's ``aggregate`` returned (a dict, or its results model)."""
    answer_schema: dict[str, Any] | None = None
    """The participant's answer form for this activity's config."""
    item_schema: dict[str, Any] | None = None
    """The participant's entry form, for types that take entries."""
    presenter_view: ActivityView | None = None
    deadline: dt.datetime | None = None
    """The earlier of the activity's timeout and the type's own clock."""
    error: bool = False
    """True when the plugin failed to aggregate or view: results can't be shown."""
    items: tuple[StoredItem, ...] = ()
    """Every item of the activity in any status, with authors (types with ``item_model``)."""
    votes: dict[uuid.UUID, frozenset[uuid.UUID]] = field(default_factory=dict)
    """Participant id -> the ids of the items they voted for."""


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
    side: ActivitySnapshot | None = None
    """The activity open beside the current one (a Q&A), or None."""
    side_answers: dict[uuid.UUID, list[StoredAnswer]] = field(default_factory=dict)
    """Each participant's own answers to the side activity."""
    fresh_until: float = 0.0
    """``time.monotonic()`` until which the cache serves this snapshot as current."""
    expires_at: float = float("inf")
    """``time.monotonic()`` when the activity's deadline passes (a poker timer, a quiz
    question's clock): views cut after it differ, with no new version to say so."""
    computed_at: dt.datetime | None = None
    """The server's clock when it was read (the shared documents' ``server_time``)."""
    live_secret: str | None = field(default=None, compare=False, repr=False)
    """The session's live-document secret (keys of the shared documents)."""
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
            host,
            activity,
            session,
            answer_set,
            names,
            connected,
            now,
            _items_of(db, host, activity),
        )
    side: ActivitySnapshot | None = None
    side_answers: dict[uuid.UUID, list[StoredAnswer]] = {}
    side_activity = db.get(Activity, session.side_activity_id) if session.side_activity_id else None
    if side_activity is not None and side_activity.id != session.current_activity_id:
        side_set = (
            load_answers(db, side_activity.id, version, names, None)
            if side_activity.type in host
            else None
        )
        side, side_answers = _activity_snapshot(
            host,
            side_activity,
            session,
            side_set,
            names,
            connected,
            now,
            _items_of(db, host, side_activity),
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
        side=side,
        side_answers=side_answers,
        structure=_structure(session, activity, side_activity),
        computed_at=now,
        live_secret=session.live_secret,
        answer_set=answer_set,
        roster=roster,
    )


def _items_of(
    db: DB, host: PluginHost, activity: Activity
) -> tuple[tuple[StoredItem, ...], dict[uuid.UUID, frozenset[uuid.UUID]]]:
    """The activity's items and votes, for a type that takes items (else nothing)."""
    if activity.type not in host or host.get(activity.type).item_model is None:
        return (), {}
    return tuple(load_items(db, activity.id)), load_votes(db, activity.id)


def _structure(session: Session, activity: Activity | None, side: Activity | None = None) -> str:
    parts: list[Any] = [session.name, session.status, session.current_activity_id]
    parts += [session.language, session.accent_color, session.logo_url, session.theme]
    for one in (activity, side):
        if one is None:
            continue
        parts += [
            one.status,
            one.title,
            one.description,
            one.config,
            one.state,
            one.timeout_seconds,
            one.activated_at,
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
    items: tuple[tuple[StoredItem, ...], dict[uuid.UUID, frozenset[uuid.UUID]]] = ((), {}),
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
        items=items[0],
        votes=items[1],
    )
    if activity.type not in host or answer_set is None:
        return base, {}
    activity_type = host.get(activity.type)
    all_answers = answer_set.answers
    bind_answers(activity_type, all_answers)
    own: dict[uuid.UUID, list[StoredAnswer]] = {}
    for answer in all_answers:
        own.setdefault(answer.participant_id, []).append(answer)
    try:
        config = activity_type.parse_config(activity.config)
        results = activity_type.aggregate(
            config,
            deepcopy(activity.state),
            all_answers,
            AggregateContext(now=now, participants=names, connected=connected, items=items[0]),
        )
        translator = activity_type.translator(session.language or DEFAULT_LANGUAGE)
        item_schema = activity_type.item_schema()
        presenter_view = activity_type.view(
            config,
            deepcopy(activity.state),
            results,
            ViewContext(
                role="presenter",
                now=now,
                activity_status=activity.status,
                translator=translator,
                items=items[0],
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
            # The phone's forms, in the session's language like its display blocks.
            answer_schema=translator.schema(answer_schema_of(activity_type, config)),
            item_schema=None if item_schema is None else translator.schema(item_schema),
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


def _expiry(snap: Snapshot, monotonic_now: float) -> float:
    deadline = snap.activity.deadline if snap.activity is not None else None
    if deadline is None or snap.computed_at is None or deadline < snap.computed_at:
        return float("inf")
    return monotonic_now + (deadline - snap.computed_at).total_seconds() + 0.001


class SnapshotCache:
    """The newest snapshot per session, computed once per version and at most once per tick.

    Args:
        tick: seconds a snapshot is served after newer versions exist (0: never). The hold
            stretches to twice the last computation's duration when that is longer, so
            aggregation takes at most about half of a core.
        max_sessions: sessions kept; the least recently used are dropped beyond it.
    """

    def __init__(self, tick: float = 0.2, max_sessions: int = 1024) -> None:
        self.tick = tick
        self.max_sessions = max_sessions
        self._latest: OrderedDict[uuid.UUID, Snapshot] = OrderedDict()
        self._locks: dict[uuid.UUID, threading.Lock] = {}
        self._guard = threading.Lock()
        self.misses = 0
        """Snapshots computed (tests and benchmarks read it)."""

    def peek(self, session_id: uuid.UUID) -> Snapshot | None:
        """The newest snapshot, however old, or None."""
        return self._latest.get(session_id)

    def visible(self, session_id: uuid.UUID, version: int | None) -> Snapshot | None:
        """The snapshot to serve for a session whose newest version is ``version``, when no
        computation is needed: it is at least that new, or still within its tick."""
        snap = self._latest.get(session_id)
        if snap is None or version is None:
            return None
        now = time.monotonic()
        if now >= snap.expires_at:
            return None  # a deadline passed since: what viewers see changes without a version
        if snap.version >= version or now < snap.fresh_until:
            return snap
        return None

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
        wait: bool = False,
    ) -> Snapshot:
        """A snapshot to serve for ``version``: cached when :meth:`visible` allows, else
        ``compute()`` in this thread, or the previous snapshot while another thread
        computes (``wait`` waits for that one instead: the big screen)."""
        snap = self.visible(session_id, version)
        if snap is not None:
            return snap
        lock = self._lock(session_id)
        previous = self._latest.get(session_id)
        if previous is not None and not wait:
            if not lock.acquire(blocking=False):
                return previous  # someone is computing the next one
        else:
            lock.acquire()
        try:
            snap = self.visible(session_id, version)
            if snap is not None:
                return snap
            started = time.monotonic()
            snap = compute()
            finished = time.monotonic()
            hold = max(self.tick, 2 * (finished - started)) if self.tick > 0 else 0.0
            snap = replace(snap, fresh_until=finished + hold, expires_at=_expiry(snap, finished))
            self.misses += 1
            self._store(snap)
            return snap
        finally:
            lock.release()

    def forget(self, session_id: uuid.UUID) -> None:
        """Drop a session's snapshot (e.g. deleted)."""
        with self._guard:
            self._latest.pop(session_id, None)

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
            self._latest.move_to_end(snap.session_id)
            while len(self._latest) > self.max_sessions:
                old, _ = self._latest.popitem(last=False)
                self._locks.pop(old, None)
