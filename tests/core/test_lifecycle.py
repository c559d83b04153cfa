"""Activities close by themselves when their deadline has passed: once, on every database,
with several closers at once, without losing answers that arrived in time."""

from __future__ import annotations

import datetime as dt
import threading
import time
from typing import Any

import pytest
from sqlalchemy import select, text, update

from caja_core import hookimpl
from caja_core.errors import AnswerRejected
from caja_core.plugins import PluginHost
from caja_core.services import activities, lifecycle, participants, responses, sessions
from caja_core.services.lifecycle import CLOSE_GRACE
from caja_core.storage.db import Database
from caja_core.storage.models import Activity, Session

from .conftest import T0, Pick, PickConfig, make_admin

DEADLINE = T0 + dt.timedelta(seconds=30)
AFTER = DEADLINE + CLOSE_GRACE


class Counting(Pick):
    """Pick, counting how often on_close ran."""

    name = "counting"

    def on_close(self, config: PickConfig, state: dict[str, Any], now: dt.datetime) -> dict:
        return {**state, "closes": state.get("closes", 0) + 1, "closed_with": now.isoformat()}


class CountingPlugin:
    @hookimpl
    def caja_register_activity_types(self, register: Any) -> None:
        register(Counting())


@pytest.fixture
def counting_host() -> PluginHost:
    host = PluginHost(strict=True)
    host.register(CountingPlugin(), name="counting-plugin")
    return host


def timed(db, host, admin, session, timeout: int | None = 30, title: str = "Timed") -> Activity:
    activity = activities.add_activity(
        db,
        host,
        admin,
        session.id,
        type="counting",
        title=title,
        config={"options": ["red", "blue"]},
        timeout_seconds=timeout,
    )
    activities.activate_activity(db, host, admin, session.id, activity.id, now=T0)
    return activity


@pytest.fixture
def scene(database: Database, counting_host: PluginHost) -> dict[str, Any]:
    with database.transaction() as db:
        admin = make_admin(db)
        session = sessions.create_session(db, admin, "Timed")
        sessions.start_session(db, admin, session.id, now=T0)
        activity = timed(db, counting_host, admin, session)
        return {"admin": admin, "session": session, "activity": activity}


def reload(database: Database, activity_id) -> Activity:
    with database.read() as db:
        found = db.get(Activity, activity_id)
        assert found is not None
        return found


def test_nothing_is_due_before_the_deadline_and_its_grace(database, counting_host, scene) -> None:
    with database.read() as db:
        assert lifecycle.due_activities(db, DEADLINE) == []
        assert lifecycle.due_activities(db, AFTER - dt.timedelta(milliseconds=1)) == []
        [due] = lifecycle.due_activities(db, AFTER)
    assert due.activity_id == scene["activity"].id and due.deadline == DEADLINE


def test_a_due_activity_closes_once_with_on_close_and_a_new_version(
    database, counting_host, scene
) -> None:
    with database.read() as db:
        before = db.get(Session, scene["session"].id).version
    with database.transaction() as db:
        [closed] = lifecycle.close_due_activities(db, counting_host, AFTER)
    assert closed.version == before + 1
    activity = reload(database, scene["activity"].id)
    assert activity.status == "expired"
    assert activity.closed_at == DEADLINE  # when it stopped accepting answers
    assert activity.state["closes"] == 1
    assert activity.state["closed_with"] == DEADLINE.isoformat()
    with database.transaction() as db:
        assert (
            lifecycle.close_due_activities(db, counting_host, AFTER + dt.timedelta(hours=1)) == []
        )
    assert reload(database, scene["activity"].id).state["closes"] == 1
    with database.read() as db:
        session = db.get(Session, scene["session"].id)
        assert session.version == before + 1
        assert session.current_activity_id == activity.id  # stays on screen, closed


def test_answers_that_arrived_before_the_deadline_are_kept(database, counting_host, scene) -> None:
    with database.transaction() as db:
        ann, _, _ = participants.join_session(db, scene["session"].join_code, "Ann", now=T0)
        bob, _, _ = participants.join_session(db, scene["session"].join_code, "Bob", now=T0)
    # Ann's answer arrived just before the deadline; the closer's first look after the
    # deadline finds nothing due yet, so her answer, still queued, is stored.
    inside_grace = DEADLINE + CLOSE_GRACE / 2
    with database.transaction() as db:
        assert lifecycle.close_due_activities(db, counting_host, inside_grace) == []
        responses.submit_answer(
            db,
            counting_host,
            ann,
            scene["session"].id,
            scene["activity"].id,
            {"choice": 1},
            now=DEADLINE - dt.timedelta(milliseconds=5),
        )
    with database.transaction() as db, pytest.raises(AnswerRejected, match="Time is up"):
        responses.submit_answer(
            db,
            counting_host,
            bob,
            scene["session"].id,
            scene["activity"].id,
            {"choice": 0},
            now=DEADLINE + dt.timedelta(milliseconds=5),
        )
    with database.transaction() as db:
        assert len(lifecycle.close_due_activities(db, counting_host, AFTER)) == 1
    with database.read() as db:
        assert activities.answer_count(db, scene["activity"].id) == 1


def test_only_active_activities_with_a_timeout_are_considered(
    database, counting_host, scene
) -> None:
    admin, session = scene["admin"], scene["session"]
    with database.transaction() as db:
        untimed = timed(db, counting_host, admin, session, timeout=None, title="Untimed")
        draft = activities.add_activity(
            db,
            counting_host,
            admin,
            session.id,
            type="counting",
            title="Draft",
            config={"options": ["a", "b"]},
            timeout_seconds=5,
        )
    # Activating the untimed one closed the timed one: nothing is due at all.
    with database.read() as db:
        assert reload(database, scene["activity"].id).status == "expired"
        assert lifecycle.due_activities(db, AFTER + dt.timedelta(days=1)) == []
    # Reopening later gives a new deadline.
    later = T0 + dt.timedelta(minutes=10)
    with database.transaction() as db:
        activities.activate_activity(db, counting_host, admin, session.id, draft.id, now=later)
    with database.read() as db:
        [due] = lifecycle.due_activities(db, later + dt.timedelta(seconds=5) + CLOSE_GRACE)
        assert due.activity_id == draft.id
        assert lifecycle.due_activities(db, AFTER) == []
    assert untimed.id != draft.id


def test_a_longer_timeout_given_meanwhile_is_respected(database, counting_host, scene) -> None:
    with database.read() as db:
        [due] = lifecycle.due_activities(db, AFTER)
    with database.transaction() as db:
        activities.update_activity(
            db,
            counting_host,
            scene["admin"],
            scene["session"].id,
            scene["activity"].id,
            changes={"timeout_seconds": 3600},
        )
    with database.transaction() as db:
        assert lifecycle.close_due_activity(db, counting_host, due, AFTER) is None
    assert reload(database, scene["activity"].id).status == "active"


def test_the_question_uses_the_partial_index(database, database_url) -> None:
    stmt = lifecycle._DUE_CANDIDATES
    with database.engine.connect() as conn:
        compiled = stmt.compile(conn, compile_kwargs={"literal_binds": True})
        if database_url.startswith("postgresql"):
            conn.execute(text("SET enable_seqscan = off"))
            plan = "\n".join(r[0] for r in conn.execute(text(f"EXPLAIN {compiled}")))
        else:
            plan = "\n".join(
                str(r[-1]) for r in conn.execute(text(f"EXPLAIN QUERY PLAN {compiled}"))
            )
    assert "ix_activities_active_timed" in plan, plan


def test_two_closers_at_once_apply_on_close_once(
    database, database_url, counting_host, scene
) -> None:
    """Two replicas find the same due activity; the second waits for the first's session
    lock, then sees it expired."""
    if not database_url.startswith("postgresql"):
        pytest.skip("concurrent writers are PostgreSQL's (SQLite has one writer at a time)")
    with database.read() as db:
        [due] = lifecycle.due_activities(db, AFTER)
    results: list[Any] = []
    with database.transaction() as first:
        assert lifecycle.close_due_activity(first, counting_host, due, AFTER) is not None

        def second() -> None:
            with database.transaction() as db:
                results.append(lifecycle.close_due_activity(db, counting_host, due, AFTER))

        other = threading.Thread(target=second)
        other.start()
        _wait_for_a_lock_wait(database)
    other.join(timeout=30)
    assert results == [None]
    assert reload(database, scene["activity"].id).state["closes"] == 1


def _wait_for_a_lock_wait(database: Database) -> None:
    """Until some other connection waits for a lock (the second closer, on the session)."""
    query = text(
        "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
        "AND datname = current_database()"
    )
    deadline = time.monotonic() + 20
    with database.engine.connect() as conn:
        while conn.execute(query).scalar_one() == 0:
            assert time.monotonic() < deadline, "the second closer never waited for the lock"
            time.sleep(0.01)
            conn.rollback()


def test_completed_sessions_have_nothing_due(database, counting_host, scene) -> None:
    with database.transaction() as db:
        sessions.complete_session(db, scene["admin"], scene["session"].id, counting_host, now=T0)
    with database.read() as db:
        assert lifecycle.due_activities(db, AFTER) == []
    assert reload(database, scene["activity"].id).state["closes"] == 1  # completing closed it


def test_an_uninstalled_type_still_closes(database, counting_host, scene) -> None:
    with database.transaction() as db:
        db.execute(update(Activity).values(type="gone"))
        [closed] = lifecycle.close_due_activities(db, counting_host, AFTER)
    assert reload(database, closed.activity_id).status == "expired"
    with database.read() as db:
        assert db.scalar(select(Activity.status)) == "expired"
