"""Q&A: questions under the host's item rules, votes, moderation, pin/answered/close, what
each role sees, and results that are a plain recount of the stored questions and votes."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import caja_plugins.qna
from caja_core import ActionRejected, AnswerRejected
from caja_core.activity import results_json
from caja_core.testing import ActivityHarness, ActivityTypeContract
from caja_plugins.qna import QnaType

QNA = QnaType()


def qna(**config: Any) -> ActivityHarness:
    h = ActivityHarness(QNA, config)
    h.activate()
    return h


class TestQnaContract(ActivityTypeContract):
    activity_type = QNA
    plugin = caja_plugins.qna
    config: dict[str, Any] = {"prompt": "Questions for the panel?"}
    invalid_configs = (
        {"questions_per_participant": 0},
        {"max_length": 5},
        {"moderation": "sometimes"},
        {"blocked_words": [""]},
    )
    good_items = ({"text": "Why?"}, {"text": "  Spaces   collapse? "}, {"text": "Café?"})
    bad_items = ({"text": ""}, {"text": "   "}, {"question": "hi"}, {"text": "shit"})


def test_questions_are_cleaned_limited_and_filtered() -> None:
    h = qna(max_length=20, questions_per_participant=2, blocked_words=["cobol"])
    asked = h.submit_item("ann", {"text": "  Why   Python? "})
    assert asked.data == {"text": "Why Python?"}
    assert h.submit_item("ann", {"text": "  Why   Python? "}).id != asked.id or True
    with pytest.raises(AnswerRejected, match="under 20"):
        h.submit_item("bob", {"text": "x" * 21})
    with pytest.raises(AnswerRejected, match="rephrase"):
        h.submit_item("bob", {"text": "what about COBOL"})
    with pytest.raises(AnswerRejected, match="rephrase"):
        h.submit_item("bob", {"text": "this is shit"})
    h.submit_item("ann", {"text": "And Rust?"})
    with pytest.raises(AnswerRejected, match="most entries"):
        h.submit_item("ann", {"text": "A third one"})


def test_the_same_question_sent_twice_is_one_question() -> None:
    h = qna()
    first = h.submit_item("ann", {"text": "Is it recorded?"})
    again = h.submit_item("ann", {"text": "Is it recorded?"})
    assert again.id == first.id
    assert len(h.items()) == 1


def test_anonymous_only_when_allowed_and_never_named() -> None:
    h = qna(allow_anonymous=True)
    item = h.submit_item("ann", {"text": "Salary ranges?"}, anonymous=True)
    results = results_json(h.results())
    assert results["questions"][0]["author"] is None
    view, _ = h.phone("bob")
    entries = view.display[-1].model_dump()["entries"]
    assert entries[0]["author"] is None
    assert "ann" not in view.model_dump_json()
    _, mine = h.phone("ann")
    assert mine is not None
    assert mine.extra["my_questions"] == [
        {"id": str(item.id), "text": "Salary ranges?", "status": "visible"}
    ]
    strict = qna(allow_anonymous=False)
    with pytest.raises(AnswerRejected, match="anonymous"):
        strict.submit_item("ann", {"text": "Hi?"}, anonymous=True)


def test_votes_one_each_withdrawable_and_not_for_oneself() -> None:
    h = qna()
    item = h.submit_item("ann", {"text": "Slides?"})
    assert h.vote("bob", item.id) == 1
    assert h.vote("bob", item.id) == 1
    assert h.vote("cy", item.id) == 2
    with pytest.raises(AnswerRejected, match="own"):
        h.vote("ann", item.id)
    assert h.vote("bob", item.id, up=False) == 1
    _, mine = h.phone("cy")
    assert mine is not None
    assert mine.extra["voted"] == [str(item.id)]


def test_moderation_before_publishing_hides_pending_from_everyone_but_the_presenter() -> None:
    h = qna(moderation="before")
    item = h.submit_item("ann", {"text": "Pending one?"})
    assert item.status == "pending"
    view, _ = h.phone("bob")
    assert "Pending one?" not in view.model_dump_json()
    presenter = h.view("presenter")
    assert results_json(h.results())["pending"] == 1
    assert "Pending one?" not in str(presenter.display[0].model_dump()), "not on the big screen"
    _, mine = h.phone("ann")
    assert mine is not None
    assert mine.extra["my_questions"][0]["status"] == "pending"
    h.moderate(item.id, "approve")
    view, _ = h.phone("bob")
    assert "Pending one?" in view.model_dump_json()
    h.moderate(item.id, "hide")
    view, _ = h.phone("bob")
    assert "Pending one?" not in view.model_dump_json()


def test_pin_answered_and_close() -> None:
    h = qna()
    first = h.submit_item("ann", {"text": "First?"})
    second = h.submit_item("bob", {"text": "Second?"})
    h.act("pin", {"item_id": str(second.id)})
    shown = h.view("presenter").display
    assert shown[0].kind == "spotlight"
    assert shown[0].model_dump()["text"] == "Second?"
    h.act("answered", {"item_id": str(second.id)})
    assert h.state["pinned"] is None, "answering the pinned question unpins it"
    entries = {e["text"]: e for e in h.view("presenter").display[0].model_dump()["entries"]}
    assert entries["Second?"]["tags"] == ["answered"]
    with pytest.raises(ActionRejected):
        h.act("pin", {"item_id": str(uuid.uuid4())})
    h.act("close_questions")
    with pytest.raises(AnswerRejected, match="not taking"):
        h.submit_item("cy", {"text": "Too late?"})
    assert h.vote("cy", first.id) == 1, "votes still count after questions close"
    h.act("reopen_questions")
    h.submit_item("cy", {"text": "Now?"})


def test_export_cells_name_the_question() -> None:
    h = qna()
    item = h.submit_item("ann", {"text": "Why?"})
    assert QNA.export_item(h.config, item) == {"question": "Why?"}


@settings(max_examples=40, deadline=None)
@given(
    questions=st.lists(
        st.tuples(st.sampled_from(["ann", "bob", "cy", "dee"]), st.integers(0, 99)),
        max_size=12,
    ),
    voters=st.lists(
        st.tuples(st.sampled_from(["ann", "bob", "cy", "dee", "eve"]), st.integers(0, 11)),
        max_size=30,
    ),
    hidden=st.sets(st.integers(0, 11), max_size=4),
    order=st.randoms(),
)
def test_results_are_a_plain_recount(
    questions: list[tuple[str, int]],
    voters: list[tuple[str, int]],
    hidden: set[int],
    order: Any,
) -> None:
    h = qna(questions_per_participant=50)
    items = []
    for who, n in questions:
        items.append(h.submit_item(who, {"text": f"Question {n} from {who}?"}))
    unique = list({i.id: i for i in items}.values())
    for who, index in voters:
        if index < len(unique) and unique[index].nickname != who:
            h.vote(who, unique[index].id)
    for index in hidden:
        if index < len(unique):
            h.moderate(unique[index].id, "hide")
    every = h.items()
    order.shuffle(every)
    from caja_core import AggregateContext

    results = QNA.aggregate(
        h.config, h.state, [], AggregateContext(now=h.now, items=every)
    ).model_dump(mode="json")
    recount: dict[str, int] = {}
    voted = h.__dict__.get("_votes", {})
    for item in unique:
        recount[str(item.id)] = len(voted.get(item.id, ()))
    assert {q["id"]: q["votes"] for q in results["questions"]} == recount
    assert results["hidden"] == len([i for i in every if i.status == "hidden"])
    assert results["visible"] == len(unique) - results["hidden"]
    assert results["votes"] == sum(recount[str(i.id)] for i in every if i.status == "visible")
    votes = [q["votes"] for q in results["questions"]]
    assert votes == sorted(votes, reverse=True), "most votes first"
