"""Request and response models of the routes for running whole events: session
definitions, templates, duplicates (and later reports and media)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from caja_server.schemas import StrictBody


class ActivitySummary(BaseModel):
    """An activity of a definition or template: its type and title."""

    type: str
    title: str


class DefinitionCheckOut(BaseModel):
    """A session definition that passed every check (nothing was created)."""

    valid: bool = True
    name: str
    activities: list[ActivitySummary]


class SessionCopy(StrictBody):
    """Options for a new session made from another session or a template."""

    name: str | None = Field(
        default=None,
        min_length=1,
        max_length=200,
        description="The new session's name (default: the original's, or the template's)",
    )


class TemplateOut(BaseModel):
    """A ready-made session shipped with Caja."""

    id: str
    name: str
    description: str | None
    activities: list[ActivitySummary]
    available: bool
    """Whether every activity type it uses is installed."""
    missing_types: list[str]
    """The activity types it uses that are not installed."""
