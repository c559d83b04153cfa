"""A rating-scale activity type for Caja: "How was it? 1 to 5".

The whole plugin: a config model, an answer model, an :class:`~caja_core.ActivityType` with
``aggregate`` and ``view``, and the one hook that registers it. Installed with pip, it is
found through the ``caja`` entry point in ``pyproject.toml``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Self

from pydantic import Field, model_validator

from caja_core import (
    ActivityType,
    ActivityView,
    AggregateContext,
    AnswerContext,
    AnswerRejected,
    StoredAnswer,
    StrictModel,
    ViewContext,
    hookimpl,
)
from caja_core.display import Bar, BarsBlock, DisplayBlock, Stat, StatsBlock

__all__ = ["RatingAnswer", "RatingConfig", "RatingType", "caja_register_activity_types"]


class RatingConfig(StrictModel):
    """What the presenter sets: the question and the size of the scale."""

    question: str = Field(min_length=1, max_length=300)
    scale: int = Field(default=5, ge=2, le=10, description="Ratings go from 1 to this")
    low_label: str | None = Field(default=None, max_length=40, description="e.g. 'Poor'")
    high_label: str | None = Field(default=None, max_length=40, description="e.g. 'Great'")

    @model_validator(mode="after")
    def _labels_differ(self) -> Self:
        if self.low_label and self.low_label == self.high_label:
            raise ValueError("low_label and high_label must differ")
        return self


class RatingAnswer(StrictModel):
    """A participant's rating."""

    value: int


class RatingType(ActivityType[RatingConfig, RatingAnswer]):
    """Rate something on a 1..N scale; see the average and the distribution."""

    name = "rating"
    title = "Rating"
    description = "Rate something from 1 to N; shows the average and the spread."
    config_model = RatingConfig
    answer_model = RatingAnswer

    def validate_answer(
        self,
        config: RatingConfig,
        state: dict[str, Any],
        answer: RatingAnswer,
        ctx: AnswerContext,
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        if not 1 <= answer.value <= config.scale:
            raise AnswerRejected(f"Rate from 1 to {config.scale}")
        return {"value": answer.value}, {}

    def aggregate(
        self,
        config: RatingConfig,
        state: dict[str, Any],
        answers: Sequence[StoredAnswer],
        ctx: AggregateContext,
    ) -> dict[str, Any]:
        counts = [0] * config.scale
        for answer in answers:
            counts[answer.data["value"] - 1] += 1
        total = len(answers)
        value_sum = sum((i + 1) * n for i, n in enumerate(counts))
        return {
            "count": total,
            "average": round(value_sum / total, 2) if total else None,
            "distribution": counts,
        }

    def view(
        self,
        config: RatingConfig,
        state: dict[str, Any],
        results: dict[str, Any],
        ctx: ViewContext,
    ) -> ActivityView:
        total = results["count"]
        bars = [
            Bar(
                label=_label(config, i + 1),
                count=n,
                percent=round(100 * n / total, 1) if total else 0,
            )
            for i, n in enumerate(results["distribution"])
        ]
        average = results["average"]
        display: list[DisplayBlock] = [
            StatsBlock(
                stats=[
                    Stat(label="Average", value="-" if average is None else f"{average:g}"),
                    Stat(label="Ratings", value=str(total)),
                ]
            ),
            BarsBlock(title=config.question, bars=bars, show="counts"),
        ]
        answered = bool(ctx.own_answers)
        return ActivityView(
            config=config.model_dump(mode="json"),
            phase="open" if ctx.activity_status == "active" else "closed",
            results=results,
            display=display,
            accepting_answers=ctx.activity_status == "active" and not answered,
        )

    def export_columns(self, config: RatingConfig) -> list[str]:
        return ["rating"]

    def export_row(
        self, config: RatingConfig, state: dict[str, Any], answer: StoredAnswer
    ) -> dict[str, str]:
        return {"rating": f"{answer.data['value']} / {config.scale}"}


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
