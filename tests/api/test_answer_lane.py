"""The answer lane: plain answers are taken in front of the framework and answered exactly as
the route would; everything else is passed on, body included, to the full app."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from caja_core import hookimpl
from caja_core.services import admins
from caja_core.storage.db import Database
from caja_server.app import create_app, serving
from caja_server.fastpath import UnchangedStateFastPath

from .conftest import PASSWORD, VOTE_CONFIG, make_settings
from .testplugin import Vote, VotePlugin


class Boom(Vote):
    """A vote whose answer validation has a bug."""

    name = "boom"

    def validate_answer(self, config: Any, state: Any, answer: Any, ctx: Any) -> Any:
        raise RuntimeError("plugin bug")


class BoomPlugin:
    @hookimpl
    def caja_register_activity_types(self, register: Any) -> None:
        register(Boom())


JSON = {"Content-Type": "application/json"}
TEXT = {"Content-Type": "text/plain"}


@dataclass
class Room:
    client: TestClient
    lane: UnchangedStateFastPath
    admin: dict[str, str]
    sid: str
    url: str
    tokens: list[str]

    def answer(self, token: str | None, json: Any = None, **kw: Any) -> Any:
        headers = dict(kw.pop("headers", {}))
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return self.client.post(self.url, json=json, headers=headers, **kw)


@pytest.fixture
def room(database: Database, database_url: str) -> Iterator[Room]:
    app = create_app(make_settings(database_url=database_url), database=database)
    app.state.host.register(VotePlugin(), name="caja-test-vote")
    app.state.host.register(BoomPlugin(), name="caja-test-boom")
    outer = serving(app)
    with database.transaction() as db:
        admins.create_admin(db, "alice", PASSWORD)
    with TestClient(outer) as client:
        login = client.post("/api/auth/login", json={"username": "alice", "password": PASSWORD})
        admin = {"Authorization": f"Bearer {login.json()['access_token']}"}
        client.cookies.clear()
        session = client.post("/api/sessions", json={"name": "Retro"}, headers=admin).json()
        sid = session["id"]
        client.post(f"/api/sessions/{sid}/start", headers=admin)
        body = {"type": "vote", "title": "Colour?", "config": VOTE_CONFIG}
        activity = client.post(f"/api/sessions/{sid}/activities", json=body, headers=admin).json()
        client.post(f"/api/sessions/{sid}/activities/{activity['id']}/activate", headers=admin)
        tokens = [
            client.post(
                "/api/join", json={"join_code": session["join_code"], "nickname": f"P{i}"}
            ).json()["token"]
            for i in range(3)
        ]
        url = f"/api/sessions/{sid}/activities/{activity['id']}/responses"
        yield Room(client, outer, admin, sid, url, tokens)


def test_plain_answers_take_the_lane_with_the_routes_replies(room: Room) -> None:
    first = room.answer(room.tokens[0], {"data": {"choice": 1}})
    assert first.status_code == 201
    assert first.json()["data"] == {"choice": 1} and first.json()["slot"] == ""
    assert first.headers["x-request-id"] and first.headers["x-content-type-options"] == "nosniff"
    retry = room.answer(
        room.tokens[0], {"data": {"choice": 1}}, headers={"X-Request-ID": "mine-123"}
    )
    assert (retry.status_code, retry.json()) == (200, first.json())
    assert retry.headers["x-request-id"] == "mine-123"
    changed = room.answer(room.tokens[0], {"data": {"choice": 2}})
    assert changed.status_code == 409 and changed.json()["error"] == "conflict"
    refused = room.answer(room.tokens[1], {"data": {"choice": 9}})
    assert refused.status_code == 422 and refused.json()["error"] == "answer_rejected"
    elsewhere = room.client.post(
        room.url.replace(room.url.split("/")[5], "00000000-0000-0000-0000-000000000000"),
        json={"data": {"choice": 0}},
        headers={"Authorization": f"Bearer {room.tokens[1]}"},
    )
    assert elsewhere.status_code == 404 and elsewhere.json()["error"] == "not_found"
    unknown = room.answer("caja_p_not-a-real-token", {"data": {"choice": 0}})
    assert unknown.status_code == 401 and unknown.headers["www-authenticate"] == "Bearer"
    assert room.lane.answers == 6
    results = room.client.get(room.url.replace("/responses", "/results"), headers=room.admin)
    assert results.json()["answer_count"] == 1


@pytest.mark.parametrize(
    ("token", "send", "status"),
    [
        (None, {"json": {"data": {"choice": 0}}}, 401),
        ("admin", {"json": {"data": {"choice": 0}}}, 403),
        ("p", {"json": {"data": {"choice": 0}, "extra": 1}}, 422),
        ("p", {"json": {"data": "not an object"}}, 422),
        ("p", {"json": {"data": {"choice": 0, "note": "a\u0000b"}}}, 422),
        (
            "p",
            {"content": b'{"data": {"choice": 0}', "headers": {"Content-Type": "application/json"}},
            400,
        ),
        (
            "p",
            {"content": b'{"data": {"choice": 0}}', "headers": {"Content-Type": "text/plain"}},
            422,
        ),
        ("p", {"json": {"data": {"choice": 0, "note": "x" * 70_000}}}, 413),
    ],
    ids=[
        "anonymous",
        "admin",
        "extra-key",
        "data-not-object",
        "nul",
        "bad-json",
        "not-json",
        "too-large",
    ],
)
def test_everything_else_is_passed_on_to_the_route(
    room: Room, token: str | None, send: dict[str, Any], status: int
) -> None:
    who = {"admin": room.admin["Authorization"].split()[1], "p": room.tokens[2]}.get(token or "")
    headers = dict(send.pop("headers", {}))
    if who is not None:
        headers["Authorization"] = f"Bearer {who}"
    r = room.client.post(room.url, headers=headers, **send)
    assert r.status_code == status, r.text
    assert r.json()["error"]
    assert room.lane.answers == 0
    # The body read by the lane reached the route intact: the same answer, well-formed, works.
    ok = room.answer(room.tokens[2], {"data": {"choice": 0}})
    assert ok.status_code == 201 and room.lane.answers == 1


def test_a_plugin_crash_is_the_apps_500_with_its_request_id(room: Room) -> None:
    body = {"type": "boom", "title": "Boom", "config": VOTE_CONFIG}
    client = room.client
    created = client.post(f"/api/sessions/{room.sid}/activities", json=body, headers=room.admin)
    assert created.status_code == 201, created.text
    aid = created.json()["id"]
    client.post(f"/api/sessions/{room.sid}/activities/{aid}/activate", headers=room.admin)
    url = f"/api/sessions/{room.sid}/activities/{aid}/responses"
    r = client.post(
        url, json={"data": {"choice": 0}}, headers={"Authorization": f"Bearer {room.tokens[0]}"}
    )
    assert r.status_code == 500
    assert r.json()["error"] == "internal_error"
    assert r.json()["request_id"] == r.headers["x-request-id"]
    assert room.lane.answers == 1
