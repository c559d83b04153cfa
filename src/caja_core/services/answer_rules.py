"""What an answer is made of and the rules every way of storing one shares: who answers,
what comes back, deadlines, fingerprints."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any, Protocol

from caja_core.activity import ActivityType
from caja_core.storage.models import Activity, Response


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


def overrides(activity_type: ActivityType[Any, Any], method: str) -> bool:
    """Whether the type implements ``method`` itself (not the base class's default)."""
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


@dataclass(slots=True)
class AnswerRow:
    """An answer as a batch stores it: the columns of its ``responses`` row, without an
    ORM object (a batch of hundreds is written with one plain INSERT)."""

    id: uuid.UUID
    activity_id: uuid.UUID
    participant_id: uuid.UUID
    slot: str
    data: Any
    meta: Any
    fingerprint: str | None
    submitted_at: dt.datetime
    updated_at: dt.datetime

    @classmethod
    def of(cls, row: Response) -> AnswerRow:
        """The columns of a stored row."""
        return cls(
            row.id,
            row.activity_id,
            row.participant_id,
            row.slot,
            row.data,
            row.meta,
            row.fingerprint,
            row.submitted_at,
            row.updated_at,
        )

    def values(self, version: int) -> dict[str, Any]:
        """The row to insert, stamped with the session ``version`` its commit makes."""
        return {
            "id": self.id,
            "activity_id": self.activity_id,
            "participant_id": self.participant_id,
            "slot": self.slot,
            "data": self.data,
            "meta": self.meta,
            "fingerprint": self.fingerprint,
            "submitted_at": self.submitted_at,
            "updated_at": self.updated_at,
            "version": version,
        }


@dataclass(frozen=True)
class AnswerOutcome:
    """What became of one submission: the stored answer and whether this call changed it,
    or the error that refused it (nothing of it was stored)."""

    response: AnswerRow | None = None
    changed: bool = False
    error: Exception | None = None

    def result(self) -> tuple[AnswerRow, bool]:
        """``(response, changed)``, or raise the error."""
        if self.error is not None:
            raise self.error
        assert self.response is not None
        return self.response, self.changed


def answer_fingerprint(submitted: Any) -> str:
    """SHA-256 of the parsed answer in canonical JSON: equal answers, equal fingerprints."""
    canonical = json.dumps(submitted, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()
