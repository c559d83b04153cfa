"""A session's language and branding: set by its presenter, carried by the state document
(the big screen's display blocks in the session's language), checked, cleared."""

from __future__ import annotations

from .conftest import Api

POLL = {"question": "Tea or coffee?", "options": [{"text": "Tea"}, {"text": "Coffee"}]}


def test_language_and_branding_reach_every_viewer(api: Api) -> None:
    alice = api.admin()
    session = api.session(alice)
    sid = session["id"]
    assert session["language"] is None and session["branding"] is None
    api.activity(alice, sid, type="poll", title="Drinks", config=POLL)
    bob = api.join(session["join_code"])
    changed = api.ok(
        "PATCH",
        f"/api/sessions/{sid}",
        alice,
        json={
            "language": "es",
            "accent_color": "#FFE14D",
            "theme": "dark",
            "logo_url": "/media/x.png",
        },
    )
    assert changed["language"] == "es" and changed["name"] == session["name"]
    brand = changed["branding"]
    assert brand["accent_color"] == "#ffe14d" and brand["theme"] == "dark"
    light = brand["accents"]["light"]
    assert (
        light["adjusted"] and "needs 4.5:1" in light["note"] and light["params"]["theme"] == "light"
    )
    for token in (alice, bob["token"]):
        state = api.ok("GET", f"/api/sessions/{sid}/state", token)
        assert state["session"]["language"] == "es"
        assert state["session"]["branding"]["logo_url"] == "/media/x.png"
        bars = next(b for b in state["activity"]["display"] if b["kind"] == "bars")
        assert bars["total_label"] == "0 votantes"
    # null clears; what is left out stays.
    cleared = api.ok("PATCH", f"/api/sessions/{sid}", alice, json={"language": None, "theme": None})
    assert cleared["language"] is None and cleared["branding"]["accent_color"] == "#ffe14d"
    state = api.ok("GET", f"/api/sessions/{sid}/state", alice)
    bars = next(b for b in state["activity"]["display"] if b["kind"] == "bars")
    assert bars["total_label"] == "0 voters"


def test_bad_settings_are_422_and_completed_sessions_409(api: Api) -> None:
    alice = api.admin()
    sid = api.session(alice)["id"]
    for body in (
        {"language": "pt"},
        {"accent_color": "red"},
        {"accent_color": "#12345"},
        {"theme": "sepia"},
        {"logo_url": "javascript:alert(1)"},
        {"name": None},
        {"colour": "#000000"},
    ):
        r = api.request("PATCH", f"/api/sessions/{sid}", alice, json=body)
        assert r.status_code == 422, (body, r.text)
    api.ok("POST", f"/api/sessions/{sid}/complete", alice)
    r = api.request("PATCH", f"/api/sessions/{sid}", alice, json={"language": "de"})
    assert r.status_code == 409
