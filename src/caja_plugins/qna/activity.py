"""Q&A: questions are the host's items (``item_model``); votes and moderation are the host's.

Runtime state: ``{"pinned": id or None, "answered": [ids], "closed": bool}`` - the question
on the big screen now, the ones answered, and whether new questions are taken.
"""

from __future__ import annotations

import datetime as dt
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


class QnaConfig(StrictModel):
    """What the presenter sets up for a Q&A."""

    prompt: str = Field(
        default="Ask your questions", min_length=1, max_length=300, title="Invitation"
    )
    moderation: Literal["after", "before"] = Field(
        default="after",
        title="Moderation",
        description="before: questions wait for your approval; after: they show at once "
        "and you can hide them",
    )
    allow_anonymous: bool = Field(default=True, title="Allow anonymous questions")
    questions_per_participant: int = Field(default=5, ge=1, le=50, title="Questions each")
    max_length: int = Field(default=280, ge=20, le=1000, title="Characters per question")
    profanity_filter: bool = Field(default=True, title="Refuse profanity (English)")
    blocked_words: list[Annotated[str, Field(min_length=1, max_length=100)]] = Field(
        default_factory=list, max_length=500, title="Your own words to refuse"
    )


class QnaQuestion(StrictModel):
    """A participant's question."""

    text: str = Field(
        min_length=1, max_length=1000, title="Your question", json_schema_extra=ui.long_text(3)
    )


class NoAnswer(StrictModel):
    """A Q&A takes questions (items), not answers."""


class ItemBody(StrictModel):
    """Body of ``pin``, ``answered`` and ``unanswered``: the question's id."""

    item_id: uuid.UUID = Field(title="Question")


class QnaEntry(TypedDict):
    """One question in the results. A typed dict rather than a model: pydantic checks a
    room's 10,000 questions as plain dicts without making an object of each."""

    id: uuid.UUID
    text: str
    author: str | None
    """The nickname, or None when anonymous."""
    votes: int
    status: Literal["pending", "visible", "hidden"]
    answered: bool
    pinned: bool
    created_at: dt.datetime


class QnaResults(BaseModel):
    """Every question, most votes first, and the counts."""

    questions: list[QnaEntry]
    visible: int
    pending: int
    hidden: int
    answered: int
    votes: int


class QnaType(ActivityType[QnaConfig, NoAnswer]):
    """Questions from the audience, upvoted, moderated, answered one at a time."""

    name = "qna"
    title = "Q&A"
    description = "The audience asks and upvotes questions; you pin the one you answer."
    config_model = QnaConfig
    answer_model = NoAnswer
    item_model = QnaQuestion
    results_model = QnaResults
    actions = {
        "pin": ItemBody,
        "unpin": EmptyBody,
        "answered": ItemBody,
        "unanswered": ItemBody,
        "close_questions": EmptyBody,
        "reopen_questions": EmptyBody,
    }
    action_titles = {
        "pin": "Pin",
        "unpin": "Unpin",
        "answered": "Mark answered",
        "unanswered": "Mark not answered",
        "close_questions": "Close questions",
        "reopen_questions": "Reopen questions",
    }
    messages = Path(__file__).parent / "locales"

    def initial_state(self, config: QnaConfig) -> JSON:
        return {"pinned": None, "answered": [], "closed": False}

    # -- questions (items) ----------------------------------------------------------------

    def item_rules(self, config: QnaConfig, state: JSON) -> ItemRules:
        return ItemRules(
            accepting=not state.get("closed", False),
            max_per_participant=config.questions_per_participant,
            moderated=config.moderation == "before",
            votes=True,
            anonymous=config.allow_anonymous,
        )

    def validate_item(
        self, config: QnaConfig, state: JSON, item: BaseModel, ctx: ItemContext
    ) -> QnaQuestion:
        assert isinstance(item, QnaQuestion)
        text = clean_text(item.text)
        problem = text_problem(
            text,
            max_length=config.max_length,
            blocked_words=config.blocked_words,
            profanity_filter=config.profanity_filter,
        )
        if problem == "blank":
            raise AnswerRejected("Write a question first")
        if problem == "too_long":
            raise AnswerRejected(f"Keep it under {config.max_length} characters")
        if problem == "blocked":
            raise AnswerRejected("Please rephrase your question")
        return QnaQuestion(text=text)

    def export_item(self, config: QnaConfig, item: StoredItem) -> dict[str, str]:
        return {"question": str(item.data.get("text", ""))}

    def export_columns(self, config: QnaConfig) -> list[str]:
        return ["question", "votes", "status"]

    # -- results --------------------------------------------------------------------------

    def aggregate(
        self,
        config: QnaConfig,
        state: JSON,
        answers: Sequence[StoredAnswer[NoAnswer]],
        ctx: AggregateContext,
    ) -> QnaResults:
        # The state keeps item ids as text.
        answered = {uuid.UUID(key) for key in state.get("answered", [])}
        pinned = uuid.UUID(state["pinned"]) if state.get("pinned") else None
        # Most votes first; among equals the older question first (it waited longer).
        items = sorted(ctx.items, key=lambda item: (-item.votes, item.created_at, item.id))
        questions = [
            {
                "id": item.id,
                "text": str(item.data.get("text", "")),
                "author": None if item.anonymous else item.nickname,
                "votes": item.votes,
                "status": item.status,
                "answered": item.id in answered,
                "pinned": item.id == pinned,
                "created_at": item.created_at,
            }
            for item in items
        ]
        visible = [q for q in questions if q["status"] == "visible"]
        return QnaResults.model_validate(
            {
                "questions": questions,
                "visible": len(visible),
                "pending": sum(q["status"] == "pending" for q in questions),
                "hidden": sum(q["status"] == "hidden" for q in questions),
                "answered": sum(q["answered"] for q in visible),
                "votes": sum(q["votes"] for q in visible),
            }
        )

    def view(
        self, config: QnaConfig, state: JSON, results: QnaResults, ctx: ViewContext
    ) -> ActivityView:
        # The results hold every question, most votes first, without the authors of
        # anonymous ones; everyone sees the visible ones (participants never see pending or
        # hidden questions).
        shown = [q for q in results.questions if q["status"] == "visible"]
        pinned = next((q for q in shown if q["pinned"]), None)
        display: list[Any] = []
        if pinned is not None:
            display.append(
                SpotlightBlock(title="Now answering", text=pinned["text"], caption=pinned["author"])
            )
        # One validation for the whole list (pydantic's core checks 10,000 plain dicts
        # quickly, where 10,000 Entry(...) calls would not be).
        display.append(
            EntriesBlock.model_validate(
                {
                    "title": config.prompt,
                    "entries": [_entry(q) for q in shown],
                    "order": "votes",
                    "voting": ctx.role == "participant",
                }
            )
        )
        if ctx.role == "presenter":
            display.append(
                StatsBlock(
                    stats=[
                        Stat(label="Questions", value=str(results.visible)),
                        Stat(label="Votes", value=str(results.votes)),
                        Stat(label="Answered", value=str(results.answered)),
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
            phase="closed" if state.get("closed") else "open",
            results=results if ctx.role == "presenter" else None,
            display=display,
            accepting_answers=False,
            extra={"questions_open": not state.get("closed", False)},
        )

    def personal(
        self, config: QnaConfig, state: JSON, results: QnaResults, ctx: PersonalContext
    ) -> PersonalView:
        mine = [
            {"id": str(item.id), "text": item.data.get("text", ""), "status": item.status}
            for item in ctx.own_items
        ]
        return PersonalView(
            accepting_answers=False,
            extra={
                "voted": sorted(str(i) for i in ctx.own_votes),
                "my_questions": mine,
                "questions_left": max(0, config.questions_per_participant - len(mine)),
            },
        )

    # -- the presenter's actions ----------------------------------------------------------

    def apply_action(
        self,
        action: str,
        body: BaseModel,
        config: QnaConfig,
        state: JSON,
        ctx: ActionContext,
    ) -> ActionOutcome:
        state = {**self.initial_state(config), **state}
        if action in ("close_questions", "reopen_questions"):
            closed = action == "close_questions"
            return ActionOutcome(
                state={**state, "closed": closed},
                message="No new questions" if closed else "Questions open again",
            )
        if action == "unpin":
            return ActionOutcome(state={**state, "pinned": None}, message="Unpinned")
        assert isinstance(body, ItemBody)
        item = next((i for i in ctx.items if i.id == body.item_id), None)
        if item is None or item.status != "visible":
            raise ActionRejected("No such question on screen")
        key = str(item.id)
        answered = [a for a in state["answered"] if a != key]
        if action == "pin":
            return ActionOutcome(state={**state, "pinned": key}, message="Pinned")
        if action == "answered":
            pinned = None if state["pinned"] == key else state["pinned"]
            return ActionOutcome(
                state={**state, "answered": [*answered, key], "pinned": pinned},
                message="Marked answered",
            )
        return ActionOutcome(state={**state, "answered": answered}, message="Marked not answered")


def _entry(question: QnaEntry) -> JSON:
    """A question as the entries block draws it (an :class:`Entry`'s fields)."""
    tags = [
        t for t, on in (("pinned", question["pinned"]), ("answered", question["answered"])) if on
    ]
    return {
        "id": question["id"],
        "text": question["text"],
        "author": question["author"],
        "votes": question["votes"],
        "tags": tags,
        "created_at": question["created_at"],
        "highlight": question["pinned"],
    }
