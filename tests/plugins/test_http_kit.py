"""The kit's app fixtures (``caja_client``, ``caja_admin``) work as a plugin author uses them."""

from __future__ import annotations

from typing import Any

from caja_core.plugins import PluginHost


def test_caja_host_has_the_plugin_once(caja_host: PluginHost) -> None:
    names = [t.name for t, _ in caja_host.activity_types()]
    assert names.count("poll") == 1
    assert caja_host.failed == []


def test_caja_client_and_admin_run_an_activity(
    caja_client: Any, caja_admin: dict[str, str]
) -> None:
    types = caja_client.get("/api/activity-types").json()
    assert "poll" in {t["name"] for t in types}
    session = caja_client.post("/api/sessions", json={"name": "Kit"}, headers=caja_admin).json()
    sid = session["id"]
    assert caja_client.post(f"/api/sessions/{sid}/start", headers=caja_admin).status_code == 200
    config = {"question": "Tea?", "options": [{"text": "Yes"}, {"text": "No"}]}
    created = caja_client.post(
        f"/api/sessions/{sid}/activities",
        json={"type": "poll", "title": "Tea", "config": config},
        headers=caja_admin,
    )
    assert created.status_code == 201, created.text
    aid = created.json()["id"]
    assert (
        caja_client.post(
            f"/api/sessions/{sid}/activities/{aid}/activate", headers=caja_admin
        ).status_code
        == 200
    )
    joined = caja_client.post(
        "/api/join", json={"join_code": session["join_code"], "nickname": "Zoe"}
    )
    phone = {"Authorization": f"Bearer {joined.json()['token']}"}
    answered = caja_client.post(
        f"/api/sessions/{sid}/activities/{aid}/responses",
        json={"data": {"choices": [0]}},
        headers=phone,
    )
    assert answered.status_code == 201, answered.text
    results = caja_client.get(
        f"/api/sessions/{sid}/activities/{aid}/results", headers=caja_admin
    ).json()
    assert results["answer_count"] == 1
