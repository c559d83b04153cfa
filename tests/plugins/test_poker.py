"""Planning poker: decks, hidden votes, reveal, rounds, estimates, statistics, export."""

from __future__ import annotations

import datetime as dt
import json
import statistics
from collections import Counter
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import caja_plugins.poker
from caja_core import ActionRejected, AnswerRejected, ConfigInvalid
from caja_core.testing import ActivityHarness, ActivityTypeContract
from caja_plugins.poker import PokerType
from caja_plugins.poker.deck import card_value

POKER = PokerType()


def make_config(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "items": [{"title": "Login page"}, {"title": "Search"}, {"title": "Export"}],
        "auto_reveal": False,
    }
    return {**base, **overrides}


def table(*names: str, **overrides: Any) -> ActivityHarness:
    h = ActivityHarness(POKER, make_config(**overrides))
    for name in names:
        h.join(name)
    h.activate()
    return h


class TestPokerContract(ActivityTypeContract):
    activity_type = POKER
    plugin = caja_plugins.poker
    config = make_config(coffee_card=True)
    invalid_configs = (
        make_config(items=[]),
        make_config(deck="custom"),
        make_config(deck="custom", custom_cards=["S", "S"]),
        make_config(deck="custom", custom_cards=["1", "?"]),
        make_config(custom_cards=["1", "2"]),
        make_config(deck="planets"),
        make_config(round_seconds=1),
    )
    good_answers = ({"card": "5"}, {"card": "½"}, {"card": "?"}, {"card": "☕"}, {"card": "100"})
    bad_answers = ({"card": "7"}, {"card": "XL"}, {"card": ""}, {"value": "5"}, {})


# -- decks -----


@pytest.mark.parametrize(
    ("deck", "cards"),
    [
        ("modified_fibonacci", ["0", "½", "1", "2", "3", "5", "8", "13", "20", "40", "100", "?"]),
        ("fibonacci", ["0", "1", "2", "3", "5", "8", "13", "21", "34", "55", "89", "?"]),
        ("tshirt", ["XS", "S", "M", "L", "XL", "XXL", "?"]),
        ("powers_of_two", ["0", "1", "2", "4", "8", "16", "32", "64", "?"]),
    ],
)
def test_standard_decks(deck: str, cards: list[str]) -> None:
    assert POKER.parse_config(make_config(deck=deck)).cards() == cards


def test_custom_deck_with_coffee_and_without_unsure() -> None:
    parsed = POKER.parse_config(
        make_config(
            deck="custom", custom_cards=[" 1 ", "3", "9"], unsure_card=False, coffee_card=True
        )
    )
    assert parsed.cards() == ["1", "3", "9", "☕"]
    assert parsed.numeric()
    assert not POKER.parse_config(make_config(deck="tshirt")).numeric()


def test_card_values() -> None:
    assert card_value("½") == 0.5
    assert card_value("13") == 13
    assert card_value("XL") is None
    assert card_value("nan") is None


def test_unknown_keys_refused_in_items() -> None:
    with pytest.raises(ConfigInvalid) as info:
        POKER.parse_config(make_config(items=[{"title": "A", "points": 3}]))
    assert info.value.errors[0]["loc"] == ["items", 0, "points"]


# -- hidden votes -----


def test_before_reveal_everyone_sees_who_voted_never_what() -> None:
    h = table("ann", "bob", "cy")
    h.answer("ann", {"card": "5"})
    h.answer("bob", {"card": "8"})
    for view in (h.view("presenter"), h.phone_view("cy"), h.phone_view("ann")):
        assert view.phase == "voting"
        assert view.results is not None
        without_deck = {k: v for k, v in view.results.items() if k != "cards"}
        shown = json.dumps([without_deck, view.model_dump(mode="json")["display"]])
        assert '"card"' not in shown
        assert '"5"' not in shown
        assert '"8"' not in shown
        current = view.results["items"][0]["rounds"][0]  # type: ignore[index]
        assert [v["nickname"] for v in current["voters"]] == ["ann", "bob"]
        assert "votes" not in current
        cards = view.display[0]
        assert cards.kind == "cards"
        assert [(c.label, c.value, c.face_up) for c in cards.cards] == [  # type: ignore[union-attr]
            ("ann", None, False),
            ("bob", None, False),
        ]
    assert h.phone_view("ann").extra == {"your_card": "5"}
    assert h.phone_view("cy").extra == {"your_card": None}
    assert h.phone("ann")[0] == h.phone("cy")[0]  # one shared view: Ana's card is hers alone


def test_a_vote_may_change_until_the_reveal() -> None:
    h = table("ann", "bob")
    h.answer("ann", {"card": "5"})
    h.answer("ann", {"card": "8"})
    h.act("reveal")
    with pytest.raises(AnswerRejected, match="already on the table"):
        h.answer("ann", {"card": "3"})
    votes = h.view().results["items"][0]["rounds"][0]["votes"]  # type: ignore[index]
    assert [(v["nickname"], v["card"]) for v in votes] == [("ann", "8")]


def test_reveal_shows_votes_distribution_stats_consensus_and_outliers() -> None:
    h = table("ann", "bob", "cy", "dee", "eve")
    for name, card in [("ann", "3"), ("bob", "5"), ("cy", "5"), ("dee", "13"), ("eve", "?")]:
        h.answer(name, {"card": card})
    h.act("reveal")
    view = h.phone_view("bob")
    assert view.phase == "revealed"
    r = view.results["items"][0]["rounds"][0]  # type: ignore[index]
    assert [(v["nickname"], v["card"], v["outlier"]) for v in r["votes"]] == [
        ("ann", "3", False),
        ("bob", "5", False),
        ("cy", "5", False),
        ("dee", "13", True),
        ("eve", "?", False),
    ]
    assert r["distribution"] == [
        {"card": "3", "count": 1, "percent": 20.0},
        {"card": "5", "count": 2, "percent": 40.0},
        {"card": "13", "count": 1, "percent": 20.0},
        {"card": "?", "count": 1, "percent": 20.0},
    ]
    assert r["stats"] == {
        "votes": 5,
        "estimates": 4,
        "min": "3",
        "max": "13",
        "average": 6.5,
        "median": 5.0,
    }
    assert r["consensus"] == {"all_equal": False, "top_card": "5", "top_share": 50.0}
    kinds = [b.kind for b in view.display]
    assert kinds == ["cards", "bars", "stats"]
    stats = {s.label: s.value for s in view.display[2].stats}  # type: ignore[union-attr]
    assert stats == {
        "Average": "6.5",
        "Median": "5",
        "Min": "3",
        "Max": "13",
        "Consensus": "50% on 5",
    }


def test_consensus_when_all_equal_and_half_card() -> None:
    h = table("ann", "bob")
    h.answer("ann", {"card": "½"})
    h.answer("bob", {"card": "½"})
    h.act("reveal")
    r = h.results()["items"][0]["rounds"][0]
    assert r["consensus"] == {"all_equal": True, "top_card": "½", "top_share": 100.0}
    assert r["stats"]["average"] == 0.5


def test_tshirt_deck_has_min_max_but_no_average() -> None:
    h = table("ann", "bob", deck="tshirt")
    h.answer("ann", {"card": "S"})
    h.answer("bob", {"card": "XL"})
    h.act("reveal")
    stats = h.results()["items"][0]["rounds"][0]["stats"]
    assert (stats["min"], stats["max"], stats["average"], stats["median"]) == (
        "S",
        "XL",
        None,
        None,
    )


def test_auto_reveal_when_every_connected_participant_voted() -> None:
    h = table("ann", "bob", auto_reveal=True)
    h.join("away", connected=False)
    h.answer("ann", {"card": "5"})
    assert h.state["phase"] == "voting"
    h.answer("bob", {"card": "5"})
    assert h.state["phase"] == "revealed"
    assert h.view().phase == "revealed"


def test_round_timer_stops_votes_and_flips_cards() -> None:
    h = table("ann", "bob", round_seconds=30)
    assert POKER.deadline(h.config, h.state) == h.now + dt.timedelta(seconds=30)
    h.answer("ann", {"card": "5"})
    h.advance(31)
    with pytest.raises(AnswerRejected, match="Time is up"):
        h.answer("bob", {"card": "8"})
    view = h.view()
    assert view.phase == "revealed"
    assert view.results["items"][0]["rounds"][0]["votes"][0]["card"] == "5"  # type: ignore[index]
    h.act("revote")  # allowed once the timer has run out
    assert h.state["round"] == 2


# -- rounds and items -----


def test_revote_keeps_earlier_rounds_and_accept_moves_on() -> None:
    h = table("ann", "bob")
    h.answer("ann", {"card": "3"})
    h.answer("bob", {"card": "13"})
    with pytest.raises(ActionRejected, match="Reveal"):
        h.act("revote")
    h.act("reveal")
    h.act("revote")
    assert (h.state["item"], h.state["round"], h.state["phase"]) == (0, 2, "voting")
    h.answer("ann", {"card": "8"})
    h.answer("bob", {"card": "8"})
    h.act("reveal")
    h.act("accept", {"estimate": "8"})
    assert (h.state["item"], h.state["round"], h.state["phase"]) == (1, 1, "voting")
    item = h.results()["items"][0]
    assert item["estimate"] == "8"
    assert [[v["card"] for v in r["votes"]] for r in item["rounds"]] == [["3", "13"], ["8", "8"]]
    assert sorted(a.slot for a in h.stored()) == ["item0-r1", "item0-r1", "item0-r2", "item0-r2"]
    h.act("skip")
    h.act("accept", {"estimate": "L"})
    assert h.state["phase"] == "done"
    with pytest.raises(AnswerRejected, match="Every item"):
        h.answer("ann", {"card": "3"})
    with pytest.raises(ActionRejected):
        h.act("skip")
    final = h.view()
    assert final.phase == "done"
    (summary,) = final.display
    assert summary.kind == "table"
    assert summary.rows == [
        ["Login page", "8", "2"],
        ["Search", "skipped", "1"],
        ["Export", "L", "1"],
    ]  # type: ignore[union-attr]


def test_reveal_twice_and_bad_accept_are_refused() -> None:
    h = table("ann")
    h.act("reveal")
    with pytest.raises(ActionRejected, match="already revealed"):
        h.act("reveal")
    with pytest.raises(ActionRejected, match="estimate"):
        h.act("accept", {})
    with pytest.raises(ActionRejected, match="no action"):
        h.act("flip")


def test_export_has_item_round_card_and_final_estimate() -> None:
    h = table("ann")
    h.answer("ann", {"card": "3"})
    h.act("reveal")
    h.act("revote")
    h.answer("ann", {"card": "5"})
    h.act("accept", {"estimate": "5"})
    h.answer("ann", {"card": "1"})
    h.act("skip")
    assert h.export() == [
        {"item": "Login page", "round": "1", "card": "3", "final_estimate": "5"},
        {"item": "Login page", "round": "2", "card": "5", "final_estimate": "5"},
        {"item": "Search", "round": "1", "card": "1", "final_estimate": "(skipped)"},
    ]


# -- exact aggregation -----

CARDS = ["0", "½", "1", "2", "3", "5", "8", "13", "20", "40", "100", "?"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(CARDS), max_size=20), st.randoms(use_true_random=False))
def test_aggregate_equals_a_recount_in_any_order(cards: list[str], rnd: Any) -> None:
    h = table()
    for n, card in enumerate(cards):
        h.answer(f"p{n}", {"card": card})
    h.act("reveal")
    answers = h.stored()
    rnd.shuffle(answers)
    r = h.results(answers)["items"][0]["rounds"][0]
    assert {d["card"]: d["count"] for d in r["distribution"]} == dict(Counter(cards))
    numbers = [card_value(c) for c in cards if c != "?"]
    if numbers:
        assert r["stats"]["average"] == round(statistics.fmean(numbers), 2)  # type: ignore[arg-type]
        assert r["stats"]["median"] == statistics.median(numbers)  # type: ignore[type-var]
    assert sorted(v["card"] for v in r["votes"]) == sorted(cards)


def test_a_big_room_draws_at_most_max_cards_outliers_first() -> None:
    from caja_plugins.poker.display import MAX_CARDS

    names = [f"p{i:03d}" for i in range(MAX_CARDS + 30)]
    h = table(*names)
    for name in names[:-1]:
        h.answer(name, {"card": "5"})
    h.answer(names[-1], {"card": "100"})  # the one outlier, voting last
    h.act("reveal")
    display = h.view("presenter").display
    # In a room this size the distribution and the figures come first, then the cards.
    assert [block.kind for block in display] == ["bars", "stats", "cards"]
    cards = display[2]
    shown = cards.cards  # type: ignore[union-attr]
    assert len(shown) == MAX_CARDS
    assert (shown[0].label, shown[0].value, shown[0].highlight) == (names[-1], "100", True)
    assert cards.title is not None and f"{MAX_CARDS} of {len(names)} cards" in cards.title
    # The results still hold every vote.
    this_round = h.view("presenter").results["items"][0]["rounds"][0]  # type: ignore[index]
    assert len(this_round["votes"]) == len(names)
