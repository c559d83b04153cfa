"""Open text: answers as items, limits and moderation, the wall's order, highlighting, and
results that are a plain recount of the stored answers."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import caja_plugins.opentext
from caja_core import AggregateContext, AnswerRejected
from caja_core.activity import results_json
from caja_core.testing import ActivityHarness, ActivityTypeContract
from caja_plugins.opentext import OpenTextType

TEXT = OpenTextType()


def wall(**config: Any) -> ActivityHarness:
    h = ActivityHarness(TEXT, {"prompt": "One thing you learned?", **config})
    h.activate()
    return h


class TestOpenTextContract(ActivityTypeContract):
    activity_type = TEXT
    plugin = caja_plugins.opentext
    config: dict[str, Any] = {"prompt": "One thing you learned?"}
    invalid_configs = ({"prompt": ""}, {"prompt": "P", "answers_per_participant": 0}, {})
    good_items = ({"text": "Polling scales"}, {"text": "  Caches   help "})
    bad_items = ({"text": ""}, {"text": "  "}, {"words": "x"})


def test_limits_and_filters() -> None:
    h = wall(max_length=12, answers_per_participant=2, blocked_words=["meh"])
    assert h.submit_item("ann", {"text": "  a   b "}).data == {"text": "a b"}
    with pytest.raises(AnswerRejected, match="under 12"):
        h.submit_item("bob", {"text": "x" * 13})
    with pytest.raises(AnswerRejected, match="rephrase"):
        h.submit_item("bob", {"text": "it was MEH"})
    h.submit_item("ann", {"text": "second"})
    with pytest.raises(AnswerRejected, match="most entries"):
        h.submit_item("ann", {"text": "third"})


def test_newest_first_names_only_when_asked_and_highlight() -> None:
    h = wall()
    first = h.submit_item("ann", {"text": "one"})
    h.advance(1)
    h.submit_item("bob", {"text": "two"})
    blocks = h.view("presenter").display
    entries = blocks[0].model_dump()["entries"]
    assert [e["text"] for e in entries] == ["two", "one"]
    assert all(e["author"] is None for e in entries)
    h.act("highlight", {"item_id": str(first.id)})
    assert h.view("presenter").display[0].model_dump()["text"] == "one"
    named = wall(show_names=True)
    named.submit_item("ann", {"text": "hi"})
    assert named.view("participant", "ann").display[0].model_dump()["entries"][0]["author"] == (
        "ann"
    )


def test_shuffled_order_is_the_same_everywhere_and_changes_on_shuffle() -> None:
    h = wall(order="shuffled")
    for n in range(8):
        h.submit_item(f"p{n}", {"text": f"answer {n}"})

    def order() -> list[str]:
        return [e["text"] for e in h.view("presenter").display[0].model_dump()["entries"]]

    before = order()
    assert before == order()
    assert order() == [e["text"] for e in h.phone("p0")[0].display[0].model_dump()["entries"]]
    h.act("shuffle")
    assert sorted(order()) == sorted(before)
    assert order() != before


def test_moderated_answers_wait() -> None:
    h = wall(moderation="before")
    item = h.submit_item("ann", {"text": "secret"})
    assert "secret" not in h.phone("bob")[0].model_dump_json()
    assert results_json(h.results())["pending"] == 1
    h.moderate(item.id, "approve")
    assert "secret" in h.phone("bob")[0].model_dump_json()


@settings(max_examples=40, deadline=None)
@given(
    sent=st.lists(st.tuples(st.sampled_from(["ann", "bob", "cy"]), st.integers(0, 5)), max_size=15),
    hidden=st.sets(st.integers(0, 14), max_size=5),
    order=st.randoms(),
)
def test_results_are_a_plain_recount(
    sent: list[tuple[str, int]], hidden: set[int], order: Any
) -> None:
    h = wall(answers_per_participant=10)
    items = list({h.submit_item(w, {"text": f"text {n}"}).id: w for w, n in sent})
    for index in hidden:
        if index < len(items):
            h.moderate(items[index], "hide")
    every = h.items()
    order.shuffle(every)
    results = TEXT.aggregate(
        h.config, h.state, [], AggregateContext(now=h.now, items=every)
    ).model_dump(mode="json")
    hidden_count = len([i for i in every if i.status == "hidden"])
    assert results["hidden"] == hidden_count
    assert results["visible"] == len(items) - hidden_count
    assert sorted(a["id"] for a in results["answers"]) == sorted(str(i) for i in items)
    visible_authors = {i.author_id for i in every if i.status == "visible"}
    assert results["authors"] == len(visible_authors)
