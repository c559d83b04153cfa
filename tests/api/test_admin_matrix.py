"""Every admin route refuses anonymous callers (401), participants (403) and another
admin's sessions (404). The list of routes comes from the app itself, so a new admin route
can't escape the matrix."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from caja_server.deps import current_admin, participant_token

from .conftest import PASSWORD, Api, Scene, make_app
from .media_samples import png

# A valid body for every admin route that takes one, so a refusal can't be a 422.
BODIES: dict[str, Any] = {
    "create_session": {"name": "Mine"},
    "update_session": {"name": "Stolen"},
    "add_activity": {"type": "vote", "title": "x", "config": {"options": ["a", "b"]}},
    "update_activity": {"title": "Stolen"},
    "reorder_activities": {"activity_ids": []},
    "run_action": {"text": "hi"},
    "duplicate_session": {"name": "Copy"},
    "create_session_from_template": {"name": "From a template"},
    "change_password": {"current_password": PASSWORD, "new_password": "another long password"},
}
DEFINITION = {
    "format": "caja.session",
    "version": 1,
    "name": "Imported",
    "activities": [{"type": "vote", "title": "x", "config": {"options": ["a", "b"]}}],
}
# Routes whose body is not a JSON model FastAPI parses (it is read by the route itself).
RAW_BODIES: dict[str, dict[str, Any]] = {
    "import_session": {"json": DEFINITION},
    "check_session_definition": {"json": DEFINITION},
    "upload_media": {"content": png(), "headers": {"Content-Type": "image/png"}},
}


def _uses(dependant: Dependant, dependency: object) -> bool:
    return any(d.call is dependency or _uses(d, dependency) for d in dependant.dependencies)


def _routes(dependency: object) -> list[APIRoute]:
    app = make_app()
    routes = (ctx.original_route for ctx in iter_route_contexts(app.routes))
    return [r for r in routes if isinstance(r, APIRoute) and _uses(r.dependant, dependency)]


ADMIN_ROUTES = _routes(current_admin)
PARTICIPANT_ROUTES = _routes(participant_token)
assert PARTICIPANT_ROUTES, "no participant route found: the matrix would test nothing"


def _ids(routes: list[APIRoute]) -> list[str]:
    return [r.name for r in routes]


def test_the_matrix_covers_the_admin_api() -> None:
    names = set(_ids(ADMIN_ROUTES))
    # A sanity floor: if the dependency walk broke, the matrix would silently be empty.
    assert {"create_session", "get_session", "export_session", "kick_participant"} <= names
    assert len(names) >= 20
    for route in ADMIN_ROUTES:
        if route.body_field is not None:
            assert route.name in BODIES, f"add a valid body for {route.name} to BODIES"


def _call(api: Api, route: APIRoute, scene: Scene, token: str | None) -> Any:
    url = route.path_format.format(
        sid=scene.sid,
        aid=scene.aid,
        pid=scene.pid,
        action="note",
        template_id="retro",
        iid=uuid.uuid4(),
    )
    method = sorted(route.methods)[0]
    kwargs = {"json": BODIES[route.name]} if route.name in BODIES else {}
    kwargs = RAW_BODIES.get(route.name, kwargs)
    return api.request(method, url, token, **kwargs)


@pytest.mark.parametrize("route", ADMIN_ROUTES, ids=_ids(ADMIN_ROUTES))
def test_admin_route_refuses_anonymous_participants_and_other_admins(
    api: Api, scene: Scene, route: APIRoute
) -> None:
    anonymous = _call(api, route, scene, None)
    assert anonymous.status_code == 401, anonymous.text
    assert anonymous.json()["error"] == "unauthenticated"
    participant = _call(api, route, scene, scene.ptoken)
    assert participant.status_code == 403, participant.text
    assert participant.json()["error"] == "forbidden"
    garbage = _call(api, route, scene, "caja_a_not-a-real-token")
    assert garbage.status_code == 401, garbage.text
    other_admin = _call(api, route, scene, scene.mallory)
    if "{sid}" in route.path:
        assert other_admin.status_code == 404, other_admin.text
        assert other_admin.json()["error"] == "not_found"
    else:
        assert other_admin.status_code < 400
        assert scene.sid not in other_admin.text
    # Nothing of alice's changed.
    session = api.ok("GET", f"/api/sessions/{scene.sid}", scene.alice)
    assert session["name"] == scene.session["name"]
    assert [a["title"] for a in session["activities"]] == [scene.activity["title"]]


PARTICIPANT_BODIES: dict[str, Any] = {
    "submit_answer": {"data": {"choice": 0}},
    "submit_item": {"data": {"text": "hi"}},
}


def test_the_matrix_covers_the_participant_api() -> None:
    names = set(_ids(PARTICIPANT_ROUTES))
    assert {"submit_answer", "submit_item", "vote", "unvote"} <= names
    for route in PARTICIPANT_ROUTES:
        if route.body_field is not None:
            assert route.name in PARTICIPANT_BODIES, f"add a body for {route.name}"


@pytest.mark.parametrize("route", PARTICIPANT_ROUTES, ids=_ids(PARTICIPANT_ROUTES))
def test_participant_route_refuses_anonymous_admins_and_other_sessions(
    api: Api, scene: Scene, route: APIRoute
) -> None:
    method = sorted(route.methods)[0]
    body = {"json": PARTICIPANT_BODIES[route.name]} if route.name in PARTICIPANT_BODIES else {}
    url = route.path_format.format(sid=scene.sid, aid=scene.aid, iid=uuid.uuid4())
    assert api.request(method, url, None, **body).status_code == 401
    assert api.request(method, url, scene.alice, **body).status_code == 403
    other = api.session(scene.mallory, "Elsewhere")
    stranger = api.join(other["join_code"], "Eve")
    r = api.request(method, url, stranger["token"], **body)
    assert r.status_code in (401, 403, 404), r.text
    assert (
        api.ok("GET", f"/api/sessions/{scene.sid}/activities/{scene.aid}/results", scene.alice)[
            "answer_count"
        ]
        == 0
    )


def test_the_shared_live_document_opens_only_with_its_key(api: Api, scene: Scene) -> None:
    """The one route without a token: its key is the capability (tests/api/test_live_documents.py
    and tests/api/test_visibility.py go through every way of getting it wrong)."""
    path = api.ok("GET", f"/api/sessions/{scene.sid}/me", scene.ptoken)["live"]["path"]
    assert api.request("GET", path).status_code == 200
    for token in (None, scene.alice, scene.mallory, scene.ptoken):
        r = api.request("GET", f"/api/live/{scene.sid}/p.not-the-key", token)
        assert r.status_code == 404


def test_state_refuses_anonymous_other_admins_and_other_sessions(api: Api, scene: Scene) -> None:
    url = f"/api/sessions/{scene.sid}/state"
    assert api.request("GET", url).status_code == 401
    assert api.request("GET", url, "something-else").status_code == 401
    assert api.request("GET", url, scene.mallory).status_code == 404
    other = api.session(scene.mallory, "Elsewhere")
    stranger = api.join(other["join_code"], "Eve")
    assert api.request("GET", url, stranger["token"]).status_code in (401, 403, 404)
