"""Scales: config checks named by field, the phone's sliders built from the config, answers
that rate every statement within the scale, and results (averages, distributions) that are
a plain recount whatever the answers' order."""

from __future__ import annotations

import statistics
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import caja_plugins.scale
from caja_core import AnswerRejected, ConfigInvalid, ViewContext, ui
from caja_core.activity import answer_schema_of, results_json
from caja_core.testing import ActivityHarness, ActivityTypeContract
from caja_plugins.scale import ScaleType

SCALE = ScaleType()
CONFIG: dict[str, Any] = {
    "question": "How much do you agree?",
    "statements": ["The talk was clear", "I learned something"],
    "low_label": "Disagree",
    "high_label": "Agree",
}


def scale(**config: Any) -> ActivityHarness:
    h = ActivityHarness(SCALE, {**CONFIG, **config})
    h.activate()
    return h


class TestScaleContract(ActivityTypeContract):
    activity_type = SCALE
    plugin = caja_plugins.scale
    config = CONFIG
    invalid_configs = (
        {**CONFIG, "statements": []},
        {**CONFIG, "statements": ["Same", " same "]},
        {**CONFIG, "maximum": 11},
        {**CONFIG, "minimum": 2},
        {"statements": ["No question"]},
    )
    good_answers = ({"ratings": {"s0": 1, "s1": 5}}, {"ratings": {"s1": 3, "s0": 4}})
    bad_answers = (
        {"ratings": {"s0": 1}},
        {"ratings": {"s0": 1, "s1": 6}},
        {"ratings": {"s0": 0, "s1": 1}},
        {"ratings": {"s0": 1, "s1": 2, "s9": 3}},
        {"ratings": {"s0": "high", "s1": 2}},
        {},
    )


@pytest.mark.parametrize(
    ("config", "field"),
    [
        ({**CONFIG, "statements": ["Same", "SAME"]}, "statements"),
        ({**CONFIG, "statements": ["  "]}, "statements"),
        ({**CONFIG, "maximum": 1}, "maximum"),
        ({**CONFIG, "low_label": "x" * 41}, "low_label"),
        ({**CONFIG, "question": ""}, "question"),
    ],
)
def test_config_errors_name_the_field(config: dict[str, Any], field: str) -> None:
    with pytest.raises(ConfigInvalid) as refused:
        SCALE.parse_config(config)
    assert [e["loc"][0] for e in refused.value.errors] == [field]


def test_the_phones_form_is_a_slider_per_statement() -> None:
    config = SCALE.parse_config({**CONFIG, "minimum": 0, "maximum": 10})
    ratings = answer_schema_of(SCALE, config)["properties"]["ratings"]
    assert ratings["title"] == "How much do you agree?"
    assert ratings["required"] == ["s0", "s1"]
    assert ratings["additionalProperties"] is False
    first = ratings["properties"]["s0"]
    assert first["title"] == "The talk was clear"
    assert first[ui.WIDGET] == "slider"
    assert (first["minimum"], first["maximum"]) == (0, 10)
    assert first["x-caja-labels"] == ["Disagree", "Agree"]
    # the catalogue's schema, without a config, is the plain answer model
    assert ui.WIDGET not in str(answer_schema_of(SCALE))


def test_averages_and_distributions() -> None:
    h = scale()
    h.answer("ann", {"ratings": {"s0": 5, "s1": 2}})
    h.answer("bob", {"ratings": {"s0": 4, "s1": 2}})
    h.answer("cy", {"ratings": {"s0": 5, "s1": 1}})
    results = h.results()
    assert results.respondents == 3
    clear, learned = results.statements
    assert (clear.average, clear.median, clear.distribution) == (4.67, 5, [0, 0, 0, 1, 2])
    assert (learned.average, learned.median, learned.distribution) == (1.67, 2, [1, 2, 0, 0, 0])
    stats, table = (block.model_dump() for block in h.view("presenter").display)
    assert [(s["label"], s["value"]) for s in stats["stats"]] == [
        ("The talk was clear", "4.67"),
        ("I learned something", "1.67"),
    ]
    assert table["columns"] == ["Statement", "Median", "1 · Disagree", "2", "3", "4", "5 · Agree"]
    assert table["rows"] == [
        ["The talk was clear", "5", "0", "0", "0", "1", "2"],
        ["I learned something", "2", "1", "2", "0", "0", "0"],
    ]


def test_answers_are_stored_in_the_configs_order_and_only_once() -> None:
    h = scale()
    stored = h.answer("ann", {"ratings": {"s1": 3, "s0": 4}})
    assert list(stored.data["ratings"]) == ["s0", "s1"]
    with pytest.raises(AnswerRejected, match="Rate every statement"):
        h.answer("bob", {"ratings": {"s1": 3}})
    with pytest.raises(AnswerRejected, match="from 1 to 5"):
        h.answer("bob", {"ratings": {"s0": 3, "s1": 9}})


def test_phones_see_results_after_the_close_and_their_own_ratings() -> None:
    h = scale()
    h.answer("ann", {"ratings": {"s0": 5, "s1": 4}})
    shared, mine = h.phone("ann")
    assert shared.results is None and shared.display == []
    assert mine is not None
    assert mine.extra["your_ratings"] == {"s0": 5, "s1": 4}
    assert mine.accepting_answers is False
    _, theirs = h.phone("bob")
    assert theirs is not None and theirs.accepting_answers is True
    h.close()
    after, _ = h.phone("bob")
    assert after.results is not None and after.display


def test_export_has_a_column_per_statement() -> None:
    h = scale()
    h.answer("ann", {"ratings": {"s0": 5, "s1": 4}})
    assert h.export() == [{"1. The talk was clear": "5", "2. I learned something": "4"}]


def test_answers_to_an_earlier_config_count_where_they_still_fit() -> None:
    h = scale()
    h.answer("ann", {"ratings": {"s0": 5, "s1": 4}})
    h.config = SCALE.parse_config({**CONFIG, "statements": ["The talk was clear"], "maximum": 4})
    (only,) = h.results().statements
    assert only.count == 0  # 5 is past the new scale


def test_a_spanish_presenter_sees_spanish_labels() -> None:
    h = scale()
    h.answer("ann", {"ratings": {"s0": 5, "s1": 4}})
    view = SCALE.view(
        h.config,
        h.state,
        h.results(),
        ViewContext("presenter", h.now, "active", translator=SCALE.translator("es")),
    )
    assert view.display[1].model_dump()["columns"][0] == "Afirmación"


@settings(max_examples=40, deadline=None)
@given(
    ratings=st.lists(st.tuples(st.integers(1, 5), st.integers(1, 5)), max_size=12),
    order=st.randoms(),
)
def test_results_do_not_depend_on_the_answers_order(
    ratings: list[tuple[int, int]], order: Any
) -> None:
    h = scale()
    for n, (a, b) in enumerate(ratings):
        h.answer(f"p{n}", {"ratings": {"s0": a, "s1": b}})
    answers = h.stored()
    expected = results_json(h.results(answers))
    shuffled = list(answers)
    order.shuffle(shuffled)
    assert results_json(h.results(shuffled)) == expected
    clear = expected["statements"][0]
    assert sum(clear["distribution"]) == len(ratings)
    if ratings:
        assert clear["average"] == round(sum(a for a, _ in ratings) / len(ratings), 2)
        assert clear["median"] == statistics.median(a for a, _ in ratings)
