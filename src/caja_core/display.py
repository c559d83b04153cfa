"""Display blocks: how results are drawn without any plugin JavaScript.

An activity type's :meth:`~caja_core.activity.ActivityType.view` returns a list of blocks.
The web UI knows how to draw each ``kind``; a new activity type picks the blocks that fit
and needs no front-end code. The set is deliberately small.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, WithJsonSchema


class _Block(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str | None = None


class Bar(BaseModel):
    """One bar: a label with a count and its share of the total (0-100)."""

    label: str
    count: int
    percent: float
    image_url: str | None = None
    highlight: bool = False
    """Drawn emphasised, e.g. the correct answer of a quiz question after the reveal."""


class BarsBlock(_Block):
    """Horizontal bars, e.g. poll options or a quiz question's answer distribution."""

    kind: Literal["bars"] = "bars"
    bars: list[Bar]
    show: Literal["counts", "percentages", "both"] = "both"
    total_label: str | None = None
    """A caption such as "12 votes"."""


class CloudWord(BaseModel):
    """One word of a word cloud with its weight (how often it was sent)."""

    text: str
    weight: int


class CloudBlock(_Block):
    """A word cloud."""

    kind: Literal["cloud"] = "cloud"
    words: list[CloudWord]


class Card(BaseModel):
    """A card, face down (``value`` is None) or face up."""

    label: str
    value: str | None = None
    face_up: bool = False
    highlight: bool = False
    note: str | None = None


class CardsBlock(_Block):
    """A row of cards, e.g. planning-poker votes that flip on reveal."""

    kind: Literal["cards"] = "cards"
    cards: list[Card]


class LeaderboardRow(BaseModel):
    """One row of a leaderboard. Ties share a rank."""

    rank: int
    name: str
    score: float
    detail: str | None = None
    highlight: bool = False


class LeaderboardBlock(_Block):
    """A ranked list, e.g. a quiz leaderboard."""

    kind: Literal["leaderboard"] = "leaderboard"
    rows: list[LeaderboardRow]


class PodiumBlock(_Block):
    """The top three (or fewer), drawn as a podium."""

    kind: Literal["podium"] = "podium"
    places: list[LeaderboardRow]


class Stat(BaseModel):
    """A single labelled figure, e.g. "Average: 5"."""

    label: str
    value: str
    highlight: bool = False


class StatsBlock(_Block):
    """A few big figures."""

    kind: Literal["stats"] = "stats"
    stats: list[Stat]


class TableBlock(_Block):
    """A plain table: column headings and rows of cells (strings)."""

    kind: Literal["table"] = "table"
    columns: list[str]
    rows: list[list[str]]


class Entry(BaseModel):
    """One participant entry: a Q&A question, an open-text answer."""

    # id and created_at take the item's own values as they are (item.id, item.created_at):
    # pydantic turns them into text when the block is sent, far quicker than a type could.
    id: Annotated[uuid.UUID | str, WithJsonSchema({"type": "string"})]
    """The item's id (``item.id``): phones vote for it with it (``PUT .../items/{id}/vote``)."""
    text: str
    author: str | None = None
    """The nickname, or None (anonymous, or names not shown)."""
    votes: int | None = None
    """Its votes, or None where votes are not counted."""
    tags: list[str] = Field(default_factory=list)
    """Short states drawn as badges: ``pinned``, ``answered``, ``highlighted``."""
    created_at: Annotated[
        dt.datetime | str | None, WithJsonSchema({"anyOf": [{"type": "string"}, {"type": "null"}]})
    ] = None
    """When it was sent (``item.created_at``; ISO 8601 text once sent)."""
    highlight: bool = False


class EntriesBlock(_Block):
    """Participants' entries: a list with votes (Q&A) or a wall of cards (open text)."""

    kind: Literal["entries"] = "entries"
    entries: list[Entry]
    order: Literal["votes", "newest", "as_given"] = "as_given"
    """How the entries are sorted as given; phones may offer to re-sort by votes or newest."""
    layout: Literal["list", "wall"] = "list"
    voting: bool = False
    """True where the viewer may vote (phones show a vote button on others' entries)."""


class SpotlightBlock(_Block):
    """One text shown large: the question being answered, a highlighted answer."""

    kind: Literal["spotlight"] = "spotlight"
    text: str
    caption: str | None = None


DisplayBlock = Annotated[
    BarsBlock
    | CloudBlock
    | CardsBlock
    | LeaderboardBlock
    | PodiumBlock
    | StatsBlock
    | TableBlock
    | EntriesBlock
    | SpotlightBlock,
    Field(discriminator="kind"),
]
"""Any display block; ``kind`` tells which."""

DISPLAY_KINDS: tuple[str, ...] = (
    "bars",
    "cloud",
    "cards",
    "leaderboard",
    "podium",
    "stats",
    "table",
    "entries",
    "spotlight",
)
