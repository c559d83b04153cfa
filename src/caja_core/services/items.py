"""Items: what participants submit for others to see and vote on (Q&A questions, open-text
answers), and the presenter's moderation of them.

A type opts in with ``item_model``; :meth:`~caja_core.activity.ActivityType.item_rules`
says what the host enforces. Every rule is checked in the transaction that writes: the
participant's row is locked first, so two items sent at once by one phone are counted one
after the other, on PostgreSQL as on SQLite.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from copy import deepcopy
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DB

from caja_core.activity import ActivityType, ItemContext, StoredItem, stored_json
from caja_core.errors import AnswerRejected, Conflict, InvalidState, NotFound
from caja_core.plugins import PluginHost
from caja_core.services._common import as_uuid, bump_version, now_or
from caja_core.services.item_rules import (
    Moderation,
    check_new_item,
    check_vote,
    item_fingerprint,
    moderated_status,
    parse_item,
)
from caja_core.storage.models import Activity, Admin, Item, ItemVote, Participant, Session

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class ItemOutcome:
    """A submitted item and whether this request created it (False: a retry)."""

    item: StoredItem
    created: bool


def submit_item(
    db: DB,
    host: PluginHost,
    participant: Participant,
    activity_id: Any,
    raw: Any,
    *,
    anonymous: bool = False,
    now: dt.datetime | None = None,
) -> ItemOutcome:
    """Store a participant's item under the type's rules; the same item sent again returns
    the stored one (``created`` False)."""
    now = now_or(now)
    activity, activity_type = _open_activity(db, host, participant, activity_id)
    parsed = parse_item(activity_type, raw)
    fingerprint = item_fingerprint(parsed, anonymous)
    # Lock the participant's row: the rules below count their items, and a second request
    # of theirs must wait for this one's commit to count it.
    db.get(Participant, participant.id, with_for_update=True, populate_existing=True)
    own = _rows(db, activity.id, participant_id=participant.id)
    retry = next((row for row in own if row.fingerprint == fingerprint), None)
    if retry is not None:
        return ItemOutcome(stored_item(retry, participant.nickname, _votes(db, retry.id)), False)
    config = activity_type.parse_config(activity.config)
    state = deepcopy(activity.state)
    rules = activity_type.item_rules(config, state)
    status = check_new_item(rules, own_count=len(own), anonymous=anonymous)
    ctx = ItemContext(
        now=now,
        participant_id=participant.id,
        own_items=[stored_item(row, participant.nickname, 0) for row in own],
    )
    data = stored_json(activity_type.validate_item(config, state, parsed, ctx))
    row = Item(
        activity_id=activity.id,
        participant_id=participant.id,
        data=data,
        status=status,
        anonymous=anonymous,
        fingerprint=fingerprint,
        created_at=now,
        updated_at=now,
    )
    try:
        with db.begin_nested():
            db.add(row)
    except IntegrityError:  # the same item, sent twice at once: the other one is stored
        raise Conflict("This entry is being stored already; send it again") from None
    row.version = bump_version(db, _session(db, activity))
    log.info("item_submitted", activity_id=str(activity.id), status=row.status)
    return ItemOutcome(stored_item(row, participant.nickname, 0), True)


def vote(
    db: DB,
    host: PluginHost,
    participant: Participant,
    activity_id: Any,
    item_id: Any,
    *,
    up: bool,
) -> tuple[int, bool]:
    """Give (``up``) or withdraw a participant's vote for an item; idempotent. Returns the
    item's vote count and whether the participant now votes for it."""
    activity, activity_type = _open_activity(db, host, participant, activity_id, new=False)
    item = db.get(Item, as_uuid(item_id, "Item"))
    if item is None or item.activity_id != activity.id or item.status != "visible":
        raise NotFound("Item not found")
    config = activity_type.parse_config(activity.config)
    rules = activity_type.item_rules(config, deepcopy(activity.state))
    check_vote(rules, author_id=item.participant_id, voter_id=participant.id)
    mine = db.get(ItemVote, (item.id, participant.id))
    changed = False
    if up and mine is None:
        try:
            with db.begin_nested():
                db.add(ItemVote(item_id=item.id, participant_id=participant.id))
            changed = True
        except IntegrityError:  # the same vote, sent twice at once: it is there
            pass
    elif not up and mine is not None:
        db.execute(
            delete(ItemVote).where(
                ItemVote.item_id == item.id, ItemVote.participant_id == participant.id
            )
        )
        changed = True
    if changed:
        item.version = bump_version(db, _session(db, activity))
    return _votes(db, item.id), up


def moderate(
    db: DB,
    admin: Admin,
    session_id: Any,
    activity_id: Any,
    item_id: Any,
    action: Moderation,
    now: dt.datetime | None = None,
) -> StoredItem:
    """The presenter approves a pending item, hides one, or restores a hidden one."""
    session = _admin_session(db, admin, session_id)
    item = db.get(Item, as_uuid(item_id, "Item"))
    aid = as_uuid(activity_id, "Activity")
    activity = db.get(Activity, aid)
    if activity is None or activity.session_id != session.id:
        raise NotFound("Activity not found")
    if item is None or item.activity_id != aid:
        raise NotFound("Item not found")
    target = moderated_status(item.status, action)
    if target is not None:  # None: already so, a retry
        item.status = target
        item.updated_at = now_or(now)
        item.version = bump_version(db, session)
    nickname = db.scalar(select(Participant.nickname).where(Participant.id == item.participant_id))
    return stored_item(item, nickname, _votes(db, item.id), reveal_author=True)


def admin_items(db: DB, admin: Admin, session_id: Any, activity_id: Any) -> list[StoredItem]:
    """Every item of one of the admin's activities, in any status, oldest first."""
    session = _admin_session(db, admin, session_id)
    activity = db.get(Activity, as_uuid(activity_id, "Activity"))
    if activity is None or activity.session_id != session.id:
        raise NotFound("Activity not found")
    return load_items(db, activity.id)


def load_items(db: DB, activity_id: uuid.UUID) -> list[StoredItem]:
    """Every item of an activity with its author and vote count, oldest first (the host's
    view: anonymous authors included; :func:`for_viewers` leaves them out)."""
    counts = dict(
        db.execute(
            select(ItemVote.item_id, func.count())
            .join(Item, Item.id == ItemVote.item_id)
            .where(Item.activity_id == activity_id)
            .group_by(ItemVote.item_id)
        ).all()
    )
    rows = db.execute(
        select(Item, Participant.nickname)
        .join(Participant, Participant.id == Item.participant_id)
        .where(Item.activity_id == activity_id)
        .order_by(Item.created_at, Item.id)
    ).all()
    return [
        stored_item(item, nickname, counts.get(item.id, 0), reveal_author=True)
        for item, nickname in rows
    ]


def load_votes(db: DB, activity_id: uuid.UUID) -> dict[uuid.UUID, frozenset[uuid.UUID]]:
    """Participant id -> the ids of the items they voted for, in one activity."""
    out: dict[uuid.UUID, set[uuid.UUID]] = {}
    for item_id, participant_id in db.execute(
        select(ItemVote.item_id, ItemVote.participant_id)
        .join(Item, Item.id == ItemVote.item_id)
        .where(Item.activity_id == activity_id)
    ):
        out.setdefault(participant_id, set()).add(item_id)
    return {pid: frozenset(ids) for pid, ids in out.items()}


def for_viewers(items: Sequence[StoredItem]) -> list[StoredItem]:
    """What participants may see of items: the visible ones, anonymous authors left out."""
    return [
        item
        if not item.anonymous
        else StoredItem(
            id=item.id,
            data=item.data,
            status=item.status,
            anonymous=True,
            author_id=None,
            nickname=None,
            votes=item.votes,
            created_at=item.created_at,
            updated_at=item.updated_at,
        )
        for item in items
        if item.status == "visible"
    ]


def own_items(items: Sequence[StoredItem], participant_id: uuid.UUID) -> list[StoredItem]:
    """A participant's own items in any status (their own anonymous ones included)."""
    return [item for item in items if item.author_id == participant_id]


def stored_item(
    row: Item, nickname: str | None, votes: int, *, reveal_author: bool = True
) -> StoredItem:
    """An item row as the contract's :class:`~caja_core.activity.StoredItem`."""
    hidden = row.anonymous and not reveal_author
    return StoredItem(
        id=row.id,
        data=row.data,
        status=row.status,
        anonymous=row.anonymous,
        author_id=None if hidden else row.participant_id,
        nickname=None if hidden else nickname,
        votes=votes,
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _open_activity(
    db: DB,
    host: PluginHost,
    participant: Participant,
    activity_id: Any,
    *,
    new: bool = True,
) -> tuple[Activity, ActivityType[Any, Any]]:
    aid = as_uuid(activity_id, "Activity")
    activity = db.get(Activity, aid)
    if activity is None or activity.session_id != participant.session_id:
        raise NotFound("Activity not found")
    session = _session(db, activity)
    if session.status != "active":
        raise InvalidState("This session is not running", reason="session_not_running")
    if activity.id not in (session.current_activity_id, session.side_activity_id):
        raise AnswerRejected("This activity is not open for entries", reason="entries_closed")
    if activity.status != "active" and new:
        raise AnswerRejected("This activity is not open for entries", reason="entries_closed")
    return activity, host.get(activity.type)


def _session(db: DB, activity: Activity) -> Session:
    session = db.get(Session, activity.session_id)
    assert session is not None
    return session


def _admin_session(db: DB, admin: Admin, session_id: Any) -> Session:
    session = db.get(Session, as_uuid(session_id, "Session"))
    if session is None or session.admin_id != admin.id:
        raise NotFound("Session not found")
    return session


def _rows(db: DB, activity_id: uuid.UUID, *, participant_id: uuid.UUID) -> list[Item]:
    return list(
        db.scalars(
            select(Item)
            .where(Item.activity_id == activity_id, Item.participant_id == participant_id)
            .order_by(Item.created_at, Item.id)
        )
    )


def _votes(db: DB, item_id: uuid.UUID) -> int:
    return int(db.scalar(select(func.count()).where(ItemVote.item_id == item_id)) or 0)
