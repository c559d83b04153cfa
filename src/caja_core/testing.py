"""The plugin author's test kit.

Two tools:

* :class:`ActivityHarness` drives one activity type in memory the way the host does
  (parse the config, activate, take answers slot by slot, run admin actions, aggregate, cut
  views, export) so a type's behaviour can be tested without a database or a server.
* :class:`ActivityTypeContract` is a base class of contract tests. Subclass it in a test
  module whose name pytest collects, set a few class attributes, and every activity type gets
  the same checks: schemas generate, unknown config keys are rejected, good answers pass and
  bad ones are refused with a message, aggregation of nothing works and does not depend on the
  order of answers, results and views round-trip through JSON, export rows match their columns::

      from caja_core.testing import ActivityTypeContract
      import caja_rating

      class TestRatingContract(ActivityTypeContract):
          activity_type = caja_rating.RatingType()
          plugin = caja_rating
          config = {"question": "How was it?", "scale": 5}
          invalid_configs = [{"question": "How was it?", "scale": 1}]
          good_answers = [{"value": 1}, {"value": 5}]
          bad_answers = [{"value": 0}, {"value": "five"}, {}]

The pytest fixtures that run the real web app with your plugin over HTTP (``caja_plugin``,
``caja_host``, ``caja_app``, ``caja_client``, ``caja_admin``, ...) belong to the server
package: :mod:`caja_server.testing`, a pytest plugin that ``pip install "caja[test]"`` makes
pytest load by itself.

This module imports only ``caja_core``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import random
import uuid
from collections.abc import Mapping, Sequence
from typing import Any, ClassVar

import pytest

from caja_core.activity import (
    ActionContext,
    ActionOutcome,
    ActivityType,
    ActivityView,
    AggregateContext,
    AnswerContext,
    PersonalContext,
    PersonalView,
    Role,
    StoredAnswer,
    ViewContext,
    answer_schema_of,
    bind_answers,
    results_json,
    stored_json,
)
from caja_core.errors import AnswerRejected, ConfigInvalid, Conflict
from caja_core.harness_items import HarnessItems
from caja_core.plugins import PluginHost

__all__ = [
    "T0",
    "ActivityHarness",
    "ActivityTypeContract",
]

T0 = dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.UTC)
"""The harness's default clock start: a fixed instant, so tests are exact."""

_NAMESPACE = uuid.UUID("6f1c0a52-8d1e-4c8a-9a57-3c2f7f0d9b10")


class ActivityHarness(HarnessItems):
    """One activity driven in memory the way the host drives it.

    Args:
        activity_type: the type under test (an instance).
        config: the raw config (validated with :meth:`ActivityType.parse_config`).
        now: the clock's start; advance it with :meth:`advance`.

    Participants are made with :meth:`join` (ids derived from the nickname, so they are
    stable between runs). The harness keeps one answer per participant per slot, as the
    database does, and refuses answers when the activity is not active or past its deadline.
    """

    def __init__(
        self,
        activity_type: ActivityType[Any, Any],
        config: Mapping[str, Any],
        *,
        now: dt.datetime = T0,
    ) -> None:
        self.type = activity_type
        self.config = activity_type.parse_config(config)
        self.state: dict[str, Any] = activity_type.initial_state(self.config)
        self.now = now
        self.status = "draft"
        self.participants: dict[uuid.UUID, str] = {}
        self.connected: set[uuid.UUID] = set()
        self.answers: dict[tuple[uuid.UUID, str], StoredAnswer] = {}

    # -- clock and people -----------------------------------------------------------------

    def advance(self, seconds: float) -> dt.datetime:
        """Move the clock forward; returns the new time."""
        self.now += dt.timedelta(seconds=seconds)
        return self.now

    def join(self, nickname: str, *, connected: bool = True) -> uuid.UUID:
        """Add a participant (connected unless told otherwise); returns their id."""
        pid = uuid.uuid5(_NAMESPACE, nickname)
        self.participants[pid] = nickname
        if connected:
            self.connected.add(pid)
        return pid

    # -- lifecycle --------------------------------------------------------------------------

    def activate(self) -> None:
        """Activate the activity (``on_activate``)."""
        self.status = "active"
        self.state = self.type.on_activate(self.config, self.state, self.now)

    def close(self) -> None:
        """Close (expire) the activity (``on_close``)."""
        self.status = "expired"
        self.state = self.type.on_close(self.config, self.state, self.now)

    # -- answers ----------------------------------------------------------------------------

    def answer(self, participant: uuid.UUID | str, raw: Any) -> StoredAnswer:
        """Send one answer as ``participant`` (an id or a nickname; joins if new).

        The steps and their order are the host's (``caja_core.services.responses``): parse,
        lifecycle, slot, identical retry, deadline, ``validate_answer``, one answer per slot
        unless ``allows_change``, store, ``after_answer``. Returns the stored answer. Raises
        :class:`~caja_core.errors.AnswerRejected` when the type, the lifecycle or the deadline
        refuses it, and :class:`~caja_core.errors.Conflict` for a different second answer in
        a slot that does not allow changes.
        """
        pid = self._pid(participant)
        answer = self.type.parse_answer(raw)
        submitted = answer.model_dump(mode="json")
        previous = tuple(a for (p, _), a in sorted(self.answers.items()) if p == pid)
        ctx = AnswerContext(now=self.now, participant_id=pid, previous=previous)
        if self.status != "active":
            raise AnswerRejected("This activity is not open for answers")
        slot = self.type.answer_slot(self.config, self.state, answer, ctx)
        existing = self.answers.get((pid, slot))
        if existing is not None and existing.data == submitted:
            return existing  # an identical retry
        deadline = self.type.deadline(self.config, self.state)
        if deadline is not None and self.now > deadline:
            raise AnswerRejected("Time is up: answers are no longer accepted")
        validated, meta = self.type.validate_answer(self.config, self.state, answer, ctx)
        data = stored_json(validated)
        submitted_at = self.now
        if existing is not None:
            if existing.data == data:
                return existing  # an identical retry
            if not self.type.allows_change(self.config, self.state):
                raise Conflict("You have already answered; this activity does not allow changes")
            submitted_at = existing.submitted_at
        stored: StoredAnswer[Any] = StoredAnswer(
            pid, self.participants[pid], slot, data, meta, submitted_at, self.type.answer_model
        )
        self.answers[(pid, slot)] = stored
        new_state = self.type.after_answer(
            self.config, self.state, self.stored(), self._aggregate_context()
        )
        if new_state is not None:
            self.state = new_state
        return stored

    def stored(self) -> list[StoredAnswer]:
        """Every stored answer, in submission order."""
        return sorted(self.answers.values(), key=lambda a: (a.submitted_at, str(a.slot)))

    # -- actions, results, views, export ----------------------------------------------------

    def act(self, action: str, body: Any = None) -> ActionOutcome:
        """Run an admin action and apply its outcome (state, cleared slots, close)."""
        parsed = self.type.parse_action(action, body)
        ctx = ActionContext(
            now=self.now,
            answers=self.stored(),
            participants=dict(self.participants),
            connected=frozenset(self.connected),
            items=self.items(),
        )
        outcome = self.type.apply_action(action, parsed, self.config, self.state, ctx)
        if outcome.state is not None:
            self.state = outcome.state
        if "*" in outcome.clear_slots:
            self.answers.clear()
        else:
            cleared = set(outcome.clear_slots)
            self.answers = {k: v for k, v in self.answers.items() if k[1] not in cleared}
        if outcome.close:
            self.close()
        return outcome

    def results(self, answers: Sequence[StoredAnswer] | None = None) -> Any:
        """``aggregate`` over the stored answers (or the given ones): a dict, or the type's
        results model (:func:`~caja_core.activity.results_json` makes it JSON)."""
        chosen = self.stored() if answers is None else list(answers)
        bind_answers(self.type, chosen)
        return self.type.aggregate(self.config, self.state, chosen, self._aggregate_context())

    def view(
        self, role: Role = "presenter", participant: uuid.UUID | str | None = None
    ) -> ActivityView:
        """What ``role`` (and, for a participant, who) sees now."""
        pid = self._pid(participant) if participant is not None else None
        own = tuple(a for a in self.stored() if a.participant_id == pid)
        ctx = ViewContext(
            role=role,
            now=self.now,
            activity_status=self.status,
            participant_id=pid,
            own_answers=own,
            items=self.items_for(role),
        )
        return self.type.view(self.config, self.state, self.results(), ctx)

    def phone(self, participant: uuid.UUID | str) -> tuple[ActivityView, PersonalView | None]:
        """What a participant's phone gets, the way the host renders it: for a type with
        :meth:`~caja_core.activity.ActivityType.personal`, the shared participant view of
        the participant's variant (no participant id given) and the personal part; for a
        contract-1 type, the participant's own view and None."""
        pid = self._pid(participant)
        own = tuple(a for a in self.stored() if a.participant_id == pid)
        results = self.results()
        items, votes = self.own_items_of(pid)
        mine = self.type.personal(
            self.config,
            self.state,
            results,
            PersonalContext(
                now=self.now,
                activity_status=self.status,
                participant_id=pid,
                own_answers=own,
                own_items=items,
                own_votes=votes,
            ),
        )
        if mine is None:
            return self.view("participant", pid), None
        ctx = ViewContext(
            role="participant",
            now=self.now,
            activity_status=self.status,
            variant=mine.variant,
            items=self.items_for("participant"),
        )
        return self.type.view(self.config, self.state, results, ctx), mine

    def phone_view(self, participant: uuid.UUID | str) -> ActivityView:
        """What the participant's phone shows: the shared view of their variant with their
        personal part laid over it, as the host and the web app merge them (answers only
        when both say so; ``extra`` merged; the personal display blocks after the shared)."""
        view, mine = self.phone(participant)
        if mine is None:
            return view
        accepting = view.accepting_answers and mine.accepting_answers is not False
        return view.model_copy(
            update={
                "accepting_answers": accepting,
                "extra": {**view.extra, **mine.extra},
                "display": [*view.display, *mine.display],
            }
        )

    def export(self) -> list[dict[str, str]]:
        """The type's export cells for every stored answer."""
        return [self.type.export_row(self.config, self.state, a) for a in self.stored()]

    def _aggregate_context(self) -> AggregateContext:
        return AggregateContext(
            now=self.now,
            participants=dict(self.participants),
            connected=frozenset(self.connected),
            items=self.items(),
        )

    def _pid(self, participant: uuid.UUID | str) -> uuid.UUID:
        if isinstance(participant, uuid.UUID):
            return participant
        pid = uuid.uuid5(_NAMESPACE, participant)
        return pid if pid in self.participants else self.join(participant)


class ActivityTypeContract:
    """Contract tests every activity type should pass. Subclass as ``Test...``.

    Class attributes:
        activity_type: an instance of the type under test.
        config: a valid raw config.
        plugin: the plugin module (with the ``caja_register_activity_types`` hook), to check
            it registers the type; None skips that check.
        invalid_configs: raw configs that must be refused with ``ConfigInvalid``.
        good_answers: raw answers that must be accepted (each sent by a new participant
            once :meth:`open_for_answers` has run).
        bad_answers: raw answers that must be refused with a readable message.
        good_items / bad_items: the same for items (types with ``item_model``).

    Override :meth:`open_for_answers` when the type needs more than activation before it
    accepts answers (a quiz opens its first question with an action).
    """

    activity_type: ClassVar[ActivityType[Any, Any]]
    config: ClassVar[dict[str, Any]]
    plugin: ClassVar[object | None] = None
    invalid_configs: ClassVar[Sequence[Mapping[str, Any]]] = ()
    good_answers: ClassVar[Sequence[Any]] = ()
    bad_answers: ClassVar[Sequence[Any]] = ()
    good_items: ClassVar[Sequence[Any]] = ()
    bad_items: ClassVar[Sequence[Any]] = ()

    def open_for_answers(self, harness: ActivityHarness) -> None:
        """Bring a fresh harness to a moment that accepts answers. Default: activate it."""
        harness.activate()

    def make_harness(self) -> ActivityHarness:
        """A harness with :attr:`config`, opened for answers."""
        harness = ActivityHarness(self.activity_type, self.config)
        self.open_for_answers(harness)
        return harness

    def answered_harness(self, copies: int = 2) -> ActivityHarness:
        """A harness where each good answer (and good item) was sent by ``copies`` different
        participants."""
        harness = self.make_harness()
        for n, (raw, copy) in enumerate(itertools.product(self.good_answers, range(copies))):
            harness.answer(f"contract-{n}-{copy}", raw)
        for n, (raw, copy) in enumerate(itertools.product(self.good_items, range(copies))):
            harness.submit_item(f"contract-item-{n}-{copy}", raw)
        return harness

    # -- identity and schemas -----------------------------------------------------------------

    def test_names(self) -> None:
        t = self.activity_type
        assert isinstance(t, ActivityType)
        assert t.name
        assert t.name == t.name.lower()
        assert " " not in t.name
        assert t.title.strip(), "an activity type needs a human title"

    def test_registers_through_the_hook(self) -> None:
        if self.plugin is None:
            pytest.skip("no plugin module given")
        host = PluginHost(strict=True)
        host.register(self.plugin, name=f"contract-{self.activity_type.name}")
        assert type(host.get(self.activity_type.name)) is type(self.activity_type)

    def test_schemas_generate(self) -> None:
        t = self.activity_type
        config = t.parse_config(self.config)
        schemas = [t.config_schema(), answer_schema_of(t), answer_schema_of(t, config)]
        for schema in schemas:
            assert schema.get("type") == "object" or "$ref" in schema or "oneOf" in schema
            json.dumps(schema)
        results = t.results_schema()
        if results is not None:
            json.dumps(results)
        for model in t.actions.values():
            json.dumps(model.model_json_schema())

    def test_forms_show_human_titles(self) -> None:
        """The generated forms show no class names ("RatingConfig") and no docstrings."""
        t = self.activity_type
        for schema, model in (
            (t.config_schema(), t.config_model),
            (answer_schema_of(t, t.parse_config(self.config)), t.answer_model),
        ):
            assert schema.get("title") != model.__name__, (
                f"the form would show the class name {model.__name__!r}: publish it through "
                "caja_core.ui.form_schema (the default config_schema/answer_schema do)"
            )
            doc = (model.__doc__ or "").strip()
            if doc:
                assert schema.get("description") != doc, "a developer docstring in the form"

    # -- config -------------------------------------------------------------------------------

    def test_valid_config_parses(self) -> None:
        parsed = self.activity_type.parse_config(self.config)
        again = self.activity_type.parse_config(parsed.model_dump(mode="json"))
        assert again == parsed, "a parsed config must survive a JSON round trip"

    def test_unknown_config_keys_rejected(self) -> None:
        with pytest.raises(ConfigInvalid) as info:
            self.activity_type.parse_config({**self.config, "no_such_setting": True})
        assert info.value.errors, "ConfigInvalid must list field errors"

    def test_invalid_configs_rejected(self) -> None:
        for raw in self.invalid_configs:
            with pytest.raises(ConfigInvalid) as info:
                self.activity_type.parse_config(raw)
            assert info.value.detail, f"no message for {raw!r}"
            assert info.value.errors, f"no field errors for {raw!r}"

    # -- answers ------------------------------------------------------------------------------

    def test_good_answers_accepted(self) -> None:
        harness = self.make_harness()
        for n, raw in enumerate(self.good_answers):
            stored = harness.answer(f"good-{n}", raw)
            json.dumps(stored.data)
            json.dumps(stored.meta)

    def test_bad_answers_refused_with_a_message(self) -> None:
        harness = self.make_harness()
        for n, raw in enumerate(self.bad_answers):
            with pytest.raises(AnswerRejected) as info:
                harness.answer(f"bad-{n}", raw)
            assert info.value.detail.strip(), f"no message for {raw!r}"
        assert harness.stored() == []

    # -- results ------------------------------------------------------------------------------

    def test_aggregate_of_nothing(self) -> None:
        harness = self.make_harness()
        results = results_json(harness.results())
        assert json.loads(json.dumps(results)) == results
        harness.join("nobody-yet")
        for role, who in (("presenter", None), ("participant", "nobody-yet")):
            view = harness.view(role, who)  # type: ignore[arg-type]
            assert ActivityView.model_validate_json(view.model_dump_json()) == view

    def test_aggregate_does_not_depend_on_order(self) -> None:
        harness = self.answered_harness()
        answers = harness.stored()
        expected = results_json(harness.results(answers))
        rng = random.Random(1234)
        for _ in range(5):
            shuffled = list(answers)
            rng.shuffle(shuffled)
            assert results_json(harness.results(shuffled)) == expected
        assert results_json(harness.results(list(reversed(answers)))) == expected

    def test_results_and_views_round_trip_through_json(self) -> None:
        harness = self.answered_harness()
        results = results_json(harness.results())
        assert json.loads(json.dumps(results)) == results
        who = next(iter(harness.participants))
        for role, pid in (("presenter", None), ("participant", who)):
            view = harness.view(role, pid)  # type: ignore[arg-type]
            assert ActivityView.model_validate_json(view.model_dump_json()) == view

    def test_personal_views_move_only_with_own_answers_or_state(self) -> None:
        """A phone renews its personal document when it answers or when the activity's
        state moves (the shared document's epoch), not when someone else answers: what
        ``personal`` returns may not depend on others' answers alone."""
        harness = self.make_harness()
        watcher = harness.join("watcher")
        if self.good_answers:
            with contextlib.suppress(AnswerRejected):
                harness.answer(watcher, self.good_answers[0])
        for n, raw in enumerate(self.good_answers):
            state, before = harness.state, harness.phone(watcher)[1]
            if before is None:
                pytest.skip("the type has no personal views (contract 1)")
            harness.answer(f"other-{n}", raw)
            if harness.state == state:
                assert harness.phone(watcher)[1] == before, (
                    "a participant's personal view changed with someone else's answer"
                )

    def test_export_rows_match_columns(self) -> None:
        harness = self.answered_harness(copies=1)
        columns = self.activity_type.export_columns(harness.config)
        assert columns
        assert len(set(columns)) == len(columns)
        for row in harness.export():
            assert set(row) == set(columns)
            assert all(isinstance(v, str) for v in row.values())

    def test_items_accepted_and_refused(self) -> None:
        harness = self.make_harness()
        for n, raw in enumerate(self.good_items):
            harness.submit_item(f"good-{n}", raw)
        for n, raw in enumerate(self.bad_items):
            with pytest.raises(AnswerRejected) as info:
                harness.submit_item(f"bad-{n}", raw)
            assert info.value.detail.strip(), f"no message for {raw!r}"
        assert len(harness.items()) == len(self.good_items)

    def test_phones_never_see_pending_or_hidden_items(self) -> None:
        if self.activity_type.item_model is None or not self.good_items:
            pytest.skip("the type takes no items")
        harness = self.make_harness()
        secrets = []
        for n, raw in enumerate(self.good_items):
            item = harness.submit_item(f"author-{n}", raw)
            if item.status == "visible":
                harness.moderate(item.id, "hide")
            secrets.append(item)
        harness.join("onlooker")
        view, mine = harness.phone("onlooker")
        shown = view.model_dump_json() + (mine.model_dump_json() if mine else "")
        for item in secrets:
            assert str(item.id) not in shown, "a phone sees an item nobody may see"

    def test_actions_have_body_models(self) -> None:
        for name, model in self.activity_type.actions.items():
            assert isinstance(name, str)
            assert name
            assert callable(getattr(model, "model_validate", None)), f"{name}: not a model"
