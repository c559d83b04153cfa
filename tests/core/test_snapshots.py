"""Session snapshots: computed once per version, held for a tick during bursts, one flight."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import pytest

from caja_core.services import participants, responses, state
from caja_core.services.snapshots import Snapshot, SnapshotCache, compute_snapshot

from .conftest import T0, open_pick


@pytest.fixture
def running(db, host, admin, live_session):
    return open_pick(db, host, admin, live_session)


def _answer(db, host, live_session, running, nickname, choice):
    p, _, _ = participants.join_session(db, live_session.join_code, nickname, now=T0)
    responses.submit_answer(db, host, p, live_session.id, running.id, {"choice": choice}, now=T0)
    return p


def _get(cache, db, host, sid):
    return cache.get(
        sid, state.session_version(db, sid), lambda: compute_snapshot(db, host, sid, T0)
    )


def test_a_snapshot_holds_everyones_answers_and_renders_each_viewer(
    db, host, live_session, running
):
    ana = _answer(db, host, live_session, running, "Ana", 1)
    ben = _answer(db, host, live_session, running, "Ben", 0)
    snap = compute_snapshot(db, host, live_session.id, T0)
    assert snap.version == state.session_version(db, live_session.id)
    assert snap.participant_count == 2
    assert snap.activity is not None and snap.activity.results == {"counts": [1, 1]}
    assert {pid: [a.data for a in own] for pid, own in snap.answers.items()} == {
        ana.id: [{"choice": 1}],
        ben.id: [{"choice": 0}],
    }
    doc = state.render(snap, role="participant", participant_id=ben.id, now=T0)
    assert doc["you"] == {"id": str(ben.id), "nickname": "Ben"}
    assert [a["data"] for a in doc["activity"]["your_answers"]] == [{"choice": 0}]
    # The same as the document built straight from the database.
    fresh = state.build_state(
        db, host, live_session.id, role="participant", participant=ben, now=T0
    )
    assert doc == fresh


def test_within_the_tick_the_previous_snapshot_is_served(db, host, live_session, running):
    cache = SnapshotCache(tick=0.5)
    first = _get(cache, db, host, live_session.id)
    _answer(db, host, live_session, running, "Ana", 1)
    held = _get(cache, db, host, live_session.id)
    assert held is first and cache.misses == 1  # not aggregated again within the tick
    assert held.activity is not None and held.activity.results == {"counts": [0, 0]}
    # Once the hold is over, the next poll computes the new version.
    while time.monotonic() <= first.fresh_until:
        time.sleep(0.01)
    assert cache.visible(live_session.id, state.session_version(db, live_session.id)) is None
    fresh = _get(cache, db, host, live_session.id)
    assert fresh.version > first.version and cache.misses == 2
    assert fresh.activity is not None and fresh.activity.results == {"counts": [0, 1]}
    # A snapshot at the current version is served however old it is.
    assert cache.visible(live_session.id, fresh.version) is fresh


def test_tick_zero_computes_every_new_version(db, host, live_session, running):
    cache = SnapshotCache(tick=0)
    first = _get(cache, db, host, live_session.id)
    assert _get(cache, db, host, live_session.id) is first
    _answer(db, host, live_session, running, "Ana", 1)
    assert _get(cache, db, host, live_session.id).version > first.version
    assert cache.misses == 2


def test_a_slow_computation_stretches_the_hold(db, host, live_session):
    cache = SnapshotCache(tick=0.01)

    def slow() -> Snapshot:
        time.sleep(0.2)  # stands for aggregating a very large activity
        return compute_snapshot(db, host, live_session.id, T0)

    snap = cache.get(live_session.id, 10**6, slow)
    assert snap.fresh_until - time.monotonic() > 0.3  # about twice the 0.2 s it took


def test_one_flight_others_get_the_previous_snapshot_or_wait(db, host, live_session, running):
    cache = SnapshotCache(tick=0)
    sid = live_session.id
    started, release = threading.Event(), threading.Event()
    computed: list[Snapshot] = []
    snapshot = compute_snapshot(db, host, sid, T0)

    def blocked() -> Snapshot:
        started.set()
        release.wait(5)
        computed.append(snapshot)
        return snapshot

    def first_poll(out: list[Snapshot]) -> None:
        out.append(cache.get(sid, snapshot.version, blocked))

    # No snapshot yet: a second poller waits for the one computing and does not compute.
    out: list[Snapshot] = []
    worker = threading.Thread(target=first_poll, args=(out,))
    worker.start()
    assert started.wait(5)
    waiter_out: list[Snapshot] = []
    waiter = threading.Thread(
        target=lambda: waiter_out.append(
            cache.get(sid, snapshot.version, lambda: pytest.fail("computed twice"))
        )
    )
    waiter.start()
    release.set()
    worker.join(5)
    waiter.join(5)
    assert len(out) == 1 and waiter_out == out and cache.misses == 1
    assert out[0].version == snapshot.version

    # A newer version is being computed: pollers meanwhile get the previous snapshot.
    started.clear()
    release.clear()
    worker = threading.Thread(
        target=lambda: cache.get(sid, snapshot.version + 1, blocked), daemon=True
    )
    worker.start()
    assert started.wait(5)
    meanwhile = cache.get(sid, snapshot.version + 1, lambda: pytest.fail("computed twice"))
    assert meanwhile is out[0]
    release.set()
    worker.join(5)
    assert cache.misses == 2 and len(computed) == 2


def test_a_failing_plugin_shows_an_error_phase_not_an_exception(db, host, live_session, running):
    from .conftest import Pick

    def broken(self, *args, **kwargs):
        raise ZeroDivisionError("plugin bug")

    ana = _answer(db, host, live_session, running, "Ana", 1)
    original = Pick.aggregate
    Pick.aggregate = broken
    try:
        snap = compute_snapshot(db, host, live_session.id, T0)
    finally:
        Pick.aggregate = original
    assert snap.activity is not None and snap.activity.error
    doc = state.render(snap, role="participant", participant_id=ana.id, now=T0)
    assert doc["activity"]["phase"] == "error" and doc["activity"]["results"] is None


def test_the_big_screen_waits_for_the_snapshot_being_computed(db, host, live_session, running):
    cache = SnapshotCache(tick=0)
    sid = live_session.id
    old = cache.get(sid, 1, lambda: compute_snapshot(db, host, sid, T0))
    started, release = threading.Event(), threading.Event()
    new = replace(old, version=old.version + 1)

    def blocked() -> Snapshot:
        started.set()
        release.wait(5)
        return new

    worker = threading.Thread(target=lambda: cache.get(sid, new.version, blocked), daemon=True)
    worker.start()
    assert started.wait(5)
    # A phone gets the previous one at once; the screen waits for the new one.
    assert cache.get(sid, new.version, lambda: pytest.fail("computed twice")) is old
    screen: list[Snapshot] = []
    waiter = threading.Thread(
        target=lambda: screen.append(
            cache.get(sid, new.version, lambda: pytest.fail("twice"), wait=True)
        )
    )
    waiter.start()
    release.set()
    waiter.join(5)
    worker.join(5)
    assert [s.version for s in screen] == [new.version] and cache.misses == 2
