"""Answers: validation by the activity type, one per participant and slot, idempotent retries."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session as DB

from caja_core.errors import Conflict
from caja_core.plugins import PluginHost
from caja_core.services._batch import Batch
from caja_core.services._common import now_or
from caja_core.services.answer_rules import (
    Answerer,
    AnswerOutcome,
    AnswerRow,
    AnswerSubmission,
    activity_deadline,
    answer_fingerprint,
    effective_deadline,
)
from caja_core.storage.models import Participant

__all__ = [
    "AnswerOutcome",
    "AnswerRow",
    "AnswerSubmission",
    "Answerer",
    "activity_deadline",
    "answer_fingerprint",
    "effective_deadline",
    "submit_answer",
    "submit_answers",
]


def submit_answer(
    db: DB,
    host: PluginHost,
    participant: Participant,
    session_id: Any,
    activity_id: Any,
    data: Any,
    now: dt.datetime | None = None,
) -> tuple[AnswerRow, bool]:
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
            return Batch(db, host, now).run(submissions)
    except (IntegrityError, DataError) as exc:
        if len(submissions) > 1:
            return [submit_answers(db, host, [s], now)[0] for s in submissions]
        if isinstance(exc, DataError):
            return [AnswerOutcome(error=exc)]
    # A concurrent first answer to this slot won: judge ours against it, once.
    try:
        with db.begin_nested():
            return Batch(db, host, now).run(submissions)
    except IntegrityError:
        return [AnswerOutcome(error=Conflict("You have already answered"))]
