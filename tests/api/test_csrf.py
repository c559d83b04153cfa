"""CSRF: the admin cookie alone never changes anything. A page on another origin (another
port of the same host is same-site, so ``SameSite=Lax`` lets the cookie through) can
submit a form; it can't add the ``X-Caja-CSRF`` header, so the change is refused."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from .conftest import PASSWORD, Api

FORM = {"Content-Type": "text/plain", "Origin": "http://127.0.0.1:9"}


@pytest.fixture
def browser(api: Api) -> Iterator[httpx.Client]:
    """A client that logged in the browser's way: it holds the admin cookie only."""
    api.create_admin("alice")
    with httpx.Client(base_url=api.server.url, timeout=30) as client:
        r = client.post("/api/auth/login", json={"username": "alice", "password": PASSWORD})
        assert r.status_code == 200
        yield client


def test_a_cross_site_text_plain_form_cannot_complete_a_session(
    api: Api, browser: httpx.Client
) -> None:
    sid = browser.post("/api/sessions", json={"name": "Mine"}, headers={"X-Caja-CSRF": "1"})
    assert sid.status_code == 201, sid.text
    url = f"/api/sessions/{sid.json()['id']}"
    assert browser.post(f"{url}/start", headers={"X-Caja-CSRF": "1"}).status_code == 200
    forged = browser.post(f"{url}/complete", content=b'{"a":"="}', headers=FORM)
    assert forged.status_code == 403, forged.text
    assert forged.json()["error"] == "forbidden"
    forged = browser.post("/api/sessions", content=b'{"name": "x", "y":"="}', headers=FORM)
    assert forged.status_code in (403, 422), forged.text
    assert browser.get(url).json()["status"] == "active"
    assert [s["name"] for s in browser.get("/api/sessions").json()] == ["Mine"]


def test_reading_with_the_cookie_works_and_a_bearer_token_needs_no_header(
    api: Api, browser: httpx.Client
) -> None:
    assert browser.get("/api/auth/me").json()["username"] == "alice"
    token = api.admin_login("alice")
    created = api.request("POST", "/api/sessions", token, json={"name": "By API"})
    assert created.status_code == 201
