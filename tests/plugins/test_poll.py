"""The poll: config rules, answers, visibility, shuffling, actions, export, exact counts."""

from __future__ import annotations

import uuid
from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import caja_plugins.poll
from caja_core import AnswerRejected, ConfigInvalid
from caja_core.errors import Conflict
from caja_core.testing import ActivityHarness, ActivityTypeContract
from caja_plugins.poll import PollType

POLL = PollType()


def make_config(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "question": "Best language?",
        "options": [{"text": "Python"}, {"text": "Rust"}, {"text": "Go"}, {"text": "Zig"}],
    }
    return {**base, **overrides}


def harness(**overrides: Any) -> ActivityHarness:
    h = ActivityHarness(POLL, make_config(**overrides))
    h.activate()
    return h


class TestPollContract(ActivityTypeContract):
    activity_type = POLL
    plugin = caja_plugins.poll
    config = make_config(multiple=True, max_selections=2)
    invalid_configs = (
        make_config(options=[{"text": "Only one"}]),
        make_config(options=[{"text": f"o{i}"} for i in range(31)]),
        make_config(options=[{"text": "Same"}, {"text": "same"}]),
        make_config(min_selections=2),
        make_config(multiple=True, min_selections=3, max_selections=2),
        make_config(multiple=True, max_selections=5),
        make_config(results_visibility="sometimes"),
        make_config(options=[{"text": "A", "image_url": "javascript:alert(1)"}, {"text": "B"}]),
        {"options": [{"text": "A"}, {"text": "B"}]},
    )
    good_answers = ({"choices": [0]}, {"choices": [1, 3]}, {"choices": [2, 0]})
    bad_answers = (
        {"choices": []},
        {"choices": [4]},
        {"choices": [0, 1, 2]},
        {"choices": [1, 1]},
        {"choice": 1},
        {"choices": "0"},
    )


# -- config -----


@pytest.mark.parametrize("count", [2, 30])
def test_two_to_thirty_options_are_accepted(count: int) -> None:
    parsed = POLL.parse_config(make_config(options=[{"text": f"Option {i}"} for i in range(count)]))
    assert len(parsed.options) == count


@pytest.mark.parametrize("count", [0, 1, 31])
def test_fewer_than_two_or_more_than_thirty_options_are_refused(count: int) -> None:
    with pytest.raises(ConfigInvalid) as info:
        POLL.parse_config(make_config(options=[{"text": f"Option {i}"} for i in range(count)]))
    assert info.value.errors[0]["loc"] == ["options"]


def test_unknown_keys_are_refused_at_every_level() -> None:
    with pytest.raises(ConfigInvalid) as info:
        POLL.parse_config(make_config(options=[{"text": "A", "colour": "red"}, {"text": "B"}]))
    assert info.value.errors[0]["loc"] == ["options", 0, "colour"]


def test_options_may_carry_an_image_url() -> None:
    parsed = POLL.parse_config(
        make_config(
            options=[{"text": "Cat", "image_url": "https://example.org/cat.png"}, {"text": "Dog"}]
        )
    )
    assert parsed.options[0].image_url == "https://example.org/cat.png"


# -- answers -----


def test_single_choice_takes_exactly_one_option() -> None:
    h = harness()
    with pytest.raises(AnswerRejected, match="exactly one"):
        h.answer("ann", {"choices": [0, 1]})
    assert h.answer("ann", {"choices": [1]}).data == {"choices": [1]}


def test_multiple_choice_respects_min_and_max() -> None:
    h = harness(multiple=True, min_selections=2, max_selections=3)
    with pytest.raises(AnswerRejected, match="between 2 and 3"):
        h.answer("ann", {"choices": [0]})
    with pytest.raises(AnswerRejected, match="between 2 and 3"):
        h.answer("ann", {"choices": [0, 1, 2, 3]})
    assert h.answer("ann", {"choices": [3, 0]}).data == {"choices": [0, 3]}


def test_unknown_option_is_refused_with_its_number() -> None:
    with pytest.raises(AnswerRejected, match="no option 9"):
        harness().answer("ann", {"choices": [9]})


def test_a_second_answer_is_refused_unless_changes_are_allowed() -> None:
    h = harness()
    h.answer("ann", {"choices": [0]})
    h.answer("ann", {"choices": [0]})  # an identical retry is fine
    with pytest.raises(Conflict, match="already answered"):
        h.answer("ann", {"choices": [1]})

    h = harness(allow_change=True)
    h.answer("ann", {"choices": [0]})
    h.answer("ann", {"choices": [1]})
    assert [o["count"] for o in h.results()["options"]] == [0, 1, 0, 0]
    assert POLL.allows_change(h.config, h.state)


def test_closed_poll_takes_no_answers() -> None:
    h = harness()
    h.close()
    with pytest.raises(AnswerRejected):
        h.answer("ann", {"choices": [0]})
    assert h.phone_view("ann").accepting_answers is False


# -- results and visibility -----


def test_results_count_and_percentage_per_option_and_voters() -> None:
    h = harness(multiple=True, max_selections=2)
    h.answer("ann", {"choices": [0, 1]})
    h.answer("bob", {"choices": [0]})
    h.answer("cy", {"choices": [2]})
    h.answer("dee", {"choices": [0, 2]})
    results = h.results()
    assert results["voters"] == 4
    assert [(o["count"], o["percent"]) for o in results["options"]] == [
        (3, 75.0),
        (1, 25.0),
        (2, 50.0),
        (0, 0.0),
    ]
    (bars,) = h.view().display
    assert bars.kind == "bars"
    assert [b.label for b in bars.bars] == ["Python", "Rust", "Go", "Zig"]
    assert bars.total_label == "4 voters"


def test_display_follows_counts_or_percentages_setting() -> None:
    h = harness(show="counts")
    (bars,) = h.view().display
    assert bars.show == "counts"


def test_visibility_always() -> None:
    h = harness(results_visibility="always")
    assert h.phone_view("ann").results is not None


def test_visibility_after_answer_is_a_variant_of_those_who_answered() -> None:
    h = harness(results_visibility="after_answer")
    h.answer("ann", {"choices": [1]})
    h.answer("cy", {"choices": [0]})
    h.join("bob")
    (ann, ann_own), (cy, cy_own), (bob, bob_own) = (h.phone(n) for n in ("ann", "cy", "bob"))
    assert ann_own is not None and cy_own is not None and bob_own is not None
    assert ann_own.variant == cy_own.variant == "answered"
    assert bob_own.variant == ""
    assert ann.model_dump_json() == cy.model_dump_json()  # one shared view per variant
    assert ann.results is not None
    assert not any(b.highlight for b in ann.display[0].bars)  # type: ignore[union-attr]
    assert (ann_own.extra["your_choices"], cy_own.extra["your_choices"]) == ([1], [0])
    assert bob.results is None
    assert bob.display == []
    assert bob.extra["results_hidden"] is True
    assert h.view("presenter").results is not None


def test_after_answer_has_one_variant_once_closed_or_revealed() -> None:
    h = harness(results_visibility="after_answer")
    h.answer("ann", {"choices": [1]})
    h.join("bob")
    h.act("reveal")
    assert {h.phone(n)[1].variant for n in ("ann", "bob")} == {""}  # type: ignore[union-attr]
    assert h.phone_view("bob").results is not None
    h.act("hide")
    assert h.phone_view("ann").results is None
    h = harness(results_visibility="after_answer")
    h.answer("ann", {"choices": [1]})
    h.close()
    assert h.phone("bob")[1].variant == h.phone("ann")[1].variant == ""  # type: ignore[union-attr]
    assert h.phone_view("bob").results is not None


def test_visibility_other_than_after_answer_is_one_view_for_all() -> None:
    for rule in ("always", "after_close", "on_reveal"):
        h = harness(results_visibility=rule)
        h.answer("ann", {"choices": [1]})
        h.join("bob")
        assert h.phone("ann")[1].variant == h.phone("bob")[1].variant == ""  # type: ignore[union-attr]


def test_an_answer_closes_the_form_unless_changes_are_allowed() -> None:
    h = harness()
    h.join("bob")
    h.answer("ann", {"choices": [1]})
    assert h.phone_view("ann").accepting_answers is False
    assert h.phone_view("bob").accepting_answers is True
    h = harness(allow_change=True)
    h.answer("ann", {"choices": [1]})
    assert h.phone_view("ann").accepting_answers is True
    assert h.phone_view("ann").extra["your_choices"] == [1]


def test_visibility_after_close() -> None:
    h = harness(results_visibility="after_close")
    h.answer("ann", {"choices": [1]})
    assert h.phone_view("ann").results is None
    assert h.view("presenter").results is None
    assert h.view("presenter").extra["voters"] == 1  # the count is never hidden from the host
    h.close()
    assert h.phone_view("ann").results is not None
    assert h.view("presenter").results is not None


def test_visibility_on_reveal_and_hide() -> None:
    h = harness(results_visibility="on_reveal")
    h.answer("ann", {"choices": [1]})
    assert h.view("presenter").results is None
    h.act("reveal")
    assert h.phone_view("ann").results is not None
    assert h.view("presenter").display
    h.act("hide")
    assert h.phone_view("ann").results is None
    assert h.view("presenter").display == []


def test_hide_overrides_always() -> None:
    h = harness(results_visibility="always")
    h.act("hide")
    assert h.phone_view("ann").results is None


def test_reset_clears_answers_and_keeps_config() -> None:
    h = harness(results_visibility="on_reveal")
    h.answer("ann", {"choices": [1]})
    h.act("reveal")
    outcome = h.act("reset")
    assert outcome.clear_slots == ["*"]
    assert h.stored() == []
    assert h.state == {"shown": None}
    assert h.config.question == "Best language?"
    assert h.answer("ann", {"choices": [2]}).data == {"choices": [2]}


# -- shuffling -----


def test_shuffled_order_is_per_participant_and_stable() -> None:
    h = harness(shuffle_options=True, options=[{"text": f"Option {i}"} for i in range(12)])
    orders = {}
    for name in ("ann", "bob", "cy", "dee"):
        h.join(name)
        first = h.phone_view(name).extra["option_order"]
        again = h.phone_view(name).extra["option_order"]
        assert first == again
        assert sorted(first) == list(range(12))
        orders[name] = first
        # the shared view keeps the config's order; the phone lays its own order over it
        assert [o["index"] for o in h.phone_view(name).config["options"]] == list(range(12))
    assert len({tuple(o) for o in orders.values()}) > 1
    presenter = [o["index"] for o in h.view("presenter").config["options"]]
    assert presenter == list(range(12))
    assert "option_order" not in h.view("presenter").extra


def test_unshuffled_order_is_the_config_order_for_everyone() -> None:
    h = harness()
    h.join("ann")
    assert [o["text"] for o in h.phone_view("ann").config["options"]] == [
        "Python",
        "Rust",
        "Go",
        "Zig",
    ]
    assert "option_order" not in h.phone_view("ann").extra


# -- export -----


def test_export_names_the_chosen_options() -> None:
    h = harness(multiple=True)
    h.answer("ann", {"choices": [3, 0]})
    assert POLL.export_columns(h.config) == ["choices"]
    assert h.export() == [{"choices": "Python; Zig"}]


# -- exact aggregation -----

choice_sets = st.lists(st.integers(0, 3), min_size=1, max_size=4, unique=True)


@settings(max_examples=60, deadline=None)
@given(st.lists(choice_sets, max_size=25), st.randoms(use_true_random=False))
def test_aggregate_equals_a_recount_in_any_order(choices: list[list[int]], rnd: Any) -> None:
    h = harness(multiple=True)
    for n, chosen in enumerate(choices):
        h.answer(f"p{n}", {"choices": chosen})
    answers = h.stored()
    rnd.shuffle(answers)
    results = h.results(answers)
    recount = Counter(c for chosen in choices for c in chosen)
    assert results["voters"] == len(choices)
    assert [o["count"] for o in results["options"]] == [recount[i] for i in range(4)]


def test_participant_ids_are_what_counts_not_nicknames() -> None:
    h = harness()
    pid = uuid.uuid4()
    h.participants[pid] = "ann"
    h.answer(pid, {"choices": [0]})
    h.answer("ann", {"choices": [1]})
    assert h.results()["voters"] == 2
