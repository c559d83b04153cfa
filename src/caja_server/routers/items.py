"""Items: participants submit entries (Q&A questions, open-text answers) and vote for
others'; the presenter lists and moderates them. The rules are the type's
(``ActivityType.item_rules``), enforced by ``caja_core.services.items``."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, Response, status

from caja_core.activity import StoredItem
from caja_core.services import items as item_service
from caja_core.services.item_rules import Moderation
from caja_core.storage.models import Admin
from caja_server.deps import CurrentAdmin, CurrentParticipant, Db, Host
from caja_server.errors import error_responses
from caja_server.schemas import ItemOut, ItemSubmit, VoteOut
from caja_server.throttle import participant_write_limit

router = APIRouter(prefix="/api/sessions/{sid}/activities/{aid}/items", tags=["items"])


def item_out(item: StoredItem) -> ItemOut:
    """An item as the API shows it: an anonymous one names nobody, not even to the
    presenter."""
    return ItemOut(
        id=item.id,
        data=item.data,
        status=item.status,
        anonymous=item.anonymous,
        author_id=None if item.anonymous else item.author_id,
        nickname=None if item.anonymous else item.nickname,
        votes=item.votes,
        created_at=item.created_at,
        updated_at=item.updated_at,
    )


@router.post(
    "",
    summary="Submit an entry (a question, an answer)",
    status_code=status.HTTP_201_CREATED,
    response_model=ItemOut,
    responses={
        200: {"model": ItemOut, "description": "The same entry sent again: the stored one"},
        **error_responses(400, 401, 403, 404, 409, 413, 422, 429),
    },
    dependencies=[Depends(participant_write_limit)],
)
def submit_item(
    sid: uuid.UUID,
    aid: uuid.UUID,
    body: ItemSubmit,
    participant: CurrentParticipant,
    db: Db,
    host: Host,
    response: Response,
) -> ItemOut:
    """Store the participant's entry (201); it waits for approval when the presenter
    moderates. The very same entry sent again answers 200 with the stored one."""
    outcome = item_service.submit_item(
        db, host, participant, aid, body.data, anonymous=body.anonymous
    )
    if not outcome.created:
        response.status_code = status.HTTP_200_OK
    return item_out(outcome.item)


@router.put(
    "/{iid}/vote",
    summary="Vote for an entry",
    response_model=VoteOut,
    responses=error_responses(401, 403, 404, 409, 422, 429),
    dependencies=[Depends(participant_write_limit)],
)
def vote(
    sid: uuid.UUID,
    aid: uuid.UUID,
    iid: uuid.UUID,
    participant: CurrentParticipant,
    db: Db,
    host: Host,
) -> VoteOut:
    """One vote per participant and entry; voting again changes nothing."""
    votes, voted = item_service.vote(db, host, participant, aid, iid, up=True)
    return VoteOut(item_id=iid, votes=votes, voted=voted)


@router.delete(
    "/{iid}/vote",
    summary="Withdraw a vote",
    response_model=VoteOut,
    responses=error_responses(401, 403, 404, 409, 422, 429),
    dependencies=[Depends(participant_write_limit)],
)
def unvote(
    sid: uuid.UUID,
    aid: uuid.UUID,
    iid: uuid.UUID,
    participant: CurrentParticipant,
    db: Db,
    host: Host,
) -> VoteOut:
    """Withdraw the participant's vote; withdrawing twice changes nothing."""
    votes, voted = item_service.vote(db, host, participant, aid, iid, up=False)
    return VoteOut(item_id=iid, votes=votes, voted=voted)


@router.get(
    "",
    summary="Every entry, for moderation",
    response_model=list[ItemOut],
    responses=error_responses(401, 403, 404, 422),
)
def list_items(sid: uuid.UUID, aid: uuid.UUID, admin: CurrentAdmin, db: Db) -> list[ItemOut]:
    """Every entry of the activity in any status (pending, visible, hidden), with authors,
    oldest first. Participants see the visible ones in their live state."""
    return [item_out(item) for item in item_service.admin_items(db, admin, sid, aid)]


def _moderate(
    sid: uuid.UUID, aid: uuid.UUID, iid: uuid.UUID, action: Moderation, admin: Admin, db: Db
) -> ItemOut:
    return item_out(item_service.moderate(db, admin, sid, aid, iid, action))


@router.post(
    "/{iid}/approve",
    summary="Approve an entry",
    response_model=ItemOut,
    responses=error_responses(401, 403, 404, 409, 422),
)
def approve_item(
    sid: uuid.UUID, aid: uuid.UUID, iid: uuid.UUID, admin: CurrentAdmin, db: Db
) -> ItemOut:
    """Show a pending entry to everyone. Approving it twice changes nothing."""
    return _moderate(sid, aid, iid, "approve", admin, db)


@router.post(
    "/{iid}/hide",
    summary="Hide an entry",
    response_model=ItemOut,
    responses=error_responses(401, 403, 404, 409, 422),
)
def hide_item(
    sid: uuid.UUID, aid: uuid.UUID, iid: uuid.UUID, admin: CurrentAdmin, db: Db
) -> ItemOut:
    """Take a pending or visible entry off every screen (its votes are kept)."""
    return _moderate(sid, aid, iid, "hide", admin, db)


@router.post(
    "/{iid}/restore",
    summary="Restore a hidden entry",
    response_model=ItemOut,
    responses=error_responses(401, 403, 404, 409, 422),
)
def restore_item(
    sid: uuid.UUID, aid: uuid.UUID, iid: uuid.UUID, admin: CurrentAdmin, db: Db
) -> ItemOut:
    """Show a hidden entry again."""
    return _moderate(sid, aid, iid, "restore", admin, db)
