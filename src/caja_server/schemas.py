"""Request and response models of the HTTP API (what the OpenAPI document describes).

Request models refuse unknown fields (``extra="forbid"``): a typo is a 422, never ignored.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from caja_core.display import DisplayBlock


class StrictBody(BaseModel):
    """Base of request bodies: unknown fields are an error."""

    model_config = ConfigDict(extra="forbid")


# -- auth ---------------------------------------------------------------------------------


class LoginRequest(StrictBody):
    """Credentials of a presenter account."""

    username: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=1000)


class PasswordChange(StrictBody):
    """The current password and the new one (at least 8 characters)."""

    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=1, max_length=1024)


class TokenOut(BaseModel):
    """A bearer token (also set as an HttpOnly cookie)."""

    access_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105


class AdminOut(BaseModel):
    """The logged-in presenter."""

    id: uuid.UUID
    username: str
    created_at: dt.datetime


# -- catalogue ----------------------------------------------------------------------------


class PluginRef(BaseModel):
    """The plugin that provides an activity type."""

    name: str
    distribution: str | None
    version: str | None


class ActionOut(BaseModel):
    """An admin action of an activity type, with the JSON Schema of its body."""

    name: str
    title: str
    """The button's label in the requested language."""
    body_schema: dict[str, Any]


class ActivityTypeOut(BaseModel):
    """An installed activity type: what the admin UI needs to offer and configure it."""

    name: str
    title: str
    description: str
    plugin: PluginRef
    config_schema: dict[str, Any]
    answer_schema: dict[str, Any]
    """The answer's schema without a config; a participant's live state carries the
    activity's own (``activity.answer_schema``)."""
    results_schema: dict[str, Any] | None = None
    """The schema of the type's results, when it declares a results model."""
    item_schema: dict[str, Any] | None = None
    """The schema of an entry, for types that take entries (Q&A questions, open text)."""
    actions: list[ActionOut]
    web_component: str | None
    language: str
    """The language of the texts above (titles, descriptions, schema texts)."""


class PluginOut(BaseModel):
    """A plugin, loaded or failed."""

    name: str
    distribution: str | None
    version: str | None
    loaded: bool
    activity_types: list[str]
    error: str | None


# -- sessions and activities --------------------------------------------------------------


class SessionCreate(StrictBody):
    """A new session."""

    name: str = Field(min_length=1, max_length=200)


class SessionUpdate(StrictBody):
    """Fields to change; those left out stay as they are, ``null`` clears one."""

    name: str | None = Field(default=None, min_length=1, max_length=200)
    language: Literal["en", "es", "de", "fr", "ar"] | None = Field(
        default=None,
        description="The session's language: the big screen's, and every phone's unless the "
        "reader picks another. null: each phone follows its browser.",
    )
    accent_color: str | None = Field(
        default=None,
        pattern=r"^#[0-9a-fA-F]{6}$",
        description="Accent colour (#rrggbb); shades with too little contrast are adjusted",
    )
    logo_url: str | None = Field(
        default=None,
        max_length=300,
        pattern=r"^(https?://|/)\S+$",
        description="A logo (upload it with POST /api/media and give its url)",
    )
    theme: Literal["light", "dark"] | None = Field(
        default=None, description="Light or dark for the big screen and the phones"
    )


class ActivityOut(BaseModel):
    """An activity as the presenter sees it (full config)."""

    id: uuid.UUID
    session_id: uuid.UUID
    type: str
    title: str
    description: str | None
    config: dict[str, Any]
    position: int
    status: Literal["draft", "active", "expired"]
    timeout_seconds: int | None
    activated_at: dt.datetime | None
    closed_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


class SessionOut(BaseModel):
    """A session, with where participants join it."""

    id: uuid.UUID
    name: str
    status: Literal["draft", "active", "completed"]
    join_code: str
    join_url: str
    qr_code_url: str
    version: int
    current_activity_id: uuid.UUID | None
    created_at: dt.datetime
    updated_at: dt.datetime
    started_at: dt.datetime | None
    completed_at: dt.datetime | None
    language: str | None = None
    """The session's fixed language, or None (each reader's)."""
    branding: dict[str, Any] | None = None
    """Accent colour (and the shade drawn on each theme, with why it was adjusted), logo,
    theme; None for the default look."""


class SessionDetail(SessionOut):
    """A session with its activities in order."""

    activities: list[ActivityOut]


class ActivityCreate(StrictBody):
    """A new activity at the end of the session."""

    type: str = Field(min_length=1, max_length=40)
    title: str = Field(min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    config: dict[str, Any] = Field(default_factory=dict)
    timeout_seconds: int | None = Field(default=None, ge=1, le=86400)


class ActivityUpdate(StrictBody):
    """Fields to change; those left out stay as they are."""

    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=5000)
    config: dict[str, Any] | None = None
    timeout_seconds: int | None = Field(default=None, ge=1, le=86400)


class ActivityOrder(StrictBody):
    """Every activity id of the session, in the new order."""

    activity_ids: list[uuid.UUID] = Field(max_length=1000)


class ActionResult(BaseModel):
    """What an admin action did."""

    action: str
    message: str | None
    """A short human summary ("Revealed 12 votes")."""
    closed: bool
    """Whether the action closed the activity."""


class ResultsOut(BaseModel):
    """The full results of an activity as the presenter sees them."""

    model_config = ConfigDict(extra="allow")

    activity_id: uuid.UUID
    type: str
    status: Literal["draft", "active", "expired"]
    answer_count: int
    results: dict[str, Any] | None
    """Cut by the type's presenter view: no poker card before its reveal; None while the
    view hides the results (a poll shown only on reveal)."""
    display: list[DisplayBlock]
    phase: str


# -- participants ---------------------------------------------------------------------------


class ParticipantOut(BaseModel):
    """A participant as the presenter sees them."""

    id: uuid.UUID
    nickname: str
    joined_at: dt.datetime
    last_seen_at: dt.datetime
    connection_status: Literal["connected", "disconnected"]


class JoinRequest(StrictBody):
    """Join a session with its code and a nickname."""

    join_code: str = Field(min_length=1, max_length=32)
    nickname: str = Field(min_length=1, max_length=200)


class Me(BaseModel):
    """A participant's own identity."""

    id: uuid.UUID
    nickname: str


class JoinOut(BaseModel):
    """The participant's identity and bearer token (keep it to stay the same person)."""

    session_id: uuid.UUID
    participant: Me
    token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105


class AnswerSubmit(StrictBody):
    """An answer; ``data`` follows the activity type's answer schema."""

    data: dict[str, Any]


class ResponseOut(BaseModel):
    """A stored answer."""

    id: uuid.UUID
    activity_id: uuid.UUID
    participant_id: uuid.UUID
    slot: str
    data: dict[str, Any]
    submitted_at: dt.datetime


# -- live state -----------------------------------------------------------------------------


class ItemSubmit(StrictBody):
    """A participant's entry: the type's item (see its ``item_schema``)."""

    data: dict[str, Any]
    anonymous: bool = False


class ItemOut(BaseModel):
    """An entry (a Q&A question, an open-text answer) with its votes and moderation state."""

    id: uuid.UUID
    data: dict[str, Any]
    status: Literal["pending", "visible", "hidden"]
    anonymous: bool
    author_id: uuid.UUID | None
    nickname: str | None
    votes: int
    created_at: dt.datetime
    updated_at: dt.datetime


class VoteOut(BaseModel):
    """An entry's votes after a vote or its withdrawal."""

    item_id: uuid.UUID
    votes: int
    voted: bool


class StateSession(BaseModel):
    """The session part of the state document."""

    id: uuid.UUID
    name: str
    status: Literal["draft", "active", "completed"]
    join_code: str
    language: str | None = None
    """The session's fixed language: the big screen's, and phones' unless their reader
    chose another; None: each reader's. Display blocks are in it (English when None)."""
    branding: dict[str, Any] | None = None
    """Accent (per theme, contrast-checked), logo and theme; None: the default look."""


class OwnAnswer(BaseModel):
    """One of the participant's own answers."""

    slot: str
    data: dict[str, Any]
    submitted_at: dt.datetime


class StateActivity(BaseModel):
    """The current activity as this role may see it."""

    model_config = ConfigDict(extra="allow")

    id: uuid.UUID
    type: str
    title: str
    description: str | None
    status: Literal["draft", "active", "expired"]
    position: int
    activated_at: dt.datetime | None
    deadline: dt.datetime | None
    config: dict[str, Any]
    phase: str
    results: dict[str, Any] | None
    display: list[DisplayBlock]
    accepting_answers: bool
    extra: dict[str, Any]
    your_answers: list[OwnAnswer] | None = None
    answer_schema: dict[str, Any] | None = None
    """The JSON Schema of an answer to this activity, for its config (the phone's form)."""
    item_schema: dict[str, Any] | None = None
    """The JSON Schema of an entry, for types that take entries (Q&A questions)."""


class StateOut(BaseModel):
    """What the big screen or a phone shows now. Poll it with ``If-None-Match``."""

    model_config = ConfigDict(extra="allow")

    version: int
    server_time: dt.datetime
    role: Literal["presenter", "participant"]
    session: StateSession
    participant_count: int
    you: Me | None = None
    activity: StateActivity | None
    side: StateActivity | None = None
    """An activity open beside the current one for the whole session (a Q&A tab)."""


class SharedLiveOut(BaseModel):
    """A session's shared live document: the same bytes for every phone entitled to it
    (``GET /api/live/{sid}/{key}``; the key comes from the personal document)."""

    model_config = ConfigDict(extra="allow")

    version: int
    epoch: str
    """Changes when personal documents may have changed for everyone: fetch ``/me`` then."""
    role: Literal["participant"]
    session: StateSession
    participant_count: int
    activity: StateActivity | None
    personal_view: bool
    """True when the activity's whole view is personal (a type without shared views): the
    personal document's ``activity`` is what to show."""
    side: StateActivity | None = None
    """The activity open beside the current one (a Q&A tab), in its default view; the
    personal document's ``side`` has the participant's own part of it."""


class PersonalViewOut(BaseModel):
    """What of the activity's view is the participant's alone."""

    variant: str
    accepting_answers: bool | None
    extra: dict[str, Any]
    display: list[DisplayBlock]


class PersonalSideOut(BaseModel):
    """The participant's own part of the activity open beside the current one."""

    activity_id: uuid.UUID
    your_answers: list[OwnAnswer]
    view: PersonalViewOut | None
    """Laid over the shared document's ``side`` (their entries, their votes)."""
    activity: StateActivity | None
    """Their whole view of it, when the shared ``side`` is not it (else None)."""


class LiveLink(BaseModel):
    """Where the phone polls its shared document."""

    path: str
    poll_interval_ms: int
    heartbeat_ms: int
    """Fetch the personal document at least this often (``connected`` status)."""


class PersonalLiveOut(BaseModel):
    """A participant's personal live document (``GET /api/sessions/{sid}/me``)."""

    version: int
    epoch: str
    server_time: dt.datetime
    session_id: uuid.UUID
    you: Me
    activity_id: uuid.UUID | None
    your_answers: list[OwnAnswer]
    renew: Literal["epoch", "version"]
    """Fetch this again when the shared document's ``epoch`` (or ``version``) moves."""
    view: PersonalViewOut | None
    activity: StateActivity | None
    """The whole participant view, for types without shared views (else None)."""
    live: LiveLink
    side: PersonalSideOut | None = None
    """The participant's part of the activity open beside the current one, if any."""


class AnswerOut(ResponseOut):
    """A stored answer and the participant's personal document after it."""

    personal: PersonalLiveOut | None = None


# -- export and health ----------------------------------------------------------------------


class ExportOut(BaseModel):
    """Every answer of a session, one row per answer."""

    columns: list[str]
    rows: list[dict[str, str]]


class HealthOut(BaseModel):
    """The process is alive."""

    status: Literal["ok"]


class ReadyOut(BaseModel):
    """Whether this replica can serve: database reachable, schema at head, plugins loaded."""

    status: Literal["ready", "unavailable"]
    checks: dict[str, bool]
    failed_plugins: list[str]
    detail: str | None = None
