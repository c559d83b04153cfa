"""The rules every way of storing an item shares: parsing, retries, the type's
:class:`~caja_core.activity.ItemRules`, votes and moderation.

Used by :mod:`caja_core.services.items` (the database) and by the testing kit's harness
(:mod:`caja_core.harness_items`, in memory), so a plugin's tests meet the host's own rules
and refusals.
"""

from __future__ import annotations

import hashlib
import uuid
from typing import Any, Literal

import orjson
from pydantic import BaseModel, ValidationError

from caja_core.activity import ActivityType, ItemRules, _pydantic_errors, _short_errors
from caja_core.errors import AnswerRejected, InvalidState

Moderation = Literal["approve", "hide", "restore"]
# action -> (the statuses it applies to, the status it gives)
_MODERATION: dict[str, tuple[frozenset[str], str]] = {
    "approve": (frozenset({"pending"}), "visible"),
    "hide": (frozenset({"pending", "visible"}), "hidden"),
    "restore": (frozenset({"hidden"}), "visible"),
}


def parse_item(activity_type: ActivityType[Any, Any], raw: Any) -> BaseModel:
    """``raw`` parsed with the type's ``item_model``; a type without items, or a bad item,
    is refused (422)."""
    model = activity_type.item_model
    if model is None:
        raise AnswerRejected(f"Activity type '{activity_type.name}' takes no entries")
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise AnswerRejected(
            "Invalid item: " + "; ".join(_short_errors(exc)), errors=_pydantic_errors(exc)
        ) from None


def item_fingerprint(parsed: BaseModel, anonymous: bool) -> str:
    """What tells a retry of an item from a new one: its data and its anonymity."""
    data = parsed.model_dump(mode="json")
    payload = orjson.dumps({"data": data, "anonymous": anonymous}, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(payload).hexdigest()


def check_new_item(rules: ItemRules, *, own_count: int, anonymous: bool) -> str:
    """Refuse a participant's new item as the type's rules say (``own_count``: the items
    they have already); returns the status it is stored with."""
    if not rules.accepting:
        raise AnswerRejected("This activity is not taking new entries now", reason="entries_closed")
    if anonymous and not rules.anonymous:
        raise AnswerRejected(
            "The presenter does not allow anonymous entries here", reason="entries_not_anonymous"
        )
    if own_count >= rules.max_per_participant:
        raise AnswerRejected(
            f"You have sent the most entries allowed here ({rules.max_per_participant})",
            reason="entries_used_up",
            params={"max": rules.max_per_participant},
        )
    return "pending" if rules.moderated else "visible"


def check_vote(rules: ItemRules, *, author_id: uuid.UUID | None, voter_id: uuid.UUID) -> None:
    """Refuse a vote where the type takes none, and a vote for one's own item."""
    if not rules.votes:
        raise AnswerRejected("Votes are not taken here", reason="votes_not_taken")
    if author_id == voter_id:
        raise AnswerRejected("You can't vote for your own entry", reason="vote_own_entry")


def moderated_status(status: str, action: Moderation) -> str | None:
    """The status the presenter's ``action`` gives an item in ``status``: None when it is
    in that status already (a retry); refused when the action does not apply to it."""
    allowed, target = _MODERATION[action]
    if status == target:
        return None
    if status not in allowed:
        raise InvalidState(f"A {status} entry can't be {action}d")
    return target
