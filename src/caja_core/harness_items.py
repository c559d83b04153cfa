"""The testing kit's items: :class:`~caja_core.testing.ActivityHarness` submits, votes for
and moderates items (Q&A questions, open-text answers) in memory under the type's
``item_rules``, with the rules and refusals ``caja_core.services.items`` applies to the
database (both use :mod:`caja_core.services.item_rules`)."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from caja_core.activity import ActivityType, ItemContext, StoredItem, stored_json
from caja_core.errors import AnswerRejected, NotFound
from caja_core.services.item_rules import (
    Moderation,
    check_new_item,
    check_vote,
    item_fingerprint,
    moderated_status,
    parse_item,
)
from caja_core.services.items import for_viewers, own_items


class HarnessItems:
    """Items for the harness (mixed into :class:`~caja_core.testing.ActivityHarness`)."""

    type: ActivityType[Any, Any]
    config: Any
    state: dict[str, Any]
    now: dt.datetime
    status: str
    participants: dict[uuid.UUID, str]

    def _pid(self, participant: uuid.UUID | str) -> uuid.UUID:
        raise NotImplementedError

    def _item_store(self) -> dict[uuid.UUID, tuple[StoredItem, str]]:
        """item id -> (item without votes, fingerprint), oldest first."""
        return self.__dict__.setdefault("_items", {})  # type: ignore[no-any-return]

    def _vote_store(self) -> dict[uuid.UUID, set[uuid.UUID]]:
        return self.__dict__.setdefault("_votes", {})  # type: ignore[no-any-return]

    def submit_item(
        self, participant: uuid.UUID | str, raw: Any, *, anonymous: bool = False
    ) -> StoredItem:
        """Send an item as ``participant``; the same item again returns the stored one.
        Raises :class:`~caja_core.errors.AnswerRejected` where the host would (422)."""
        pid = self._pid(participant)
        if self.status != "active":
            raise AnswerRejected("This activity is not open for entries", reason="entries_closed")
        parsed = parse_item(self.type, raw)
        fingerprint = item_fingerprint(parsed, anonymous)
        store = self._item_store()
        mine = [item for item, _ in store.values() if item.author_id == pid]
        for item, seen in store.values():
            if item.author_id == pid and seen == fingerprint:
                return self._with_votes(item)
        rules = self.type.item_rules(self.config, self.state)
        status = check_new_item(rules, own_count=len(mine), anonymous=anonymous)
        ctx = ItemContext(now=self.now, participant_id=pid, own_items=mine)
        data = stored_json(self.type.validate_item(self.config, self.state, parsed, ctx))
        item = StoredItem(
            id=uuid.uuid5(pid, fingerprint),
            data=data,
            status=status,
            anonymous=anonymous,
            author_id=pid,
            nickname=self.participants[pid],
            votes=0,
            created_at=self.now,
            updated_at=self.now,
        )
        store[item.id] = (item, fingerprint)
        return item

    def vote(self, participant: uuid.UUID | str, item_id: uuid.UUID, *, up: bool = True) -> int:
        """Vote for (or withdraw the vote for) a visible item; returns its votes."""
        pid = self._pid(participant)
        item = self._item_store().get(item_id, (None, ""))[0]
        if item is None or item.status != "visible":
            raise NotFound("Item not found")
        check_vote(
            self.type.item_rules(self.config, self.state), author_id=item.author_id, voter_id=pid
        )
        voters = self._vote_store().setdefault(item_id, set())
        if up:
            voters.add(pid)
        else:
            voters.discard(pid)
        return len(voters)

    def moderate(self, item_id: uuid.UUID, action: Moderation) -> StoredItem:
        """The presenter's ``approve``, ``hide`` or ``restore``."""
        store = self._item_store()
        if item_id not in store:
            raise NotFound("Item not found")
        item, fingerprint = store[item_id]
        target = moderated_status(item.status, action)
        if target is not None:  # None: already so, a retry
            item = StoredItem(**{**item.__dict__, "status": target, "updated_at": self.now})
            store[item_id] = (item, fingerprint)
        return self._with_votes(item)

    def items(self) -> list[StoredItem]:
        """Every item in any status with its votes, oldest first (what types get in
        ``AggregateContext.items``)."""
        return [self._with_votes(item) for item, _ in self._item_store().values()]

    def items_for(self, role: str) -> list[StoredItem]:
        """The items ``role`` may see (``ViewContext.items``)."""
        every = self.items()
        return every if role == "presenter" else for_viewers(every)

    def own_items_of(self, pid: uuid.UUID) -> tuple[list[StoredItem], frozenset[uuid.UUID]]:
        """A participant's own items and the ids they voted for."""
        voted = frozenset(i for i, voters in self._vote_store().items() if pid in voters)
        return own_items(self.items(), pid), voted

    def _with_votes(self, item: StoredItem) -> StoredItem:
        votes = len(self._vote_store().get(item.id, ()))
        return StoredItem(**{**item.__dict__, "votes": votes})
