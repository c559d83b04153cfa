"""Ranking: participants put the configured items in order, best first.

An answer is a permutation of the items' ids: ``{"order": ["i2", "i0", "i1"]}``, an item's id
being ``i`` and its position in the config. The phone's form is an ordering
(``answer_schema(config)``). Each ranking gives an item Borda points: as many as items ranked
below it (n - 1 for first place, 0 for last). The results are each item's points, average
position and first places, best first, drawn as a ranked bar list; participants see them
once the activity is closed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, Field, field_validator

from caja_core import (
    ActivityType,
    ActivityView,
    AggregateContext,
    AnswerContext,
    AnswerRejected,
    PersonalContext,
    PersonalView,
    StoredAnswer,
    StrictModel,
    Translator,
    ViewContext,
    ui,
)
from caja_core.display import Bar, BarsBlock, DisplayBlock

JSON = dict[str, Any]

Item = Annotated[str, Field(min_length=1, max_length=200, title="Item")]


class RankingConfig(StrictModel):
    """What the presenter sets up for a ranking."""

    question: str = Field(
        min_length=1,
        max_length=300,
        title="Question",
        description="e.g. 'What should we work on first?'",
    )
    items: list[Item] = Field(min_length=2, max_length=20, title="Items to rank")

    @field_validator("items")
    @classmethod
    def _different(cls, items: list[str]) -> list[str]:
        cleaned = [s.strip() for s in items]
        if any(not s for s in cleaned):
            raise ValueError("An item cannot be blank")
        folded = [s.casefold() for s in cleaned]
        if len(set(folded)) != len(folded):
            raise ValueError("Items must be different from each other")
        return cleaned

    @property
    def ids(self) -> list[str]:
        """Each item's id, in the config's order."""
        return [item_id(i) for i in range(len(self.items))]


def item_id(index: int) -> str:
    """The id of the item at ``index`` in an answer's ``order``."""
    return f"i{index}"


class RankingAnswer(StrictModel):
    """One participant's order of the items, best first."""

    order: list[str] = Field(
        min_length=2,
        max_length=20,
        title="Your order",
        description="Best first: drag the items, or move them up or down",
    )


class ItemResult(BaseModel):
    """One item's standing."""

    id: str
    text: str
    rank: int
    """1 for the most points; items with equal points share a rank."""
    points: int
    average_position: float | None
    first_places: int


class RankingResults(BaseModel):
    """How many ranked, and the items best first (most points, then the better average
    position, then the config's order)."""

    respondents: int
    items: list[ItemResult]


class RankingType(ActivityType[RankingConfig, RankingAnswer]):
    """Put items in order; see which come out on top."""

    name = "ranking"
    title = "Ranking"
    description = "Everyone puts the items in order; shows which come out on top."
    config_model = RankingConfig
    answer_model = RankingAnswer
    results_model = RankingResults
    messages = Path(__file__).parent / "locales"

    def answer_schema(self, config: RankingConfig | None = None) -> JSON:
        schema = super().answer_schema(config)
        if config is None:
            return schema
        # The phone's form: the configured items, each once, put in order.
        n = len(config.items)
        schema["properties"]["order"].update(
            title=config.question,
            items=ui.choices(zip(config.ids, config.items, strict=True)),
            minItems=n,
            maxItems=n,
            uniqueItems=True,
            **ui.ordering(),
        )
        return schema

    def validate_answer(
        self, config: RankingConfig, state: JSON, answer: RankingAnswer, ctx: AnswerContext
    ) -> tuple[RankingAnswer, JSON]:
        ids = config.ids
        unknown = [i for i in answer.order if i not in ids]
        if unknown:
            raise AnswerRejected(self.message("There is no item {item}", item=unknown[0]))
        if len(answer.order) != len(ids) or set(answer.order) != set(ids):
            raise AnswerRejected(self.message("Put every item in order, each once"))
        return answer, {}

    def aggregate(
        self,
        config: RankingConfig,
        state: JSON,
        answers: Sequence[StoredAnswer[RankingAnswer]],
        ctx: AggregateContext,
    ) -> RankingResults:
        ids = config.ids
        n = len(ids)
        points = dict.fromkeys(ids, 0)
        positions = dict.fromkeys(ids, 0)
        firsts = dict.fromkeys(ids, 0)
        counted = 0
        for stored in answers:
            order = stored.answer.order
            if sorted(order) != sorted(ids):
                continue  # a ranking of an earlier list of items
            counted += 1
            for position, item in enumerate(order):
                points[item] += n - 1 - position
                positions[item] += position + 1
            firsts[order[0]] += 1
        standings = sorted(
            range(n), key=lambda i: (-points[ids[i]], positions[ids[i]], i)
        )  # equal points: the better (lower) total position, then the config's order
        items: list[ItemResult] = []
        for place, index in enumerate(standings):
            key = ids[index]
            tied = items and items[-1].points == points[key]
            items.append(
                ItemResult(
                    id=key,
                    text=config.items[index],
                    rank=items[-1].rank if tied else place + 1,
                    points=points[key],
                    average_position=round(positions[key] / counted, 2) if counted else None,
                    first_places=firsts[key],
                )
            )
        return RankingResults(respondents=counted, items=items)

    def view(
        self, config: RankingConfig, state: JSON, results: RankingResults, ctx: ViewContext
    ) -> ActivityView:
        # Phones see the results once it is closed, so nobody ranks by the crowd.
        visible = ctx.role == "presenter" or ctx.activity_status == "expired"
        return ActivityView(
            config=config.model_dump(mode="json"),
            phase="open" if ctx.activity_status == "active" else "closed",
            results=results if visible else None,
            display=display_blocks(config, results, ctx.translator) if visible else [],
            accepting_answers=ctx.activity_status == "active",
        )

    def personal(
        self, config: RankingConfig, state: JSON, results: RankingResults, ctx: PersonalContext
    ) -> PersonalView:
        mine = next((stored.answer.order for stored in ctx.own_answers), None)
        return PersonalView(accepting_answers=mine is None, extra={"your_order": mine})

    def export_columns(self, config: RankingConfig) -> list[str]:
        return ["order", *(f"position of {text}" for text in config.items)]

    def export_row(
        self, config: RankingConfig, state: JSON, answer: StoredAnswer[RankingAnswer]
    ) -> dict[str, str]:
        order = answer.answer.order
        texts = dict(zip(config.ids, config.items, strict=True))
        row = {"order": " > ".join(texts.get(i, i) for i in order)}
        for key, text in texts.items():
            row[f"position of {text}"] = str(order.index(key) + 1) if key in order else ""
        return row


def display_blocks(
    config: RankingConfig, results: RankingResults, t: Translator
) -> list[DisplayBlock]:
    """A ranked bar list: the bars grow with the points."""
    most = (len(config.items) - 1) * results.respondents  # every ranking put it first
    bars = [
        Bar(
            label=f"{item.rank}. {item.text}",
            count=item.points,
            # no highlight: the web app marks a highlighted bar as the correct answer
            percent=round(100 * item.points / most, 1) if most else 0,
        )
        for item in results.items
    ]
    return [
        BarsBlock(
            title=config.question,
            bars=bars,
            show="counts",
            total_label=t.ngettext("{n} ranking", "{n} rankings", results.respondents),
        )
    ]
