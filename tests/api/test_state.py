"""The whole live state (the big screen's route; phones' deprecated one): role-specific
documents, ETag / If-None-Match / ?since=, 304 without body."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import update

from caja_core.storage.models import Participant, utcnow
from caja_server.schemas import StateOut

from .conftest import Api, Scene


def _state(api: Api, scene: Scene, token: str, **headers: str):  # type: ignore[no-untyped-def]
    return api.request("GET", f"/api/sessions/{scene.sid}/state", token, headers=headers)


def test_presenter_and_participant_documents(api: Api, scene: Scene) -> None:
    url = f"/api/sessions/{scene.sid}/activities/{scene.aid}/responses"
    api.ok("POST", url, scene.ptoken, 201, json={"data": {"choice": 2}})
    presenter = _state(api, scene, scene.alice)
    assert presenter.status_code == 200
    assert presenter.headers["cache-control"] == "private, no-cache"
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
    api.server.app.state.live.seen.flush()  # the app does it every few seconds
    assert api.ok("GET", url, scene.alice)[0]["connection_status"] == "connected"


def test_a_caller_with_a_newer_version_gets_304(api: Api, scene: Scene) -> None:
    """Behind a load balancer a phone may have seen a newer version on another replica
    than this one has computed yet: it keeps what it has instead of going back."""
    doc = _state(api, scene, scene.alice).json()
    newer = f'W/"{doc["version"] + 5}-presenter"'
    r = _state(api, scene, scene.alice, **{"If-None-Match": newer})
    assert r.status_code == 304
    older = f'W/"{doc["version"] - 1}-presenter"'
    assert _state(api, scene, scene.alice, **{"If-None-Match": older}).status_code == 200


def test_a_deleted_session_is_not_served_from_memory(api: Api, scene: Scene) -> None:
    first = _state(api, scene, scene.alice)
    older = f'W/"{first.json()["version"] - 1}-presenter"'
    assert _state(api, scene, scene.alice, **{"If-None-Match": older}).status_code == 200
    api.ok("DELETE", f"/api/sessions/{scene.sid}", scene.alice, 204)
    gone = _state(api, scene, scene.alice, **{"If-None-Match": older})
    assert gone.status_code == 404
