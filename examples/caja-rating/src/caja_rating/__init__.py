"""A rating-scale activity type for Caja: "How was it? 1 to 5".

The whole plugin: a config model, an answer model, a results model, an
:class:`~caja_core.ActivityType` with ``aggregate``, ``view`` and ``personal``, and the one
hook that registers it. The phone's form is a slider over the configured scale. Installed
with pip, it is found through the ``caja`` entry point in ``pyproject.toml``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Self

from pydantic import BaseModel, Field, model_validator

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
    ViewContext,
    hookimpl,
    ui,
)
from caja_core.display import Bar, BarsBlock, DisplayBlock, Stat, StatsBlock

__all__ = [
    "RatingAnswer",
    "RatingConfig",
    "RatingResults",
    "RatingType",
    "caja_register_activity_types",
]


class RatingConfig(StrictModel):
    """What the presenter sets: the question and the size of the scale."""

    question: str = Field(title="Question", min_length=1, max_length=300)
    scale: int = Field(
        default=5, ge=2, le=10, title="Highest rating", description="Ratings go from 1 to this"
    )
    low_label: str | None = Field(
        default=None, max_length=40, title="Label of 1", description="e.g. 'Poor'"
    )
    high_label: str | None = Field(
        default=None, max_length=40, title="Label of the highest rating", description="e.g. 'Great'"
    )

    @model_validator(mode="after")
    def _labels_differ(self) -> Self:
        if self.low_label and self.low_label == self.high_label:
            raise ValueError("low_label and high_label must differ")
        return self


class RatingAnswer(StrictModel):
    """A participant's rating."""

    value: int = Field(title="Your rating", ge=1, le=10)


class RatingResults(BaseModel):
    """How many rated, the average, and how many gave each rating (index 0 is 1)."""

    count: int
    average: float | None
    distribution: list[int]


class RatingType(ActivityType[RatingConfig, RatingAnswer]):
    """Rate something on a 1..N scale; see the average and the distribution."""

    name = "rating"
    title = "Rating"
    description = "Rate something from 1 to N; shows the average and the spread."
    config_model = RatingConfig
    answer_model = RatingAnswer
    results_model = RatingResults

    def answer_schema(self, config: RatingConfig | None = None) -> dict[str, Any]:
        schema = super().answer_schema(config)
        if config is not None:  # the phone's form: a slider over this activity's scale
            low, high = config.low_label or "", config.high_label or ""
            schema["properties"]["value"].update(ui.slider(1, config.scale, low=low, high=high))
        return schema

    def validate_answer(
        self,
        config: RatingConfig,
        state: dict[str, Any],
        answer: RatingAnswer,
        ctx: AnswerContext,
    ) -> tuple[RatingAnswer, dict[str, Any]]:
        if not 1 <= answer.value <= config.scale:
            raise AnswerRejected(f"Rate from 1 to {config.scale}")
        return answer, {}

    def aggregate(
        self,
        config: RatingConfig,
        state: dict[str, Any],
        answers: Sequence[StoredAnswer[RatingAnswer]],
        ctx: AggregateContext,
    ) -> RatingResults:
        counts = [0] * config.scale
        for stored in answers:
            counts[stored.answer.value - 1] += 1
        total = len(answers)
        value_sum = sum((i + 1) * n for i, n in enumerate(counts))
        average = round(value_sum / total, 2) if total else None
        return RatingResults(count=total, average=average, distribution=counts)

    def view(
        self,
        config: RatingConfig,
        state: dict[str, Any],
        results: RatingResults,
        ctx: ViewContext,
    ) -> ActivityView:
        total = results.count
        bars = [
            Bar(
                label=_label(config, i + 1),
                count=n,
                percent=round(100 * n / total, 1) if total else 0,
            )
            for i, n in enumerate(results.distribution)
        ]
        average = results.average
        display: list[DisplayBlock] = [
            StatsBlock(
                stats=[
                    Stat(label="Average", value="-" if average is None else f"{average:g}"),
                    Stat(label="Ratings", value=str(total)),
                ]
            ),
            BarsBlock(title=config.question, bars=bars, show="counts"),
        ]
        return ActivityView(
            config=config.model_dump(mode="json"),
            phase="open" if ctx.activity_status == "active" else "closed",
            results=results,
            display=display,
            accepting_answers=ctx.activity_status == "active",
        )

    def personal(
        self,
        config: RatingConfig,
        state: dict[str, Any],
        results: RatingResults,
        ctx: PersonalContext,
    ) -> PersonalView:
        mine = [stored.answer.value for stored in ctx.own_answers]
        return PersonalView(
            accepting_answers=not mine, extra={"your_rating": mine[0] if mine else None}
        )

    def export_columns(self, config: RatingConfig) -> list[str]:
        return ["rating"]

    def export_row(
        self, config: RatingConfig, state: dict[str, Any], answer: StoredAnswer[RatingAnswer]
    ) -> dict[str, str]:
        return {"rating": f"{answer.answer.value} / {config.scale}"}


def _label(config: RatingConfig, value: int) -> str:
    if value == 1 and config.low_label:
        return f"1 ({config.low_label})"
    if value == config.scale and config.high_label:
        return f"{value} ({config.high_label})"
    return str(value)


@hookimpl
def caja_register_activity_types(register: Callable[[ActivityType[Any, Any]], None]) -> None:
    """Register the rating type with Caja."""
    register(RatingType())
