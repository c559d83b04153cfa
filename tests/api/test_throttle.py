"""Throttling over real HTTP (caja_server.throttle): wrong join codes per client address,
participant writes per token, the per-session cap; and a room behind one address that
joins with the right code is never throttled.

The test server trusts ``X-Forwarded-For`` from 127.0.0.1 (uvicorn's default
``forwarded_allow_ips``), so a header stands for the phone's address. Time is a fake
clock the test moves, never a sleep.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from caja_server.throttle import Throttles, TokenBucket

from .conftest import PASSWORD, Api, LiveServer, Scene, make_app

VENUE = {"X-Forwarded-For": "198.51.100.7"}


@dataclass
class Clock:
    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def throttle(api: Api, clock: Clock, **limits: Any) -> None:
    """Give the server throttles with these settings and the test's clock."""
    settings = api.server.app.state.settings.model_copy(update=limits)
    api.server.app.state.throttles = Throttles.from_settings(settings, clock=clock)


def join(api: Api, code: str, nickname: str, address: str = "198.51.100.7") -> httpx.Response:
    return api.request(
        "POST",
        "/api/join",
        json={"join_code": code, "nickname": nickname},
        headers={"X-Forwarded-For": address},
    )


def assert_limited(r: httpx.Response, retry_after: int, reason: str) -> None:
    assert r.status_code == 429, r.text
    assert r.headers["Retry-After"] == str(retry_after)
    body = r.json()
    assert body["error"] == "rate_limited"
    assert body["code"] == reason
    assert body["retry_after"] == retry_after
    assert body["params"] == {"retry_after": retry_after}
    assert body["detail"]


def join_limited(r: httpx.Response, retry_after: int) -> None:
    assert_limited(r, retry_after, "join_rate_limited")


def write_limited(r: httpx.Response, retry_after: int) -> None:
    assert_limited(r, retry_after, "answer_rate_limited")


def test_wrong_codes_run_out_then_every_join_from_that_address_waits(
    api: Api, clock: Clock
) -> None:
    alice = api.admin()
    code = api.session(alice)["join_code"]
    throttle(api, clock, join_wrong_code_burst=3, join_wrong_code_rate=0.1)
    for i in range(3):
        assert join(api, "ZZZZZZ", f"Guess {i}").status_code == 404
    join_limited(join(api, "ZZZZZZ", "Guess 3"), 10)
    # The right code too: otherwise 429 against 201 would still tell a guesser which is right.
    join_limited(join(api, code, "Honest"), 10)
    # Another address is not affected; a draft or unknown code counts the same as wrong.
    assert join(api, code, "Elsewhere", "203.0.113.9").status_code == 201
    # One wrong code earned back after 1 / rate seconds, and only one.
    clock.now += 10
    assert join(api, code, "Honest").status_code == 201
    assert join(api, "ZZZZZZ", "Guess 4").status_code == 404
    join_limited(join(api, "ZZZZZZ", "Guess 5"), 10)


def test_an_ipv6_network_counts_as_one_address(api: Api, clock: Clock) -> None:
    alice = api.admin()
    code = api.session(alice)["join_code"]
    throttle(api, clock, join_wrong_code_burst=2, join_wrong_code_rate=0.5)
    assert join(api, "ZZZZZZ", "A", "2001:db8:1:2::1").status_code == 404
    assert join(api, "ZZZZZZ", "B", "2001:db8:1:2:ffff::9").status_code == 404
    join_limited(join(api, code, "C", "2001:db8:1:2::77"), 2)  # the same /64
    assert join(api, code, "D", "2001:db8:1:3::1").status_code == 201  # the next /64


def test_a_room_behind_one_address_joins_with_its_typos(api: Api) -> None:
    """300 phones behind one venue address join at once with the right code, 100 typos
    among them, and each answers: the default limits throttle none of it."""
    alice = api.admin()
    session = api.session(alice)
    aid = api.activity(alice, session["id"])["id"]
    code = session["join_code"]

    async def room() -> tuple[list[int], list[int]]:
        limits = httpx.Limits(max_connections=50)
        async with httpx.AsyncClient(base_url=api.server.url, timeout=60, limits=limits) as c:

            async def phone(i: int) -> int:
                joined = await c.post(
                    "/api/join", json={"join_code": code, "nickname": f"Phone {i}"}, headers=VENUE
                )
                assert joined.status_code == 201, joined.text
                answered = await c.post(
                    f"/api/sessions/{session['id']}/activities/{aid}/responses",
                    json={"data": {"choice": i % 3}},
                    headers={"Authorization": f"Bearer {joined.json()['token']}", **VENUE},
                )
                return answered.status_code

            async def typo(i: int) -> int:
                r = await c.post(
                    "/api/join", json={"join_code": "QQQQQQ", "nickname": f"T{i}"}, headers=VENUE
                )
                return r.status_code

            phones = asyncio.gather(*(phone(i) for i in range(300)))
            typos = asyncio.gather(*(typo(i) for i in range(100)))
            return await phones, await typos

    answers, typos = asyncio.run(room())
    assert answers == [201] * 300
    assert typos == [404] * 100
    assert len(api.ok("GET", f"/api/sessions/{session['id']}/participants", alice)) == 300


def test_answers_per_participant_burst_then_rate(api: Api, scene: Scene, clock: Clock) -> None:
    throttle(api, clock, participant_write_burst=3, participant_write_rate=0.5)
    url = f"/api/sessions/{scene.sid}/activities/{scene.aid}/responses"
    first = api.request("POST", url, scene.ptoken, json={"data": {"choice": 0}})
    assert first.status_code == 201, first.text
    # Retries and refusals (a second, different answer: 409) count too: it is the flood
    # that costs, whatever its outcome.
    assert api.request("POST", url, scene.ptoken, json={"data": {"choice": 0}}).status_code == 200
    assert api.request("POST", url, scene.ptoken, json={"data": {"choice": 1}}).status_code == 409
    write_limited(api.request("POST", url, scene.ptoken, json={"data": {"choice": 0}}), 2)
    # Someone else in the same room is not affected.
    other = api.join(scene.session["join_code"], "Carol")["token"]
    assert api.request("POST", url, other, json={"data": {"choice": 2}}).status_code == 201
    clock.now += 2
    assert api.request("POST", url, scene.ptoken, json={"data": {"choice": 0}}).status_code == 200
    write_limited(api.request("POST", url, scene.ptoken, json={"data": {"choice": 0}}), 2)


def test_entries_and_votes_share_the_participant_budget(
    api: Api, scene: Scene, clock: Clock
) -> None:
    aid = api.activity(scene.alice, scene.sid, type="qna", title="Q&A", config={})["id"]
    url = f"/api/sessions/{scene.sid}/activities/{aid}/items"
    carol = api.join(scene.session["join_code"], "Carol")["token"]
    item = api.ok("POST", url, carol, 201, json={"data": {"text": "Why?"}})
    throttle(api, clock, participant_write_burst=3, participant_write_rate=0.25)
    api.ok("POST", url, scene.ptoken, 201, json={"data": {"text": "How?"}})
    api.ok("PUT", f"{url}/{item['id']}/vote", scene.ptoken)
    api.ok("DELETE", f"{url}/{item['id']}/vote", scene.ptoken)
    write_limited(api.request("PUT", f"{url}/{item['id']}/vote", scene.ptoken), 4)
    write_limited(api.request("POST", url, scene.ptoken, json={"data": {"text": "And?"}}), 4)


def test_without_a_participant_token_the_route_answers_first(api: Api, scene: Scene) -> None:
    url = f"/api/sessions/{scene.sid}/activities/{scene.aid}/responses"
    throttle(api, Clock(), participant_write_burst=1, participant_write_rate=0.01)
    body = {"data": {"choice": 0}}
    for _ in range(3):
        assert api.request("POST", url, json=body).status_code == 401
        assert api.request("POST", url, scene.alice, json=body).status_code == 403


def test_a_full_session_refuses_the_next_participant(api: Api, clock: Clock) -> None:
    alice = api.admin()
    session = api.session(alice)
    throttle(api, clock, session_max_participants=2)
    api.join(session["join_code"], "One")
    api.join(session["join_code"], "Two")
    r = join(api, session["join_code"], "Three")
    assert r.status_code == 409, r.text
    assert r.json()["error"] == "conflict"
    assert r.json()["code"] == "session_full"
    assert r.json()["params"] == {"max": 2}
    # A kicked participant frees a place (once the count is read again).
    people = api.ok("GET", f"/api/sessions/{session['id']}/participants", alice)
    api.ok("DELETE", f"/api/sessions/{session['id']}/participants/{people[0]['id']}", alice, 204)
    clock.now += 1
    assert join(api, session["join_code"], "Three").status_code == 201


def test_token_buckets_forget_refilled_keys_and_stay_bounded() -> None:
    clock = Clock()
    bucket = TokenBucket(2, 1.0, clock=clock, max_keys=4)
    for key in "abcd":
        assert bucket.take(key) == 0
    clock.now += 5  # every bucket has refilled: all can go
    assert bucket.take("e") == 0
    assert len(bucket._buckets) == 1
    for key in "fghijk":
        bucket.take(key)
        bucket.take(key)
    assert len(bucket._buckets) <= 4
    assert bucket.take("k") == pytest.approx(1.0)


def test_guessing_the_current_password_behind_a_login_slows_down(api: Api, clock: Clock) -> None:
    """A stolen login token is no licence to guess the password behind it."""
    token = api.admin("alice")
    throttle(api, clock)
    url = "/api/auth/password"
    for i in range(5):
        guess = {"current_password": f"guess {i}", "new_password": "a brand new password"}
        assert api.request("POST", url, token, json=guess).status_code == 401
    right = {"current_password": PASSWORD, "new_password": "a brand new password"}
    assert_limited(api.request("POST", url, token, json=right), 60, "login_rate_limited")
    clock.now += 60
    assert api.request("POST", url, token, json=right).status_code == 204


def test_a_forwarded_address_counts_only_from_a_trusted_proxy(database_url: str) -> None:
    """Behind no trusted proxy, X-Forwarded-For is the client's own say: changing it does
    not buy a guesser a fresh bucket (the address is the connection's)."""
    server = LiveServer(make_app(), forwarded_allow_ips="192.0.2.1")
    server.start()
    try:
        database = server.use_database(database_url)
        settings = server.app.state.settings.model_copy(
            update={"join_wrong_code_burst": 3, "join_wrong_code_rate": 0.1}
        )
        server.app.state.throttles = Throttles.from_settings(settings, clock=Clock())
        with httpx.Client(base_url=server.url, timeout=30) as http:
            statuses = [
                http.post(
                    "/api/join",
                    json={"join_code": "ZZZZZZ", "nickname": "Guess"},
                    headers={"X-Forwarded-For": f"203.0.113.{i}"},
                ).status_code
                for i in range(5)
            ]
        assert statuses == [404, 404, 404, 429, 429]
        database.dispose()
    finally:
        server.stop()
