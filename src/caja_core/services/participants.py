"""Participants: joining with a nickname, tokens, connection status, kicking."""

from __future__ import annotations

import datetime as dt
import secrets
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import structlog
from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DB

from caja_core import text
from caja_core.errors import (
    AuthenticationFailed,
    CajaError,
    Conflict,
    Forbidden,
    InvalidState,
    NotFound,
    ValidationFailed,
)
from caja_core.services._common import (
    CONNECTED_WINDOW,
    as_uuid,
    bump_version,
    now_or,
    session_for_admin,
    stamp_version,
)
from caja_core.services._common import (
    hash_token as hash_token,  # re-exported: how a token's stored hash is made
)
from caja_core.services.sessions import normalize_join_code
from caja_core.storage.models import Admin, Participant, ParticipantBan, Session, new_live_secret

log = structlog.get_logger(__name__)

TOKEN_PREFIX = "caja_p_"  # noqa: S105 (a prefix, not a secret)
MAX_NICKNAME_LENGTH = 32
TOUCH_INTERVAL = dt.timedelta(seconds=10)


def clean_nickname(raw: Any, profanity_filter: bool = False) -> str:
    """Trim and check a nickname (:mod:`caja_core.text`): 1-32 characters once cleaned,
    no control or invisible characters, something visible, and (with ``profanity_filter``)
    no profanity. Inner runs of spaces collapse to one. Raises ValidationFailed."""
    if not isinstance(raw, str):
        raise ValidationFailed.for_field("nickname", "must be text")
    if text.has_hidden_characters(raw) or any(
        unicodedata.category(ch) in ("Co", "Cs", "Cn") for ch in raw
    ):
        raise ValidationFailed.for_field(
            "nickname",
            "must not contain control or invisible characters",
            reason="nickname_invalid_characters",
        )
    nickname = text.clean_text(raw)
    if text.is_blank(nickname):
        raise ValidationFailed.for_field("nickname", "must not be empty", reason="nickname_empty")
    if len(nickname) > MAX_NICKNAME_LENGTH:
        raise ValidationFailed.for_field(
            "nickname",
            f"at most {MAX_NICKNAME_LENGTH} characters",
            reason="nickname_too_long",
            params={"max": MAX_NICKNAME_LENGTH},
        )
    if profanity_filter and text.is_profane(nickname):
        raise ValidationFailed.for_field(
            "nickname", "contains a word that can't be shown", reason="nickname_blocked"
        )
    return nickname


def nickname_key(nickname: str) -> str:
    """The form nicknames are compared in: the confusables skeleton
    (:func:`caja_core.text.skeleton`: case, accents and look-alike letters folded), so
    "Ana", "ANA" and "\u0410na" (a Cyrillic A) are one name in a session."""
    return text.skeleton(nickname)[:64]


def _taken_keys(db: DB, session_id: uuid.UUID) -> set[str]:
    return set(
        db.scalars(select(Participant.nickname_key).where(Participant.session_id == session_id))
    )


def suggest_nickname(nickname: str, taken: set[str]) -> str:
    """A free variant of a taken nickname: "Ana" -> "Ana 2" (shortened to fit)."""
    for n in range(2, 10_000):
        suffix = f" {n}"
        candidate = nickname[: MAX_NICKNAME_LENGTH - len(suffix)].rstrip() + suffix
        if nickname_key(candidate) not in taken:
            return candidate
    return secrets.token_hex(4)  # pragma: no cover - 10,000 people with one name


def join_session(
    db: DB,
    join_code: str,
    nickname: str,
    now: dt.datetime | None = None,
    *,
    profanity_filter: bool = False,
    admit: Callable[[DB, Session], None] | None = None,
) -> tuple[Participant, str, Session]:
    """Join the running session with this code under a nickname unique in the session
    (by skeleton: case and look-alikes folded). Returns the participant, their bearer
    token (shown once, stored hashed) and the session. A taken nickname raises Conflict
    with a free ``suggestion``; one kicked from this session, Forbidden. Draft and
    completed sessions take no one. ``admit`` (the host's cap on a session's size) is
    called with the session before the participant is added and may raise to refuse."""
    now = now_or(now)
    code = normalize_join_code(join_code) if isinstance(join_code, str) else ""
    session = db.scalars(
        select(Session).where(Session.join_code == code, Session.status == "active")
    ).first()
    if session is None:
        raise NotFound(
            f"No running session has the code '{code or join_code}'", reason="session_not_found"
        )
    nickname = clean_nickname(nickname, profanity_filter)
    key = nickname_key(nickname)
    banned = select(ParticipantBan.id).where(
        ParticipantBan.session_id == session.id, ParticipantBan.nickname_skeleton == key
    )
    if db.scalar(banned) is not None:
        raise Forbidden(
            "The presenter removed this name from the session; pick another",
            reason="nickname_removed",
        )
    if admit is not None:
        admit(db, session)
    token = TOKEN_PREFIX + secrets.token_urlsafe(24)  # 192 random bits
    participant = Participant(
        session_id=session.id,
        nickname=nickname,
        nickname_key=key,
        token_hash=hash_token(token),
        joined_at=now,
        last_seen_at=now,
    )
    try:
        with db.begin_nested():
            db.add(participant)
            db.flush()
    except IntegrityError:
        suggestion = suggest_nickname(nickname, _taken_keys(db, session.id))
        raise Conflict(
            f"The nickname '{nickname}' is taken in this session; try '{suggestion}'",
            reason="nickname_taken",
            params={"nickname": nickname, "suggestion": suggestion},
            suggestion=suggestion,
        ) from None
    stamp_version(db, Participant, [participant.id], bump_version(db, session))
    log.info("participant_joined", session_id=str(session.id), participant_id=str(participant.id))
    return participant, token, session


def participant_for_token(db: DB, token: str, session_id: Any = None) -> Participant:
    """The participant a token belongs to; with ``session_id``, only in that session."""
    found = participants_for_tokens(db, [(token, session_id)])[0]
    if isinstance(found, CajaError):
        raise found
    return found


def participants_for_tokens(
    db: DB, requests: Sequence[tuple[str, Any]]
) -> list[Participant | CajaError]:
    """Each ``(token, session_id)``'s participant, or the reason it has none, in one query.

    The batched form of :func:`participant_for_token`: the results are in the order of
    ``requests``; a ``session_id`` of None accepts any session.
    """

    def load(hashes: list[str]) -> dict[str, Participant]:
        found = db.scalars(select(Participant).where(Participant.token_hash.in_(hashes)))
        return {p.token_hash: p for p in found}

    return _match_tokens(requests, load)


@dataclass(frozen=True)
class Answerer:
    """The columns of a participant that answering needs (no ORM entity to build)."""

    id: uuid.UUID
    session_id: uuid.UUID
    nickname: str


_ANSWERERS = select(
    Participant.token_hash, Participant.id, Participant.session_id, Participant.nickname
).where(Participant.token_hash.in_(bindparam("hashes", expanding=True)))


def answerers_for_tokens(db: DB, requests: Sequence[tuple[str, Any]]) -> list[Answerer | CajaError]:
    """:func:`participants_for_tokens` for the answer writer: the same checks and errors,
    plain columns instead of entities (a batch of answers authenticates hundreds)."""

    def load(hashes: list[str]) -> dict[str, Answerer]:
        rows = db.execute(_ANSWERERS, {"hashes": hashes})
        return {token_hash: Answerer(pid, sid, nick) for token_hash, pid, sid, nick in rows}

    return _match_tokens(requests, load)


_Found = TypeVar("_Found", Participant, Answerer)


def _match_tokens(
    requests: Sequence[tuple[str, Any]], load: Callable[[list[str]], dict[str, _Found]]
) -> list[_Found | CajaError]:
    hashes = [
        hash_token(token)
        for token, _ in requests
        if isinstance(token, str) and token.startswith(TOKEN_PREFIX)
    ]
    by_hash: dict[str, _Found] = {}
    for start in range(0, len(hashes), 500):
        by_hash.update(load(hashes[start : start + 500]))
    found: list[_Found | CajaError] = []
    for token, session_id in requests:
        if not isinstance(token, str) or not token.startswith(TOKEN_PREFIX):
            found.append(AuthenticationFailed("Not a participant token"))
            continue
        participant = by_hash.get(hash_token(token))
        if participant is None:
            found.append(
                AuthenticationFailed(
                    "Unknown participant: join the session again", reason="participant_unknown"
                )
            )
            continue
        try:
            other = session_id is not None and participant.session_id != as_uuid(
                session_id, "Session"
            )
        except NotFound as exc:
            found.append(exc)
            continue
        if other:
            found.append(AuthenticationFailed("This participant token belongs to another session"))
        else:
            found.append(participant)
    return found


def token_sessions(db: DB, token_hashes: Sequence[str]) -> set[tuple[str, uuid.UUID]]:
    """``(token hash, session id)`` of the participants who hold these (hashed) tokens, in
    one query: the ones still valid (not kicked, session not deleted)."""
    rows = db.execute(
        select(Participant.token_hash, Participant.session_id).where(
            Participant.token_hash.in_(list(token_hashes))
        )
    )
    return {(token_hash, session_id) for token_hash, session_id in rows}


def touch_participant(db: DB, participant: Participant, now: dt.datetime | None = None) -> bool:
    """Record that the participant was seen; writes at most every 10 seconds.
    Returns True when it wrote."""
    now = now_or(now)
    if participant.last_seen_at >= now - TOUCH_INTERVAL:
        return False
    participant.last_seen_at = now
    db.flush()
    return True


_PARTICIPANTS: Table = Participant.__table__  # type: ignore[assignment]
_FREE = (
    select(_PARTICIPANTS.c.id)
    .where(
        _PARTICIPANTS.c.id.in_(bindparam("ids", expanding=True)),
        _PARTICIPANTS.c.last_seen_at < bindparam("now"),
    )
    # NO KEY UPDATE (what the UPDATE itself takes), not UPDATE: an answer's foreign key to
    # its participant is checked under a key-share lock, which FOR UPDATE would block until
    # this transaction commits (every answer of the thousands a poll flush marks seen).
    .with_for_update(skip_locked=True, key_share=True)
    .cte("free")
)
# Prebuilt, on the table (no ORM bulk-update machinery): every answer batch runs it.
_MARK_SEEN = (
    update(_PARTICIPANTS)
    .where(_PARTICIPANTS.c.id.in_(select(_FREE.c.id)))
    .values(last_seen_at=bindparam("now"))
)


def mark_seen(db: DB, participant_ids: Iterable[uuid.UUID], now: dt.datetime | None = None) -> int:
    """Record that these participants were seen now, in one statement per 500 of them
    (polls are counted in memory and written in batches, answers in batches too). Returns
    the rows written.

    Rows another transaction is writing right now are skipped (on PostgreSQL, ``FOR NO KEY
    UPDATE SKIP LOCKED``): that one is recording the same thing, and waiting for it could
    deadlock (two batches over overlapping participants lock their rows in different
    orders). The rows marked are not locked against answers referring to them."""
    now = now_or(now)
    ids = list(participant_ids)
    written = 0
    for start in range(0, len(ids), 500):
        result = db.execute(_MARK_SEEN, {"ids": ids[start : start + 500], "now": now})
        written += getattr(result, "rowcount", 0) or 0
    return written


def connection_status(participant: Participant, now: dt.datetime | None = None) -> str:
    """``connected`` when seen within the last 30 seconds, else ``disconnected``."""
    return (
        "connected"
        if participant.last_seen_at >= now_or(now) - CONNECTED_WINDOW
        else "disconnected"
    )


def list_participants(db: DB, admin: Admin, session_id: Any) -> list[Participant]:
    """Everyone in the admin's session, in joining order."""
    session = session_for_admin(db, admin, session_id)
    return list(
        db.scalars(
            select(Participant)
            .where(Participant.session_id == session.id)
            .order_by(Participant.joined_at, Participant.nickname_key)
        )
    )


def count_participants(db: DB, session_id: uuid.UUID) -> int:
    """How many people are in the session."""
    return (
        db.scalar(
            select(func.count())
            .select_from(Participant)
            .where(Participant.session_id == session_id)
        )
        or 0
    )


def kick_participant(db: DB, admin: Admin, session_id: Any, participant_id: Any) -> None:
    """Remove someone from the session with their answers; their token stops working."""
    session = session_for_admin(db, admin, session_id, lock=True)
    pid = as_uuid(participant_id, "Participant")
    participant = db.scalars(
        select(Participant).where(Participant.id == pid, Participant.session_id == session.id)
    ).first()
    if participant is None:
        raise NotFound("Participant not found")
    if session.status == "completed":
        raise InvalidState(
            "This session is completed; its participants can't change", reason="session_completed"
        )
    db.delete(participant)
    db.flush()
    _ban(db, session.id, nickname_key(participant.nickname))
    # Keys to the shared live documents handed out so far stop working: the kicked phone
    # can't keep reading them; everyone else fetches their personal document for new ones.
    session.live_secret = new_live_secret()
    bump_version(db, session)
    log.info("participant_kicked", session_id=str(session.id), participant_id=str(pid))


def _ban(db: DB, session_id: uuid.UUID, skeleton: str) -> None:
    """Keep a kicked nickname (its skeleton) out of the session."""
    exists = select(ParticipantBan.id).where(
        ParticipantBan.session_id == session_id, ParticipantBan.nickname_skeleton == skeleton
    )
    if db.scalar(exists) is None:
        db.add(ParticipantBan(session_id=session_id, nickname_skeleton=skeleton))
        db.flush()
