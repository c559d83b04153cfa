from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from caja_core.errors import AnswerRejected, Conflict, InvalidState
from caja_core.services import activities, participants, responses, sessions
from caja_core.storage.models import Response

from .conftest import T0, open_pick


@pytest.fixture
def setup(db, host, admin, live_session):
    def make(config=None, timeout=None):
        config = config or {"options": ["a", "b", "c"]}
        a = open_pick(db, host, admin, live_session, title="Q", timeout_seconds=timeout, **config)
        p, _, _ = participants.join_session(db, live_session.join_code, f"P{a.id.hex[:6]}", now=T0)
        return a, p

    return make


def submit(db, host, p, a, data, now=T0):
    return responses.submit_answer(db, host, p, p.session_id, a.id, data, now=now)


def test_identical_retry_returns_the_stored_answer(db, host, setup):
    a, p = setup()
    first, created = submit(db, host, p, a, {"choice": 1})
    again, created_again = submit(db, host, p, a, {"choice": 1}, now=T0 + dt.timedelta(seconds=5))
    assert created and not created_again and again.id == first.id
    assert again.submitted_at == T0
    assert activities.answer_count(db, a.id) == 1


def test_a_different_second_answer_is_refused_unless_the_type_allows_changes(db, host, setup):
    a, p = setup()
    submit(db, host, p, a, {"choice": 1})
    with pytest.raises(Conflict, match="already answered"):
        submit(db, host, p, a, {"choice": 2})
    assert db.scalar(select(Response.data).where(Response.activity_id == a.id)) == {"choice": 1}

    b, q = setup({"options": ["a", "b"], "allow_change": True})
    submit(db, host, q, b, {"choice": 0})
    response, changed = submit(db, host, q, b, {"choice": 1})
    assert changed and response.data == {"choice": 1}
    assert activities.answer_count(db, b.id) == 1


def test_one_answer_per_participant_is_a_database_constraint(db, host, setup):
    a, p = setup()
    submit(db, host, p, a, {"choice": 1})
    with pytest.raises(IntegrityError), db.begin_nested():
        db.add(
            Response(activity_id=a.id, participant_id=p.id, slot="", data={"choice": 2}, meta={})
        )
        db.flush()


def test_slots_allow_one_answer_per_round(db, host, admin, live_session, setup):
    a, p = setup({"options": ["a", "b"], "rounds": True})
    submit(db, host, p, a, {"choice": 0})
    activities.run_action(db, host, admin, live_session.id, a.id, "next_round", {})
    submit(db, host, p, a, {"choice": 1})
    slots = db.scalars(select(Response.slot).where(Response.activity_id == a.id)).all()
    assert sorted(slots) == ["r0", "r1"]


def test_answers_to_inactive_or_late_activities_are_refused(db, host, admin, live_session, setup):
    a, p = setup(timeout=30)
    with pytest.raises(AnswerRejected, match="Time is up"):
        submit(db, host, p, a, {"choice": 0}, now=T0 + dt.timedelta(seconds=31))
    submit(db, host, p, a, {"choice": 0}, now=T0 + dt.timedelta(seconds=29))
    # the type's own clock counts too
    b, q = setup({"options": ["a", "b"], "question_seconds": 10})
    with pytest.raises(AnswerRejected, match="Time is up"):
        submit(db, host, q, b, {"choice": 0}, now=T0 + dt.timedelta(seconds=11))
    activities.close_activity(db, host, admin, live_session.id, b.id, now=T0)
    with pytest.raises(AnswerRejected, match="not open"):
        submit(db, host, q, b, {"choice": 0})
    # a retry of an answer that landed in time still gets its stored answer back
    stored, created = submit(db, host, p, a, {"choice": 0}, now=T0 + dt.timedelta(hours=1))
    assert not created and stored.data == {"choice": 0}


def test_bad_answers_are_refused_with_a_message(db, host, setup):
    a, p = setup()
    with pytest.raises(AnswerRejected, match="choice"):
        submit(db, host, p, a, {"choise": 1})
    with pytest.raises(AnswerRejected, match="Choose one of the 3 options"):
        submit(db, host, p, a, {"choice": 7})
    assert activities.answer_count(db, a.id) == 0


def test_answers_need_a_running_session(db, host, admin, live_session, setup):
    a, p = setup()
    sessions.complete_session(db, admin, live_session.id, host=host, now=T0)
    with pytest.raises(InvalidState):
        submit(db, host, p, a, {"choice": 0})


def test_every_visible_change_bumps_the_version(db, host, admin, live_session):
    v = [live_session.version]

    def bumped():
        db.refresh(live_session)
        assert live_session.version > v[-1]
        v.append(live_session.version)

    a = activities.add_activity(
        db, host, admin, live_session.id, type="pick", title="Q", config={"options": ["a", "b"]}
    )
    bumped()
    activities.activate_activity(db, host, admin, live_session.id, a.id, now=T0)
    bumped()
    p, _, _ = participants.join_session(db, live_session.join_code, "Ana", now=T0)
    bumped()
    submit(db, host, p, a, {"choice": 0})
    bumped()
    submit(db, host, p, a, {"choice": 0})  # an identical retry changes nothing
    db.refresh(live_session)
    assert live_session.version == v[-1]
    activities.update_activity(db, host, admin, live_session.id, a.id, changes={"title": "R"})
    bumped()
    activities.run_action(db, host, admin, live_session.id, a.id, "next_round", {})
    bumped()
    activities.close_activity(db, host, admin, live_session.id, a.id, now=T0)
    bumped()
    participants.kick_participant(db, admin, live_session.id, p.id)
    bumped()
    sessions.complete_session(db, admin, live_session.id, host=host)
    bumped()


def test_concurrent_identical_answers_are_stored_once(database, host):
    """Eight threads send the same participant's answer at once: one row, no errors."""
    from caja_core.services import admins

    with database.transaction() as db:
        admin = admins.create_admin(db, "carol", "correct horse battery")
        s = sessions.create_session(db, admin, "race")
        sessions.start_session(db, admin, s.id)
        a = activities.add_activity(
            db, host, admin, s.id, type="pick", title="Q", config={"options": ["a", "b"]}
        )
        activities.activate_activity(db, host, admin, s.id, a.id)
        p, _, _ = participants.join_session(db, s.join_code, "Ana")
    results, errors = [], []
    barrier = threading.Barrier(8)

    def send():
        barrier.wait()
        try:
            with database.transaction() as db:
                me = db.get(type(p), p.id)
                _r, created = responses.submit_answer(db, host, me, s.id, a.id, {"choice": 1})
                results.append(created)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=send) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert results.count(True) == 1 and len(results) == 8
    with database.read() as db:
        assert db.scalar(select(func.count()).select_from(Response)) == 1


def test_a_retry_is_recognised_even_when_the_type_normalises_the_answer(
    db, host, admin, live_session, setup
):
    a, p = setup()
    sent = {"choice": 2, "comment": "gut feeling"}
    first, created = submit(db, host, p, a, sent)
    assert created
    assert first.data == {"choice": 2}
    again, created = submit(db, host, p, a, sent)
    assert not created
    assert again.id == first.id
    activities.close_activity(db, host, admin, live_session.id, a.id, now=T0)
    late, created = submit(db, host, p, a, sent, now=T0 + dt.timedelta(minutes=5))
    assert not created
    assert late.id == first.id
    with pytest.raises(AnswerRejected, match="not open"):
        submit(db, host, p, a, {"choice": 1})
