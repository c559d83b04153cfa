"""Login over HTTP: growing delays with 429 + Retry-After, a browser that has logged in
before is not kept out by an attacker's failures, and changing one's own password."""

from __future__ import annotations

import httpx

from caja_core.storage.models import LoginAttempt, utcnow

from .conftest import PASSWORD, Api


def _login(client: httpx.Client, password: str, username: str = "alice") -> httpx.Response:
    return client.post("/api/auth/login", json={"username": username, "password": password})


def test_an_attacker_cannot_lock_the_owner_out(api: Api) -> None:
    api.create_admin("alice")
    owner = httpx.Client(base_url=api.server.url, timeout=30)
    with owner:
        assert _login(owner, PASSWORD).status_code == 200  # the owner's browser, once
        owner.post("/api/auth/logout", headers={"X-Caja-CSRF": "1"})
        assert _login(api.http, "wrong-pw").status_code == 401
        # An attacker's failures, as the database counts them (many, so the delay is long
        # and the test does not depend on how fast this machine is).
        with api.database.transaction() as db:
            db.add_all(LoginAttempt(key="user:alice", attempted_at=utcnow()) for _ in range(12))
        limited = _login(api.http, PASSWORD)
        assert limited.status_code == 429  # the username is slowed down for strangers
        assert 60 <= int(limited.headers["Retry-After"]) <= 300
        assert limited.json()["error"] == "rate_limited"
        assert _login(owner, PASSWORD).status_code == 200  # but not for the owner's browser


def test_changing_ones_own_password(api: Api) -> None:
    token = api.admin("alice")
    other = api.admin_login("alice")
    url = "/api/auth/password"
    wrong = api.request("POST", url, token, json={"current_password": "x", "new_password": "y" * 9})
    assert wrong.status_code == 401
    short = {"current_password": PASSWORD, "new_password": "short"}
    assert api.request("POST", url, token, json=short).status_code == 422
    body = {"current_password": PASSWORD, "new_password": "a brand new password"}
    assert api.request("POST", url, token, json=body).status_code == 204
    assert api.request("GET", "/api/auth/me", token).status_code == 200
    assert api.request("GET", "/api/auth/me", other).status_code == 401
    assert _login(api.http, "a brand new password").status_code == 200
