"""Authenticated answers are never cached (``Cache-Control: no-store``); production adds HSTS."""

from __future__ import annotations

from fastapi.testclient import TestClient

from .conftest import Api, Scene, make_app, make_settings


def test_authenticated_answers_carry_no_store(api: Api, scene: Scene) -> None:
    for url in ("/api/sessions", f"/api/sessions/{scene.sid}", "/api/auth/me"):
        r = api.request("GET", url, scene.alice)
        assert r.status_code == 200
        assert r.headers["cache-control"] == "no-store", url
    # The state document keeps its own policy (revalidated with its ETag).
    state = api.request("GET", f"/api/sessions/{scene.sid}/state", scene.ptoken)
    assert "no-store" not in state.headers["cache-control"]
    public = api.request("GET", "/api/activity-types")
    assert public.headers.get("cache-control") != "no-store"


def test_production_answers_carry_hsts_and_development_does_not() -> None:
    production = make_settings(env="production", secret_key="a-real-secret-of-32-characters!!")
    with_hsts = TestClient(make_app(production)).get("/api/openapi.json")
    assert with_hsts.headers["strict-transport-security"].startswith("max-age=63072000")
    without = TestClient(make_app(make_settings())).get("/api/openapi.json")
    assert "strict-transport-security" not in without.headers
