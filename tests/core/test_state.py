from __future__ import annotations

import pytest

from caja_core.errors import NotFound
from caja_core.services import participants, responses, state

from .conftest import T0, open_pick


@pytest.fixture
def running(db, host, admin, live_session):
    return open_pick(db, host, admin, live_session, timeout_seconds=60)


def test_presenter_state_has_activity_results_and_version(db, host, live_session, running):
    p, _, _ = participants.join_session(db, live_session.join_code, "Ana", now=T0)
    responses.submit_answer(db, host, p, live_session.id, running.id, {"choice": 1}, now=T0)
    doc = state.build_state(db, host, live_session.id, role="presenter", now=T0)
    assert doc["version"] == state.session_version(db, live_session.id)
    assert doc["session"]["join_code"] == live_session.join_code
    assert doc["participant_count"] == 1 and doc["you"] is None
    act = doc["activity"]
    assert act["id"] == str(running.id) and act["status"] == "active"
    assert act["results"] == {"counts": [0, 1]}
    assert act["deadline"] == "2026-01-01T12:01:00+00:00" and act["accepting_answers"]
    assert act["your_answers"] is None


def test_participant_state_shows_own_answer_not_hidden_results(db, host, live_session, running):
    p, _, _ = participants.join_session(db, live_session.join_code, "Ana", now=T0)
    responses.submit_answer(db, host, p, live_session.id, running.id, {"choice": 0}, now=T0)
    doc = state.build_state(db, host, live_session.id, role="participant", participant=p, now=T0)
    assert doc["you"] == {"id": str(p.id), "nickname": "Ana"}
    assert doc["activity"]["results"] is None and doc["activity"]["display"] == []
    assert [a["data"] for a in doc["activity"]["your_answers"]] == [{"choice": 0}]


def test_not_accepting_after_the_deadline(db, host, live_session, running):
    import datetime as dt

    doc = state.build_state(
        db, host, live_session.id, role="presenter", now=T0 + dt.timedelta(seconds=61)
    )
    assert doc["activity"]["accepting_answers"] is False


def test_results_are_aggregated_once_per_version(db, host, live_session, running):
    from caja_core.services.snapshots import SnapshotCache

    cache = SnapshotCache(tick=0)
    for _ in range(5):
        state.build_state(db, host, live_session.id, role="presenter", now=T0, cache=cache)
    assert cache.misses == 1
    p, _, _ = participants.join_session(db, live_session.join_code, "Ana", now=T0)
    responses.submit_answer(db, host, p, live_session.id, running.id, {"choice": 1}, now=T0)
    for _ in range(3):
        doc = state.build_state(
            db, host, live_session.id, role="participant", participant=p, now=T0, cache=cache
        )
    assert cache.misses == 2
    doc = state.build_state(db, host, live_session.id, role="presenter", now=T0, cache=cache)
    assert doc["activity"]["results"] == {"counts": [0, 1]} and cache.misses == 2


def test_unknown_session(db, host):
    import uuid

    with pytest.raises(NotFound):
        state.build_state(db, host, uuid.uuid4(), role="presenter")
    with pytest.raises(NotFound):
        state.session_version(db, uuid.uuid4())


def test_a_failing_plugin_view_does_not_blank_the_state(db, host, live_session, running):
    from .conftest import Pick

    def broken(self, *args, **kwargs):
        raise ZeroDivisionError("plugin bug")

    original = Pick.view
    Pick.view = broken
    try:
        doc = state.build_state(db, host, live_session.id, role="presenter", now=T0)
    finally:
        Pick.view = original
    assert doc["activity"]["id"] == str(running.id)
    assert doc["activity"]["phase"] == "error"
    assert doc["activity"]["results"] is None
    assert doc["activity"]["accepting_answers"] is False
