"""The phones' two live documents: the shared one (a capability URL, cacheable by anyone for a
second) and the personal one (never cached), over real HTTP."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from caja_server.schemas import PersonalLiveOut, SharedLiveOut

from .conftest import Api, Scene


def me(api: Api, scene: Scene, token: str | None = None, **headers: str) -> Any:
    return api.request(
        "GET", f"/api/sessions/{scene.sid}/me", token or scene.ptoken, headers=headers
    )


@contextmanager
def no_sql(api: Api) -> Iterator[list[str]]:
    """Every statement the request threads run meanwhile (the app's own background threads,
    named ``caja-*``, are not the request path)."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        name = threading.current_thread().name
        if not name.startswith("caja-"):
            statements.append(f"{name}: {' '.join(statement.split()).lower()}")

    engine = api.server.app.state.db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def test_a_phone_polls_its_shared_document_from_its_personal_one(api: Api, scene: Scene) -> None:
    personal = me(api, scene)
    assert personal.status_code == 200
    assert personal.headers["cache-control"] == "private, no-store"
    doc = PersonalLiveOut.model_validate(personal.json()).model_dump(mode="json")
    assert doc["you"] == {"id": scene.pid, "nickname": "Bob"}
    assert doc["activity_id"] == scene.aid
    assert doc["your_answers"] == []
    path = doc["live"]["path"]
    assert path.startswith(f"/api/live/{scene.sid}/p.")
    assert len(path.rsplit(".", 1)[1]) >= 22  # at least 128 bits of HMAC (base64url)

    shared = api.request("GET", path)  # no credentials: the key is the capability
    assert shared.status_code == 200
    assert shared.headers["cache-control"] == "public, max-age=1"
    assert shared.headers["etag"] == f'"{shared.json()["version"]}"'
    body = SharedLiveOut.model_validate(shared.json())
    assert body.activity is not None and str(body.activity.id) == scene.aid
    assert shared.json()["epoch"] == doc["epoch"]
    assert "you" not in shared.json()
    again = api.request("GET", path, headers={"If-None-Match": shared.headers["etag"]})
    assert again.status_code == 304
    assert again.content == b""
    # Every phone entitled to it gets the very same bytes.
    carol = api.join(scene.session["join_code"], "Carol")
    carol_path = me(api, scene, carol["token"]).json()["live"]["path"]
    assert carol_path == path
    assert api.request("GET", carol_path).content == api.request("GET", path).content


def test_a_shared_document_from_memory_runs_no_sql(api: Api, scene: Scene) -> None:
    path = me(api, scene).json()["live"]["path"]
    first = api.request("GET", path)
    assert first.status_code == 200
    with no_sql(api) as statements:
        for _ in range(5):
            assert api.request("GET", path).status_code == 200
            r = api.request("GET", path, headers={"If-None-Match": first.headers["etag"]})
            assert r.status_code == 304
        assert me(api, scene).status_code == 200  # the personal one, too
    assert statements == []


def test_shared_answers_carry_the_headers_of_every_answer(api: Api, scene: Scene) -> None:
    """The shared document is served before routing (caja_server/live_front.py), yet its
    200, 304 and 404 carry what every answer of the app does."""
    path = me(api, scene).json()["live"]["path"]
    first = api.request("GET", path, headers={"X-Request-ID": "trace-this-poll"})
    unchanged = api.request("GET", path, headers={"If-None-Match": first.headers["etag"]})
    missing = api.request("GET", f"/api/live/{scene.sid}/p.{'A' * 32}")
    head = api.request("HEAD", path)
    assert [first.status_code, unchanged.status_code, missing.status_code] == [200, 304, 404]
    assert first.headers["x-request-id"] == "trace-this-poll"
    for r in (first, unchanged, missing, head):
        assert r.headers["x-content-type-options"] == "nosniff"
        assert "frame-ancestors" in r.headers["content-security-policy"]
        assert r.headers["x-caja-release"]
        assert r.headers["x-request-id"]
    assert first.headers["content-type"] == "application/json"
    assert int(first.headers["content-length"]) == len(first.content)
    assert head.status_code == 200 and head.content == b""
    assert head.headers["etag"] == first.headers["etag"]
    assert unchanged.content == b""


def test_the_personal_document_from_memory_is_the_routes(api: Api, scene: Scene) -> None:
    """/me answered from memory before routing (the roster knows the token) is the same
    document, tag and headers as the route's answer from the database (a token the
    snapshot does not know yet), and runs no SQL."""
    newcomer = api.join(scene.session["join_code"], "Dora")
    from_database = me(api, scene, newcomer["token"])  # joined after the snapshot
    assert from_database.status_code == 200
    with no_sql(api) as statements:
        from_memory = me(api, scene, newcomer["token"], **{"X-Request-ID": "trace-this-me"})
        unchanged = me(
            api, scene, newcomer["token"], **{"If-None-Match": from_memory.headers["etag"]}
        )
    assert statements == []
    assert from_memory.status_code == 200 and unchanged.status_code == 304
    assert from_memory.headers["etag"] == from_database.headers["etag"]
    strip = lambda doc: {k: v for k, v in doc.items() if k != "server_time"}  # noqa: E731
    assert strip(from_memory.json()) == strip(from_database.json())
    assert from_memory.headers["x-request-id"] == "trace-this-me"
    for r in (from_memory, unchanged):
        assert r.headers["cache-control"] == "private, no-store"
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-caja-release"]
    # Another session's participant, an admin, nobody: the route's answers, as before.
    assert me(api, scene, scene.alice).status_code == 403
    assert api.request("GET", f"/api/sessions/{scene.sid}/me").status_code == 401


def test_wrong_keys_are_404_and_never_cached(api: Api, scene: Scene) -> None:
    path = me(api, scene).json()["live"]["path"]
    key = path.rsplit("/", 1)[1]
    tampered = key[:-2] + ("AA" if not key.endswith("AA") else "BB")
    other = api.session(scene.alice, name="Other")
    for url in (
        f"/api/live/{scene.sid}/{tampered}",
        f"/api/live/{scene.sid}/p.answered.{key.rsplit('.', 1)[1]}",  # a variant not given
        f"/api/live/{other['id']}/{key}",  # another session's
        f"/api/live/{uuid.uuid4()}/{key}",
    ):
        r = api.request("GET", url)
        assert r.status_code == 404, url
        assert r.headers["cache-control"] == "no-store"
        assert r.json()["error"] == "not_found"
    assert api.request("GET", f"/api/live/{scene.sid}/no%20such").status_code == 422


def test_the_previous_activitys_key_is_a_404_a_cache_may_keep(api: Api, scene: Scene) -> None:
    """After an activation every phone asks once more for its old key: that 404 is the same
    for everyone for good, so a shared cache may answer it (a second); a key this process
    never opened stays uncacheable (it may be one another replica just handed out)."""
    old = me(api, scene).json()["live"]["path"]
    assert api.request("GET", old).status_code == 200
    api.activity(scene.alice, scene.sid, title="Next?")
    gone = api.request("GET", old)
    assert gone.status_code == 404
    assert gone.headers["cache-control"] == "public, max-age=1"
    assert gone.json()["error"] == "not_found"
    new = me(api, scene).json()["live"]["path"]
    assert new != old and api.request("GET", new).status_code == 200
    key = old.rsplit(".", 1)[1]
    for never in (
        f"/api/live/{scene.sid}/p.{'B' * len(key)}",
        f"/api/live/{scene.sid}/p.answered.{key}",  # the old activity, a variant never given
    ):
        r = api.request("GET", never)
        assert r.status_code == 404, never
        assert r.headers["cache-control"] == "no-store", never


def test_an_answer_replies_with_the_personal_document(api: Api, scene: Scene) -> None:
    url = f"/api/sessions/{scene.sid}/activities/{scene.aid}/responses"
    reply = api.ok("POST", url, scene.ptoken, 201, json={"data": {"choice": 2}})
    personal = reply["personal"]
    assert [a["data"] for a in personal["your_answers"]] == [{"choice": 2}]
    assert personal["version"] >= me(api, scene).json()["version"] - 0
    assert [a["data"] for a in me(api, scene).json()["your_answers"]] == [{"choice": 2}]
    retry = api.ok("POST", url, scene.ptoken, 200, json={"data": {"choice": 2}})
    assert [a["data"] for a in retry["personal"]["your_answers"]] == [{"choice": 2}]


def test_the_personal_document_needs_the_participant(api: Api, scene: Scene) -> None:
    assert api.request("GET", f"/api/sessions/{scene.sid}/me").status_code == 401
    assert me(api, scene, scene.alice).status_code == 403
    assert me(api, scene, "caja_p_not-a-token").status_code == 401
    other = api.session(scene.alice, name="Other")
    dave = api.join(other["join_code"], "Dave")
    assert me(api, scene, dave["token"]).status_code in (401, 404)  # not of this session
    tag = me(api, scene).headers["etag"]
    assert me(api, scene, **{"If-None-Match": tag}).status_code == 304


def test_a_kick_ends_the_kicked_phones_documents(api: Api, scene: Scene) -> None:
    path = me(api, scene).json()["live"]["path"]
    assert api.request("GET", path).status_code == 200
    carol = api.join(scene.session["join_code"], "Carol")
    api.ok("DELETE", f"/api/sessions/{scene.sid}/participants/{scene.pid}", scene.alice, 204)
    assert api.request("GET", path).status_code == 404  # the secret was replaced
    assert me(api, scene).status_code == 401
    fresh = me(api, scene, carol["token"]).json()["live"]["path"]
    assert fresh != path
    assert api.request("GET", fresh).status_code == 200


def test_a_new_activity_means_a_new_key(api: Api, scene: Scene) -> None:
    path = me(api, scene).json()["live"]["path"]
    api.activity(scene.alice, scene.sid, title="Second")
    assert api.request("GET", path).status_code == 404
    fresh = me(api, scene).json()
    assert fresh["live"]["path"] != path
    assert api.request("GET", fresh["live"]["path"]).json()["activity"]["title"] == "Second"


def test_the_shared_document_carries_the_sessions_language_and_look(api: Api, scene: Scene) -> None:
    api.ok(
        "PATCH",
        f"/api/sessions/{scene.sid}",
        scene.alice,
        json={"language": "ar", "accent_color": "#ffe14d", "theme": "dark"},
    )
    shared = api.request("GET", me(api, scene).json()["live"]["path"]).json()
    assert shared["session"]["language"] == "ar"
    assert shared["session"]["branding"]["theme"] == "dark"
    assert shared["session"]["branding"]["accents"]["dark"]["accent"].startswith("#")


def _entries(part: dict[str, Any]) -> list[dict[str, Any]]:
    block = next(b for b in part["display"] if b["kind"] == "entries")
    entries: list[dict[str, Any]] = block["entries"]
    return entries


def test_the_activity_beside_reaches_phones_through_their_documents(api: Api, scene: Scene) -> None:
    activities = f"/api/sessions/{scene.sid}/activities"
    qna = api.activity(
        scene.alice,
        scene.sid,
        activate=False,
        type="qna",
        title="Questions",
        config={"moderation": "before"},
    )
    items = f"{activities}/{qna['id']}/items"
    before = me(api, scene).json()
    assert before["side"] is None
    assert api.request("GET", before["live"]["path"]).json()["side"] is None

    api.ok("POST", f"{activities}/{qna['id']}/open-beside", scene.alice)
    personal = PersonalLiveOut.model_validate(me(api, scene).json()).model_dump(mode="json")
    assert personal["epoch"] != before["epoch"], "phones fetch their personal document again"
    assert personal["activity_id"] == scene.aid, "the vote is still the current activity"
    assert personal["side"]["activity_id"] == qna["id"]
    assert personal["side"]["view"]["extra"] == {
        "voted": [],
        "my_questions": [],
        "questions_left": 5,
    }
    shared = SharedLiveOut.model_validate(
        api.request("GET", personal["live"]["path"]).json()
    ).model_dump(mode="json")
    assert shared["activity"]["id"] == scene.aid
    assert shared["side"]["id"] == qna["id"]
    assert shared["side"]["item_schema"]["required"] == ["text"]
    assert _entries(shared["side"]) == []

    carol = api.join(scene.session["join_code"], "Carol")
    mine = api.ok("POST", items, scene.ptoken, 201, json={"data": {"text": "Who pays?"}})
    hers = api.ok(
        "POST", items, carol["token"], 201, json={"data": {"text": "Why?"}, "anonymous": True}
    )
    path = me(api, scene).json()["live"]["path"]
    assert _entries(api.request("GET", path).json()["side"]) == [], "pending: nobody sees them"
    side = me(api, scene).json()["side"]
    assert side["view"]["extra"]["my_questions"] == [
        {"id": mine["id"], "text": "Who pays?", "status": "pending"}
    ]
    assert side["view"]["extra"]["questions_left"] == 4

    for item in (mine, hers):
        api.ok("POST", f"{items}/{item['id']}/approve", scene.alice)
    api.ok("PUT", f"{items}/{hers['id']}/vote", scene.ptoken)
    body = api.request("GET", path)
    assert b"Carol" not in body.content, "an anonymous author is in nobody's document"
    assert [(e["text"], e["author"], e["votes"]) for e in _entries(body.json()["side"])] == [
        ("Why?", None, 1),
        ("Who pays?", "Bob", 0),
    ]
    assert me(api, scene).json()["side"]["view"]["extra"]["voted"] == [hers["id"]]
    assert me(api, scene, carol["token"]).json()["side"]["view"]["extra"]["voted"] == []
    assert me(api, scene, carol["token"]).json()["live"]["path"] == path, "the same bytes"

    api.ok("POST", f"{items}/{mine['id']}/hide", scene.alice)
    assert [e["text"] for e in _entries(api.request("GET", path).json()["side"])] == ["Why?"]

    api.ok("POST", f"{activities}/{qna['id']}/close", scene.alice)
    assert me(api, scene).json()["side"] is None
    assert api.request("GET", path).json()["side"] is None


def test_a_phones_shared_and_personal_documents_speak_the_sessions_language(api: Api) -> None:
    alice = api.admin()
    session = api.session(alice)
    sid = session["id"]
    api.ok("PATCH", f"/api/sessions/{sid}", alice, json={"language": "es"})
    question = {"kind": "single", "text": "2 + 2?", "options": ["3", "4"], "correct": 1}
    quiz = api.activity(alice, sid, type="quiz", title="Quiz", config={"questions": [question]})
    bob = api.join(session["join_code"])
    actions = f"/api/sessions/{sid}/activities/{quiz['id']}/actions"
    api.ok("POST", f"{actions}/next", alice, json={})

    def phone() -> tuple[dict[str, Any], dict[str, Any]]:
        me = api.ok("GET", f"/api/sessions/{sid}/me", bob["token"])
        return api.ok("GET", me["live"]["path"]), me

    shared, _ = phone()
    assert shared["activity"]["display"][0]["title"] == "Pregunta 1 de 1"
    url = f"/api/sessions/{sid}/activities/{quiz['id']}/responses"
    api.ok("POST", url, bob["token"], 201, json={"data": {"question": 0, "choice": 1}})
    api.ok("POST", f"{actions}/reveal", alice, json={})
    shared, me = phone()
    assert shared["activity"]["display"][1]["stats"][0]["label"] == "Correcto"
    (own,) = me["view"]["display"]
    assert own["stats"][0]["label"] == "Tú"


def test_joins_in_the_lobby_keep_the_epoch(api: Api) -> None:
    """While no activity runs, a room joining at once changes the shared document (its count)
    but not its epoch: no waiting phone is sent back for its personal document per join."""
    alice = api.admin()
    session = api.session(alice)
    first = api.join(session["join_code"], "Ann")
    path = api.request("GET", f"/api/sessions/{session['id']}/me", first["token"]).json()["live"][
        "path"
    ]
    before = api.request("GET", path).json()
    for name in ("Bob", "Cy", "Di"):
        api.join(session["join_code"], name)
    after = api.request("GET", path).json()
    assert after["participant_count"] == before["participant_count"] + 3
    assert after["version"] > before["version"]
    assert after["epoch"] == before["epoch"]
    # An activity starting is a new epoch (and a new key).
    api.activity(alice, session["id"])
    assert api.request("GET", path).status_code == 404
