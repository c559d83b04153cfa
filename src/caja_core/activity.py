"""The activity-type contract: what a plugin implements.

An activity type is a class with a stable ``name``, pydantic models for its config and its
answer, and **pure** methods: data in, data out. No database, no HTTP, no globals. The host
(``caja_core.services``) loads the stored data, calls these methods, stores what they return
and caches their results per session version.

A minimal type::

    from pydantic import BaseModel
    from caja_core import ActivityType, AnswerContext, AggregateContext, ViewContext, ActivityView
    from caja_core.display import StatsBlock, Stat

    class Config(BaseModel):
        question: str

    class Answer(BaseModel):
        value: int

    class Rating(ActivityType[Config, Answer]):
        name = "rating"
        title = "Rating"
        description = "Rate from 1 to 5"
        config_model = Config
        answer_model = Answer

        def aggregate(self, config, state, answers, ctx):
            values = [a.data["value"] for a in answers]
            return {"count": len(values), "average": sum(values) / len(values) if values else None}

        def view(self, config, state, results, ctx):
            ...

See ``docs/plugins.md`` for the full tutorial and reference.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from caja_core.display import DisplayBlock
from caja_core.errors import ActionRejected, AnswerRejected, ConfigInvalid
from caja_core.i18n import ENGLISH, Message, Translator, translator_for

Role = Literal["presenter", "participant"]
"""Who is looking: ``presenter`` (admin console and big screen) or ``participant`` (a phone)."""

ConfigT = TypeVar("ConfigT", bound=BaseModel)
AnswerT = TypeVar("AnswerT", bound=BaseModel)

JSON = dict[str, Any]


class StrictModel(BaseModel):
    """A pydantic base model that rejects unknown fields. Use it for configs and answers."""

    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class StoredAnswer:
    """An answer as stored by the host.

    ``data`` is the participant's answer after :meth:`ActivityType.validate_answer`;
    ``meta`` is what the type computed on receipt (e.g. the quiz's response time).
    ``slot`` tells apart several answers of one participant to one activity (one per quiz
    question, one per poker round); it is ``""`` for types with one answer per participant.
    """

    participant_id: uuid.UUID
    nickname: str
    slot: str
    data: JSON
    meta: JSON
    submitted_at: dt.datetime


@dataclass(frozen=True)
class AnswerContext:
    """What the host knows when a participant sends an answer.

    Attributes:
        now: the server's clock (UTC). Use it, never ``datetime.now()``, so tests are exact.
        participant_id: who answers.
        previous: this participant's earlier answers to this activity (all slots).
    """

    now: dt.datetime
    participant_id: uuid.UUID
    previous: Sequence[StoredAnswer] = ()


@dataclass(frozen=True)
class AggregateContext:
    """Extra facts for aggregation: everyone in the session and who is connected."""

    now: dt.datetime
    participants: Mapping[uuid.UUID, str] = field(default_factory=dict)
    """participant id -> nickname, for every participant in the session."""
    connected: frozenset[uuid.UUID] = frozenset()
    """ids of participants seen recently."""


@dataclass(frozen=True)
class ViewContext:
    """Who is looking, for :meth:`ActivityType.view`.

    ``own_answers`` holds the participant's own stored answers (empty for the presenter).
    ``activity_status`` is ``draft``, ``active`` or ``expired``.
    """

    role: Role
    now: dt.datetime
    activity_status: str
    participant_id: uuid.UUID | None = None
    own_answers: Sequence[StoredAnswer] = ()
    translator: Translator = ENGLISH
    """The viewer's language, from the type's own catalogs: build labels with it."""


@dataclass(frozen=True)
class ActionContext:
    """Facts given to :meth:`ActivityType.apply_action`."""

    now: dt.datetime
    answers: Sequence[StoredAnswer]
    participants: Mapping[uuid.UUID, str] = field(default_factory=dict)
    connected: frozenset[uuid.UUID] = frozenset()


class ActionOutcome(BaseModel):
    """What an admin action (or a state transition) changed.

    Attributes:
        state: the activity's new runtime state (JSON-serialisable), or None to keep it.
        clear_slots: answers in these slots are deleted (``["*"]`` deletes every answer).
        close: True to close (expire) the activity, e.g. a quiz's ``finish``.
        message: a short human summary for the admin ("Revealed 12 votes").
    """

    state: JSON | None = None
    clear_slots: list[str] = Field(default_factory=list)
    close: bool = False
    message: str | None = None


class ActivityView(BaseModel):
    """What one role sees of an activity at one moment.

    Attributes:
        config: the config as this role may see it (no correct answers for participants
            before the reveal; a participant's own option order; only the current question).
        phase: a type-specific word for where the activity is ("voting", "revealed",
            "question", "leaderboard", ...). The UI may show it; it must be JSON-stable.
        results: the results as this role may see them, or None when hidden.
        display: how to draw those results (see :mod:`caja_core.display`); empty when hidden.
        deadline: when answers stop being accepted, if the type has its own clock
            (e.g. a quiz question's time limit). The host adds the activity's own timeout.
        accepting_answers: False when this role/participant can't answer now.
        extra: anything else the type wants to show this viewer (e.g. the participant's
            quiz score and rank after a reveal).
    """

    config: JSON
    phase: str = "open"
    results: JSON | None = None
    display: list[DisplayBlock] = Field(default_factory=list)
    deadline: dt.datetime | None = None
    accepting_answers: bool = True
    extra: JSON = Field(default_factory=dict)


class ActivityType(Generic[ConfigT, AnswerT]):
    """Base class of every activity type. Subclass it and register an instance.

    Class attributes to set:
        name: stable machine name, ``[a-z][a-z0-9_-]*``, unique among installed types.
        title: human name shown in the admin UI ("Planning poker").
        description: one sentence for the admin UI.
        config_model: pydantic model of what the presenter sets up; its JSON Schema drives
            the admin form. Unknown keys must be rejected (use :class:`StrictModel`).
        answer_model: pydantic model of what a participant submits.
        actions: admin action name -> pydantic model of its JSON body.
        web_component: optional URL path of an ES module that defines a custom element
            ``caja-<name>`` for a richer view. Without it the UI uses forms generated from
            the JSON Schemas and the display blocks.
        static_dir: optional folder of files the server publishes at
            ``/plugins/<name>/<file>`` (e.g. the web component's module, so that
            ``web_component = "/plugins/<name>/element.js"``).
        messages: optional folder of per-language JSON catalogs (``es.json``, ...) that
            translate the type's texts (see :mod:`caja_core.i18n`).
        action_titles: action name -> English button label (default: the name).

    Only :meth:`view` and :meth:`aggregate` must be overridden; the rest has sensible defaults.
    """

    name: ClassVar[str]
    title: ClassVar[str]
    description: ClassVar[str] = ""
    config_model: ClassVar[type[BaseModel]]
    answer_model: ClassVar[type[BaseModel]]
    actions: ClassVar[Mapping[str, type[BaseModel]]] = {}
    web_component: ClassVar[str | None] = None
    static_dir: ClassVar[Path | None] = None
    messages: ClassVar[Path | None] = None
    action_titles: ClassVar[Mapping[str, str]] = {}

    # -- translations -------------------------------------------------------------------

    def translator(self, language: str) -> Translator:
        """This type's texts in ``language`` (English for what its catalogs lack)."""
        return translator_for(self.messages, language)

    def message(self, template: str, /, **params: Any) -> Message:
        """A translatable error text: ``raise AnswerRejected(self.message("Up to {n}", n=3))``."""
        return Message(template, self.name, **params)

    # -- config -------------------------------------------------------------------------

    def parse_config(self, raw: Mapping[str, Any]) -> ConfigT:
        """Validate a raw config. Raises :class:`~caja_core.errors.ConfigInvalid` with
        field-level errors. Override to add cross-field checks (call ``super()`` first)."""
        try:
            return self.config_model.model_validate(dict(raw))  # type: ignore[return-value]
        except ValidationError as exc:
            raise ConfigInvalid(
                f"Invalid config for activity type '{self.name}'",
                errors=_pydantic_errors(exc),
            ) from None

    def config_schema(self) -> JSON:
        """JSON Schema of the config (the admin form)."""
        return self.config_model.model_json_schema()

    def answer_schema(self) -> JSON:
        """JSON Schema of an answer (the participant form of generic types)."""
        return self.answer_model.model_json_schema()

    # -- lifecycle ----------------------------------------------------------------------

    def initial_state(self, config: ConfigT) -> JSON:
        """The runtime state of a new (or reset) activity. Default: empty."""
        return {}

    def warm_up(self) -> None:
        """Load ahead of time what answering needs and takes long to load (a model, a
        large word list). The server calls it once per process, in a background thread
        right after start-up, so that neither the first answers nor the presenter's click
        wait for it; every replica does it. Default: nothing."""

    def on_activate(self, config: ConfigT, state: JSON, now: dt.datetime) -> JSON:
        """Called when the presenter activates the activity; returns the new state."""
        return state

    def on_close(self, config: ConfigT, state: JSON, now: dt.datetime) -> JSON:
        """Called when the activity closes (by the presenter, a deadline or a next
        activity); returns the new state."""
        return state

    # -- answers ------------------------------------------------------------------------

    def parse_answer(self, raw: Any) -> AnswerT:
        """Validate the shape of an answer; raises AnswerRejected with a readable message."""
        try:
            return self.answer_model.model_validate(raw)  # type: ignore[return-value]
        except ValidationError as exc:
            raise AnswerRejected(
                "Invalid answer: " + "; ".join(_short_errors(exc)),
                errors=_pydantic_errors(exc),
            ) from None

    def answer_slot(self, config: ConfigT, state: JSON, answer: AnswerT, ctx: AnswerContext) -> str:
        """Which slot this answer goes into. One answer per participant per slot is
        guaranteed by the database. Default ``""``: one answer per activity.

        The host treats an answer whose data equals the stored answer in the same slot as a
        retry (it returns the stored answer), so return the slot of an earlier equal answer
        when a type allows several (e.g. a word cloud entry sent twice). Raise
        :class:`~caja_core.errors.AnswerRejected` when no slot is left (e.g. all entries used).
        """
        return ""

    def validate_answer(
        self, config: ConfigT, state: JSON, answer: AnswerT, ctx: AnswerContext
    ) -> tuple[JSON, JSON]:
        """Check an answer against the config and state.

        Returns ``(data, meta)``: the answer to store (normalised) and facts computed on
        receipt (e.g. ``{"elapsed_ms": 2300}``). Raise
        :class:`~caja_core.errors.AnswerRejected` with a message the participant can read.
        Default: store the parsed answer as it is.
        """
        return answer.model_dump(mode="json"), {}

    def allows_change(self, config: ConfigT, state: JSON) -> bool:
        """Whether a participant may replace their answer (in the same slot)."""
        return False

    def after_answer(
        self, config: ConfigT, state: JSON, answers: Sequence[StoredAnswer], ctx: AggregateContext
    ) -> JSON | None:
        """Called after an answer is stored, with every answer. Return a new state to
        change it (e.g. poker's auto-reveal when everyone has voted), or None."""
        return None

    def deadline(self, config: ConfigT, state: JSON) -> dt.datetime | None:
        """When answers stop being accepted by the type's own clock, or None."""
        return None

    # -- results ------------------------------------------------------------------------

    def aggregate(
        self,
        config: ConfigT,
        state: JSON,
        answers: Sequence[StoredAnswer],
        ctx: AggregateContext,
    ) -> JSON:
        """Compute the full results from every stored answer (pure, order-independent).

        The host calls it at most once per session version and caches the result. It must
        be JSON-serialisable. Presenter and participant views are cut from it by
        :meth:`view`.
        """
        raise NotImplementedError

    def view(self, config: ConfigT, state: JSON, results: JSON, ctx: ViewContext) -> ActivityView:
        """What ``ctx.role`` may see now: the visible config, results and display blocks."""
        raise NotImplementedError

    # -- admin actions ------------------------------------------------------------------

    def apply_action(
        self, action: str, body: BaseModel, config: ConfigT, state: JSON, ctx: ActionContext
    ) -> ActionOutcome:
        """Apply an admin action named in :attr:`actions`; ``body`` is already parsed with
        its model. Raise :class:`~caja_core.errors.ActionRejected` when it can't apply."""
        raise ActionRejected(f"Activity type '{self.name}' has no action '{action}'")

    def parse_action(self, action: str, raw: Any) -> BaseModel:
        """Parse an action body with the action's model (422-style errors)."""
        model = self.actions.get(action)
        if model is None:
            known = ", ".join(sorted(self.actions)) or "none"
            raise ActionRejected(
                f"Activity type '{self.name}' has no action '{action}' (available: {known})"
            )
        try:
            return model.model_validate(raw if raw is not None else {})
        except ValidationError as exc:
            raise ActionRejected(
                f"Invalid body for action '{action}': " + "; ".join(_short_errors(exc)),
                errors=_pydantic_errors(exc),
            ) from None

    # -- export -------------------------------------------------------------------------

    def export_columns(self, config: ConfigT) -> list[str]:
        """Column names this type adds to the export (after the host's own columns)."""
        return ["answer"]

    def export_row(self, config: ConfigT, state: JSON, answer: StoredAnswer) -> dict[str, str]:
        """One answer as readable export cells keyed by :meth:`export_columns`."""
        return {"answer": ", ".join(f"{k}={v}" for k, v in answer.data.items())}


class EmptyBody(StrictModel):
    """Body of an admin action that takes no parameters."""


def _pydantic_errors(exc: ValidationError) -> list[dict[str, Any]]:
    return [
        {"loc": list(err["loc"]), "msg": err["msg"], "type": err["type"]}
        for err in exc.errors(include_url=False, include_context=False, include_input=False)
    ]


def _short_errors(exc: ValidationError) -> list[str]:
    out = []
    for err in exc.errors(include_url=False):
        loc = ".".join(str(p) for p in err["loc"])
        out.append(f"{loc}: {err['msg']}" if loc else err["msg"])
    return out
