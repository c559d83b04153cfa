"""Fixtures for testing the rules without HTTP: a tiny activity type and ready-made data."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import Field
from sqlalchemy.orm import Session as DB

from caja_core import (
    ActionContext,
    ActionOutcome,
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
from caja_core.plugins import PluginHost
from caja_core.services import activities, admins, sessions
from caja_core.storage.db import Database
from caja_core.storage.models import Activity, Admin, Session

T0 = dt.datetime(2026, 1, 1, 12, 0, tzinfo=dt.UTC)


class PickConfig(StrictModel):
    options: list[str] = Field(min_length=2, max_length=5)
    allow_change: bool = False
    rounds: bool = False
    question_seconds: int | None = None


class PickAnswer(StrictModel):
    choice: int
    comment: str | None = None  # accepted but not stored: the stored form is normalised


class Pick(ActivityType[PickConfig, PickAnswer]):
    """A test type: pick one option; optional rounds (one answer per round)."""

    name = "pick"
    title = "Pick one"
    description = "Test type"
    config_model = PickConfig
    answer_model = PickAnswer
    actions = {"next_round": EmptyBody, "reset": EmptyBody, "finish": EmptyBody}

    def initial_state(self, config: PickConfig) -> dict[str, Any]:
        return {"round": 0, "activations": 0}

    def on_activate(
        self, config: PickConfig, state: dict[str, Any], now: dt.datetime
    ) -> dict[str, Any]:
        return {**state, "activations": state["activations"] + 1, "opened_at": now.isoformat()}

    def answer_slot(
        self, config: PickConfig, state: dict[str, Any], answer: PickAnswer, ctx: AnswerContext
    ) -> str:
        return f"r{state['round']}" if config.rounds else ""

    def validate_answer(
        self, config: PickConfig, state: dict[str, Any], answer: PickAnswer, ctx: AnswerContext
    ) -> tuple[dict[str, Any], dict[str, Any]]:
        if not 0 <= answer.choice < len(config.options):
            raise AnswerRejected(f"Choose one of the {len(config.options)} options")
        return {"choice": answer.choice}, {"received": ctx.now.isoformat()}

    def allows_change(self, config: PickConfig, state: dict[str, Any]) -> bool:
        return config.allow_change

    def deadline(self, config: PickConfig, state: dict[str, Any]) -> dt.datetime | None:
        if config.question_seconds is None or "opened_at" not in state:
            return None
        opened = dt.datetime.fromisoformat(state["opened_at"])
        return opened + dt.timedelta(seconds=config.question_seconds)

    def aggregate(
        self,
        config: PickConfig,
        state: dict[str, Any],
        answers: Any,
        ctx: AggregateContext,
    ) -> dict[str, Any]:
        counts = Counter(a.data["choice"] for a in answers if a.slot == self._slot(config, state))
        return {"counts": [counts.get(i, 0) for i in range(len(config.options))]}

    def _slot(self, config: PickConfig, state: dict[str, Any]) -> str:
        return f"r{state['round']}" if config.rounds else ""

    def view(
        self, config: PickConfig, state: dict[str, Any], results: dict[str, Any], ctx: ViewContext
    ) -> ActivityView:
        total = sum(results["counts"]) or 1
        bars = [
            Bar(label=o, count=c, percent=100 * c / total)
            for o, c in zip(config.options, results["counts"], strict=True)
        ]
        return ActivityView(
            config=config.model_dump(),
            results=results if ctx.role == "presenter" else None,
            display=[BarsBlock(bars=bars)] if ctx.role == "presenter" else [],
        )

    def apply_action(
        self, action: str, body: Any, config: PickConfig, state: dict[str, Any], ctx: ActionContext
    ) -> ActionOutcome:
        if action == "next_round":
            return ActionOutcome(state={**state, "round": state["round"] + 1})
        if action == "reset":
            return ActionOutcome(state=self.initial_state(config), clear_slots=["*"])
        return ActionOutcome(close=True, message=f"{len(ctx.answers)} answers")

    def export_columns(self, config: PickConfig) -> list[str]:
        return ["choice"]

    def export_row(
        self, config: PickConfig, state: dict[str, Any], answer: StoredAnswer
    ) -> dict[str, str]:
        return {"choice": config.options[answer.data["choice"]]}


class PickPlugin:
    @hookimpl
    def caja_register_activity_types(self, register: Any) -> None:
        register(Pick())


@pytest.fixture
def host() -> PluginHost:
    """A plugin host with only the test type."""
    host = PluginHost(strict=True)
    host.register(PickPlugin(), name="pick-plugin")
    return host


@pytest.fixture
def db(database: Database) -> Iterator[DB]:
    """One open transaction, committed at the end of the test (tests may commit in between
    through ``database.transaction()`` too)."""
    with database.transaction() as session:
        yield session


def make_admin(db: DB, username: str = "alice") -> Admin:
    return admins.create_admin(db, username, "correct horse battery")


@pytest.fixture
def admin(db: DB) -> Admin:
    return make_admin(db)


@pytest.fixture
def live_session(db: DB, admin: Admin) -> Session:
    """A started session."""
    s = sessions.create_session(db, admin, "Friday retro")
    sessions.start_session(db, admin, s.id, now=T0)
    return s


def open_pick(
    db: DB,
    host: PluginHost,
    admin: Admin,
    session: Session,
    *,
    title: str = "Color?",
    timeout_seconds: int | None = None,
    **config: Any,
) -> Activity:
    """A "pick" activity added to the session and activated at T0 (options red and blue
    unless ``config`` says otherwise)."""
    a = activities.add_activity(
        db,
        host,
        admin,
        session.id,
        type="pick",
        title=title,
        config={"options": ["red", "blue"], **config},
        timeout_seconds=timeout_seconds,
    )
    activities.activate_activity(db, host, admin, session.id, a.id, now=T0)
    return a
