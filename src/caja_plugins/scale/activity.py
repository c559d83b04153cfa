"""Scales: several statements, each rated on one scale (1 to 5, "Disagree" ... "Agree").

An answer rates every statement: ``{"ratings": {"s0": 4, "s1": 2}}``, a statement's key
being ``s`` and its position in the config. The phone's form is a slider per statement
(``answer_schema(config)``); the results are each statement's average and distribution.
Participants see the results once the activity is closed; the presenter sees them live.
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
from caja_core.display import DisplayBlock, Stat, StatsBlock, TableBlock

JSON = dict[str, Any]

Statement = Annotated[str, Field(min_length=1, max_length=200, title="Statement")]


class ScaleConfig(StrictModel):
    """What the presenter sets up for a scale."""

    question: str = Field(
        min_length=1,
        max_length=300,
        title="Question",
        description="e.g. 'How much do you agree?'",
    )
    statements: list[Statement] = Field(
        min_length=1, max_length=20, title="Statements", description="Each is rated on the scale"
    )
    minimum: int = Field(default=1, ge=0, le=1, title="Lowest value")
    maximum: int = Field(default=5, ge=2, le=10, title="Highest value")
    low_label: str = Field(
        default="",
        max_length=40,
        title="Label of the lowest value",
        description="e.g. 'Strongly disagree'",
    )
    high_label: str = Field(
        default="",
        max_length=40,
        title="Label of the highest value",
        description="e.g. 'Strongly agree'",
    )

    @field_validator("statements")
    @classmethod
    def _different(cls, statements: list[str]) -> list[str]:
        cleaned = [s.strip() for s in statements]
        if any(not s for s in cleaned):
            raise ValueError("A statement cannot be blank")
        folded = [s.casefold() for s in cleaned]
        if len(set(folded)) != len(folded):
            raise ValueError("Statements must be different from each other")
        return cleaned

    @property
    def keys(self) -> list[str]:
        """The answer's key of each statement, in order."""
        return [statement_key(i) for i in range(len(self.statements))]


def statement_key(index: int) -> str:
    """The key of the statement at ``index`` in an answer's ``ratings``."""
    return f"s{index}"


class ScaleAnswer(StrictModel):
    """One participant's ratings: statement key -> value."""

    ratings: dict[str, int] = Field(
        title="Your ratings", description="Move each slider to your rating"
    )


class StatementResult(BaseModel):
    """One statement's ratings."""

    key: str
    text: str
    count: int
    average: float | None
    median: float | None
    """The middle rating (the mean of the two middle ones for an even count)."""
    distribution: list[int]
    """How many gave each value, from the lowest (index 0) up."""


class ScaleResults(BaseModel):
    """How many answered, and each statement's average and distribution."""

    respondents: int
    minimum: int
    maximum: int
    statements: list[StatementResult]


class ScaleType(ActivityType[ScaleConfig, ScaleAnswer]):
    """Rate several statements on one scale; see each one's average and spread."""

    name = "scale"
    title = "Scales"
    description = "Rate several statements on a scale; shows each one's average and spread."
    config_model = ScaleConfig
    answer_model = ScaleAnswer
    results_model = ScaleResults
    messages = Path(__file__).parent / "locales"

    def answer_schema(self, config: ScaleConfig | None = None) -> JSON:
        schema = super().answer_schema(config)
        if config is None:
            return schema
        # The phone's form: one slider per statement, all of them to be rated.
        ratings = schema["properties"]["ratings"]
        ratings.pop("additionalProperties", None)
        slider = ui.slider(
            config.minimum, config.maximum, low=config.low_label, high=config.high_label
        )
        ratings.update(
            type="object",
            title=config.question,
            properties={
                key: {"type": "integer", "title": text, **slider}
                for key, text in zip(config.keys, config.statements, strict=True)
            },
            required=config.keys,
            additionalProperties=False,
        )
        return schema

    def validate_answer(
        self, config: ScaleConfig, state: JSON, answer: ScaleAnswer, ctx: AnswerContext
    ) -> tuple[ScaleAnswer, JSON]:
        keys = config.keys
        unknown = sorted(set(answer.ratings) - set(keys))
        if unknown:
            raise AnswerRejected(self.message("There is no statement {key}", key=unknown[0]))
        if set(answer.ratings) != set(keys):
            raise AnswerRejected(self.message("Rate every statement"))
        if any(not config.minimum <= v <= config.maximum for v in answer.ratings.values()):
            raise AnswerRejected(
                self.message("Rate from {low} to {high}", low=config.minimum, high=config.maximum)
            )
        return ScaleAnswer(ratings={key: answer.ratings[key] for key in keys}), {}

    def aggregate(
        self,
        config: ScaleConfig,
        state: JSON,
        answers: Sequence[StoredAnswer[ScaleAnswer]],
        ctx: AggregateContext,
    ) -> ScaleResults:
        width = config.maximum - config.minimum + 1
        counts = {key: [0] * width for key in config.keys}
        for stored in answers:
            for key, value in stored.answer.ratings.items():
                # An answer to an earlier config (a statement since removed, a longer scale)
                # counts only where it still fits.
                if key in counts and config.minimum <= value <= config.maximum:
                    counts[key][value - config.minimum] += 1
        statements = []
        for key, text in zip(config.keys, config.statements, strict=True):
            distribution = counts[key]
            n = sum(distribution)
            total = sum((config.minimum + i) * c for i, c in enumerate(distribution))
            statements.append(
                StatementResult(
                    key=key,
                    text=text,
                    count=n,
                    average=round(total / n, 2) if n else None,
                    median=_median(distribution, config.minimum),
                    distribution=distribution,
                )
            )
        return ScaleResults(
            respondents=len({a.participant_id for a in answers}),
            minimum=config.minimum,
            maximum=config.maximum,
            statements=statements,
        )

    def view(
        self, config: ScaleConfig, state: JSON, results: ScaleResults, ctx: ViewContext
    ) -> ActivityView:
        # Phones see the results once it is closed, so nobody rates by the crowd.
        visible = ctx.role == "presenter" or ctx.activity_status == "expired"
        return ActivityView(
            config=config.model_dump(mode="json"),
            phase="open" if ctx.activity_status == "active" else "closed",
            results=results if visible else None,
            display=display_blocks(config, results, ctx.translator) if visible else [],
            accepting_answers=ctx.activity_status == "active",
        )

    def personal(
        self, config: ScaleConfig, state: JSON, results: ScaleResults, ctx: PersonalContext
    ) -> PersonalView:
        mine = next((stored.answer.ratings for stored in ctx.own_answers), None)
        return PersonalView(accepting_answers=mine is None, extra={"your_ratings": mine})

    def export_columns(self, config: ScaleConfig) -> list[str]:
        return [f"{i + 1}. {text}" for i, text in enumerate(config.statements)]

    def export_row(
        self, config: ScaleConfig, state: JSON, answer: StoredAnswer[ScaleAnswer]
    ) -> dict[str, str]:
        ratings = answer.answer.ratings
        return {
            column: str(ratings.get(key, ""))
            for column, key in zip(self.export_columns(config), config.keys, strict=True)
        }


def display_blocks(config: ScaleConfig, results: ScaleResults, t: Translator) -> list[DisplayBlock]:
    """The averages at a glance, then how many gave each value, a row per statement (one
    table, so that a dozen statements still fit on the big screen)."""
    averages = StatsBlock(
        title=config.question,
        stats=[
            Stat(label=s.text, value="-" if s.average is None else f"{s.average:g}")
            for s in results.statements
        ],
    )
    values = range(config.minimum, config.maximum + 1)
    spread = TableBlock(
        title=t.gettext("How many gave each value"),
        columns=[
            t.gettext("Statement"),
            t.gettext("Median"),
            *(_value_label(config, v) for v in values),
        ],
        rows=[
            [
                s.text,
                "-" if s.median is None else f"{s.median:g}",
                *(str(n) for n in s.distribution),
            ]
            for s in results.statements
        ],
    )
    return [averages, spread]


def _median(distribution: list[int], minimum: int) -> float | None:
    """The median of the ratings counted in ``distribution`` (index 0 is ``minimum``)."""
    n = sum(distribution)
    if not n:
        return None

    def nth(k: int) -> int:  # the k-th smallest rating, from 0
        seen = 0
        for i, count in enumerate(distribution):
            seen += count
            if k < seen:
                return minimum + i
        raise AssertionError("k is below the count")

    return nth(n // 2) if n % 2 else (nth(n // 2 - 1) + nth(n // 2)) / 2


def _value_label(config: ScaleConfig, value: int) -> str:
    if value == config.minimum and config.low_label:
        return f"{value} · {config.low_label}"
    if value == config.maximum and config.high_label:
        return f"{value} · {config.high_label}"
    return str(value)
