"""Lifecycle over HTTP: an activity past its deadline closes by itself; a completed session
is read-only but keeps its results, exports and duplicate."""

from __future__ import annotations

import datetime as dt
import time
import uuid

from sqlalchemy import update

from caja_core.storage.models import Activity

from .conftest import Api, Scene


def test_an_activity_past_its_deadline_closes_by_itself(api: Api) -> None:
    admin = api.admin()
    session = api.session(admin)
    activity = api.activity(admin, session["id"], timeout_seconds=60)
    joined = api.join(session["join_code"], "Ann")
    api.ok(
        "POST",
        f"/api/sessions/{session['id']}/activities/{activity['id']}/responses",
        joined["token"],
        201,
        json={"data": {"choice": 2}},
    )
    state = api.ok("GET", f"/api/sessions/{session['id']}/state", admin)
    assert state["activity"]["status"] == "active"
    # As if it had been activated 70 s ago: its deadline passed 10 s ago.
    with api.database.transaction() as db:
        db.execute(
            update(Activity)
            .where(Activity.id == uuid.UUID(activity["id"]))
            .values(activated_at=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=70))
        )
    deadline = time.monotonic() + 15
    while True:
        detail = api.ok("GET", f"/api/sessions/{session['id']}", admin)
        if detail["activities"][0]["status"] == "expired":
            break
        assert time.monotonic() < deadline, "the activity never closed by itself"
        time.sleep(0.1)
    assert detail["version"] > state["version"]
    for token in (admin, joined["token"]):  # the big screen and the phone see it closed
        seen = api.ok("GET", f"/api/sessions/{session['id']}/state", token)
        assert seen["activity"]["status"] == "expired"
        assert seen["activity"]["accepting_answers"] is False
    results = api.ok(
        "GET", f"/api/sessions/{session['id']}/activities/{activity['id']}/results", admin
    )
    assert results["answer_count"] == 1  # the answer sent in time is kept


def test_a_completed_session_is_read_only(api: Api, scene: Scene) -> None:
    sid, aid = scene.sid, scene.aid
    api.ok(
        "POST",
        f"/api/sessions/{sid}/activities/{aid}/responses",
        scene.ptoken,
        201,
        json={"data": {"choice": 0}},
    )
    api.ok("POST", f"/api/sessions/{sid}/complete", scene.alice)
    base = f"/api/sessions/{sid}"
    refused = [
        ("PATCH", base, {"name": "New name"}),
        (
            "POST",
            f"{base}/activities",
            {"type": "vote", "title": "x", "config": {"options": ["a", "b"]}},
        ),
        ("PATCH", f"{base}/activities/{aid}", {"title": "Edited"}),
        ("PUT", f"{base}/activities/order", {"activity_ids": [aid]}),
        ("POST", f"{base}/activities/{aid}/activate", None),
        ("POST", f"{base}/activities/{aid}/close", None),
        ("POST", f"{base}/activities/{aid}/actions/note", {"text": "hi"}),
        ("DELETE", f"{base}/activities/{aid}", None),
        ("DELETE", f"{base}/participants/{scene.pid}", None),
        ("POST", f"{base}/start", None),
    ]
    for method, url, body in refused:
        kwargs = {"json": body} if body is not None else {}
        r = api.request(method, url, scene.alice, **kwargs)
        assert r.status_code == 409, f"{method} {url}: {r.status_code} {r.text}"
        assert r.json()["error"] == "invalid_state"
        assert "completed" in r.json()["detail"]
    detail = api.ok("GET", base, scene.alice)
    assert detail["name"] == scene.session["name"]
    assert [a["title"] for a in detail["activities"]] == [scene.activity["title"]]
    assert len(api.ok("GET", f"{base}/participants", scene.alice)) == 1
    # What stays available: results, exports, definition, duplicate.
    assert api.ok("GET", f"{base}/activities/{aid}/results", scene.alice)["answer_count"] == 1
    assert api.ok("GET", f"{base}/export?format=json", scene.alice)["rows"]
    assert api.request("GET", f"{base}/export", scene.alice).status_code == 200
    assert api.ok("GET", f"{base}/definition", scene.alice)["activities"]
    api.ok("POST", f"{base}/duplicate", scene.alice, 201)
    # Completing again changes nothing; deleting the whole session is still possible.
    assert api.ok("POST", f"{base}/complete", scene.alice)["status"] == "completed"
    api.ok("DELETE", base, scene.alice, 204)
