"""Poll: a question with 2-30 options, like Mentimeter's or Slido's multiple choice.

Runtime state: ``{"shown": None | True | False}``: None follows ``results_visibility``;
the ``reveal`` action sets True (everyone sees the results), ``hide`` sets False (nobody,
the big screen included). ``reset`` deletes every answer and keeps the config.

Phones share one participant view, or two while ``after_answer`` decides who sees the
results: the variant ``answered`` (results shown) and ``""`` (not yet). A participant's own
choices, whether they may still answer and their shuffled option order are in
:meth:`PollType.personal`.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import BaseModel, Field, model_validator

from caja_core import (
    ActionContext,
    ActionOutcome,
    ActionRejected,
    ActivityType,
    ActivityView,
    AggregateContext,
    AnswerContext,
    AnswerRejected,
    EmptyBody,
    PersonalContext,
    PersonalView,
    StoredAnswer,
    StrictModel,
    Translator,
    ViewContext,
)
from caja_core.display import Bar, BarsBlock, DisplayBlock

Visibility = Literal["always", "after_answer", "after_close", "on_reveal"]
ANSWERED = "answered"
"""The participant variant that sees ``after_answer`` results."""


class PollOption(StrictModel):
    """One option of a poll."""

    text: str = Field(min_length=1, max_length=200, description="The option's label")
    image_url: str | None = Field(
        default=None,
        max_length=2000,
        pattern=r"^(https?://|/)\S+$",
        description="An optional picture shown with the option (http(s) URL or site path)",
    )


class PollConfig(StrictModel):
    """What the presenter sets up for a poll."""

    question: str = Field(min_length=1, max_length=300)
    options: list[PollOption] = Field(min_length=2, max_length=30)
    multiple: bool = Field(default=False, description="Allow choosing several options")
    min_selections: int = Field(default=1, ge=1, le=30, description="Multiple choice only")
    max_selections: int | None = Field(
        default=None, ge=1, le=30, description="Multiple choice only; empty means all options"
    )
    allow_change: bool = Field(
        default=False, description="Participants may change their answer until the poll closes"
    )
    results_visibility: Visibility = Field(
        default="always",
        description=(
            "When results are shown: always; to each participant after they answer; after the"
            " poll closes; or only when the presenter reveals them"
        ),
    )
    show: Literal["counts", "percentages", "both"] = "percentages"
    shuffle_options: bool = Field(
        default=False, description="Show the options in a different order to each participant"
    )

    @model_validator(mode="after")
    def _check_selections(self) -> Self:
        texts = [o.text.strip().casefold() for o in self.options]
        if len(set(texts)) != len(texts):
            raise ValueError("Options must be different from each other")
        if not self.multiple:
            if self.min_selections != 1 or self.max_selections not in (None, 1):
                raise ValueError("A single-choice poll takes exactly one selection")
            return self
        most = self.max_selections if self.max_selections is not None else len(self.options)
        if most > len(self.options):
            raise ValueError(
                f"max_selections ({most}) is more than the {len(self.options)} options"
            )
        if self.min_selections > most:
            raise ValueError(
                f"min_selections ({self.min_selections}) is more than max_selections ({most})"
            )
        return self

    @property
    def most_selections(self) -> int:
        """How many options one participant may choose at most."""
        if not self.multiple:
            return 1
        return self.max_selections if self.max_selections is not None else len(self.options)


class PollAnswer(StrictModel):
    """A participant's choice: the indexes (in the config's order) of the chosen options."""

    choices: list[int] = Field(min_length=1, max_length=30)


class PollType(ActivityType[PollConfig, PollAnswer]):
    """Single or multiple choice poll with live results."""

    name = "poll"
    title = "Poll"
    description = "Ask a question with 2 to 30 options; results update live."
    config_model = PollConfig
    answer_model = PollAnswer
    actions = {"reveal": EmptyBody, "hide": EmptyBody, "reset": EmptyBody}
    action_titles = {"reveal": "Reveal results", "hide": "Hide results", "reset": "Reset answers"}
    messages = Path(__file__).parent / "locales"

    def initial_state(self, config: PollConfig) -> dict[str, Any]:
        return {"shown": None}

    def validate_answer(
        self, config: PollConfig, state: dict[str, Any], answer: PollAnswer, ctx: AnswerContext
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        choices = sorted(set(answer.choices))
        if len(choices) != len(answer.choices):
            raise AnswerRejected(self.message("Each option can be chosen only once"))
        unknown = [c for c in choices if not 0 <= c < len(config.options)]
        if unknown:
            raise AnswerRejected(
                self.message("There is no option {option} in this poll", option=unknown[0])
            )
        least, most = (config.min_selections, config.most_selections)
        if not config.multiple and len(choices) != 1:
            raise AnswerRejected(self.message("Choose exactly one option"))
        if not least <= len(choices) <= most:
            if least == most:
                raise AnswerRejected(self.message("Choose exactly {n} options", n=least))
            raise AnswerRejected(
                self.message("Choose between {least} and {most} options", least=least, most=most)
            )
        return {"choices": choices}, {}

    def allows_change(self, config: PollConfig, state: dict[str, Any]) -> bool:
        return config.allow_change

    def aggregate(
        self,
        config: PollConfig,
        state: dict[str, Any],
        answers: Sequence[StoredAnswer[PollAnswer]],
        ctx: AggregateContext,
    ) -> dict[str, Any]:
        counts = [0] * len(config.options)
        voters = set()
        for stored in answers:
            voters.add(stored.participant_id)
            for choice in stored.answer.choices:
                counts[choice] += 1
        total = len(voters)
        return {
            "voters": total,
            "options": [
                {
                    "index": i,
                    "text": option.text,
                    "count": counts[i],
                    "percent": _percent(counts[i], total),
                }
                for i, option in enumerate(config.options)
            ],
        }

    def view(
        self, config: PollConfig, state: dict[str, Any], results: dict[str, Any], ctx: ViewContext
    ) -> ActivityView:
        options = [
            {"index": i, "text": o.text, "image_url": o.image_url}
            for i, o in enumerate(config.options)
        ]
        visible = _results_visible(config, state, ctx, answered=ctx.variant == ANSWERED)
        display: list[DisplayBlock] = []
        if visible:
            display.append(_bars_block(config, results, ctx.translator))
        extra: dict[str, Any] = {"results_hidden": not visible}
        if ctx.role == "presenter":
            extra["voters"] = results["voters"]  # the presenter always sees how many voted
        dumped = config.model_dump(mode="json")
        return ActivityView(
            config={**dumped, "options": options},
            phase=_phase(ctx.activity_status),
            results=results if visible else None,
            display=display,
            accepting_answers=ctx.activity_status == "active",
            extra=extra,
        )

    def personal(
        self,
        config: PollConfig,
        state: dict[str, Any],
        results: dict[str, Any],
        ctx: PersonalContext,
    ) -> PersonalView:
        """Which view the participant sees (``answered`` while results show only to those
        who answered), whether they may answer, their choices and their option order."""
        own = next((a.answer.choices for a in ctx.own_answers), None)
        extra: dict[str, Any] = {"your_choices": own or []}
        if config.shuffle_options:
            order = _shuffled(
                list(range(len(config.options))), f"{ctx.participant_id}:{config.question}"
            )
            extra["option_order"] = order
        return PersonalView(
            variant=_variant(config, state, ctx.activity_status, answered=own is not None),
            accepting_answers=False if own is not None and not config.allow_change else None,
            extra=extra,
        )

    def apply_action(
        self,
        action: str,
        body: BaseModel,
        config: PollConfig,
        state: dict[str, Any],
        ctx: ActionContext,
    ) -> ActionOutcome:
        if action == "reveal":
            return ActionOutcome(state={**state, "shown": True}, message="Results shown")
        if action == "hide":
            return ActionOutcome(state={**state, "shown": False}, message="Results hidden")
        if action == "reset":
            voters = len({a.participant_id for a in ctx.answers})
            return ActionOutcome(
                state=self.initial_state(config),
                clear_slots=["*"],
                message=f"Cleared {voters} {'answer' if voters == 1 else 'answers'}",
            )
        raise ActionRejected(self.message("The poll has no action '{action}'", action=action))

    def export_columns(self, config: PollConfig) -> list[str]:
        return ["choices"]

    def export_row(
        self, config: PollConfig, state: dict[str, Any], answer: StoredAnswer[PollAnswer]
    ) -> dict[str, str]:
        options = config.options
        texts = [options[i].text for i in answer.answer.choices if i < len(options)]
        return {"choices": "; ".join(texts)}


def _bars_block(config: PollConfig, results: dict[str, Any], t: Translator) -> BarsBlock:
    # One bar per option in the config's order (the phone highlights its own choices).
    bars = [
        Bar(
            label=o["text"],
            count=o["count"],
            percent=o["percent"],
            image_url=config.options[o["index"]].image_url,
        )
        for o in results["options"]
    ]
    voters = results["voters"]
    return BarsBlock(
        title=config.question,
        bars=bars,
        show=config.show,
        total_label=t.ngettext("{n} voter", "{n} voters", voters),
    )


def _percent(count: int, total: int) -> float:
    return round(100.0 * count / total, 1) if total else 0.0


def _phase(status: str) -> str:
    return {"active": "voting", "expired": "closed"}.get(status, "draft")


def _variant(config: PollConfig, state: dict[str, Any], status: str, *, answered: bool) -> str:
    """``answered`` only while having answered is what shows the results."""
    follows_answer = (
        config.results_visibility == "after_answer"
        and state.get("shown") is None
        and status != "expired"
    )
    return ANSWERED if follows_answer and answered else ""


def _results_visible(
    config: PollConfig, state: dict[str, Any], ctx: ViewContext, *, answered: bool
) -> bool:
    shown = state.get("shown")
    if shown is not None:
        return bool(shown)
    rule = config.results_visibility
    if rule == "always":
        return True
    if rule == "after_answer":
        return ctx.role == "presenter" or answered or ctx.activity_status == "expired"
    if rule == "after_close":
        return ctx.activity_status == "expired"
    return False  # on_reveal


def _shuffled(items: list[int], seed: str) -> list[int]:
    """The same participant always gets the same order (a seed derived from their id)."""
    digest = hashlib.sha256(seed.encode()).digest()
    out = list(items)
    random.Random(int.from_bytes(digest[:8], "big")).shuffle(out)
    return out
