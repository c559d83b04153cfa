"""Ready-made sessions, shipped as session-definition files next to this module.

Each ``<id>.yaml`` here is a template (``retro``, ``quiz-night``, ``sprint-planning``). A
template may use activity types that are not installed; it is then listed as unavailable
with the types it misses. Adding one is adding a file.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from caja_core.errors import NotFound
from caja_core.plugins import PluginHost
from caja_server.definition_files import format_for_path, parse_definition_text


@dataclass(frozen=True)
class SessionTemplate:
    """One template: its id (the file's name) and its definition as written."""

    id: str
    definition: dict[str, Any]

    @property
    def name(self) -> str:
        """The session's name."""
        return str(self.definition.get("name", self.id))

    @property
    def description(self) -> str | None:
        """What it is for."""
        value = self.definition.get("description")
        return str(value) if value is not None else None

    @property
    def activity_types(self) -> list[str]:
        """The type of each activity, in order."""
        return [str(a.get("type")) for a in self.definition.get("activities", [])]

    def missing_types(self, host: PluginHost) -> list[str]:
        """The types it uses that ``host`` does not have."""
        return sorted({t for t in self.activity_types if t not in host})


@cache
def all_templates() -> tuple[SessionTemplate, ...]:
    """Every shipped template, by id."""
    found = []
    for entry in sorted(resources.files(__package__).iterdir(), key=lambda e: e.name):
        if entry.name.endswith((".yaml", ".yml", ".json")):
            text = entry.read_text(encoding="utf-8")
            file_format = format_for_path(entry.name)
            template_id = entry.name.rsplit(".", 1)[0]
            found.append(SessionTemplate(template_id, parse_definition_text(text, file_format)))
    return tuple(found)


def get_template(template_id: str) -> SessionTemplate:
    """One template; NotFound names the ones there are."""
    for template in all_templates():
        if template.id == template_id:
            return template
    known = ", ".join(t.id for t in all_templates())
    raise NotFound(f"No template '{template_id}' (templates: {known})")
