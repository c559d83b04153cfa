"""A session's participants, kept from one snapshot to the next and topped up.

Like :mod:`caja_core.services.answer_sets` for answers: a join stamps its participant
with the session version it bumps to (``participants.version``), so a snapshot at version
``V`` asks only for participants stamped above the one it holds, and a count in the same
consistent read catches removals (and rows written without a stamp). Who is connected is
asked each time, as the few who are *not* (seen too long ago): a live room is mostly
connected, and ``last_seen_at`` moves without a version.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session as DB

from caja_core.services._common import CONNECTED_WINDOW, participants_of
from caja_core.storage.models import Participant


@dataclass(frozen=True)
class Roster:
    """Every participant of one session as of one session version. Never changed once
    made (treat ``names`` as read-only: later rosters share it)."""

    session_id: uuid.UUID
    version: int
    """Holds every participant stamped at or below this session version."""
    names: Mapping[uuid.UUID, str]
    """Participant id -> nickname."""
    connected: frozenset[uuid.UUID]
    """Those seen within :data:`~caja_core.services._common.CONNECTED_WINDOW`."""
    tokens: Mapping[str, uuid.UUID]
    """Token hash -> participant id: a phone's personal document is answered from the
    snapshot without asking the database who the token is (treat as read-only)."""
    reads: int = 1
    """How many of the loads that led here read every participant (tests read it)."""


def load_roster(
    db: DB,
    session_id: uuid.UUID,
    version: int,
    now: dt.datetime,
    previous: Roster | None = None,
) -> Roster:
    """The session's participants at ``version`` (read in the caller's consistent
    transaction, which has seen that version); with the ``previous`` roster of the same
    session, only those who joined since are read."""
    same = previous is not None and previous.session_id == session_id
    if previous is not None and same and previous.version <= version:
        where = Participant.session_id == session_id
        count = db.execute(select(func.count()).select_from(Participant).where(where)).scalar_one()
        joined = db.execute(
            select(Participant.id, Participant.nickname, Participant.token_hash).where(
                where, Participant.version > previous.version
            )
        ).all()
        names, tokens = previous.names, previous.tokens
        if joined:
            names = {**previous.names, **{pid: nickname for pid, nickname, _ in joined}}
            tokens = {**previous.tokens, **{token: pid for pid, _, token in joined}}
        if len(names) == count and len(tokens) == count:
            away = db.scalars(
                select(Participant.id).where(
                    where, Participant.last_seen_at < now - CONNECTED_WINDOW
                )
            ).all()
            connected = frozenset(names).difference(away)
            return Roster(session_id, version, names, connected, tokens, previous.reads)
    names_read, connected = participants_of(db, session_id, now)
    tokens_read = {
        token: pid
        for token, pid in db.execute(
            select(Participant.token_hash, Participant.id).where(
                Participant.session_id == session_id
            )
        )
    }
    reads = previous.reads + 1 if previous is not None and same else 1
    return Roster(session_id, version, names_read, connected, tokens_read, reads)
