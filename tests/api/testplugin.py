"""A tiny activity type for the API tests, registered with ``PluginHost.register``.

``vote``: pick one of the configured options. Actions: ``reset`` (no body, clears the
answers) and ``note`` (a body with ``text``; refused while the activity is a draft).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from pydantic import Field

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
    StoredAnswer,
    StrictModel,
    ViewContext,
    hookimpl,
)
from caja_core.display import Bar, BarsBlock


class VoteConfig(StrictModel):
    options: list[str] = Field(min_length=2, max_length=6)
    allow_change: bool = False


class VoteAnswer(StrictModel):
    choice: int


class NoteBody(StrictModel):
    text: str = Field(min_length=1, max_length=100)


class Vote(ActivityType[VoteConfig, VoteAnswer]):
    name = "vote"
    title = "Vote"
    description = "Pick one option (API test type)"
    config_model = VoteConfig
    answer_model = VoteAnswer
    actions = {"reset": EmptyBody, "note": NoteBody}
    static_dir = Path(__file__).parent / "plugin_static"
    web_component = "/plugins/vote/vote.js"

    def validate_answer(
        self, config: VoteConfig, state: dict[str, Any], answer: VoteAnswer, ctx: AnswerContext
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        if not 0 <= answer.choice < len(config.options):
            raise AnswerRejected(f"Choose one of the {len(config.options)} options")
        return {"choice": answer.choice}, {}

    def allows_change(self, config: VoteConfig, state: dict[str, Any]) -> bool:
        return config.allow_change

    def aggregate(
        self,
        config: VoteConfig,
        state: dict[str, Any],
        answers: Sequence[StoredAnswer],
        ctx: AggregateContext,
    ) -> dict[str, Any]:
        counts = Counter(a.data["choice"] for a in answers)
        return {"counts": [counts.get(i, 0) for i in range(len(config.options))]}

    def view(
        self, config: VoteConfig, state: dict[str, Any], results: dict[str, Any], ctx: ViewContext
    ) -> ActivityView:
        total = sum(results["counts"]) or 1
        presenter = ctx.role == "presenter"
        bars = [
            Bar(label=o, count=c, percent=100 * c / total)
            for o, c in zip(config.options, results["counts"], strict=True)
        ]
        return ActivityView(
            config=config.model_dump(),
            phase="voting",
            results=results if presenter else None,
            display=[BarsBlock(bars=bars)] if presenter else [],
            extra={"note": state.get("note")},
        )

    def apply_action(
        self, action: str, body: Any, config: VoteConfig, state: dict[str, Any], ctx: ActionContext
    ) -> ActionOutcome:
        if action == "reset":
            return ActionOutcome(state={}, clear_slots=["*"], message="Cleared")
        if "note" in state:
            raise ActionRejected("A note was already set")
        return ActionOutcome(state={**state, "note": body.text}, message="Noted")

    def export_columns(self, config: VoteConfig) -> list[str]:
        return ["choice"]

    def export_row(
        self, config: VoteConfig, state: dict[str, Any], answer: StoredAnswer
    ) -> dict[str, str]:
        return {"choice": config.options[answer.data["choice"]]}


class VotePlugin:
    """The plugin object registered in the tests' plugin host."""

    @hookimpl
    def caja_register_activity_types(self, register: Callable[[Vote], None]) -> None:
        register(Vote())


class CrashConfig(StrictModel):
    pass


class Crash(ActivityType[CrashConfig, VoteAnswer]):
    """A buggy type: its view raises. The server must answer a clean 500."""

    name = "crash"
    title = "Crash"
    config_model = CrashConfig
    answer_model = VoteAnswer

    def aggregate(
        self,
        config: CrashConfig,
        state: dict[str, Any],
        answers: Sequence[StoredAnswer],
        ctx: AggregateContext,
    ) -> dict[str, Any]:
        return {}

    def view(
        self, config: CrashConfig, state: dict[str, Any], results: dict[str, Any], ctx: ViewContext
    ) -> ActivityView:
        raise ZeroDivisionError("a plugin bug")


class CrashPlugin:
    @hookimpl
    def caja_register_activity_types(self, register: Callable[[Crash], None]) -> None:
        register(Crash())
