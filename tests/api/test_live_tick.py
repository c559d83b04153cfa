"""The live tick: during a burst, results are aggregated at most once per tick, and the
version a caller sees is the snapshot's, so nobody misses the next one."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator

import pytest

from .conftest import Api, LiveServer, make_app, make_settings

TICK = 4.0


@pytest.fixture(scope="module")
def live() -> Iterator[LiveServer]:
    """This module's server, with a long tick (the test below runs well within it)."""
    server = LiveServer(make_app(make_settings(live_tick=TICK)))
    server.start()
    yield server
    server.stop()


def test_a_burst_is_aggregated_once_per_tick(api: Api) -> None:
    alice = api.admin()
    session = api.session(alice)
    sid = session["id"]
    activity = api.activity(alice, sid)
    url = f"/api/sessions/{sid}/activities/{activity['id']}/responses"
    state_url = f"/api/sessions/{sid}/state"
    snapshots = api.server.app.state.live.snapshots

    first = api.request("GET", state_url, alice)
    assert first.status_code == 200
    misses = snapshots.misses
    tokens = [api.join(session["join_code"], f"P{i}")["token"] for i in range(5)]
    before = api.request("GET", state_url, tokens[1])  # this phone is known from now on
    assert before.json()["activity"]["your_answers"] == []
    for token in tokens:
        api.ok("POST", url, token, 201, json={"data": {"choice": 0}})
    held = snapshots.peek(uuid.UUID(sid))
    assert held is not None

    # Within the tick: the same snapshot (its own version in the ETag), no aggregation.
    during = [api.request("GET", state_url, alice) for _ in range(5)]
    again = api.request("GET", state_url, alice, headers={"If-None-Match": first.headers["etag"]})
    assert time.monotonic() < held.fresh_until, "the machine was too slow for this test's tick"
    assert snapshots.misses == misses
    assert {r.json()["version"] for r in during} == {first.json()["version"]}
    assert all(r.json()["activity"]["results"] == {"counts": [0, 0, 0]} for r in during)
    assert again.status_code == 304
    # A phone reloading its page (no ETag) sees the answer it just sent, tick or not.
    reloaded = api.request("GET", state_url, tokens[1]).json()
    assert [a["data"] for a in reloaded["activity"]["your_answers"]] == [{"choice": 0}]

    # After the tick the same ETag brings the whole burst, computed once.
    while time.monotonic() <= held.fresh_until:
        time.sleep(0.05)
    after = api.request("GET", state_url, alice, headers={"If-None-Match": first.headers["etag"]})
    assert after.status_code == 200
    assert after.json()["activity"]["results"] == {"counts": [5, 0, 0]}
    assert after.json()["participant_count"] == 5
    assert snapshots.misses == misses + 1
    # A phone that answered sees its answer in its own document.
    phone = api.request("GET", state_url, tokens[0]).json()
    assert [a["data"] for a in phone["activity"]["your_answers"]] == [{"choice": 0}]


def test_the_tick_is_a_setting_with_limits() -> None:
    assert make_settings(live_tick=0).live_tick == 0
    with pytest.raises(ValueError, match="live_tick"):
        make_settings(live_tick=-1)
    with pytest.raises(ValueError, match="live_tick"):
        make_settings(live_tick=60)
