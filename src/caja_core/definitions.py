"""Session definitions: a session's activities as data, to keep in a file and load again.

A definition is what a session *is* before anybody joins: its name and its activities (type,
title, description, config, timeout), with no participants, answers or runtime state. It is
versioned (``format: caja.session``, ``version: 1``) and has a published JSON Schema
(:func:`definition_schema`). :func:`validate_definition` checks one against the installed
activity types without a database, and reports every problem at once, each located like
``activities[2].config.options``. Reading and writing files (JSON, YAML) is the host's job.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from caja_core.errors import ConfigInvalid, ValidationFailed
from caja_core.plugins import PluginHost

FORMAT = "caja.session"
"""The ``format`` field of every session definition."""
VERSION = 1
"""The newest (and only) version of the format."""
MAX_ACTIVITIES = 200

SCHEMA_ID = "urn:caja:session-definition:1"


class ActivityDefinition(BaseModel):
    """One activity of a session definition."""

    model_config = ConfigDict(extra="forbid")

    type: str = Field(min_length=1, max_length=40, description="The activity type's name")
    title: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    config: dict[str, Any] = Field(
        default_factory=dict, description="The type's config (see its JSON Schema)"
    )
    timeout_seconds: int | None = Field(
        default=None,
        ge=1,
        le=86400,
        description="The activity closes by itself this long after it is activated",
    )


class SessionDefinition(BaseModel):
    """A session as data: its name and its activities in order."""

    model_config = ConfigDict(extra="forbid")

    format: Literal["caja.session"] = Field(description="Always 'caja.session'")
    version: Literal[1] = Field(description="The format's version")
    name: str = Field(min_length=1, max_length=200, description="The session's name")
    description: str | None = Field(
        default=None,
        max_length=2000,
        description="What the session is for (shown in the list of templates)",
    )
    activities: list[ActivityDefinition] = Field(default_factory=list, max_length=MAX_ACTIVITIES)


class DefinitionInvalid(ValidationFailed):
    """A session definition was refused. ``errors`` locate each problem
    (``{"loc": ["activities", 2, "config", "options"], "msg": ..., "type": ...}``) and
    :attr:`lines` says each in one readable line."""

    code = "definition_invalid"

    @property
    def lines(self) -> list[str]:
        """``activities[2].config.options: List should have at least 2 items ...``."""
        return [error_line(e) for e in self.errors]


def error_path(loc: Iterable[str | int]) -> str:
    """``["activities", 2, "config", "options"]`` -> ``activities[2].config.options``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def error_line(error: Mapping[str, Any]) -> str:
    """One field error as a readable line: ``path: message``."""
    path = error_path(error.get("loc", []))
    return f"{path}: {error['msg']}" if path else str(error["msg"])


def _errors(exc: ValidationError, prefix: list[str | int]) -> list[dict[str, Any]]:
    return [
        {"loc": [*prefix, *err["loc"]], "msg": err["msg"], "type": err["type"]}
        for err in exc.errors(include_url=False, include_context=False, include_input=False)
    ]


def validate_definition(host: PluginHost, raw: Any) -> SessionDefinition:
    """Check a definition (parsed JSON or YAML) against the format and the installed
    activity types, without a database. Returns it with every config as its type
    normalises it; raises :class:`DefinitionInvalid` listing every problem."""
    errors: list[dict[str, Any]] = []
    if not isinstance(raw, Mapping):
        raise DefinitionInvalid(
            "A session definition is an object with format, version, name and activities",
            [{"loc": [], "msg": "must be an object (a mapping)", "type": "model_type"}],
        )
    if raw.get("format") == FORMAT and raw.get("version") not in (None, VERSION):
        version = raw.get("version")
        raise DefinitionInvalid(
            f"This server reads version {VERSION} of the session format, not {version!r}",
            [{"loc": ["version"], "msg": f"must be {VERSION}", "type": "unsupported_version"}],
        )
    try:
        definition: SessionDefinition | None = SessionDefinition.model_validate(dict(raw))
    except ValidationError as exc:
        errors.extend(_errors(exc, []))
        definition = None
    activities = raw.get("activities")
    # Each activity's type and config are checked even when other fields are wrong, so one
    # pass shows every problem of the file.
    configs: dict[int, dict[str, Any]] = {}
    if isinstance(activities, list):
        for index, item in enumerate(activities):
            if isinstance(item, Mapping):
                found, config = _check_activity(host, index, item)
                errors.extend(found)
                if config is not None:
                    configs[index] = config
    if errors:
        errors.sort(key=_order)
        raise DefinitionInvalid(_summary(errors), errors)
    assert definition is not None
    for index, activity in enumerate(definition.activities):
        activity.config = configs[index]
    return definition


def _order(error: Mapping[str, Any]) -> tuple[int, int]:
    loc = error.get("loc", [])
    if len(loc) >= 2 and loc[0] == "activities" and isinstance(loc[1], int):
        return (1, loc[1])
    return (0, 0)


def _check_activity(
    host: PluginHost, index: int, item: Mapping[str, Any]
) -> tuple[list[dict[str, Any]], dict[str, Any] | None]:
    """Problems with an activity's type or config (other fields are the format's), and
    the config as its type normalises it."""
    where: list[str | int] = ["activities", index]
    type_name, config = item.get("type"), item.get("config", {})
    if not isinstance(type_name, str) or not type_name:
        return [], None  # reported by the format's own check
    if type_name not in host:
        known = ", ".join(sorted(t.name for t, _ in host.activity_types())) or "none"
        msg = f"unknown activity type '{type_name}' (installed: {known})"
        return [{"loc": [*where, "type"], "msg": msg, "type": "unknown_activity_type"}], None
    title = item.get("title")
    errors = []
    if isinstance(title, str) and title and not title.strip():
        errors.append({"loc": [*where, "title"], "msg": "must not be blank", "type": "value_error"})
    if not isinstance(config, Mapping):
        return errors, None  # reported by the format's own check
    try:
        parsed = host.get(type_name).parse_config(config)
    except ConfigInvalid as exc:
        for err in exc.errors:
            errors.append({**err, "loc": [*where, "config", *err.get("loc", [])]})
        return errors, None
    return errors, parsed.model_dump(mode="json")


def _summary(errors: list[dict[str, Any]]) -> str:
    lines = [error_line(e) for e in errors[:5]]
    more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
    noun = "problem" if len(errors) == 1 else "problems"
    return f"The session definition has {len(errors)} {noun}: " + "; ".join(lines) + more


def definition_schema(host: PluginHost | None = None) -> dict[str, Any]:
    """The JSON Schema of a session definition. With ``host``, each installed type's
    config schema applies to the activities of that type (editors then check configs too);
    activities of other types are checked as far as the format goes."""
    schema = SessionDefinition.model_json_schema()
    schema = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        **schema,
        "title": "Caja session definition",
    }
    if host is None:
        return schema
    defs: dict[str, Any] = schema.setdefault("$defs", {})
    rules = []
    for activity_type, _ in host.activity_types():
        config_schema = _prefixed(activity_type.config_schema(), f"{activity_type.name}.", defs)
        rules.append(
            {
                "if": {
                    "properties": {"type": {"const": activity_type.name}},
                    "required": ["type"],
                },
                "then": {"properties": {"config": config_schema}},
            }
        )
    activity = defs["ActivityDefinition"]
    activity["allOf"] = rules
    activity["properties"]["type"]["examples"] = sorted(t.name for t, _ in host.activity_types())
    return schema


_REF = re.compile(r"^#/\$defs/(.+)$")


def _prefixed(schema: dict[str, Any], prefix: str, defs: dict[str, Any]) -> dict[str, Any]:
    """Move ``schema``'s ``$defs`` into ``defs`` under ``prefix`` (types' models may share
    names) and point its references there."""
    schema = copy.deepcopy(schema)
    own = schema.pop("$defs", {})

    def rewrite(node: Any) -> Any:
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                if key == "$ref" and isinstance(value, str) and (m := _REF.match(value)):
                    out[key] = f"#/$defs/{prefix}{m.group(1)}"
                else:
                    out[key] = rewrite(value)
            return out
        if isinstance(node, list):
            return [rewrite(v) for v in node]
        return node

    for name, body in own.items():
        defs[f"{prefix}{name}"] = rewrite(body)
    result: dict[str, Any] = rewrite(schema)
    return result
