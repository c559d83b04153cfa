"""Every route's happy path, over real HTTP."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from caja_core import hookimpl
from caja_core.storage.db import Database

from .conftest import (
    PASSWORD,
    PUBLIC_URL,
    VOTE_CONFIG,
    Api,
    LiveServer,
    Scene,
    make_app,
    make_settings,
)


def test_login_sets_an_httponly_lax_cookie_and_me_works_with_it(api: Api) -> None:
    api.create_admin("alice")
    r = api.http.post("/api/auth/login", json={"username": "alice", "password": PASSWORD})
    assert r.status_code == 200
    body = r.json()
    assert body["token_type"] == "bearer"
    assert body["access_token"].startswith("caja_a_")
    cookie = r.headers["set-cookie"]
    assert "caja_admin=" in cookie
    assert "HttpOnly" in cookie
    assert "samesite=lax" in cookie.lower()
    # The cookie alone authenticates (the browser's way).
    me = api.http.get("/api/auth/me")
    assert me.status_code == 200
    assert me.json()["username"] == "alice"
    # Bearer works too.
    api.http.cookies.clear()
    assert api.ok("GET", "/api/auth/me", body["access_token"])["username"] == "alice"


def test_wrong_password_is_401_and_logout_revokes_the_token(api: Api) -> None:
    api.create_admin("alice")
    r = api.http.post("/api/auth/login", json={"username": "alice", "password": "nope-nope"})
    assert r.status_code == 401
    assert r.json()["error"] == "unauthenticated"
    token = api.admin_login("alice")
    r = api.request("POST", "/api/auth/logout", token)
    assert r.status_code == 204
    assert "caja_admin=" in r.headers["set-cookie"]  # cleared
    assert api.request("GET", "/api/auth/me", token).status_code == 401


def test_login_attempts_are_rate_limited_with_retry_after(api: Api) -> None:
    api.create_admin("alice")
    statuses = []
    for _ in range(12):
        r = api.http.post("/api/auth/login", json={"username": "alice", "password": "wrong-pw"})
        statuses.append(r.status_code)
    assert statuses[0] == 401
    assert statuses[-1] == 429
    assert int(r.headers["Retry-After"]) >= 1
    assert r.json()["error"] == "rate_limited"
    # Even the right password is refused while limited.
    r = api.http.post("/api/auth/login", json={"username": "alice", "password": PASSWORD})
    assert r.status_code == 429


def test_activity_types_and_plugins(api: Api) -> None:
    types = {t["name"]: t for t in api.ok("GET", "/api/activity-types")}
    vote = types["vote"]
    assert vote["title"] == "Vote"
    assert vote["plugin"]["name"] == "caja-test-vote"
    assert vote["config_schema"]["properties"]["options"]["type"] == "array"
    assert "choice" in vote["answer_schema"]["properties"]
    actions = {a["name"]: a for a in vote["actions"]}
    assert set(actions) == {"reset", "note"}
    assert "text" in actions["note"]["body_schema"]["properties"]
    assert vote["web_component"] == "/plugins/vote/vote.js"
    plugins = {p["name"]: p for p in api.ok("GET", "/api/plugins")}
    assert plugins["caja-test-vote"]["loaded"] is True
    assert plugins["caja-test-vote"]["activity_types"] == ["vote"]
    assert plugins["caja-test-vote"]["error"] is None
    # The built-in plugins come through the entry points with their distribution.
    assert any(p["distribution"] == "caja" for p in plugins.values())


def test_session_crud_and_lifecycle(api: Api) -> None:
    token = api.admin()
    created = api.ok("POST", "/api/sessions", token, 201, json={"name": "Retro"})
    sid = created["id"]
    assert created["status"] == "draft"
    code = created["join_code"]
    assert created["join_url"] == f"{PUBLIC_URL}/join/{code}"
    assert created["qr_code_url"] == f"{PUBLIC_URL}/api/sessions/{sid}/qr.svg"
    assert [s["id"] for s in api.ok("GET", "/api/sessions", token)] == [sid]
    renamed = api.ok("PATCH", f"/api/sessions/{sid}", token, json={"name": "Retro 2"})
    assert renamed["name"] == "Retro 2"
    assert renamed["version"] > created["version"]
    detail = api.ok("GET", f"/api/sessions/{sid}", token)
    assert detail["name"] == "Retro 2"
    assert detail["activities"] == []
    assert api.ok("POST", f"/api/sessions/{sid}/start", token)["status"] == "active"
    done = api.ok("POST", f"/api/sessions/{sid}/complete", token)
    assert done["status"] == "completed"
    assert done["completed_at"] is not None
    r = api.request("POST", f"/api/sessions/{sid}/start", token)
    assert r.status_code == 409
    assert r.json()["error"] == "invalid_state"
    assert api.request("DELETE", f"/api/sessions/{sid}", token).status_code == 204
    assert api.request("GET", f"/api/sessions/{sid}", token).status_code == 404


def test_activities_add_edit_reorder_delete(api: Api) -> None:
    token = api.admin()
    sid = api.session(token, start=False)["id"]
    base = f"/api/sessions/{sid}/activities"
    a = api.activity(token, sid, activate=False, title="First")
    b = api.activity(token, sid, activate=False, title="Second", timeout_seconds=30)
    assert (a["position"], b["position"]) == (0, 1)
    assert a["status"] == "draft"
    assert b["timeout_seconds"] == 30
    patched = api.ok("PATCH", f"{base}/{a['id']}", token, json={"title": "Renamed"})
    assert patched["title"] == "Renamed"
    assert patched["config"] == {**VOTE_CONFIG, "allow_change": False}
    ordered = api.ok("PUT", f"{base}/order", token, json={"activity_ids": [b["id"], a["id"]]})
    assert [x["id"] for x in ordered] == [b["id"], a["id"]]
    detail = api.ok("GET", f"/api/sessions/{sid}", token)
    assert [x["title"] for x in detail["activities"]] == ["Second", "Renamed"]
    assert api.request("DELETE", f"{base}/{b['id']}", token).status_code == 204
    detail = api.ok("GET", f"/api/sessions/{sid}", token)
    assert [(x["title"], x["position"]) for x in detail["activities"]] == [("Renamed", 0)]


def test_invalid_config_is_422_with_field_errors(api: Api) -> None:
    token = api.admin()
    sid = api.session(token)["id"]
    r = api.request(
        "POST",
        f"/api/sessions/{sid}/activities",
        token,
        json={"type": "vote", "title": "x", "config": {"options": ["only one"]}},
    )
    assert r.status_code == 422
    body = r.json()
    assert body["error"] == "config_invalid"
    assert body["errors"][0]["loc"] == ["options"]


def test_run_activate_answer_close_results_export(api: Api, scene: Scene) -> None:
    base = f"/api/sessions/{scene.sid}/activities/{scene.aid}"
    assert scene.activity["status"] == "active"
    answer = api.ok("POST", f"{base}/responses", scene.ptoken, 201, json={"data": {"choice": 1}})
    assert answer["data"] == {"choice": 1}
    assert answer["participant_id"] == scene.pid
    # The very same answer again (a retry): 200 with the stored one.
    again = api.ok("POST", f"{base}/responses", scene.ptoken, 200, json={"data": {"choice": 1}})
    assert again["id"] == answer["id"]
    # A different second answer is refused (this type does not allow changes).
    r = api.request("POST", f"{base}/responses", scene.ptoken, json={"data": {"choice": 2}})
    assert r.status_code == 409
    results = api.ok("GET", f"{base}/results", scene.alice)
    assert results["results"] == {"counts": [0, 1, 0]}
    assert results["answer_count"] == 1
    assert results["display"][0]["kind"] == "bars"
    closed = api.ok("POST", f"{base}/close", scene.alice)
    assert closed["status"] == "expired"
    r = api.request("POST", f"{base}/responses", scene.ptoken, json={"data": {"choice": 0}})
    assert r.status_code == 422
    assert r.json()["error"] == "answer_rejected"

    exported = api.request("GET", f"/api/sessions/{scene.sid}/export", scene.alice)
    assert exported.status_code == 200
    assert exported.headers["content-type"].startswith("text/csv")
    assert exported.headers["content-disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert [(r["nickname"], r["choice"], r["activity_title"]) for r in rows] == [
        ("Bob", "green", "Colour?")
    ]
    as_json = api.request("GET", f"/api/sessions/{scene.sid}/export?format=json", scene.alice)
    assert as_json.headers["content-disposition"].startswith("attachment;")
    assert json.loads(as_json.text)["rows"][0]["nickname"] == "Bob"


def test_export_defuses_spreadsheet_formulas(api: Api, scene: Scene) -> None:
    joined = api.join(scene.session["join_code"], "=HYPERLINK(1)")
    base = f"/api/sessions/{scene.sid}/activities/{scene.aid}"
    api.ok("POST", f"{base}/responses", joined["token"], 201, json={"data": {"choice": 0}})
    text = api.request("GET", f"/api/sessions/{scene.sid}/export", scene.alice).text
    assert "'=HYPERLINK(1)" in text


def test_config_change_with_answers_needs_reset_answers(api: Api, scene: Scene) -> None:
    base = f"/api/sessions/{scene.sid}/activities/{scene.aid}"
    api.ok("POST", f"{base}/responses", scene.ptoken, 201, json={"data": {"choice": 0}})
    new = {"config": {"options": ["yes", "no"]}}
    r = api.request("PATCH", base, scene.alice, json=new)
    assert r.status_code == 409
    assert r.json()["error"] == "conflict"
    changed = api.ok("PATCH", f"{base}?reset_answers=true", scene.alice, json=new)
    assert changed["config"]["options"] == ["yes", "no"]
    assert api.ok("GET", f"{base}/results", scene.alice)["answer_count"] == 0


def test_admin_actions(api: Api, scene: Scene) -> None:
    base = f"/api/sessions/{scene.sid}/activities/{scene.aid}/actions"
    done = api.ok("POST", f"{base}/note", scene.alice, json={"text": "hello"})
    assert done == {"action": "note", "message": "Noted", "closed": False}
    # Can't apply now: 409. A bad body: 422 with field errors. Unknown action: 409.
    assert api.request("POST", f"{base}/note", scene.alice, json={"text": "x"}).status_code == 409
    bad = api.request("POST", f"{base}/note", scene.alice, json={"text": 5})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"] == ["text"]
    assert api.request("POST", f"{base}/explode", scene.alice, json={}).status_code == 409
    # An action without a body.
    assert api.ok("POST", f"{base}/reset", scene.alice)["message"] == "Cleared"


def test_participants_join_list_kick(api: Api, scene: Scene) -> None:
    listed = api.ok("GET", f"/api/sessions/{scene.sid}/participants", scene.alice)
    assert [(p["id"], p["nickname"], p["connection_status"]) for p in listed] == [
        (scene.pid, "Bob", "connected")
    ]
    # The same nickname (ignoring case) is taken: 409 with a free suggestion.
    r = api.request(
        "POST", "/api/join", json={"join_code": scene.session["join_code"], "nickname": "BOB"}
    )
    assert r.status_code == 409
    assert r.json()["suggestion"] == "BOB 2"
    r = api.request("POST", "/api/join", json={"join_code": "ZZZZZZ", "nickname": "Ann"})
    assert r.status_code == 404
    url = f"/api/sessions/{scene.sid}/participants/{scene.pid}"
    assert api.request("DELETE", url, scene.alice).status_code == 204
    assert api.ok("GET", f"/api/sessions/{scene.sid}/participants", scene.alice) == []
    # A kicked participant's token stops working.
    r = api.request("GET", f"/api/sessions/{scene.sid}/state", scene.ptoken)
    assert r.status_code == 401


def test_qr_codes_encode_the_join_url(api: Api, scene: Scene) -> None:
    svg = api.request("GET", f"/api/sessions/{scene.sid}/qr.svg", scene.alice)
    assert svg.status_code == 200
    assert svg.headers["content-type"] == "image/svg+xml"
    assert svg.text.lstrip().startswith("<?xml") and "<svg" in svg.text
    png = api.request("GET", f"/api/sessions/{scene.sid}/qr.png", scene.alice)
    assert png.status_code == 200
    assert png.headers["content-type"] == "image/png"
    assert png.content.startswith(b"\x89PNG\r\n\x1a\n")
    # Decode our PNG and compare with the QR matrix of the join URL.
    from caja_server.qr import _qr

    expected = _qr(scene.session["join_url"]).get_matrix()
    assert _decode_png_modules(png.content, len(expected)) == expected


def _decode_png_modules(data: bytes, modules: int) -> list[list[bool]]:
    import struct
    import zlib

    pos, idat = 8, b""
    width = 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        chunk = data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width = struct.unpack(">I", chunk[:4])[0]
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw = zlib.decompress(idat)
    scale = width // modules
    stride = width + 1
    return [
        [raw[(y * scale) * stride + 1 + x * scale] == 0 for x in range(modules)]
        for y in range(modules)
    ]


def test_health_and_readiness(api: Api) -> None:
    assert api.ok("GET", "/healthz") == {"status": "ok"}
    ready = api.ok("GET", "/readyz")
    assert ready["status"] == "ready"
    assert ready["checks"] == {"database": True, "schema": True, "plugins": True}


def test_readiness_fails_on_a_database_that_is_not_migrated(api: Api, tmp_path: Path) -> None:
    api.server.use_database(f"sqlite:///{tmp_path / 'empty.db'}")
    r = api.request("GET", "/readyz")
    assert r.status_code == 503
    body = r.json()
    assert body["status"] == "unavailable"
    assert body["checks"] == {"database": True, "schema": False, "plugins": True}
    assert "caja-server migrate" in body["detail"]


class BrokenPlugin:
    @hookimpl
    def caja_register_activity_types(self, register: Any) -> None:
        raise RuntimeError("boom")


def test_a_broken_plugin_is_listed_and_makes_the_server_not_ready(database_url: str) -> None:
    app = make_app(make_settings(strict_plugins=False))
    app.state.host.register(BrokenPlugin(), name="broken-plugin", distribution="caja-broken")
    server = LiveServer(app)
    server.use_database(database_url)
    server.start()
    try:
        plugins = {p["name"]: p for p in httpx.get(f"{server.url}/api/plugins").json()}
        assert plugins["broken-plugin"]["loaded"] is False
        assert plugins["broken-plugin"]["error"] == "RuntimeError: boom"
        assert plugins["caja-test-vote"]["loaded"] is True
        ready = httpx.get(f"{server.url}/readyz")
        assert ready.status_code == 503
        assert ready.json()["failed_plugins"] == ["broken-plugin"]
        # Everything else keeps working.
        types = [t["name"] for t in httpx.get(f"{server.url}/api/activity-types").json()]
        assert "vote" in types
    finally:
        server.stop()
        app.state.db.dispose()


def test_a_plugin_bug_leaves_the_big_screen_working(api: Api, scene: Scene) -> None:
    crash = api.activity(scene.alice, scene.sid, type="crash", title="Boom", config={})
    assert crash["status"] == "active"
    r = api.request(
        "GET",
        f"/api/sessions/{scene.sid}/state",
        scene.alice,
        headers={"X-Request-ID": "trace-me-123"},
    )
    # The state names the activity and says what is wrong, without internals.
    assert r.status_code == 200
    assert r.headers["x-request-id"] == "trace-me-123"
    activity = r.json()["activity"]
    assert activity["id"] == crash["id"]
    assert activity["phase"] == "error"
    assert "plugin error" in activity["extra"]["error"]
    assert activity["results"] is None
    assert "ZeroDivisionError" not in r.text


def test_a_plugin_bug_in_a_route_is_a_json_500_and_the_connection_survives(
    api: Api, scene: Scene
) -> None:
    """The crash type's view raises in the results route: a JSON 500 with a request id,
    no traceback, and the client's keep-alive connection still answers the next request."""
    crash = api.activity(scene.alice, scene.sid, type="crash", title="Boom", config={})
    url = f"/api/sessions/{scene.sid}/activities/{crash['id']}/results"
    with httpx.Client(base_url=api.server.url, timeout=10) as http:  # one connection
        headers = {"Authorization": f"Bearer {scene.alice}"}
        for _ in range(3):
            r = http.get(url, headers=headers)
            assert r.status_code == 500
            body = r.json()
            assert body["error"] == "internal_error" and body["request_id"]
            assert r.headers["x-request-id"] == body["request_id"]
            assert "ZeroDivisionError" not in r.text
            # The same connection carries on.
            after = http.get(f"/api/sessions/{scene.sid}", headers=headers)
            assert after.status_code == 200
    # Nothing stored was lost.
    assert api.ok("GET", f"/api/sessions/{scene.sid}", scene.alice)["name"] == scene.session["name"]


def test_readiness_accepts_a_schema_a_newer_release_migrated(api: Api, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'newer.db'}"
    newer = Database(url)
    newer.upgrade()
    with newer.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_newer'"))
    newer.dispose()
    api.server.use_database(url)
    ready = api.ok("GET", "/readyz")
    assert ready["checks"] == {"database": True, "schema": True, "plugins": True}
