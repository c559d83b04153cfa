"""Answers stored in batches (``submit_answers``): judged in order exactly as if submitted one
by one, one version bump per batch, one submission's refusal stores nothing of it and stops
none of the others."""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session as DB

import caja_plugins.poker
from caja_core import hookimpl
from caja_core.errors import AnswerRejected, Conflict, NotFound
from caja_core.plugins import PluginHost
from caja_core.services import activities, participants, responses, sessions
from caja_core.services.responses import AnswerSubmission
from caja_core.storage.db import Database
from caja_core.storage.models import Activity, Admin, Participant, Response, Session

from .conftest import T0, Pick, PickAnswer, PickConfig, PickPlugin, make_admin


class Touchy(Pick):
    """Pick, with a bug: choosing option 1 crashes."""

    name = "touchy"

    def validate_answer(
        self, config: PickConfig, state: dict[str, Any], answer: PickAnswer, ctx: Any
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        if answer.choice == 1:
            raise RuntimeError("plugin bug")
        return super().validate_answer(config, state, answer, ctx)


class TouchyPlugin:
    @hookimpl
    def caja_register_activity_types(self, register: Any) -> None:
        register(Touchy())


def opened(
    db: DB, host: PluginHost, admin: Admin, session: Session, type: str = "pick", **config: Any
) -> Activity:
    config = config or {"options": ["a", "b", "c"]}
    a = activities.add_activity(db, host, admin, session.id, type=type, title="Q", config=config)
    activities.activate_activity(db, host, admin, session.id, a.id, now=T0)
    return a


def people(db: DB, session: Session, n: int) -> list[Participant]:
    return [participants.join_session(db, session.join_code, f"P{i}", now=T0)[0] for i in range(n)]


def sub(p: Participant, a: Activity, data: Any, at: dt.datetime = T0) -> AnswerSubmission:
    return AnswerSubmission(p, p.session_id, a.id, data, at)


def stored(db: DB, a: Activity) -> dict[str, Any]:
    rows = db.execute(
        select(Participant.nickname, Response.data)
        .join(Participant, Participant.id == Response.participant_id)
        .where(Response.activity_id == a.id)
    )
    return {nickname: data for nickname, data in rows}


def test_a_batch_is_judged_in_order_like_answers_one_by_one(db, host, admin, live_session):
    a = opened(db, host, admin, live_session)
    p0, p1, p2, p3 = people(db, live_session, 4)
    version = live_session.version
    outcomes = responses.submit_answers(
        db,
        host,
        [
            sub(p0, a, {"choice": 0}),
            sub(p1, a, {"choice": 1}),
            sub(p0, a, {"choice": 0}),  # an identical retry within the batch
            sub(p0, a, {"choice": 2}),  # a different second answer
            sub(p2, a, {"choice": 9}),  # refused by the type
            sub(p3, a, {"nope": 1}),  # not an answer at all
        ],
        now=T0,
    )
    assert [o.changed for o in outcomes] == [True, True, False, False, False, False]
    assert outcomes[2].response is outcomes[0].response
    assert isinstance(outcomes[3].error, Conflict)
    assert isinstance(outcomes[4].error, AnswerRejected)
    assert isinstance(outcomes[5].error, AnswerRejected)
    assert "choice: Field required" in str(outcomes[5].error)
    assert stored(db, a) == {"P0": {"choice": 0}, "P1": {"choice": 1}}
    db.refresh(live_session)
    assert live_session.version == version + 1  # one bump for the batch


def test_a_changed_answer_within_a_batch_keeps_each_reply_its_own(db, host, admin, live_session):
    """The same participant changes an answer twice in one batch (new, then changed, then
    changed again): one row holds the last, and each acknowledgement shows what it stored."""
    a = opened(db, host, admin, live_session, options=["a", "b", "c"], allow_change=True)
    (p0,) = people(db, live_session, 1)
    outcomes = responses.submit_answers(
        db,
        host,
        [sub(p0, a, {"choice": 0}), sub(p0, a, {"choice": 1}), sub(p0, a, {"choice": 2})],
        now=T0,
    )
    assert [o.changed for o in outcomes] == [True, True, True]
    assert [o.result()[0].data for o in outcomes] == [{"choice": i} for i in range(3)]
    assert len({o.result()[0].id for o in outcomes}) == 1
    assert stored(db, a) == {"P0": {"choice": 2}}
    assert db.scalar(select(func.count()).select_from(Response)) == 1


def test_new_and_changed_rows_carry_the_version_their_batch_made(db, host, admin, live_session):
    """New answers are inserted already stamped, changed ones stamped again: a snapshot at
    the version before the batch finds every one of them above it."""
    a = opened(db, host, admin, live_session, options=["a", "b", "c"], allow_change=True)
    p0, p1 = people(db, live_session, 2)
    responses.submit_answers(db, host, [sub(p0, a, {"choice": 0})], now=T0)
    db.refresh(live_session)
    first = live_session.version
    responses.submit_answers(
        db, host, [sub(p0, a, {"choice": 1}), sub(p1, a, {"choice": 2})], now=T0
    )
    db.refresh(live_session)
    assert live_session.version == first + 1
    rows = db.execute(select(Response.data, Response.version)).all()
    assert sorted((data["choice"], version) for data, version in rows) == [
        (1, first + 1),
        (2, first + 1),
    ]


def test_the_version_bump_keeps_the_loaded_session_true_to_its_row(db, host, admin, live_session):
    """The bump runs on the table (no ORM synchronisation): the session object in hand still
    shows the row's new version and update time, and the batch's participants are marked
    seen."""
    a = opened(db, host, admin, live_session)
    (p0,) = people(db, live_session, 1)
    later = T0 + dt.timedelta(minutes=5)
    responses.submit_answers(db, host, [sub(p0, a, {"choice": 0}, at=later)], now=later)
    in_hand = (live_session.version, live_session.updated_at)
    db.expire_all()
    row = db.get(Session, live_session.id)
    assert row is not None
    assert in_hand == (row.version, row.updated_at)
    assert db.get(Participant, p0.id).last_seen_at == later


def test_a_plugin_crash_on_one_answer_loses_none_of_the_others(db, admin, live_session):
    host = PluginHost(strict=True)
    host.register(TouchyPlugin(), name="touchy")
    a = opened(db, host, admin, live_session, type="touchy")
    ps = people(db, live_session, 3)
    outcomes = responses.submit_answers(
        db, host, [sub(p, a, {"choice": i}) for i, p in enumerate(ps)], now=T0
    )
    assert isinstance(outcomes[1].error, RuntimeError)
    with pytest.raises(RuntimeError, match="plugin bug"):
        outcomes[1].result()
    assert stored(db, a) == {"P0": {"choice": 0}, "P2": {"choice": 2}}


def test_each_answer_is_judged_by_when_it_arrived(db, host, admin, live_session):
    a = opened(db, host, admin, live_session, options=["a", "b"], question_seconds=10)
    early, late = people(db, live_session, 2)
    outcomes = responses.submit_answers(
        db,
        host,
        [
            sub(early, a, {"choice": 0}, T0 + dt.timedelta(seconds=9)),
            sub(late, a, {"choice": 1}, T0 + dt.timedelta(seconds=11)),
        ],
        now=T0 + dt.timedelta(seconds=12),  # the batch itself is written after the deadline
    )
    response, changed = outcomes[0].result()
    assert changed and response.meta == {"received": (T0 + dt.timedelta(seconds=9)).isoformat()}
    assert isinstance(outcomes[1].error, AnswerRejected)
    assert "Time is up" in str(outcomes[1].error)


def test_answers_to_other_sessions_and_unknown_activities_are_not_found(
    db, host, admin, live_session
):
    a = opened(db, host, admin, live_session)
    other = sessions.create_session(db, admin, "Elsewhere")
    sessions.start_session(db, admin, other.id, now=T0)
    b = opened(db, host, admin, other)
    (p,) = people(db, live_session, 1)
    outcomes = responses.submit_answers(
        db,
        host,
        [
            AnswerSubmission(p, other.id, b.id, {"choice": 0}, T0),
            AnswerSubmission(p, p.session_id, b.id, {"choice": 0}, T0),
            AnswerSubmission(p, p.session_id, "not-an-id", {"choice": 0}, T0),
            sub(p, a, {"choice": 2}),
        ],
        now=T0,
    )
    assert [type(o.error) for o in outcomes[:3]] == [NotFound] * 3
    assert [str(o.error) for o in outcomes[:3]] == [
        "Session not found",
        "Activity not found",
        "Activity not found",
    ]
    assert outcomes[3].changed and stored(db, a) == {"P0": {"choice": 2}}
    assert stored(db, b) == {}


def test_after_answer_sees_the_answers_before_it_in_the_batch(db, admin, live_session):
    """Poker reveals when every connected voter has voted: a later card in the same batch
    finds the cards on the table, just as it would one request later."""
    host = PluginHost(strict=True)
    host.register(caja_plugins.poker, name="poker")
    a = opened(
        db, host, admin, live_session, type="poker", items=[{"title": "Login"}], auto_reveal=True
    )
    ps = people(db, live_session, 3)
    now = T0 + dt.timedelta(seconds=1)
    outcomes = responses.submit_answers(
        db,
        host,
        [
            sub(ps[0], a, {"card": "3"}, now),
            sub(ps[1], a, {"card": "5"}, now),
            sub(ps[2], a, {"card": "8"}, now),
            sub(ps[0], a, {"card": "5"}, now),
        ],
        now=now,
    )
    assert [o.changed for o in outcomes[:3]] == [True, True, True]
    assert isinstance(outcomes[3].error, AnswerRejected)
    assert "on the table" in str(outcomes[3].error)
    db.refresh(a)
    assert a.state["phase"] == "revealed"
    assert stored(db, a) == {"P0": {"card": "3"}, "P1": {"card": "5"}, "P2": {"card": "8"}}


def test_a_batch_that_loses_a_race_is_stored_one_by_one(
    database: Database, database_url: str
) -> None:
    """Another replica stores one of the batch's slots between the batch's reads and its
    write: the unique constraint refuses the batch, which is then stored one by one, so only
    the participant who really answered twice hears about it."""
    if not database_url.startswith("postgresql"):
        pytest.skip("two writers at once need PostgreSQL (SQLite has one write lock)")
    host = PluginHost(strict=True)
    host.register(PickPlugin(), name="pick-plugin")
    with database.transaction() as db:
        admin = make_admin(db, "racer")
        session = sessions.create_session(db, admin, "Race")
        sessions.start_session(db, admin, session.id, now=T0)
        a = opened(db, host, admin, session)
        ps = people(db, session, 3)
    other = database.engine.connect()
    other.begin()
    # The "other replica" has inserted P0's answer (choice 2) but not committed yet.
    other.execute(
        text(
            "INSERT INTO responses (id, activity_id, participant_id, slot, data, meta,"
            " fingerprint, submitted_at, updated_at) VALUES (:id, :a, :p, '', :data, '{}',"
            " NULL, now(), now())"
        ),
        {"id": ps[0].id, "a": a.id, "p": ps[0].id, "data": '{"choice": 2}'},
    )
    results: list[Any] = []

    def batch() -> None:
        with database.transaction() as db:
            subs = [sub(p, a, {"choice": i}) for i, p in enumerate(ps)]
            results.extend(responses.submit_answers(db, host, subs, now=T0))

    writer = threading.Thread(target=batch)
    writer.start()
    with database.engine.connect() as watcher:  # wait until the batch waits for the row lock
        for _ in range(2000):
            waiting = watcher.execute(
                text(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE wait_event_type = 'Lock' AND datname = current_database()"
                )
            ).scalar_one()
            if waiting:
                break
            watcher.execute(text("SELECT pg_sleep(0.005)"))
        assert waiting, "the batch never waited for the other writer"
    other.commit()
    other.close()
    writer.join(30)
    assert [o.changed for o in results] == [False, True, True]
    assert isinstance(results[0].error, Conflict)
    with database.read() as db:
        assert stored(db, a) == {"P0": {"choice": 2}, "P1": {"choice": 1}, "P2": {"choice": 2}}
        count = db.scalar(select(func.count()).select_from(Response))
        assert count == 3


def test_marking_seen_skips_rows_another_transaction_is_writing(
    database: Database, database_url: str
) -> None:
    """Two batches over overlapping participants (a poll flush and an answer batch, or two
    replicas) must not wait for each other: that is how they deadlocked."""
    if not database_url.startswith("postgresql"):
        pytest.skip("row locks are PostgreSQL's (SQLite has one writer at a time)")
    with database.transaction() as db:
        admin = make_admin(db, "seer")
        session = sessions.create_session(db, admin, "Seen")
        sessions.start_session(db, admin, session.id)  # drafts take no joins
        ps = people(db, session, 2)
    later = T0 + dt.timedelta(hours=1)
    with database.engine.connect() as other:
        other.begin()
        other.execute(
            text("SELECT id FROM participants WHERE id = :id FOR UPDATE"), {"id": ps[0].id}
        )
        with database.transaction() as db:  # would block (then deadlock) without SKIP LOCKED
            db.execute(text("SET LOCAL lock_timeout = '2s'"))
            assert participants.mark_seen(db, [ps[0].id, ps[1].id], later) == 1
        other.rollback()
    with database.read() as db:
        seen = dict(db.execute(select(Participant.nickname, Participant.last_seen_at)).all())
    assert seen["P1"] == later and seen["P0"] < later


def test_an_answer_does_not_wait_for_a_transaction_marking_its_author_seen(
    database: Database, database_url: str, host: PluginHost
) -> None:
    """The poll flush marks thousands of participants seen in one go; an answer's row refers
    to its participant (a foreign key, checked under a key-share lock), so if marking took
    the rows FOR UPDATE every answer from them waited for the flush to commit (the
    PostgreSQL 10,000 cell's slowest answer batches: 250-380 ms). It takes them FOR NO KEY
    UPDATE, which a foreign key check does not wait for."""
    if not database_url.startswith("postgresql"):
        pytest.skip("row locks are PostgreSQL's (SQLite has one writer at a time)")
    with database.transaction() as db:
        admin = make_admin(db, "flusher")
        session = sessions.create_session(db, admin, "Seen")
        sessions.start_session(db, admin, session.id)  # drafts take no joins
        sessions.start_session(db, admin, session.id, now=T0)
        activity = opened(db, host, admin, session)
        (p0,) = people(db, session, 1)
    later = T0 + dt.timedelta(minutes=1)
    with database.transaction() as flush:
        assert participants.mark_seen(flush, [p0.id], later) == 1  # its lock held until the end
        with database.transaction() as db:
            db.execute(text("SET LOCAL lock_timeout = '2s'"))
            (outcome,) = responses.submit_answers(
                db, host, [sub(p0, activity, {"choice": 1}, at=later)], now=later
            )
            assert outcome.error is None and outcome.changed
    with database.read() as db:
        assert db.scalar(select(func.count()).select_from(Response)) == 1


def test_a_deadlock_is_recognised_as_worth_retrying(database: Database, database_url: str) -> None:
    """The answer writer runs a batch again when PostgreSQL broke a deadlock by rolling it
    back; here a real one, between two connections."""
    if not database_url.startswith("postgresql"):
        pytest.skip("deadlock detection is PostgreSQL's")
    from sqlalchemy.exc import OperationalError

    from caja_server.answers import _worth_retrying

    with database.transaction() as db:
        admin = make_admin(db, "locker")
        session = sessions.create_session(db, admin, "Locks")
        sessions.start_session(db, admin, session.id)  # drafts take no joins
        a, b = people(db, session, 2)
    lock = text("UPDATE participants SET nickname = nickname WHERE id = :id")
    errors: list[Exception] = []
    first_locked = threading.Event()
    with database.engine.connect() as one, database.engine.connect() as two:
        one.begin()
        two.begin()
        one.execute(lock, {"id": a.id})
        two.execute(lock, {"id": b.id})

        def cross() -> None:
            first_locked.set()
            try:
                one.execute(lock, {"id": b.id})  # waits for two
            except OperationalError as exc:
                errors.append(exc)

        waiter = threading.Thread(target=cross)
        waiter.start()
        assert first_locked.wait(5)
        try:
            two.execute(lock, {"id": a.id})  # closes the cycle: one of them is rolled back
        except OperationalError as exc:
            errors.append(exc)
        waiter.join(30)
        one.rollback()
        two.rollback()
    assert len(errors) == 1 and isinstance(errors[0], OperationalError)
    assert _worth_retrying(errors[0])
    assert not _worth_retrying(OperationalError("SELECT 1", {}, Exception("server closed")))


def test_new_ids_are_distinct_random_version_4_uuids() -> None:
    from caja_core.services._common import new_ids

    ids = new_ids(1000)
    assert len(set(ids)) == 1000
    assert {i.version for i in ids} == {4} and {i.variant for i in ids} == {uuid.RFC_4122}
    assert new_ids(0) == []
