"""Snapshots keep the current activity's answers and the session's participants, and read
only what changed since.

Every snapshot built from the previous one must equal one built from scratch; the counts
of full reads say whether only the new rows were read."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from caja_core.services import activities, participants, responses
from caja_core.services.snapshots import Snapshot, compute_snapshot
from caja_core.storage.models import Participant, Response

from .conftest import T0, open_pick


@pytest.fixture
def changeable(db, host, admin, live_session):
    return open_pick(
        db, host, admin, live_session, options=["red", "blue", "green"], allow_change=True
    )


def _join(db, live_session, nickname):
    return participants.join_session(db, live_session.join_code, nickname, now=T0)[0]


def _answer(db, host, live_session, activity, who, choice, seconds=0):
    when = T0 + dt.timedelta(seconds=seconds)
    responses.submit_answer(
        db, host, who, live_session.id, activity.id, {"choice": choice}, now=when
    )


def _next(db, host, live_session, previous: Snapshot | None) -> Snapshot:
    """The next snapshot from the previous one, checked against one built from scratch."""
    snap = compute_snapshot(db, host, live_session.id, T0, previous)
    fresh = compute_snapshot(db, host, live_session.id, T0)
    assert snap.answer_set is not None and fresh.answer_set is not None
    assert snap.answer_set.answers == fresh.answer_set.answers
    assert snap.answers == fresh.answers
    assert snap.activity is not None and fresh.activity is not None
    assert snap.activity.results == fresh.activity.results
    assert snap.version == fresh.version
    assert snap.nicknames == fresh.nicknames
    assert snap.participant_count == fresh.participant_count
    assert snap.roster is not None and fresh.roster is not None
    assert snap.roster.connected == fresh.roster.connected
    return snap


def test_new_and_changed_answers_are_read_on_top_of_the_previous_ones(
    db, host, live_session, changeable
):
    ana, ben, cy = (_join(db, live_session, n) for n in ("Ana", "Ben", "Cy"))
    first = _next(db, host, live_session, None)
    assert first.answer_set is not None and first.answer_set.answers == []
    _answer(db, host, live_session, changeable, ana, 0, seconds=1)
    _answer(db, host, live_session, changeable, ben, 1, seconds=2)
    second = _next(db, host, live_session, first)
    assert second.activity is not None and second.activity.results == {"counts": [1, 1, 0]}
    # Ana changes her mind: her answer keeps its place (submitted first) with the new choice.
    _answer(db, host, live_session, changeable, ana, 2, seconds=3)
    _answer(db, host, live_session, changeable, cy, 2, seconds=4)
    third = _next(db, host, live_session, second)
    assert third.answer_set is not None
    assert [(a.nickname, a.data["choice"]) for a in third.answer_set.answers] == [
        ("Ana", 2),
        ("Ben", 1),
        ("Cy", 2),
    ]
    assert third.activity is not None and third.activity.results == {"counts": [0, 1, 2]}
    # Nothing new: the answers are the previous snapshot's own list.
    fourth = _next(db, host, live_session, third)
    assert fourth.answer_set is not None and fourth.answer_set.answers is third.answer_set.answers
    assert fourth.answer_set.reads == 1  # only the first snapshot read every answer


def test_an_answer_stored_earlier_than_the_newest_keeps_the_order(
    db, host, live_session, changeable
):
    ana, ben = _join(db, live_session, "Ana"), _join(db, live_session, "Ben")
    _answer(db, host, live_session, changeable, ana, 0, seconds=5)
    first = _next(db, host, live_session, None)
    _answer(db, host, live_session, changeable, ben, 1, seconds=2)  # a slow replica's clock
    second = _next(db, host, live_session, first)
    assert second.answer_set is not None and second.answer_set.reads == 1
    assert [a.nickname for a in second.answer_set.answers] == ["Ben", "Ana"]


def test_deleted_answers_make_the_next_snapshot_read_everything(
    db, host, admin, live_session, changeable
):
    ana, ben = _join(db, live_session, "Ana"), _join(db, live_session, "Ben")
    _answer(db, host, live_session, changeable, ana, 0)
    _answer(db, host, live_session, changeable, ben, 1)
    first = _next(db, host, live_session, None)
    participants.kick_participant(db, admin, live_session.id, ben.id)
    second = _next(db, host, live_session, first)
    assert second.answer_set is not None and second.answer_set.reads == 2
    assert [a.nickname for a in second.answer_set.answers] == ["Ana"]
    activities.run_action(db, host, admin, live_session.id, changeable.id, "reset", {})
    third = _next(db, host, live_session, second)
    assert third.answer_set is not None and third.answer_set.reads == 3
    assert third.answer_set.answers == []


def test_answers_written_without_a_stamp_are_found_by_the_count(db, host, live_session, changeable):
    ana, ben = _join(db, live_session, "Ana"), _join(db, live_session, "Ben")
    _answer(db, host, live_session, changeable, ana, 0)
    first = _next(db, host, live_session, None)
    # As an older replica (or a script) would store it: no version stamp.
    db.add(
        Response(
            id=uuid.uuid4(),
            activity_id=changeable.id,
            participant_id=ben.id,
            slot="",
            data={"choice": 2},
            meta={},
            submitted_at=T0,
        )
    )
    db.flush()
    second = _next(db, host, live_session, first)
    assert second.answer_set is not None and second.answer_set.reads == 2
    assert second.activity is not None and second.activity.results == {"counts": [1, 0, 1]}


def test_another_activity_is_read_from_scratch(db, host, admin, live_session, changeable):
    ana = _join(db, live_session, "Ana")
    _answer(db, host, live_session, changeable, ana, 0)
    first = _next(db, host, live_session, None)
    other = activities.add_activity(
        db, host, admin, live_session.id, type="pick", title="Size?", config={"options": ["S", "L"]}
    )
    activities.activate_activity(db, host, admin, live_session.id, other.id, now=T0)
    second = _next(db, host, live_session, first)
    assert second.answer_set is not None and second.answer_set.activity_id == other.id
    assert second.answer_set.reads == 1 and second.answer_set.answers == []


def test_participants_who_joined_since_are_read_on_top(db, host, admin, live_session, changeable):
    ana = _join(db, live_session, "Ana")
    first = _next(db, host, live_session, None)
    ben = _join(db, live_session, "Ben")
    _answer(db, host, live_session, changeable, ben, 1)
    second = _next(db, host, live_session, first)
    assert second.roster is not None and second.roster.reads == 1
    assert second.nicknames == {ana.id: "Ana", ben.id: "Ben"}
    assert second.answer_set is not None
    assert [a.nickname for a in second.answer_set.answers] == ["Ben"]
    # Ana's phone went quiet long ago: no longer connected; the next snapshot knows.
    db.execute(
        Participant.__table__.update()
        .where(Participant.id == ana.id)
        .values(last_seen_at=T0 - dt.timedelta(minutes=5))
    )
    third = _next(db, host, live_session, second)
    assert third.roster is not None and third.roster.connected == {ben.id}
    assert third.roster.reads == 1
    # Removed: everyone is read again.
    participants.kick_participant(db, admin, live_session.id, ana.id)
    fourth = _next(db, host, live_session, third)
    assert fourth.roster is not None and fourth.roster.reads == 2
    assert fourth.nicknames == {ben.id: "Ben"}
