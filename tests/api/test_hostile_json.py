"""Hostile JSON against every route that takes a body, listed from the OpenAPI document (so a
new route is covered without anyone remembering): ten thousand levels of nesting, nesting
that parses but is deeper than anything legitimate, malformed JSON, and NUL characters. Each
gets the app's own JSON 4xx with its request id and security headers, on the answer lane in
front of the framework as on the routes (with a body model or without), never a 500.

The callers are who the route is for (an admin on admin routes, the participant on the
answer route), so the body is what gets judged, not the token."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from caja_server.json_guard import MAX_DEPTH

from .conftest import Api, Scene, make_app

DEEP = b'{"data": ' + b"[" * 10_000 + b"]" * 10_000 + b"}"
# Parses (below the recursion limit), but deeper than any legitimate body.
DEEPISH = b'{"data": {"x": ' + b"[" * (MAX_DEPTH + 5) + b"]" * (MAX_DEPTH + 5) + b"}}"
MALFORMED = b'{"data": {"choice": 0'
NUL = b'{"data": {"choice": "\\u0000"}, "name": "a\\u0000b", "nickname": "\\u0000"}'
BODIES = {"deep": DEEP, "deepish": DEEPISH, "malformed": MALFORMED, "nul": NUL}


def _operations() -> list[tuple[str, str, str]]:
    """``(method, path, operation id)`` of every operation that accepts a body: it declares
    one, or it is a POST/PUT/PATCH (a route without a body model must refuse one too)."""
    document = make_app().openapi()
    found = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in ("post", "put", "patch") or "requestBody" in operation:
                found.append((method.upper(), path, operation["operationId"]))
    return found


OPERATIONS = _operations()
_OWN_BODY = {"import_session", "check_session_definition", "upload_media"}


def operation_reads_its_body(what: str) -> bool:
    return what.split()[0] in _OWN_BODY


assert any(op[2] == "submit_answer" for op in OPERATIONS), "the answer route must be covered"


def _url(path: str, scene: Scene) -> str:
    return path.format(
        sid=scene.sid,
        aid=scene.aid,
        pid=scene.pid,
        action="note",
        template_id="retro",
        iid="00000000-0000-4000-8000-000000000000",
    )


def _caller(operation_id: str, scene: Scene) -> str | None:
    if operation_id in ("submit_answer", "submit_item"):
        return scene.ptoken
    if operation_id in ("join_session", "login"):
        return None
    return scene.alice


def _assert_own_4xx(r: httpx.Response, what: str) -> dict[str, Any]:
    assert _refusal(r, what, "deep") is None
    body: dict[str, Any] = r.json()
    return body


def _refusal(r: httpx.Response, what: str, kind: str) -> str | None:
    """What is wrong with the answer to a hostile body, or None."""
    if not 400 <= r.status_code < 500:
        return f"{what}: {r.status_code} {r.text[:200]}"
    if not r.headers.get("content-type", "").startswith("application/json"):
        return f"{what}: not JSON: {r.text[:200]}"
    if not r.headers.get("x-request-id") or r.headers.get("x-content-type-options") != "nosniff":
        return f"{what}: no request id or security headers"
    body = r.json()
    if r.status_code in (401, 403, 413, 415):
        return None
    if r.status_code == 422 and operation_reads_its_body(what):
        return None  # a route reading its own body (a definition, an image) says what
    if kind == "nul" and r.status_code == 422:
        return None if body["errors"][0]["type"] == "string_nul" else f"{what}: {body}"
    if r.status_code == 400 and body["error"] == "invalid_json":
        return None
    return f"{what}: {r.status_code} {body}"


@pytest.mark.parametrize("kind", sorted(BODIES))
def test_hostile_body_gets_the_apps_own_4xx_on_every_route(
    api: Api, scene: Scene, kind: str
) -> None:
    problems = []
    for method, path, operation_id in OPERATIONS:
        r = api.request(
            method,
            _url(path, scene),
            _caller(operation_id, scene),
            content=BODIES[kind],
            headers={"Content-Type": "application/json"},
        )
        problems.append(_refusal(r, f"{operation_id} {kind}", kind))
    assert [p for p in problems if p] == []


def test_the_answer_lane_refuses_deep_json_itself_and_stays_up(api: Api, scene: Scene) -> None:
    """The answer lane (before the framework) hands hostile bodies to the route: the
    answer is a 400, nothing is stored, and the next plain answer goes through."""
    url = f"/api/sessions/{scene.sid}/activities/{scene.aid}/responses"
    for body in (DEEP, DEEPISH):
        r = api.request(
            "POST", url, scene.ptoken, content=body, headers={"Content-Type": "application/json"}
        )
        assert _assert_own_4xx(r, "answer")["error"] == "invalid_json"
    ok = api.request("POST", url, scene.ptoken, json={"data": {"choice": 1}})
    assert ok.status_code == 201, ok.text


def test_a_route_without_a_body_model_refuses_malformed_json(api: Api, scene: Scene) -> None:
    """``POST .../start`` takes no body; a malformed one is still a 400, and does nothing."""
    draft = api.session(scene.alice, "Draft", start=False)
    r = api.request(
        "POST",
        f"/api/sessions/{draft['id']}/start",
        scene.alice,
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert _assert_own_4xx(r, "start")["error"] == "invalid_json"
    assert api.ok("GET", f"/api/sessions/{draft['id']}", scene.alice)["status"] == "draft"
