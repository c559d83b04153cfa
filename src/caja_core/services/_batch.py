"""Storing a batch of answers in one transaction, each judged as if it came alone.

The machinery behind :func:`caja_core.services.responses.submit_answers`: load what the
batch needs in a few queries, judge each answer in order in memory, write the results, bump
each session's version once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import Iterator, Sequence
from copy import deepcopy
from dataclasses import dataclass, replace
from typing import Any

import structlog
from sqlalchemy import Table, bindparam, insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session as DB

from caja_core.activity import (
    ActivityType,
    AggregateContext,
    AnswerContext,
    StoredAnswer,
    bind_answers,
    stored_json,
)
from caja_core.errors import AnswerRejected, Conflict, InvalidState, NotFound
from caja_core.plugins import PluginHost
from caja_core.services._common import (
    as_uuid,
    bump_version,
    new_ids,
    participants_of,
    stamp_version,
    stored_answers,
)
from caja_core.services.answer_rules import (
    Answerer,
    AnswerOutcome,
    AnswerRow,
    AnswerSubmission,
    answer_fingerprint,
    effective_deadline,
    overrides,
)
from caja_core.services.participants import mark_seen
from caja_core.storage.models import Activity, Response, Session

log = structlog.get_logger("caja_core.services.responses")
_RESPONSES: Table = Response.__table__  # type: ignore[assignment]
# Built once: constructing a statement costs about as much as running it on SQLite.
_SESSIONS_IN = select(Session).where(Session.id.in_(bindparam("ids", expanding=True)))
_ACTIVITIES_IN = select(Activity).where(Activity.id.in_(bindparam("ids", expanding=True)))
_ANSWERS_IN = (
    select(Response)
    .where(
        Response.activity_id.in_(bindparam("aids", expanding=True)),
        Response.participant_id.in_(bindparam("pids", expanding=True)),
    )
    .order_by(Response.submitted_at, Response.id)
)


@dataclass
class Open:
    """An activity the batch answers, with what every submission to it needs."""

    activity: Activity
    activity_type: ActivityType[Any, Any]
    config: Any
    mine: dict[uuid.UUID, list[Response | AnswerRow]]
    """The answers (all slots) of the batch's participants, oldest first: rows stored
    before, and this batch's new ones (not inserted until the batch is written)."""
    every: list[StoredAnswer] | None = None
    """All stored answers, loaded only for types with ``after_answer``."""


class Batch:
    """One batch of submissions in one transaction: loads what they need in a few queries,
    judges them in order in memory, then writes the results and bumps each session once."""

    def __init__(self, db: DB, host: PluginHost, now: dt.datetime) -> None:
        self.db = db
        self.host = host
        self.now = now
        self.sessions: dict[uuid.UUID, Session] = {}
        self.open: dict[uuid.UUID, Open | Exception] = {}
        self.changed: dict[uuid.UUID, set[uuid.UUID]] = {}  # session -> who answered
        self.stored: dict[uuid.UUID, int] = {}  # session -> answers stored or changed
        # session -> the new rows to insert (by id: a later answer may replace one)
        self.new: dict[uuid.UUID, dict[uuid.UUID, AnswerRow]] = {}
        # session -> rows stored before and changed now (the ORM writes them)
        self.updated: dict[uuid.UUID, list[uuid.UUID]] = {}
        self.ids: Iterator[uuid.UUID] = iter(())
        self.people: dict[uuid.UUID, tuple[dict[uuid.UUID, str], frozenset[uuid.UUID]]] = {}

    def run(self, submissions: Sequence[AnswerSubmission]) -> list[AnswerOutcome]:
        self._load(submissions)
        self.ids = iter(new_ids(len(submissions)))
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
        self.sessions = {s.id: s for s in self.db.scalars(_SESSIONS_IN, {"ids": list(sids)})}
        activities = self.db.scalars(_ACTIVITIES_IN, {"ids": list(aids)})
        for activity in activities:
            try:
                activity_type = self.host.get(activity.type)
                config = activity_type.parse_config(activity.config)
            except Exception as exc:
                self.open[activity.id] = exc
                continue
            self.open[activity.id] = Open(activity, activity_type, config, {})
        rows = self.db.scalars(_ANSWERS_IN, {"aids": list(aids), "pids": list(pids)})
        for row in rows:
            opened = self.open.get(row.activity_id)
            if isinstance(opened, Open):
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
            raise NotFound("Activity not found", reason="activity_not_found")
        activity, activity_type, config = opened.activity, opened.activity_type, opened.config
        answer = activity_type.parse_answer(submission.data)
        submitted = answer.model_dump(mode="json")
        rows = opened.mine.setdefault(participant.id, [])
        previous = [_stored(row, participant.nickname) for row in rows]
        bind_answers(activity_type, previous)
        ctx = AnswerContext(now=now, participant_id=participant.id, previous=previous)
        state = deepcopy(activity.state)

        if session.status != "active":
            raise InvalidState("This session is not running", reason="session_not_running")
        fingerprint = answer_fingerprint(submitted)
        if activity.status != "active":
            # A retry of an answer that landed before the activity closed still succeeds.
            landed = next((r for r in rows if r.fingerprint == fingerprint), None)
            if landed is not None:
                return AnswerOutcome(_row(landed), False)
            raise AnswerRejected(
                "This activity is not open for answers", reason="activity_not_open"
            )
        slot = activity_type.answer_slot(config, state, answer, ctx)
        existing = next((r for r in rows if r.slot == slot), None)
        if existing is not None and (
            existing.fingerprint == fingerprint or existing.data == submitted
        ):
            return AnswerOutcome(_row(existing), False)
        deadline = effective_deadline(activity, activity_type, config)
        if deadline is not None and now > deadline:
            raise AnswerRejected("Time is up: answers are no longer accepted", reason="time_up")
        validated, meta = activity_type.validate_answer(config, state, answer, ctx)
        stored_data = stored_json(validated)
        if existing is not None:
            if existing.data == stored_data:
                return AnswerOutcome(_row(existing), False)
            if not activity_type.allows_change(config, state):
                raise Conflict(
                    "You have already answered; this activity does not allow changes",
                    reason="already_answered",
                )
        new_state = self._after_answer(opened, state, participant, slot, stored_data, meta, now)
        # Judged and accepted: from here on it changes the batch.
        if isinstance(existing, Response):  # stored before: the ORM writes the change
            existing.data = stored_data
            existing.meta = meta
            existing.fingerprint = fingerprint
            existing.updated_at = now
            self.updated.setdefault(sid, []).append(existing.id)
            response = AnswerRow.of(existing)
        elif existing is not None:  # new in this batch: a new row replaces it
            response = replace(
                existing, data=stored_data, meta=meta, fingerprint=fingerprint, updated_at=now
            )
            rows[rows.index(existing)] = response
            self.new[sid][response.id] = response
        else:
            response = AnswerRow(
                next(self.ids),
                activity.id,
                participant.id,
                slot,
                stored_data,
                meta,
                fingerprint,
                now,
                now,
            )
            rows.append(response)
            self.new.setdefault(sid, {})[response.id] = response
        if new_state is not None:
            activity.state = new_state
        self.changed.setdefault(sid, set()).add(participant.id)
        self.stored[sid] = self.stored.get(sid, 0) + 1
        return AnswerOutcome(response, True)

    def _after_answer(
        self,
        opened: Open,
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
        if not overrides(activity_type, "after_answer"):
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
        bind_answers(activity_type, every)
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
        # The session's version first: its row lock orders this batch behind any other
        # writer of the session (a kick, another replica's batch) before anything else is
        # locked, and the new rows are inserted already stamped with the version their
        # commit makes (a snapshot at version V reads only rows above V).
        for sid in self.changed:
            version = bump_version(self.db, self.sessions[sid])
            new = self.new.get(sid)
            if new:
                # The table, not the mapped class: a plain executemany, no ORM bulk insert.
                rows = [row.values(version) for row in new.values()]
                self.db.execute(insert(_RESPONSES), rows)
            if sid in self.updated:
                stamp_version(self.db, Response, self.updated[sid], version)
            log.info("answers_recorded", session_id=str(sid), answers=self.stored[sid])
        answered = [
            submission.participant.id
            for submission, outcome in zip(submissions, outcomes, strict=True)
            if outcome.changed
        ]
        if answered:  # they were seen now: one statement for the batch
            mark_seen(self.db, answered, self.now)


def _row(row: Response | AnswerRow) -> AnswerRow:
    return row if isinstance(row, AnswerRow) else AnswerRow.of(row)


def _stored(row: Response | AnswerRow, nickname: str) -> StoredAnswer:
    return StoredAnswer(
        participant_id=row.participant_id,
        nickname=nickname,
        slot=row.slot,
        data=row.data,
        meta=row.meta or {},
        submitted_at=row.submitted_at,
    )
