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
            values = [a.answer.value for a in answers]
            return {"count": len(values), "average": sum(values) / len(values) if values else None}

        def view(self, config, state, results, ctx):
            ...

See ``docs/plugins.md`` for the full tutorial and reference.
"""

from __future__ import annotations

import datetime as dt
import inspect
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar, Generic

from pydantic import BaseModel, ConfigDict, ValidationError
from typing_extensions import TypeVar

from caja_core.contexts import (
    ActionContext,
    ActionOutcome,
    ActivityView,
    AggregateContext,
    AnswerContext,
    ItemContext,
    ItemRules,
    PersonalContext,
    PersonalView,
    Role,
    StoredAnswer,
    StoredItem,
    ViewContext,
    bind_answers,
)
from caja_core.errors import ActionRejected, AnswerRejected, ConfigInvalid
from caja_core.i18n import Message, Translator, translator_for
from caja_core.ui import form_schema

__all__ = [
    "CONTRACT_VERSION",
    "ActionContext",
    "ActionOutcome",
    "ActivityType",
    "ActivityView",
    "AggregateContext",
    "AnswerContext",
    "EmptyBody",
    "ItemContext",
    "ItemRules",
    "PersonalContext",
    "PersonalView",
    "Role",
    "StoredAnswer",
    "StoredItem",
    "StrictModel",
    "ViewContext",
    "answer_schema_of",
    "bind_answers",
    "results_json",
    "stored_json",
]

CONTRACT_VERSION = 2
"""The plugin contract this host implements (see "Upgrading" in ``docs/plugins.md``)."""

ConfigT = TypeVar("ConfigT", bound=BaseModel, default=Any)
AnswerT = TypeVar("AnswerT", bound=BaseModel, default=Any)

JSON = dict[str, Any]


class StrictModel(BaseModel):
    """A pydantic base model that rejects unknown fields. Use it for configs and answers."""

    model_config = ConfigDict(extra="forbid")


class ActivityType(Generic[ConfigT, AnswerT]):
    """Base class of every activity type. Subclass it and register an instance.

    Class attributes to set:
        name: stable machine name, ``[a-z][a-z0-9_-]*``, unique among installed types.
        title: human name shown in the admin UI ("Planning poker").
        description: one sentence for the admin UI.
        config_model: pydantic model of what the presenter sets up; its JSON Schema drives
            the admin form. Unknown keys must be rejected (use :class:`StrictModel`).
        answer_model: pydantic model of what a participant submits. Answers reach
            :meth:`aggregate`, :meth:`view` and the rest typed: ``stored.answer`` is an
            instance of it.
        results_model: optional pydantic model of what :meth:`aggregate` returns; its JSON
            Schema is published beside the others, and ``aggregate`` may return an instance.
        item_model: optional pydantic model of an item a participant submits (a Q&A
            question, an open-text answer): several per participant, seen by others, voted
            for and moderated by the host under :meth:`item_rules`.
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
    results_model: ClassVar[type[BaseModel] | None] = None
    item_model: ClassVar[type[BaseModel] | None] = None
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
                f"Invalid config for activity type '{self.name}': " + "; ".join(_short_errors(exc)),
                errors=_pydantic_errors(exc),
            ) from None

    def config_schema(self) -> JSON:
        """JSON Schema of the config (the admin form), with human titles only: the model's
        class name and docstring are left out (see :func:`caja_core.ui.form_schema`)."""
        return form_schema(self.config_model)

    def answer_schema(self, config: ConfigT | None = None) -> JSON:
        """JSON Schema of an answer: the participant's form for types without a web
        component.

        With ``config`` (the host passes the activity's parsed config for a participant's
        live state), the schema may depend on it, e.g. an ``enum`` of the configured item ids
        with their labels as titles (:func:`caja_core.ui.choices`). Without it (the
        catalogue at ``/api/activity-types``), return the config-independent schema.
        Default: the answer model's schema either way.
        """
        return form_schema(self.answer_model)

    def item_schema(self) -> JSON | None:
        """JSON Schema of an item (the phone's entry form), or None without an
        :attr:`item_model`."""
        return form_schema(self.item_model) if self.item_model is not None else None

    def results_schema(self) -> JSON | None:
        """JSON Schema of :meth:`aggregate`'s results (None without a :attr:`results_model`)."""
        return form_schema(self.results_model) if self.results_model is not None else None

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
    ) -> tuple[JSON | BaseModel, JSON]:
        """Check an answer against the config and state.

        Returns ``(answer, meta)``: the answer to store, normalised (a model instance, or
        its JSON as a dict), and facts computed on receipt (e.g. ``{"elapsed_ms": 2300}``).
        Raise :class:`~caja_core.errors.AnswerRejected` with a message the participant can
        read. Default: store the parsed answer as it is.
        """
        return answer, {}

    def allows_change(self, config: ConfigT, state: JSON) -> bool:
        """Whether a participant may replace their answer (in the same slot)."""
        return False

    def after_answer(
        self,
        config: ConfigT,
        state: JSON,
        answers: Sequence[StoredAnswer[AnswerT]],
        ctx: AggregateContext,
    ) -> JSON | None:
        """Called after an answer is stored, with every answer. Return a new state to
        change it (e.g. poker's auto-reveal when everyone has voted), or None."""
        return None

    def deadline(self, config: ConfigT, state: JSON) -> dt.datetime | None:
        """When answers stop being accepted by the type's own clock, or None."""
        return None

    # -- items --------------------------------------------------------------------------

    def item_rules(self, config: ConfigT, state: JSON) -> ItemRules:
        """The host's rules for this activity's items now (how many each, moderation,
        votes, anonymity). Only called for types with an :attr:`item_model`."""
        return ItemRules()

    def validate_item(
        self, config: ConfigT, state: JSON, item: BaseModel, ctx: ItemContext
    ) -> JSON | BaseModel:
        """Check and normalise a participant's item (parsed with :attr:`item_model`);
        return what to store. Raise :class:`~caja_core.errors.AnswerRejected` with a message
        the participant can read. Clean free text with :mod:`caja_core.text`. Default: the
        item as parsed."""
        return item

    def export_item(self, config: ConfigT, item: StoredItem) -> dict[str, str]:
        """One item as readable export cells (the host adds author, votes, status and
        times). Default: the item's fields as text."""
        return {key: str(value) for key, value in item.data.items()}

    # -- results ------------------------------------------------------------------------

    def aggregate(
        self,
        config: ConfigT,
        state: JSON,
        answers: Sequence[StoredAnswer[AnswerT]],
        ctx: AggregateContext,
    ) -> Any:
        """Compute the full results from every stored answer (pure, order-independent).

        Returns a JSON-serialisable dict, or an instance of :attr:`results_model`. The host
        calls it at most once per session version and keeps the result; :meth:`view` and
        :meth:`personal` get exactly what it returned. Presenter and participant views are
        cut from it by :meth:`view`.
        """
        raise NotImplementedError

    def view(self, config: ConfigT, state: JSON, results: Any, ctx: ViewContext) -> ActivityView:
        """What ``ctx.role`` may see now: the visible config, results and display blocks.

        ``results`` is what :meth:`aggregate` returned. For participants of a type that
        implements :meth:`personal`, this view is shared by every phone of one
        ``ctx.variant`` (``ctx.participant_id`` is None): it must not contain anything one
        participant may see and another may not.
        """
        raise NotImplementedError

    def personal(
        self, config: ConfigT, state: JSON, results: Any, ctx: PersonalContext
    ) -> PersonalView | None:
        """What is this participant's own: their variant of the shared view and their own
        facts (see :class:`PersonalView`).

        Implement it so that the participant view can be rendered once per variant and
        served to every phone from a shared cache. Default None: the host renders
        :meth:`view` for each participant instead (contract 1; correct, but not shared).
        """
        return None

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

    def export_row(
        self, config: ConfigT, state: JSON, answer: StoredAnswer[AnswerT]
    ) -> dict[str, str]:
        """One answer as readable export cells keyed by :meth:`export_columns`."""
        return {"answer": ", ".join(f"{k}={v}" for k, v in answer.data.items())}


def results_json(results: Any) -> JSON:
    """:meth:`ActivityType.aggregate`'s results as JSON data (a model is dumped)."""
    if isinstance(results, BaseModel):
        return results.model_dump(mode="json")
    return results if results is not None else {}


def stored_json(answer: JSON | BaseModel) -> JSON:
    """What :meth:`ActivityType.validate_answer` returned, as the JSON the host stores."""
    return answer.model_dump(mode="json") if isinstance(answer, BaseModel) else answer


def answer_schema_of(activity_type: ActivityType[Any, Any], config: Any = None) -> JSON:
    """The type's answer schema for ``config`` (or its config-independent one).

    A contract-1 type overrides ``answer_schema(self)`` without a config: it is called
    without one (see "Upgrading" in ``docs/plugins.md``).
    """
    if takes_config(activity_type.answer_schema):
        return activity_type.answer_schema(config)
    return activity_type.answer_schema()


def takes_config(method: Any) -> bool:
    """Whether a bound ``answer_schema`` accepts the config (contract 2) or not (1)."""
    try:
        params = inspect.signature(method).parameters
    except (TypeError, ValueError):
        return True
    return len(params) >= 1


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
