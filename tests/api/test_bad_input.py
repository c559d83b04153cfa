"""Bad input gets a clear 4xx with ``{"error", "detail"}``, never a 500."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest

from .conftest import Api, Scene

LIMIT = 64 * 1024


def _error(r, status: int, code: str | None = None) -> dict:  # type: ignore[no-untyped-def]
    assert r.status_code == status, r.text
    body = r.json()
    assert isinstance(body["detail"], str) and body["detail"]
    if code is not None:
        assert body["error"] == code
    return body  # type: ignore[no-any-return]


def test_malformed_json_is_400(api: Api) -> None:
    token = api.admin()
    r = api.request(
        "POST",
        "/api/sessions",
        token,
        content=b'{"name": "x",',
        headers={"Content-Type": "application/json"},
    )
    body = _error(r, 400, "invalid_json")
    assert "JSON" in body["detail"]


def test_wrong_types_are_422_with_field_errors(api: Api) -> None:
    token = api.admin()
    body = _error(api.request("POST", "/api/sessions", token, json={"name": 42}), 422)
    assert body["error"] == "validation_failed"
    assert body["errors"][0]["loc"] == ["body", "name"]
    assert body["errors"][0]["type"] == "string_type"
    body = _error(api.request("POST", "/api/sessions", token, json=["name"]), 422)
    assert body["errors"][0]["loc"] == ["body"]


def test_unknown_fields_are_refused(api: Api, scene: Scene) -> None:
    r = api.request("POST", "/api/sessions", scene.alice, json={"name": "x", "colour": "red"})
    body = _error(r, 422, "validation_failed")
    assert body["errors"][0] == {
        "loc": ["body", "colour"],
        "msg": "Extra inputs are not permitted",
        "type": "extra_forbidden",
    }
    url = f"/api/sessions/{scene.sid}/activities/{scene.aid}"
    _error(api.request("PATCH", url, scene.alice, json={"status": "active"}), 422)
    _error(
        api.request("POST", "/api/join", json={"join_code": "X", "nickname": "y", "admin": True}),
        422,
    )


def test_missing_body_is_422(api: Api) -> None:
    token = api.admin()
    body = _error(api.request("POST", "/api/sessions", token), 422, "validation_failed")
    assert body["errors"][0]["type"] == "missing"


def test_body_over_64_kib_is_413_by_content_length(api: Api) -> None:
    token = api.admin()
    big = b'{"name": "' + b"x" * LIMIT + b'"}'
    r = api.request(
        "POST", "/api/sessions", token, content=big, headers={"Content-Type": "application/json"}
    )
    _error(r, 413, "payload_too_large")
    # Even on a route that would refuse the caller anyway, the size check comes first.
    _error(api.request("POST", "/api/join", content=big), 413)


def test_body_over_64_kib_is_413_while_streaming(api: Api) -> None:
    token = api.admin()

    def chunks() -> Iterator[bytes]:
        yield b'{"name": "'
        for _ in range(80):
            yield b"x" * 1024
        yield b'"}'

    r = api.request(
        "POST",
        "/api/sessions",
        token,
        content=chunks(),
        headers={"Content-Type": "application/json"},
    )
    assert "content-length" not in r.request.headers  # really chunked
    _error(r, 413, "payload_too_large")
    assert api.ok("GET", "/api/sessions", token) == []


def test_a_body_just_under_the_limit_is_accepted(api: Api, scene: Scene) -> None:
    text = "x" * (LIMIT - 200)
    url = f"/api/sessions/{scene.sid}/activities/{scene.aid}"
    r = api.request("PATCH", url, scene.alice, json={"description": text})
    # The service caps descriptions far below 64 KiB: a clear 422, not a 413 or a 500.
    assert r.status_code == 422, r.text


def test_unknown_and_malformed_ids(api: Api, scene: Scene) -> None:
    missing = uuid.uuid4()
    _error(api.request("GET", f"/api/sessions/{missing}", scene.alice), 404, "not_found")
    body = _error(api.request("GET", "/api/sessions/not-a-uuid", scene.alice), 422)
    assert body["errors"][0]["loc"] == ["path", "sid"]
    # A poll with a malformed or unknown session id: the fast path declines, the route says.
    for _ in range(2):
        r = api.request("GET", "/api/sessions/not-a-uuid/state", scene.ptoken)
        assert _error(r, 422)["errors"][0]["loc"] == ["path", "sid"]
        r = api.request("GET", f"/api/sessions/{missing}/state", scene.ptoken)
        assert "another session" in _error(r, 401, "unauthenticated")["detail"]
        _error(api.request("GET", f"/api/sessions/{missing}/state", scene.alice), 404)
    base = f"/api/sessions/{scene.sid}/activities"
    _error(api.request("POST", f"{base}/{missing}/activate", scene.alice), 404, "not_found")
    _error(
        api.request("DELETE", f"/api/sessions/{scene.sid}/participants/{missing}", scene.alice), 404
    )
    r = api.request("PUT", f"{base}/order", scene.alice, json={"activity_ids": [str(missing)]})
    _error(r, 422, "validation_failed")
    r = api.request("PUT", f"{base}/order", scene.alice, json={"activity_ids": ["nope"]})
    _error(r, 422, "validation_failed")
    r = api.request(
        "POST",
        f"{base}/{missing}/responses",
        scene.ptoken,
        json={"data": {"choice": 0}},
    )
    _error(r, 404, "not_found")
    r = api.request(
        "POST", f"{base}", scene.alice, json={"type": "nope", "title": "t", "config": {}}
    )
    body = _error(r, 422, "validation_failed")
    assert "nope" in body["detail"] and "vote" in body["detail"]
    assert body["errors"][0]["loc"] == ["body", "type"]


def test_unknown_routes_and_methods(api: Api) -> None:
    _error(api.request("GET", "/api/nothing-here"), 404, "not_found")
    _error(api.request("POST", "/api/sessions/x/y/z"), 404, "not_found")
    r = api.request("DELETE", "/api/join")
    _error(r, 405, "method_not_allowed")
    assert "POST" in r.headers["allow"]


@pytest.mark.parametrize(
    ("answer", "status"),
    [({"choice": "one"}, 422), ({"choice": 99}, 422), ({"pick": 1}, 422), ({}, 422)],
)
def test_bad_answers_are_422(api: Api, scene: Scene, answer: dict, status: int) -> None:  # type: ignore[type-arg]
    url = f"/api/sessions/{scene.sid}/activities/{scene.aid}/responses"
    body = _error(api.request("POST", url, scene.ptoken, json={"data": answer}), status)
    assert body["error"] == "answer_rejected"


def test_bad_query_values_are_422(api: Api, scene: Scene) -> None:
    r = api.request("GET", f"/api/sessions/{scene.sid}/export?format=xml", scene.alice)
    _error(r, 422, "validation_failed")
    r = api.request("GET", f"/api/sessions/{scene.sid}/state?since=-1", scene.alice)
    _error(r, 422, "validation_failed")
    url = f"/api/sessions/{scene.sid}/activities/{scene.aid}?reset_answers=maybe"
    _error(api.request("PATCH", url, scene.alice, json={}), 422)


def test_unreachable_database_is_503_not_500(api: Api, tmp_path) -> None:  # type: ignore[no-untyped-def]
    token = api.admin()
    api.server.use_database(f"sqlite:///{tmp_path}/missing/dir/caja.db")
    r = api.request("GET", "/api/sessions", token)
    body = _error(r, 503, "database_unavailable")
    assert "unavailable" in body["detail"]
    ready = api.request("GET", "/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"]["database"] is False
    assert api.request("GET", "/healthz").status_code == 200


def test_nul_characters_are_refused_everywhere_in_a_body(api: Api, scene: Scene) -> None:
    r = api.request("POST", "/api/sessions", scene.alice, json={"name": "a\u0000b"})
    body = _error(r, 422, "validation_failed")
    assert body["errors"][0]["loc"] == ["body", "name"]
    r = api.request(
        "POST", "/api/join", json={"join_code": scene.session["join_code"], "nickname": "\u0000"}
    )
    _error(r, 422)
    url = f"/api/sessions/{scene.sid}/activities/{scene.aid}/responses"
    r = api.request("POST", url, scene.ptoken, json={"data": {"choice": 1, "x\u0000": [1]}})
    assert _error(r, 422)["errors"][0]["loc"] == ["body", "data", "x\u0000"]
    # A literal backslash-u text is fine.
    ok = api.request("POST", "/api/sessions", scene.alice, json={"name": "\\u0000 is text"})
    assert ok.status_code == 201, ok.text
    assert ok.json()["name"] == "\\u0000 is text"
