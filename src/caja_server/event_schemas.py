"""Request and response models of the routes for running whole events: session
definitions, templates, duplicates, reports, media."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from pydantic import BaseModel, Field

from caja_core.display import DisplayBlock
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


# -- reports ------------------------------------------------------------------------------


class ReportSession(BaseModel):
    """The session part of a report."""

    id: uuid.UUID
    name: str
    status: Literal["draft", "active", "completed"]
    join_code: str
    created_at: dt.datetime
    started_at: dt.datetime | None
    completed_at: dt.datetime | None


class ReportParticipant(BaseModel):
    """A participant of a reported session."""

    id: uuid.UUID
    nickname: str
    joined_at: dt.datetime
    last_seen_at: dt.datetime
    connected: bool
    answers: int
    """Answers stored (a quiz counts one per question)."""
    activities_answered: int


class ReportActivity(BaseModel):
    """One activity of a report: its times, counts and results as the presenter sees them."""

    id: uuid.UUID
    position: int
    type: str
    type_title: str | None
    title: str
    description: str | None
    status: Literal["draft", "active", "expired"]
    timeout_seconds: int | None
    activated_at: dt.datetime | None
    deadline: dt.datetime | None
    closed_at: dt.datetime | None
    answer_count: int
    respondent_count: int
    phase: str | None
    results: dict[str, Any] | None
    """The type's results cut for the presenter (None when its view hides them)."""
    display: list[DisplayBlock]
    error: str | None
    """Why there are no results (a type that is not installed, or that failed)."""


class ReportOut(BaseModel):
    """Everything about a session, live or past."""

    session: ReportSession
    generated_at: dt.datetime
    participant_count: int
    participants: list[ReportParticipant]
    activities: list[ReportActivity]


# -- media --------------------------------------------------------------------------------


class MediaOut(BaseModel):
    """A stored image."""

    url: str
    """Where it is served; use it as a poll option's or quiz question's ``image_url``."""
    name: str
    """``<sha256>.<ext>``: the content's hash."""
    content_type: str
    width: int
    height: int
    bytes: int
