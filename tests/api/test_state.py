"""The live state: role-specific documents, ETag / If-None-Match / ?since=, 304 without body."""

from __future__ import annotations

import datetime as dt
import threading
import uuid

from sqlalchemy import event, update

from caja_core.storage.models import Participant, utcnow
from caja_server.fastpath import UnchangedStateFastPath
from caja_server.schemas import StateOut

from .conftest import Api, Scene


def _state(api: Api, scene: Scene, token: str, **headers: str):  # type: ignore[no-untyped-def]
    return api.request("GET", f"/api/sessions/{scene.sid}/state", token, headers=headers)


def test_presenter_and_participant_documents(api: Api, scene: Scene) -> None:
    url = f"/api/sessions/{scene.sid}/activities/{scene.aid}/responses"
    api.ok("POST", url, scene.ptoken, 201, json={"data": {"choice": 2}})
    presenter = _state(api, scene, scene.alice)
    assert presenter.status_code == 200
    assert presenter.headers["cache-control"] == "no-cache"
    doc = presenter.json()
    assert doc["role"] == "presenter"
    assert doc["you"] is None
    assert doc["participant_count"] == 1
    assert doc["session"] == {
        "id": scene.sid,
        "name": scene.session["name"],
        "status": "active",
        "join_code": scene.session["join_code"],
        "language": None,
        "branding": None,
    }
    assert doc["activity"]["id"] == scene.aid
    assert doc["activity"]["results"] == {"counts": [0, 0, 1]}
    assert doc["activity"]["your_answers"] is None
    assert presenter.headers["etag"] == f'W/"{doc["version"]}-presenter"'

    phone = _state(api, scene, scene.ptoken)
    pdoc = phone.json()
    assert pdoc["role"] == "participant"
    assert pdoc["you"] == {"id": scene.pid, "nickname": "Bob"}
    assert pdoc["activity"]["results"] is None  # hidden from participants by this type
    assert [a["data"] for a in pdoc["activity"]["your_answers"]] == [{"choice": 2}]
    assert phone.headers["etag"] == f'W/"{pdoc["version"]}-participant-{scene.pid}"'
    # The documents match the declared (OpenAPI) model; the route skips that validation
    # at run time to keep polls cheap.
    StateOut.model_validate(doc)
    StateOut.model_validate(pdoc)


def test_if_none_match_gives_304_until_something_changes(api: Api, scene: Scene) -> None:
    first = _state(api, scene, scene.alice)
    tag = first.headers["etag"]
    for _ in range(3):  # the first poll after the full answer, then the fast path
        again = _state(api, scene, scene.alice, **{"If-None-Match": tag})
        assert again.status_code == 304
        assert again.content == b""
        assert again.headers["etag"] == tag
    # A participant joins: the version moves and the presenter gets the new document.
    api.join(scene.session["join_code"], "Carol")
    changed = _state(api, scene, scene.alice, **{"If-None-Match": tag})
    assert changed.status_code == 200
    assert changed.json()["participant_count"] == 2
    assert changed.json()["version"] > first.json()["version"]
    assert changed.headers["etag"] != tag


def test_since_gives_304_for_the_current_version(api: Api, scene: Scene) -> None:
    version = _state(api, scene, scene.ptoken).json()["version"]
    url = f"/api/sessions/{scene.sid}/state"
    r = api.request("GET", f"{url}?since={version}", scene.ptoken)
    assert r.status_code == 304
    assert r.content == b""
    r = api.request("GET", f"{url}?since={version - 1}", scene.ptoken)
    assert r.status_code == 200
    answer = f"/api/sessions/{scene.sid}/activities/{scene.aid}/responses"
    api.ok("POST", answer, scene.ptoken, 201, json={"data": {"choice": 0}})
    r = api.request("GET", f"{url}?since={version}", scene.ptoken)
    assert r.status_code == 200
    assert r.json()["version"] > version
    assert r.json()["activity"]["your_answers"][0]["data"] == {"choice": 0}


def test_an_etag_of_another_role_or_participant_does_not_match(api: Api, scene: Scene) -> None:
    presenter_tag = _state(api, scene, scene.alice).headers["etag"]
    r = _state(api, scene, scene.ptoken, **{"If-None-Match": presenter_tag})
    assert r.status_code == 200
    carol = api.join(scene.session["join_code"], "Carol")
    bob_tag = _state(api, scene, scene.ptoken).headers["etag"]
    r = _state(api, scene, carol["token"], **{"If-None-Match": bob_tag})
    assert r.status_code == 200
    assert r.json()["you"]["nickname"] == "Carol"


def test_logout_and_kick_end_even_the_304_answers(api: Api, scene: Scene) -> None:
    admin_tag = _state(api, scene, scene.alice).headers["etag"]
    phone_tag = _state(api, scene, scene.ptoken).headers["etag"]
    # Both are now remembered: a matching poll is a 304.
    assert _state(api, scene, scene.alice, **{"If-None-Match": admin_tag}).status_code == 304
    assert _state(api, scene, scene.ptoken, **{"If-None-Match": phone_tag}).status_code == 304
    kicked = api.request(
        "DELETE", f"/api/sessions/{scene.sid}/participants/{scene.pid}", scene.alice
    )
    assert kicked.status_code == 204
    # Even asking for the version after the kick (which a 304 would confirm) is refused.
    version = _state(api, scene, scene.alice).json()["version"]
    since = api.request("GET", f"/api/sessions/{scene.sid}/state?since={version}", scene.ptoken)
    assert since.status_code == 401
    assert api.request("POST", "/api/auth/logout", scene.alice).status_code == 204
    assert _state(api, scene, scene.alice, **{"If-None-Match": admin_tag}).status_code == 401


def test_304_path_touches_no_database(api: Api, scene: Scene) -> None:
    """A repeated poll is answered from memory: the fast path, no SQL at all."""
    tag = _state(api, scene, scene.alice).headers["etag"]
    _state(api, scene, scene.alice, **{"If-None-Match": tag})
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        # The app's own background threads (seen flush, token revalidation, the version
        # relay) may run a statement at any moment; they are not the poll path.
        if not threading.current_thread().name.startswith("caja-"):
            name = threading.current_thread().name  # named in a failure, to say who ran it
            statements.append(f"{name}: {' '.join(statement.split()).lower()}")

    engine = api.server.app.state.db.engine
    fast = next(m for m in _middlewares(api.server.app) if isinstance(m, UnchangedStateFastPath))
    hits = fast.hits
    event.listen(engine, "before_cursor_execute", record)
    try:
        for _ in range(5):
            r = _state(api, scene, scene.alice, **{"If-None-Match": tag})
            assert r.status_code == 304
            assert r.headers["etag"] == tag
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert statements == []
    assert fast.hits == hits + 5


def _middlewares(app):  # type: ignore[no-untyped-def]
    layer = app.middleware_stack
    while layer is not None:
        yield layer
        layer = getattr(layer, "app", None)


def _set_last_seen(api: Api, scene: Scene, when: dt.datetime) -> None:
    with api.database.transaction() as db:
        db.execute(
            update(Participant)
            .where(Participant.id == uuid.UUID(scene.pid))
            .values(last_seen_at=when)
        )


def test_polling_keeps_a_participant_connected(api: Api, scene: Scene) -> None:
    long_ago = utcnow() - dt.timedelta(minutes=5)
    _set_last_seen(api, scene, long_ago)
    url = f"/api/sessions/{scene.sid}/participants"
    assert api.ok("GET", url, scene.alice)[0]["connection_status"] == "disconnected"
    assert _state(api, scene, scene.ptoken).status_code == 200
    assert api.ok("GET", url, scene.alice)[0]["connection_status"] == "connected"


def test_fast_path_renders_documents_from_the_snapshot_without_sql(api: Api, scene: Scene) -> None:
    """Once the route has computed the session's snapshot and checked the token, a poll
    that needs a document is rendered from memory: no SQL, the same document."""
    url = f"/api/sessions/{scene.sid}/activities/{scene.aid}/responses"
    api.ok("POST", url, scene.ptoken, 201, json={"data": {"choice": 1}})
    from_route = _state(api, scene, scene.ptoken)  # authenticates and computes
    assert from_route.status_code == 200
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if not threading.current_thread().name.startswith("caja-"):  # not background work
            statements.append(f"{threading.current_thread().name}: {statement}")

    engine = api.server.app.state.db.engine
    fast = next(m for m in _middlewares(api.server.app) if isinstance(m, UnchangedStateFastPath))
    documents = fast.documents
    event.listen(engine, "before_cursor_execute", record)
    try:  # an ETag of an older version: wants the document
        older = f'W/"{from_route.json()["version"] - 1}-participant-{scene.pid}"'
        from_memory = _state(api, scene, scene.ptoken, **{"If-None-Match": older})
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert statements == []
    assert fast.documents == documents + 1
    assert from_memory.status_code == 200
    assert from_memory.headers["etag"] == from_route.headers["etag"]
    assert from_memory.headers["content-type"] == "application/json"
    assert from_memory.headers["x-content-type-options"] == "nosniff"
    route_doc, memory_doc = from_route.json(), from_memory.json()
    route_doc.pop("server_time"), memory_doc.pop("server_time")
    assert memory_doc == route_doc
    assert [a["data"] for a in memory_doc["activity"]["your_answers"]] == [{"choice": 1}]


def test_a_caller_with_a_newer_version_gets_304(api: Api, scene: Scene) -> None:
    """Behind a load balancer a phone may have seen a newer version on another replica
    than this one has computed yet: it keeps what it has instead of going back."""
    doc = _state(api, scene, scene.alice).json()
    newer = f'W/"{doc["version"] + 5}-presenter"'
    r = _state(api, scene, scene.alice, **{"If-None-Match": newer})
    assert r.status_code == 304
    older = f'W/"{doc["version"] - 1}-presenter"'
    assert _state(api, scene, scene.alice, **{"If-None-Match": older}).status_code == 200


def test_polls_answered_from_memory_are_written_as_seen_in_batches(api: Api, scene: Scene) -> None:
    """A poll answered from memory writes nothing; the participants it saw are written
    together by the next flush (the app does it every few seconds)."""
    assert _state(api, scene, scene.ptoken).status_code == 200  # authenticates
    api.server.app.state.live.seen.flush()
    a_while_ago = utcnow() - dt.timedelta(seconds=20)
    _set_last_seen(api, scene, a_while_ago)
    fast = next(m for m in _middlewares(api.server.app) if isinstance(m, UnchangedStateFastPath))
    documents = fast.documents
    stale = f'W/"0-participant-{scene.pid}"'
    assert _state(api, scene, scene.ptoken, **{"If-None-Match": stale}).status_code == 200
    assert fast.documents == documents + 1  # answered from memory
    with api.database.read() as db:
        assert db.get(Participant, uuid.UUID(scene.pid)).last_seen_at == a_while_ago
    assert api.server.app.state.live.seen.flush() == 1
    with api.database.read() as db:
        seen = db.get(Participant, uuid.UUID(scene.pid)).last_seen_at
    assert seen > a_while_ago + dt.timedelta(seconds=15)
    assert api.server.app.state.live.seen.flush() == 0  # nothing new since


def test_serving_puts_the_fast_path_in_front_of_the_framework(api: Api, scene: Scene) -> None:
    """What caja-server runs: the fast path outside Starlette answers from memory (the
    scope has no app in it yet); what it declines goes through the app once."""
    import asyncio

    from caja_server.app import serving

    app = api.server.app
    outer = serving(app)
    tag = _state(api, scene, scene.ptoken).headers["etag"]  # authenticates, computes
    sent: list[dict[str, object]] = []

    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, object]) -> None:
        sent.append(message)

    def poll(token: str, etag: str) -> dict[str, object]:
        sent.clear()
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "GET",
            "scheme": "http",
            "path": f"/api/sessions/{scene.sid}/state",
            "raw_path": f"/api/sessions/{scene.sid}/state".encode(),
            "root_path": "",
            "query_string": b"",
            "headers": [
                (b"host", b"testserver"),
                (b"authorization", f"Bearer {token}".encode()),
                (b"if-none-match", etag.encode()),
            ],
            "client": ("127.0.0.1", 5000),
            "server": ("127.0.0.1", 80),
        }
        asyncio.run(outer(scope, receive, send))
        return sent[0]

    assert poll(scene.ptoken, tag)["status"] == 304
    assert outer.hits == 1
    # Unknown to memory (never authenticated here): the framework answers, once.
    declined = poll("caja_p_not-a-real-token", tag)
    assert declined["status"] == 401
    assert outer.hits == 1


def test_a_deleted_session_is_not_served_from_memory(api: Api, scene: Scene) -> None:
    first = _state(api, scene, scene.alice)
    older = f'W/"{first.json()["version"] - 1}-presenter"'
    assert _state(api, scene, scene.alice, **{"If-None-Match": older}).status_code == 200
    api.ok("DELETE", f"/api/sessions/{scene.sid}", scene.alice, 204)
    gone = _state(api, scene, scene.alice, **{"If-None-Match": older})
    assert gone.status_code == 404
