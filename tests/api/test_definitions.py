"""Reuse over HTTP: session definitions (schema, check, import, export as JSON and YAML),
duplicates and templates."""

from __future__ import annotations

from typing import Any

import yaml

from caja_server.session_templates import all_templates

from .conftest import Api, Scene

POLL = {
    "type": "poll",
    "title": "Mood",
    "config": {"question": "How was it?", "options": [{"text": "Good"}, {"text": "Bad"}]},
    "timeout_seconds": 45,
}
QUIZ = {
    "type": "quiz",
    "title": "Quiz",
    "description": "Three minutes",
    "config": {"questions": [{"kind": "true_false", "text": "The sky is blue", "correct": True}]},
}


def definition(*activities: dict[str, Any], name: str = "Retro") -> dict[str, Any]:
    return {"format": "caja.session", "version": 1, "name": name, "activities": list(activities)}


def session_names(api: Api, token: str) -> list[str]:
    return [s["name"] for s in api.ok("GET", "/api/sessions", token)]


def test_the_schema_is_public_and_describes_each_types_config(api: Api) -> None:
    schema = api.ok("GET", "/api/session-definitions/schema")
    assert schema["$schema"].startswith("https://json-schema.org/")
    assert schema["properties"]["format"]["const"] == "caja.session"
    rules = schema["$defs"]["ActivityDefinition"]["allOf"]
    types = {r["if"]["properties"]["type"]["const"] for r in rules}
    assert {"poll", "poker", "quiz", "wordcloud"} <= types


def test_import_json_and_yaml(api: Api) -> None:
    admin = api.admin()
    created = api.ok("POST", "/api/sessions/import", admin, 201, json=definition(POLL, QUIZ))
    assert created["status"] == "draft" and created["name"] == "Retro"
    assert [(a["type"], a["title"]) for a in created["activities"]] == [
        ("poll", "Mood"),
        ("quiz", "Quiz"),
    ]
    assert created["activities"][0]["timeout_seconds"] == 45
    assert created["activities"][1]["description"] == "Three minutes"
    # The type's defaults are stored, as when the activity is added by hand.
    assert created["activities"][0]["config"]["results_visibility"] == "always"

    text = yaml.safe_dump(definition(POLL, name="From YAML"))
    r = api.request(
        "POST",
        "/api/sessions/import?name=Renamed",
        admin,
        content=text,
        headers={"Content-Type": "application/yaml"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["name"] == "Renamed"


def test_an_invalid_definition_creates_nothing_and_says_what_and_where(api: Api) -> None:
    admin = api.admin()
    broken = {**POLL, "config": {"question": "Q", "options": [{"text": "only one"}]}}
    raw = definition(POLL, QUIZ, broken, {"type": "nope", "title": "?"})
    r = api.request("POST", "/api/sessions/import", admin, json=raw)
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["error"] == "definition_invalid"
    assert [e["loc"] for e in body["errors"]] == [
        ["activities", 2, "config", "options"],
        ["activities", 3, "type"],
    ]
    assert "activities[2].config.options: List should have at least 2 items" in body["detail"]
    assert "unknown activity type 'nope'" in body["detail"]
    assert session_names(api, admin) == []

    check = api.request("POST", "/api/session-definitions/check", admin, json=raw)
    assert check.status_code == 422 and check.json()["errors"] == body["errors"]
    ok = api.ok("POST", "/api/session-definitions/check", admin, json=definition(POLL))
    assert ok == {"valid": True, "name": "Retro", "activities": [{"type": "poll", "title": "Mood"}]}
    assert session_names(api, admin) == []


def test_unreadable_bodies_are_clear_4xx(api: Api) -> None:
    admin = api.admin()
    yaml_headers = {"Content-Type": "application/yaml"}
    cases = [
        ("format: caja.session\nname: [unclosed\n", yaml_headers, 422, "Not valid YAML: line"),
        ("a: &x [1]\nb: *x\n", yaml_headers, 422, "YAML alias"),
        ("{", {"Content-Type": "application/json"}, 422, "Not valid JSON: line 1"),
        ("name: x", {"Content-Type": "text/plain"}, 415, "application/yaml"),
        ("- just\n- a list\n", yaml_headers, 422, "object"),
    ]
    for content, headers, status, words in cases:
        r = api.request("POST", "/api/sessions/import", admin, content=content, headers=headers)
        assert r.status_code == status, (content, r.text)
        assert words in r.json()["detail"], r.text
    assert session_names(api, admin) == []


def test_export_as_json_and_yaml_imports_back_the_same(api: Api) -> None:
    admin = api.admin()
    original = api.ok("POST", "/api/sessions/import", admin, 201, json=definition(POLL, QUIZ))
    url = f"/api/sessions/{original['id']}/definition"
    as_json = api.request("GET", url, admin)
    assert as_json.status_code == 200
    assert 'filename="retro.caja.json"' in as_json.headers["content-disposition"]
    exported = as_json.json()
    as_yaml = api.request("GET", f"{url}?format=yaml", admin)
    assert as_yaml.headers["content-type"].startswith("application/yaml")
    assert yaml.safe_load(as_yaml.text) == exported
    again = api.request(
        "POST",
        "/api/sessions/import",
        admin,
        content=as_yaml.text,
        headers={"Content-Type": "application/yaml"},
    )
    assert again.status_code == 201, again.text
    assert api.ok("GET", f"/api/sessions/{again.json()['id']}/definition", admin) == exported


def test_duplicate_a_completed_session_without_its_people(api: Api, scene: Scene) -> None:
    api.ok(
        "POST",
        f"/api/sessions/{scene.sid}/activities/{scene.aid}/responses",
        scene.ptoken,
        201,
        json={"data": {"choice": 1}},
    )
    api.ok("POST", f"/api/sessions/{scene.sid}/complete", scene.alice)
    copy = api.ok("POST", f"/api/sessions/{scene.sid}/duplicate", scene.alice, 201)
    assert copy["name"] == "Friday retro (copy)" and copy["status"] == "draft"
    assert copy["join_code"] != scene.session["join_code"]
    [activity] = copy["activities"]
    assert activity["config"] == scene.activity["config"]
    assert activity["status"] == "draft"
    assert api.ok("GET", f"/api/sessions/{copy['id']}/participants", scene.alice) == []
    results = api.ok(
        "GET", f"/api/sessions/{copy['id']}/activities/{activity['id']}/results", scene.alice
    )
    assert results["answer_count"] == 0
    named = api.ok(
        "POST", f"/api/sessions/{scene.sid}/duplicate", scene.alice, 201, json={"name": "Again"}
    )
    assert named["name"] == "Again"
    # Someone else's session can't be copied.
    r = api.request("POST", f"/api/sessions/{scene.sid}/duplicate", scene.mallory)
    assert r.status_code == 404


def test_templates_are_listed_and_start_sessions(api: Api) -> None:
    admin = api.admin()
    listed = api.ok("GET", "/api/templates", admin)
    ids = [t["id"] for t in listed]
    assert {"retro", "quiz-night", "sprint-planning"} <= set(ids)
    assert all(t["available"] and t["missing_types"] == [] for t in listed)
    retro = next(t for t in listed if t["id"] == "retro")
    assert retro["name"] == "Sprint retrospective" and retro["activities"]

    definition_of = api.ok("GET", "/api/templates/quiz-night", admin)
    assert definition_of["format"] == "caja.session"
    created = api.ok("POST", "/api/templates/quiz-night/sessions", admin, 201)
    assert created["name"] == definition_of["name"]
    assert [a["type"] for a in created["activities"]] == [
        a["type"] for a in definition_of["activities"]
    ]
    renamed = api.ok(
        "POST", "/api/templates/retro/sessions", admin, 201, json={"name": "Team retro"}
    )
    assert renamed["name"] == "Team retro"
    missing = api.request("GET", "/api/templates/no-such-template", admin)
    assert missing.status_code == 404 and "retro" in missing.json()["detail"]


def test_every_shipped_template_is_a_valid_definition(plugin_host) -> None:
    from caja_core.definitions import validate_definition

    assert len(all_templates()) >= 3
    for template in all_templates():
        validate_definition(plugin_host, template.definition)
