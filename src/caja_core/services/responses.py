"""Answers: validation by the activity type, one per participant and slot, idempotent retries."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import uuid
from collections.abc import Sequence
from copy import deepcopy
from dataclasses import dataclass, replace
from typing import Any, Protocol

import structlog
from sqlalchemy import select
from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session as DB

from caja_core.activity import ActivityType, AggregateContext, AnswerContext, StoredAnswer
from caja_core.errors import AnswerRejected, Conflict, InvalidState, NotFound
from caja_core.plugins import PluginHost
from caja_core.services._common import (
    as_uuid,
    bump_version,
    now_or,
    participants_of,
    stored_answers,
)
from caja_core.services.participants import mark_seen
from caja_core.storage.models import Activity, Participant, Response, Session

log = structlog.get_logger(__name__)


def activity_deadline(activity: Activity) -> dt.datetime | None:
    """When the activity's own timeout runs out, if it has one."""
    if activity.timeout_seconds is None or activity.activated_at is None:
        return None
    return activity.activated_at + dt.timedelta(seconds=activity.timeout_seconds)


def effective_deadline(
    activity: Activity, activity_type: ActivityType[Any, Any], config: Any
) -> dt.datetime | None:
    """The earlier of the activity's timeout and the type's own clock (e.g. a quiz question)."""
    deadlines = [
        d
        for d in (activity_deadline(activity), activity_type.deadline(config, activity.state))
        if d is not None
    ]
    return min(deadlines) if deadlines else None


def _overrides(activity_type: ActivityType[Any, Any], method: str) -> bool:
    return getattr(type(activity_type), method) is not getattr(ActivityType, method)


class Answerer(Protocol):
    """Who answers: a :class:`~caja_core.storage.models.Participant`, or the columns of one
    (:func:`caja_core.services.participants.answerers_for_tokens`)."""

    @property
    def id(self) -> uuid.UUID: ...
    @property
    def session_id(self) -> uuid.UUID: ...
    @property
    def nickname(self) -> str: ...


@dataclass(frozen=True)
class AnswerSubmission:
    """One answer to store: an authenticated participant, where it goes, and the data.

    ``received_at`` is when the answer arrived (the quiz's response time and the deadline
    are judged by it); None means now.
    """

    participant: Answerer
    session_id: Any
    activity_id: Any
    data: Any
    received_at: dt.datetime | None = None


@dataclass(frozen=True)
class AnswerOutcome:
    """What became of one submission: the stored answer and whether this call changed it,
    or the error that refused it (nothing of it was stored)."""

    response: Response | None = None
    changed: bool = False
    error: Exception | None = None

    def result(self) -> tuple[Response, bool]:
        """``(response, changed)``, or raise the error."""
        if self.error is not None:
            raise self.error
        assert self.response is not None
        return self.response, self.changed


def submit_answer(
    db: DB,
    host: PluginHost,
    participant: Participant,
    session_id: Any,
    activity_id: Any,
    data: Any,
    now: dt.datetime | None = None,
) -> tuple[Response, bool]:
    """Store a participant's answer.

    Returns ``(response, changed)``. An identical retry (the client did not see the first
    reply) returns the stored answer with ``changed=False``. A different answer in the same
    slot replaces the stored one only when the type allows changes; otherwise Conflict.
    The database's unique constraint on (activity, participant, slot) is the final guard:
    two concurrent first answers can't both be stored.
    """
    submission = AnswerSubmission(participant, session_id, activity_id, data, now)
    return submit_answers(db, host, [submission], now)[0].result()


def submit_answers(
    db: DB,
    host: PluginHost,
    submissions: Sequence[AnswerSubmission],
    now: dt.datetime | None = None,
) -> list[AnswerOutcome]:
    """Store many answers in the current transaction, each by the rules of
    :func:`submit_answer`, as if submitted one after another in this order.

    The server stores the answers that arrive together in one batch: a few queries and one
    version bump per batch instead of a dozen statements per answer. One submission's error
    is its own outcome and stores nothing of it; the others go on. Should the database
    refuse the batch's writes (another replica stored one of its slots first, or a value it
    cannot hold), the submissions are stored again one by one, so only the offending one
    fails.
    """
    if not submissions:
        return []
    now = now_or(now)
    try:
        with db.begin_nested():
            return _Batch(db, host, now).run(submissions)
    except (IntegrityError, DataError) as exc:
        if len(submissions) > 1:
            return [submit_answers(db, host, [s], now)[0] for s in submissions]
        if isinstance(exc, DataError):
            return [AnswerOutcome(error=exc)]
    # A concurrent first answer to this slot won: judge ours against it, once.
    try:
        with db.begin_nested():
            return _Batch(db, host, now).run(submissions)
    except IntegrityError:
        return [AnswerOutcome(error=Conflict("You have already answered"))]


@dataclass
class _Open:
    """An activity the batch answers, with what every submission to it needs."""

    activity: Activity
    activity_type: ActivityType[Any, Any]
    config: Any
    mine: dict[uuid.UUID, list[Response]]
    """The stored answers (all slots) of the batch's participants, oldest first."""
    every: list[StoredAnswer] | None = None
    """All stored answers, loaded only for types with ``after_answer``."""


class _Batch:
    """One batch of submissions in one transaction: loads what they need in a few queries,
    judges them in order in memory, then writes the results and bumps each session once."""

    def __init__(self, db: DB, host: PluginHost, now: dt.datetime) -> None:
        self.db = db
        self.host = host
        self.now = now
        self.sessions: dict[uuid.UUID, Session] = {}
        self.open: dict[uuid.UUID, _Open | Exception] = {}
        self.changed: dict[uuid.UUID, set[uuid.UUID]] = {}  # session -> who answered
        self.stored: dict[uuid.UUID, int] = {}  # session -> answers stored or changed
        self.people: dict[uuid.UUID, tuple[dict[uuid.UUID, str], frozenset[uuid.UUID]]] = {}

    def run(self, submissions: Sequence[AnswerSubmission]) -> list[AnswerOutcome]:
        self._load(submissions)
        outcomes = []
        for submission in submissions:
            try:
                outcomes.append(self._submit(submission))
            except SQLAlchemyError:
                raise  # the database's trouble is the whole batch's
            except Exception as exc:  # one submission's refusal (or plugin bug) is its own
                outcomes.append(AnswerOutcome(error=exc))
        self._write(submissions, outcomes)
        return outcomes

    def _load(self, submissions: Sequence[AnswerSubmission]) -> None:
        sids, aids, pids = set(), set(), set()
        for s in submissions:
            with contextlib.suppress(NotFound):
                sids.add(as_uuid(s.session_id, "Session"))
                aids.add(as_uuid(s.activity_id, "Activity"))
                pids.add(s.participant.id)
        self.sessions = {
            s.id: s for s in self.db.scalars(select(Session).where(Session.id.in_(sids)))
        }
        activities = self.db.scalars(select(Activity).where(Activity.id.in_(aids)))
        for activity in activities:
            try:
                activity_type = self.host.get(activity.type)
                config = activity_type.parse_config(activity.config)
            except Exception as exc:
                self.open[activity.id] = exc
                continue
            self.open[activity.id] = _Open(activity, activity_type, config, {})
        rows = self.db.scalars(
            select(Response)
            .where(Response.activity_id.in_(aids), Response.participant_id.in_(pids))
            .order_by(Response.submitted_at, Response.id)
        )
        for row in rows:
            opened = self.open.get(row.activity_id)
            if isinstance(opened, _Open):
                opened.mine.setdefault(row.participant_id, []).append(row)

    def _submit(self, submission: AnswerSubmission) -> AnswerOutcome:
        participant = submission.participant
        now = submission.received_at or self.now
        sid = as_uuid(submission.session_id, "Session")
        if participant.session_id != sid or sid not in self.sessions:
            raise NotFound("Session not found")
        session = self.sessions[sid]
        opened = self.open.get(as_uuid(submission.activity_id, "Activity"))
        if isinstance(opened, Exception):
            raise opened
        if opened is None or opened.activity.session_id != sid:
            raise NotFound("Activity not found")
        activity, activity_type, config = opened.activity, opened.activity_type, opened.config
        answer = activity_type.parse_answer(submission.data)
        submitted = answer.model_dump(mode="json")
        rows = opened.mine.setdefault(participant.id, [])
        previous = [_stored(row, participant.nickname) for row in rows]
        ctx = AnswerContext(now=now, participant_id=participant.id, previous=previous)
        state = deepcopy(activity.state)

        if session.status != "active":
            raise InvalidState("This session is not running")
        fingerprint = answer_fingerprint(submitted)
        if activity.status != "active":
            # A retry of an answer that landed before the activity closed still succeeds.
            landed = next((r for r in rows if r.fingerprint == fingerprint), None)
            if landed is not None:
                return AnswerOutcome(landed, False)
            raise AnswerRejected("This activity is not open for answers")
        slot = activity_type.answer_slot(config, state, answer, ctx)
        existing = next((r for r in rows if r.slot == slot), None)
        if existing is not None and (
            existing.fingerprint == fingerprint or existing.data == submitted
        ):
            return AnswerOutcome(existing, False)
        deadline = effective_deadline(activity, activity_type, config)
        if deadline is not None and now > deadline:
            raise AnswerRejected("Time is up: answers are no longer accepted")
        stored_data, meta = activity_type.validate_answer(config, state, answer, ctx)
        if existing is not None:
            if existing.data == stored_data:
                return AnswerOutcome(existing, False)
            if not activity_type.allows_change(config, state):
                raise Conflict("You have already answered; this activity does not allow changes")
        new_state = self._after_answer(opened, state, participant, slot, stored_data, meta, now)
        # Judged and accepted: from here on it changes the batch.
        if existing is not None:
            existing.data = stored_data
            existing.meta = meta
            existing.fingerprint = fingerprint
            existing.updated_at = now
            response = existing
        else:
            response = Response(
                id=uuid.uuid4(),
                activity_id=activity.id,
                participant_id=participant.id,
                slot=slot,
                data=stored_data,
                meta=meta,
                fingerprint=fingerprint,
                submitted_at=now,
                updated_at=now,
            )
            self.db.add(response)
            rows.append(response)
        if new_state is not None:
            activity.state = new_state
        self.changed.setdefault(sid, set()).add(participant.id)
        self.stored[sid] = self.stored.get(sid, 0) + 1
        return AnswerOutcome(response, True)

    def _after_answer(
        self,
        opened: _Open,
        state: Any,
        participant: Answerer,
        slot: str,
        data: Any,
        meta: Any,
        now: dt.datetime,
    ) -> Any:
        """The type's ``after_answer`` with every answer as it will be with this one (a new
        state, or None). Types without it cost nothing here."""
        activity_type = opened.activity_type
        if not _overrides(activity_type, "after_answer"):
            return None
        activity = opened.activity
        if opened.every is None:
            opened.every = stored_answers(self.db, activity.id)
        if activity.session_id not in self.people:
            self.people[activity.session_id] = participants_of(self.db, activity.session_id, now)
        names, connected = self.people[activity.session_id]
        seen = self.changed.get(activity.session_id, set()) | {participant.id}
        mine = StoredAnswer(participant.id, participant.nickname, slot, data, meta, now)
        every = list(opened.every)
        at = next(
            (
                i
                for i, a in enumerate(every)
                if (a.participant_id, a.slot) == (participant.id, slot)
            ),
            None,
        )
        if at is None:
            every.append(mine)
        else:
            every[at] = replace(mine, submitted_at=every[at].submitted_at)
        new_state = activity_type.after_answer(
            opened.config,
            state,
            every,
            AggregateContext(now=now, participants=names, connected=connected | seen),
        )
        opened.every = every
        return new_state

    def _write(
        self, submissions: Sequence[AnswerSubmission], outcomes: list[AnswerOutcome]
    ) -> None:
        answered = [
            submission.participant.id
            for submission, outcome in zip(submissions, outcomes, strict=True)
            if outcome.changed
        ]
        if answered:  # they were seen now: one statement for the batch
            mark_seen(self.db, answered, self.now)
        for sid in self.changed:
            bump_version(self.db, self.sessions[sid])
            log.info("answers_recorded", session_id=str(sid), answers=self.stored[sid])


def _stored(row: Response, nickname: str) -> StoredAnswer:
    return StoredAnswer(
        participant_id=row.participant_id,
        nickname=nickname,
        slot=row.slot,
        data=row.data,
        meta=row.meta or {},
        submitted_at=row.submitted_at,
    )


def answer_fingerprint(submitted: Any) -> str:
    """SHA-256 of the parsed answer in canonical JSON: equal answers, equal fingerprints."""
    canonical = json.dumps(submitted, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
