"""What the host hands an activity type's methods, and what they hand back.

Plain frozen dataclasses and pydantic models, re-exported by :mod:`caja_core.activity` and
:mod:`caja_core`; see ``docs/plugins.md`` for when each is given.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, cast

from pydantic import BaseModel, Field, field_validator
from typing_extensions import TypeVar

from caja_core.display import DisplayBlock
from caja_core.i18n import ENGLISH, Translator

Role = Literal["presenter", "participant"]
"""Who is looking: ``presenter`` (admin console and big screen) or ``participant`` (a phone)."""

AnswerT = TypeVar("AnswerT", bound=BaseModel, default=Any)

JSON = dict[str, Any]


@dataclass(frozen=True)
class StoredAnswer(Generic[AnswerT]):
    """An answer as stored by the host.

    ``answer`` is the participant's answer as an instance of the type's ``answer_model``
    (typed: ``a.answer.value``); ``data`` is the same answer as stored JSON.
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
    answer_model: type[BaseModel] | None = field(default=None, compare=False, repr=False)
    """The model ``answer`` is parsed with; the host sets it (see :func:`bind_answers`)."""

    @property
    def answer(self) -> AnswerT:
        """The answer as the type's answer model (parsed once, on first use)."""
        parsed: AnswerT | None = self.__dict__.get("_answer")
        if parsed is None:
            if self.answer_model is None:
                raise RuntimeError(
                    "This StoredAnswer has no answer model: the host binds one before it "
                    "calls a plugin (caja_core.activity.bind_answers)"
                )
            parsed = cast(AnswerT, self.answer_model.model_validate(self.data))
            object.__setattr__(self, "_answer", parsed)
        return parsed


def bind_answers(activity_type: Any, answers: Iterable[StoredAnswer[Any]]) -> None:
    """Give each answer its type's answer model, so that ``answer.answer`` is typed.

    The host calls it before it hands answers to a plugin; answers already bound are left as
    they are. Cheap: it sets one attribute per answer and parses nothing until used.
    """
    model = activity_type.answer_model
    for answer in answers:
        if answer.answer_model is not model:
            object.__setattr__(answer, "answer_model", model)
            answer.__dict__.pop("_answer", None)


@dataclass(frozen=True)
class StoredItem:
    """An item as stored by the host (see ``ActivityType.item_model``): a Q&A question, an
    open-text answer.

    ``data`` is the item as :meth:`~caja_core.activity.ActivityType.validate_item` returned
    it; ``status`` is ``pending`` (waiting for approval), ``visible`` or ``hidden``;
    ``author_id`` and ``nickname`` are None for an anonymous item in any view but the
    author's own; ``votes`` counts the participants who voted for it.
    """

    id: uuid.UUID
    data: JSON
    status: str
    anonymous: bool
    author_id: uuid.UUID | None
    nickname: str | None
    votes: int
    created_at: dt.datetime
    updated_at: dt.datetime


@dataclass(frozen=True)
class ItemRules:
    """What the host enforces for a type's items, in the same transaction as the write.

    Attributes:
        accepting: whether new items are taken now (e.g. False once the presenter closed
            the questions).
        max_per_participant: how many items one participant may have (retries of one item
            don't count twice).
        moderated: True to hold new items as ``pending`` until the presenter approves them;
            False to show them at once (the presenter can still hide one).
        votes: whether participants may vote for others' items (one vote each; they may
            withdraw it; never for their own).
        anonymous: whether a participant may submit an item without their name.
    """

    accepting: bool = True
    max_per_participant: int = 10
    moderated: bool = False
    votes: bool = False
    anonymous: bool = False


@dataclass(frozen=True)
class ItemContext:
    """What the host knows when a participant submits an item."""

    now: dt.datetime
    participant_id: uuid.UUID
    own_items: Sequence[StoredItem] = ()
    """The participant's earlier items of this activity, in any status."""


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
    previous: Sequence[StoredAnswer[Any]] = ()


@dataclass(frozen=True)
class AggregateContext:
    """Extra facts for aggregation: everyone in the session and who is connected."""

    now: dt.datetime
    participants: Mapping[uuid.UUID, str] = field(default_factory=dict)
    """participant id -> nickname, for every participant in the session."""
    connected: frozenset[uuid.UUID] = frozenset()
    """ids of participants seen recently."""
    items: Sequence[StoredItem] = ()
    """Every item of the activity, in any status, oldest first (types with ``item_model``)."""


@dataclass(frozen=True)
class ViewContext:
    """Who is looking, for :meth:`ActivityType.view`.

    ``activity_status`` is ``draft``, ``active`` or ``expired``.

    For a type that implements :meth:`ActivityType.personal`, the participant view is
    rendered once per ``variant`` and shared by every phone with that variant:
    ``participant_id`` is then None and ``own_answers`` empty, and what is one
    participant's own goes into :meth:`~ActivityType.personal` instead. For a type that
    does not, every phone's view is rendered for it with ``participant_id`` and
    ``own_answers`` set (contract 1, still supported).
    """

    role: Role
    now: dt.datetime
    activity_status: str
    participant_id: uuid.UUID | None = None
    own_answers: Sequence[StoredAnswer[Any]] = ()
    variant: str = ""
    """The participant variant this view is for (see :class:`PersonalView`); "" otherwise."""
    translator: Translator = ENGLISH
    """The viewer's language, from the type's own catalogs: build labels with it."""
    items: Sequence[StoredItem] = ()
    """The items this role may see, oldest first: every item for the presenter, the
    ``visible`` ones for participants (with anonymous authors left out)."""


@dataclass(frozen=True)
class PersonalContext:
    """One participant, for :meth:`ActivityType.personal`."""

    now: dt.datetime
    activity_status: str
    participant_id: uuid.UUID
    own_answers: Sequence[StoredAnswer[Any]] = ()
    own_items: Sequence[StoredItem] = ()
    """The participant's own items in any status (so they see "waiting for approval")."""
    own_votes: frozenset[uuid.UUID] = frozenset()
    """The ids of the items this participant voted for."""
    translator: Translator = ENGLISH
    """The participant's language, from the type's own catalogs (labels of ``display``)."""


class PersonalView(BaseModel):
    """What is one participant's own in an activity at one moment.

    Attributes:
        variant: which shared participant view this participant sees. Participants with the
            same variant get identical bytes (a shared, cacheable document); keep the number
            of variants small and tied to what the participant may see, e.g. ``"answered"``
            for a poll whose results show only after answering. Default ``""``: one view.
        accepting_answers: False when this participant can't answer now (None: as the
            shared view says).
        extra: the participant's own facts (their card, score, rank, option order).
        display: display blocks only this participant sees (e.g. "Your score").
    """

    variant: str = ""
    accepting_answers: bool | None = None
    extra: JSON = Field(default_factory=dict)
    display: list[DisplayBlock] = Field(default_factory=list)


@dataclass(frozen=True)
class ActionContext:
    """Facts given to :meth:`ActivityType.apply_action`."""

    now: dt.datetime
    answers: Sequence[StoredAnswer[Any]]
    participants: Mapping[uuid.UUID, str] = field(default_factory=dict)
    connected: frozenset[uuid.UUID] = frozenset()
    items: Sequence[StoredItem] = ()
    """Every item of the activity, in any status, oldest first."""


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

    @field_validator("results", mode="before")
    @classmethod
    def _results_as_json(cls, value: Any) -> Any:
        """A results model instance is taken as its JSON data."""
        return value.model_dump(mode="json") if isinstance(value, BaseModel) else value
