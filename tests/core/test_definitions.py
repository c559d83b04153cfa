"""Session definitions without HTTP: the format's checks, every problem located, the JSON
Schema, and import/export/duplicate on a real database."""

from __future__ import annotations

from typing import Any

import pytest

from caja_core.definitions import (
    DefinitionInvalid,
    definition_schema,
    error_path,
    validate_definition,
)
from caja_core.plugins import PluginHost
from caja_core.services import activities, definitions, participants, responses, sessions

from .conftest import T0, open_pick


def definition(*items: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"format": "caja.session", "version": 1, "name": "Retro", "activities": list(items)}


def pick(title: str = "Colour", **config: Any) -> dict[str, Any]:
    return {"type": "pick", "title": title, "config": {"options": ["red", "blue"], **config}}


def problems(host: PluginHost, raw: Any) -> list[str]:
    with pytest.raises(DefinitionInvalid) as caught:
        validate_definition(host, raw)
    return caught.value.lines


def test_a_valid_definition_comes_back_with_normalised_configs(host: PluginHost) -> None:
    parsed = validate_definition(host, definition(pick()))
    assert parsed.name == "Retro"
    [activity] = parsed.activities
    # The type's defaults are filled in, as the session would store them.
    assert activity.config == {
        "options": ["red", "blue"],
        "allow_change": False,
        "rounds": False,
        "question_seconds": None,
    }


def test_every_problem_is_reported_with_its_activity_and_field(host: PluginHost) -> None:
    raw = definition(
        pick(),
        {"type": "pick", "title": "One option", "config": {"options": ["only"]}},
        {"type": "nope", "title": "Unknown"},
        {"type": "pick", "title": "", "config": {"options": ["a", "b"], "colour": 1}},
        {"type": "pick", "title": "Late", "config": {"options": ["a", "b"]}, "timeout_seconds": 0},
    )
    assert problems(host, raw) == [
        "activities[1].config.options: List should have at least 2 items after validation, not 1",
        "activities[2].type: unknown activity type 'nope' (installed: pick)",
        "activities[3].title: String should have at least 1 character",
        "activities[3].config.colour: Extra inputs are not permitted",
        "activities[4].timeout_seconds: Input should be greater than or equal to 1",
    ]


def test_the_envelope_is_checked(host: PluginHost) -> None:
    assert problems(host, []) == ["must be an object (a mapping)"]
    assert problems(host, {"name": "x", "activities": []}) == [
        "format: Field required",
        "version: Field required",
    ]
    assert problems(host, {**definition(), "version": 2}) == [
        "version: must be 1",
    ]
    assert problems(host, {**definition(), "participants": []}) == [
        "participants: Extra inputs are not permitted"
    ]
    assert problems(host, {**definition(), "activities": ["poll"]})[0].startswith(
        "activities[0]: Input should be a valid dictionary"
    )


def test_error_paths_read_like_json_paths() -> None:
    assert error_path(["activities", 2, "config", "options"]) == "activities[2].config.options"
    assert error_path([]) == ""
    assert error_path(["name"]) == "name"


def test_the_schema_checks_each_installed_types_config(plugin_host: PluginHost) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    schema = definition_schema(plugin_host)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    good = {
        "format": "caja.session",
        "version": 1,
        "name": "x",
        "activities": [
            {
                "type": "poll",
                "title": "p",
                "config": {"question": "q", "options": [{"text": "a"}, {"text": "b"}]},
            },
            {"type": "someday", "title": "a type not installed here", "config": {"anything": 1}},
        ],
    }
    assert list(validator.iter_errors(good)) == []
    bad = {**good, "activities": [{"type": "poll", "title": "p", "config": {"question": "q"}}]}
    messages = [e.message for e in validator.iter_errors(bad)]
    assert any("'options' is a required property" in m for m in messages), messages
    # Without a host: the format alone (configs are any object).
    assert "allOf" not in definition_schema()["$defs"]["ActivityDefinition"]


def test_export_import_round_trip_and_duplicate(db, host, admin) -> None:
    original = sessions.create_session(db, admin, "Friday retro")
    activities.add_activity(
        db,
        host,
        admin,
        original.id,
        type="pick",
        title="First",
        config={"options": ["a", "b"]},
        description="Warm-up",
        timeout_seconds=30,
    )
    activities.add_activity(
        db,
        host,
        admin,
        original.id,
        type="pick",
        title="Second",
        config={"options": ["x", "y", "z"], "allow_change": True},
    )
    exported = definitions.definition_of(db, admin, original.id)
    assert exported["format"] == "caja.session" and exported["version"] == 1
    assert [a["title"] for a in exported["activities"]] == ["First", "Second"]
    assert exported["activities"][0]["timeout_seconds"] == 30
    assert exported["activities"][0]["description"] == "Warm-up"
    assert "timeout_seconds" not in exported["activities"][1]

    created = definitions.create_from_definition(db, host, admin, exported)
    assert created.id != original.id and created.status == "draft"
    assert created.join_code != original.join_code
    assert definitions.definition_of(db, admin, created.id) == exported

    copy = definitions.duplicate_session(db, host, admin, original.id)
    assert copy.name == "Friday retro (copy)"
    assert definitions.definition_of(db, admin, copy.id)["activities"] == exported["activities"]


def test_a_duplicate_has_no_participants_answers_or_state(db, host, admin, live_session) -> None:
    activity = open_pick(db, host, admin, live_session, timeout_seconds=60)
    person, _, _ = participants.join_session(db, live_session.join_code, "Ann")
    responses.submit_answer(db, host, person, live_session.id, activity.id, {"choice": 1}, T0)
    sessions.complete_session(db, admin, live_session.id, host, now=T0)
    copy = definitions.duplicate_session(db, host, admin, live_session.id, name="Again")
    assert copy.name == "Again" and copy.status == "draft"
    [fresh] = activities.list_activities(db, admin, copy.id)
    assert fresh.status == "draft" and fresh.activated_at is None
    assert fresh.state == {"round": 0, "activations": 0}
    assert activities.answer_count(db, fresh.id) == 0
    assert participants.list_participants(db, admin, copy.id) == []


def test_nothing_is_created_when_anything_is_invalid(db, host, admin) -> None:
    before = len(sessions.list_sessions(db, admin))
    raw = definition(pick(), pick("Broken", options=["one"]))
    with pytest.raises(DefinitionInvalid):
        definitions.create_from_definition(db, host, admin, raw)
    assert len(sessions.list_sessions(db, admin)) == before


def test_the_published_schema_is_current(plugin_host: PluginHost) -> None:
    import json
    from pathlib import Path

    published = Path(__file__).resolve().parents[2] / "docs/session-definition.schema.json"
    assert json.loads(published.read_text()) == definition_schema(plugin_host), (
        "docs/session-definition.schema.json is stale: run "
        "'caja-server session schema -o docs/session-definition.schema.json'"
    )
