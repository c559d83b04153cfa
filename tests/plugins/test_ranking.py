"""Ranking: config checks named by field, the phone's ordering built from the config, answers
that are a permutation of the items, and Borda results (points, average position, shared
ranks) that are a plain recount whatever the answers' order."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import caja_plugins.ranking
from caja_core import AnswerRejected, ConfigInvalid, ui
from caja_core.activity import answer_schema_of, results_json
from caja_core.testing import ActivityHarness, ActivityTypeContract
from caja_plugins.ranking import RankingType

RANKING = RankingType()
CONFIG: dict[str, Any] = {
    "question": "What first?",
    "items": ["Search", "Login", "Export"],
}


def ranking(**config: Any) -> ActivityHarness:
    h = ActivityHarness(RANKING, {**CONFIG, **config})
    h.activate()
    return h


class TestRankingContract(ActivityTypeContract):
    activity_type = RANKING
    plugin = caja_plugins.ranking
    config = CONFIG
    invalid_configs = (
        {**CONFIG, "items": ["Only one"]},
        {**CONFIG, "items": ["Same", "same "]},
        {"items": ["A", "B"]},
    )
    good_answers = ({"order": ["i0", "i1", "i2"]}, {"order": ["i2", "i0", "i1"]})
    bad_answers = (
        {"order": ["i0", "i1"]},
        {"order": ["i0", "i0", "i1"]},
        {"order": ["i0", "i1", "i7"]},
        {"order": ["i0", "i1", "i2", "i2"]},
        {"order": "i0,i1,i2"},
        {},
    )


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({**CONFIG, "items": ["Same", "SAME"]}, "items"),
        ({**CONFIG, "items": ["A", " "]}, "items"),
        ({**CONFIG, "items": [f"item {n}" for n in range(21)]}, "items"),
        ({**CONFIG, "question": ""}, "question"),
    ],
)
def test_config_errors_name_the_field(config: dict[str, Any], field: str) -> None:
    with pytest.raises(ConfigInvalid) as refused:
        RANKING.parse_config(config)
    assert {e["loc"][0] for e in refused.value.errors} == {field}


def test_the_phones_form_orders_the_configured_items() -> None:
    order = answer_schema_of(RANKING, RANKING.parse_config(CONFIG))["properties"]["order"]
    assert order[ui.WIDGET] == "ordering"
    assert order["title"] == "What first?"
    assert order["items"] == ui.choices([("i0", "Search"), ("i1", "Login"), ("i2", "Export")])
    assert (order["minItems"], order["maxItems"], order["uniqueItems"]) == (3, 3, True)
    assert ui.WIDGET not in str(answer_schema_of(RANKING))


def test_borda_points_average_positions_and_shared_ranks() -> None:
    h = ranking()
    h.answer("ann", {"order": ["i1", "i0", "i2"]})  # Login 2, Search 1, Export 0
    h.answer("bob", {"order": ["i1", "i2", "i0"]})  # Login 2, Export 1, Search 0
    h.answer("cy", {"order": ["i0", "i2", "i1"]})  # Search 2, Export 1, Login 0
    results = h.results()
    assert results.respondents == 3
    standings = [
        (i.rank, i.text, i.points, i.average_position, i.first_places) for i in results.items
    ]
    assert standings == [
        (1, "Login", 4, 1.67, 2),
        (2, "Search", 3, 2.0, 1),
        (3, "Export", 2, 2.33, 0),
    ]


def test_a_ranked_bar_list() -> None:
    h = ranking()
    h.answer("ann", {"order": ["i1", "i0", "i2"]})
    h.answer("bob", {"order": ["i1", "i2", "i0"]})
    (bars,) = (block.model_dump() for block in h.view("presenter").display)
    # Search and Export tie on points and on positions: one rank, the config's order
    assert [(b["label"], b["count"], b["percent"]) for b in bars["bars"]] == [
        ("1. Login", 4, 100.0),
        ("2. Search", 1, 25.0),
        ("2. Export", 1, 25.0),
    ]
    assert bars["total_label"] == "2 rankings"


def test_one_ranking_each_seen_by_its_author_results_after_the_close() -> None:
    h = ranking()
    h.answer("ann", {"order": ["i2", "i1", "i0"]})
    shared, mine = h.phone("ann")
    assert shared.results is None and shared.display == []
    assert mine is not None and mine.extra["your_order"] == ["i2", "i1", "i0"]
    assert mine.accepting_answers is False
    with pytest.raises(AnswerRejected, match="each once"):
        h.answer("bob", {"order": ["i2", "i2", "i0"]})
    h.close()
    assert h.phone("bob")[0].display


def test_export_gives_the_order_and_each_items_position() -> None:
    h = ranking()
    h.answer("ann", {"order": ["i2", "i0", "i1"]})
    assert h.export() == [
        {
            "order": "Export > Search > Login",
            "position of Search": "2",
            "position of Login": "3",
            "position of Export": "1",
        }
    ]


def test_rankings_of_an_earlier_list_are_left_out() -> None:
    h = ranking()
    h.answer("ann", {"order": ["i2", "i0", "i1"]})
    h.config = RANKING.parse_config({**CONFIG, "items": ["Search", "Login"]})
    results = h.results()
    assert results.respondents == 0
    assert all(i.points == 0 and i.average_position is None for i in results.items)


@settings(max_examples=40, deadline=None)
@given(
    orders=st.lists(st.permutations(["i0", "i1", "i2", "i3"]), max_size=12),
    order=st.randoms(),
)
def test_results_do_not_depend_on_the_answers_order(orders: list[list[str]], order: Any) -> None:
    h = ranking(items=["A", "B", "C", "D"])
    for n, ranked in enumerate(orders):
        h.answer(f"p{n}", {"order": ranked})
    answers = h.stored()
    expected = results_json(h.results(answers))
    shuffled = list(answers)
    order.shuffle(shuffled)
    assert results_json(h.results(shuffled)) == expected
    # Borda: each ranking hands out 3 + 2 + 1 + 0 points
    assert sum(i["points"] for i in expected["items"]) == 6 * len(orders)
    assert [i["rank"] for i in expected["items"]] == sorted(i["rank"] for i in expected["items"])
