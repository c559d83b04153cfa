"""Open text: each answer is one of the host's items, so a participant may send several and
the presenter may moderate them.

Runtime state: ``{"highlighted": id or None, "shuffle": n}`` - the answer shown large, and
how many times the presenter reshuffled the wall (the order is a hash of the round and the
answer's id: the same on every screen, different each round).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field
from typing_extensions import TypedDict

from caja_core import (
    ActionContext,
    ActionOutcome,
    ActionRejected,
    ActivityType,
    ActivityView,
    AggregateContext,
    AnswerRejected,
    EmptyBody,
    ItemContext,
    ItemRules,
    PersonalContext,
    PersonalView,
    StoredAnswer,
    StoredItem,
    StrictModel,
    ViewContext,
    ui,
)
from caja_core.display import EntriesBlock, SpotlightBlock, Stat, StatsBlock
from caja_core.text import clean_text, text_problem

JSON = dict[str, Any]


class OpenTextConfig(StrictModel):
    """What the presenter sets up for open text."""

    prompt: str = Field(min_length=1, max_length=300, title="Prompt")
    max_length: int = Field(default=200, ge=10, le=2000, title="Characters per answer")
    answers_per_participant: int = Field(default=1, ge=1, le=10, title="Answers each")
    moderation: Literal["after", "before"] = Field(
        default="after",
        title="Moderation",
        description="before: answers wait for your approval; after: they show at once "
        "and you can hide them",
    )
    show_names: bool = Field(default=False, title="Show who wrote each answer")
    order: Literal["newest", "shuffled"] = Field(default="newest", title="Order on the wall")
    profanity_filter: bool = Field(default=True, title="Refuse profanity (English)")
    blocked_words: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        default_factory=list, max_length=500, title="Your own words to refuse"
    )


class OpenTextEntry(StrictModel):
    """One answer."""

    text: str = Field(
        min_length=1, max_length=2000, title="Your answer", json_schema_extra=ui.long_text(4)
    )


class NoAnswer(StrictModel):
    """Open text takes entries (items), not answers."""


class ItemBody(StrictModel):
    """Body of ``highlight``: the answer's id."""

    item_id: uuid.UUID = Field(title="Answer")


class WallAnswer(TypedDict):
    """One answer in the results. A typed dict rather than a model: pydantic checks a
    room's 10,000 answers as plain dicts without making an object of each."""

    id: uuid.UUID
    text: str
    author: str | None
    status: Literal["pending", "visible", "hidden"]
    created_at: dt.datetime


class OpenTextResults(BaseModel):
    """Every answer in the wall's order, and the counts."""

    answers: list[WallAnswer]
    visible: int
    pending: int
    hidden: int
    authors: int


class OpenTextType(ActivityType[OpenTextConfig, NoAnswer]):
    """Free-text answers on a wall of cards."""

    name = "opentext"
    title = "Open text"
    description = "Everyone writes an answer; the big screen shows a wall of them."
    config_model = OpenTextConfig
    answer_model = NoAnswer
    item_model = OpenTextEntry
    results_model = OpenTextResults
    actions = {"highlight": ItemBody, "unhighlight": EmptyBody, "shuffle": EmptyBody}
    action_titles = {
        "highlight": "Highlight",
        "unhighlight": "Remove highlight",
        "shuffle": "Shuffle",
    }
    messages = Path(__file__).parent / "locales"

    def initial_state(self, config: OpenTextConfig) -> JSON:
        return {"highlighted": None, "shuffle": 0}

    def item_rules(self, config: OpenTextConfig, state: JSON) -> ItemRules:
        return ItemRules(
            max_per_participant=config.answers_per_participant,
            moderated=config.moderation == "before",
        )

    def validate_item(
        self, config: OpenTextConfig, state: JSON, item: BaseModel, ctx: ItemContext
    ) -> OpenTextEntry:
        assert isinstance(item, OpenTextEntry)
        text = clean_text(item.text)
        problem = text_problem(
            text,
            max_length=config.max_length,
            blocked_words=config.blocked_words,
            profanity_filter=config.profanity_filter,
        )
        if problem == "blank":
            raise AnswerRejected("Write something first")
        if problem == "too_long":
            raise AnswerRejected(f"Keep it under {config.max_length} characters")
        if problem == "blocked":
            raise AnswerRejected("Please rephrase your answer")
        return OpenTextEntry(text=text)

    def export_columns(self, config: OpenTextConfig) -> list[str]:
        return ["text", "status"]

    def export_item(self, config: OpenTextConfig, item: StoredItem) -> dict[str, str]:
        return {"text": str(item.data.get("text", ""))}

    def aggregate(
        self,
        config: OpenTextConfig,
        state: JSON,
        answers: Sequence[StoredAnswer[NoAnswer]],
        ctx: AggregateContext,
    ) -> OpenTextResults:
        items = ctx.items
        return OpenTextResults.model_validate(
            {
                "answers": [
                    {
                        "id": item.id,
                        "text": str(item.data.get("text", "")),
                        "author": None if item.anonymous else item.nickname,
                        "status": item.status,
                        "created_at": item.created_at,
                    }
                    for item in _ordered(config, state, items)
                ],
                "visible": sum(item.status == "visible" for item in items),
                "pending": sum(item.status == "pending" for item in items),
                "hidden": sum(item.status == "hidden" for item in items),
                "authors": len({item.author_id for item in items if item.status == "visible"}),
            }
        )

    def view(
        self, config: OpenTextConfig, state: JSON, results: OpenTextResults, ctx: ViewContext
    ) -> ActivityView:
        # The results hold every answer in the wall's order; everyone sees the visible ones
        # (participants never see pending or hidden answers).
        shown = [a for a in results.answers if a["status"] == "visible"]
        key = state.get("highlighted")  # the state keeps item ids as text
        highlighted_id = uuid.UUID(key) if key else None
        highlighted = next((a for a in shown if a["id"] == highlighted_id), None)
        display: list[Any] = []
        if highlighted is not None:
            display.append(
                SpotlightBlock(
                    text=highlighted["text"],
                    caption=highlighted["author"] if config.show_names else None,
                )
            )
        # One validation for the whole list (pydantic's core checks 10,000 plain dicts
        # quickly, where 10,000 Entry(...) calls would not be).
        display.append(
            EntriesBlock.model_validate(
                {
                    "title": config.prompt,
                    "entries": [
                        {
                            "id": answer["id"],
                            "text": answer["text"],
                            "author": answer["author"] if config.show_names else None,
                            "created_at": answer["created_at"],
                            "tags": ["highlighted"] if answer is highlighted else [],
                            "highlight": answer is highlighted,
                        }
                        for answer in shown
                    ],
                    "order": "newest" if config.order == "newest" else "as_given",
                    "layout": "wall",
                }
            )
        )
        if ctx.role == "presenter":
            display.append(
                StatsBlock(
                    stats=[
                        Stat(label="Answers", value=str(results.visible)),
                        Stat(
                            label="Waiting for approval",
                            value=str(results.pending),
                            highlight=results.pending > 0,
                        ),
                    ]
                )
            )
        return ActivityView(
            config=config.model_dump(mode="json"),
            phase="open" if ctx.activity_status == "active" else "closed",
            results=results if ctx.role == "presenter" else None,
            display=display,
            accepting_answers=False,
        )

    def personal(
        self, config: OpenTextConfig, state: JSON, results: OpenTextResults, ctx: PersonalContext
    ) -> PersonalView:
        mine = [
            {"id": str(item.id), "text": item.data.get("text", ""), "status": item.status}
            for item in ctx.own_items
        ]
        return PersonalView(
            accepting_answers=False,
            extra={
                "my_answers": mine,
                "answers_left": max(0, config.answers_per_participant - len(mine)),
            },
        )

    def apply_action(
        self,
        action: str,
        body: BaseModel,
        config: OpenTextConfig,
        state: JSON,
        ctx: ActionContext,
    ) -> ActionOutcome:
        state = {**self.initial_state(config), **state}
        if action == "shuffle":
            return ActionOutcome(state={**state, "shuffle": state["shuffle"] + 1})
        if action == "unhighlight":
            return ActionOutcome(state={**state, "highlighted": None})
        assert isinstance(body, ItemBody)
        item = next((i for i in ctx.items if i.id == body.item_id), None)
        if item is None or item.status != "visible":
            raise ActionRejected("No such answer on the wall")
        return ActionOutcome(state={**state, "highlighted": str(item.id)}, message="Highlighted")


def _ordered(config: OpenTextConfig, state: JSON, items: Sequence[StoredItem]) -> list[StoredItem]:
    if config.order == "newest":
        return sorted(items, key=lambda i: (i.created_at, i.id), reverse=True)
    round_ = state.get("shuffle", 0)
    return sorted(
        items, key=lambda i: hashlib.blake2b(f"{round_}:{i.id}".encode(), digest_size=8).digest()
    )
