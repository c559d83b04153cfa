"""The quiz: question kinds, the flow, Kahoot scoring, streaks, partial credit, ranks, secrecy."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import caja_plugins.quiz
from caja_core import ActionRejected, AnswerContext, AnswerRejected
from caja_core.errors import Conflict
from caja_core.testing import ActivityHarness, ActivityTypeContract
from caja_plugins.quiz import QuizAnswer, QuizType
from caja_plugins.quiz.questions import QuizConfig, mark
from caja_plugins.quiz.scoring import Marks, leaderboard, speed_points, streak_bonus

QUIZ = QuizType()

SINGLE = {
    "kind": "single",
    "text": "Capital of France?",
    "options": ["Lyon", "Paris", "Nice"],
    "correct": 1,
}
MULTI = {
    "kind": "multiple",
    "text": "Which are primes?",
    "options": ["2", "4", "5", "9"],
    "correct": [0, 2],
}
TRUE_FALSE = {"kind": "true_false", "text": "Water boils at 100 °C at sea level", "correct": True}
TYPED = {"kind": "type_answer", "text": "Largest planet?", "accepted_answers": ["Jupiter", "Jove"]}


def make_config(*questions: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    return {"questions": list(questions) or [SINGLE, MULTI, TRUE_FALSE, TYPED], **overrides}


def quiz(
    *questions: dict[str, Any], players: tuple[str, ...] = (), **overrides: Any
) -> ActivityHarness:
    h = ActivityHarness(QUIZ, make_config(*questions, **overrides))
    for name in players:
        h.join(name)
    h.activate()
    return h


class TestQuizContract(ActivityTypeContract):
    activity_type = QUIZ
    plugin = caja_plugins.quiz
    config = make_config(SINGLE)
    invalid_configs = (
        {"questions": []},
        make_config({**SINGLE, "correct": 3}),
        make_config({**SINGLE, "options": ["Only"]}),
        make_config({**SINGLE, "points": 3}),
        make_config({**SINGLE, "kind": "essay"}),
        make_config({**MULTI, "correct": [0, 0]}),
        make_config({**TYPED, "accepted_answers": []}),
        make_config({**SINGLE, "colour": "red"}),
        make_config(SINGLE, scoring="random"),
    )
    good_answers = ({"choice": 0}, {"choice": 1}, {"choice": 2, "question": 0})
    bad_answers = (
        {"choice": 3},
        {"value": True},
        {"choices": [1]},
        {"choice": 1, "question": 4},
        {},
    )

    def open_for_answers(self, harness: ActivityHarness) -> None:
        harness.activate()
        harness.act("next")


# -- scoring arithmetic -----


@pytest.mark.parametrize(
    ("elapsed_ms", "limit", "points"),
    [
        (0, 20, 1000),
        (20_000, 20, 500),
        (10_000, 20, 750),
        (2_500, 20, 938),  # 937.5 rounds half up
        (1_234, 30, 979),  # 979.43...
        (99_000, 20, 500),  # clamped to the limit
    ],
)
def test_speed_points_follow_kahoot(elapsed_ms: int, limit: int, points: int) -> None:
    assert speed_points(elapsed_ms, limit) == points


@settings(max_examples=200)
@given(st.integers(0, 600_000), st.integers(5, 600))
def test_speed_points_equal_the_formula(elapsed_ms: int, limit: int) -> None:
    t = min(elapsed_ms, limit * 1000) / 1000
    exact = (1 - (t / limit) / 2) * 1000
    assert abs(speed_points(elapsed_ms, limit) - exact) <= 0.5 + 1e-9


def test_streak_bonus_is_capped_at_500() -> None:
    assert [streak_bonus(n) for n in range(1, 9)] == [0, 100, 200, 300, 400, 500, 500, 500]


# -- the flow -----


def test_flow_next_reveal_leaderboard_finish() -> None:
    h = quiz(players=("ann",))
    assert h.view().phase == "lobby"
    with pytest.raises(AnswerRejected, match="No question"):
        h.answer("ann", {"choice": 1})
    with pytest.raises(ActionRejected, match="No question is open"):
        h.act("reveal")
    h.act("next")
    assert h.view().phase == "question"
    with pytest.raises(ActionRejected, match="first"):
        h.act("next")
    h.answer("ann", {"choice": 1})
    h.act("reveal")
    h.act("leaderboard")
    for _ in range(3):
        h.act("next")
        h.act("reveal")
    with pytest.raises(ActionRejected, match="last question"):
        h.act("next")
    outcome = h.act("finish")
    assert outcome.close is True
    assert h.status == "expired"
    assert h.view().phase == "finished"
    with pytest.raises(ActionRejected, match="finished"):
        h.act("next")


def test_one_answer_per_question_and_late_answers_refused() -> None:
    h = quiz(SINGLE, {**SINGLE, "time_limit_seconds": 10})
    h.act("next")
    h.answer("ann", {"choice": 1})
    with pytest.raises(Conflict, match="already answered"):
        h.answer("ann", {"choice": 2})
    h.act("reveal")
    h.act("next")
    stored = h.answer("ann", {"choice": 0})
    assert stored.slot == "q1"
    h.advance(10.001)
    with pytest.raises(AnswerRejected, match="Time is up"):
        h.answer("bob", {"choice": 1})
    # the type refuses on its own clock too, not only through the host's deadline check
    ctx = AnswerContext(now=h.now, participant_id=h.join("cy"))
    with pytest.raises(AnswerRejected, match="Time is up"):
        QUIZ.validate_answer(h.config, h.state, QUIZ.parse_answer({"choice": 1}), ctx)


def test_answer_for_a_closed_question_is_refused() -> None:
    h = quiz()
    h.act("next")
    h.act("reveal")
    h.act("next")
    with pytest.raises(AnswerRejected, match="Question 1 is closed"):
        h.answer("ann", {"choice": 1, "question": 0})


def test_elapsed_time_is_measured_by_the_server() -> None:
    h = quiz(SINGLE)
    h.act("next")
    h.advance(2.5)
    stored = h.answer("ann", {"choice": 1})
    assert stored.meta == {"elapsed_ms": 2500}
    h.act("reveal")
    (row,) = h.results()["leaderboard"]
    assert row["score"] == 938


# -- marking and points -----


def test_each_kind_is_marked() -> None:
    h = quiz(scoring="flat", streak_bonus=False)
    answers = [
        {"choice": 1},
        {"choices": [2, 0]},
        {"value": True},
        {"text": "  JUPITER "},
    ]
    for a in answers:
        h.act("next")
        h.answer("ann", a)
        h.answer(
            "bob", {"choice": 0} if "choice" in a else {"choices": [0]} if "choices" in a else a
        )
        h.act("reveal")
    board = {r["nickname"]: r for r in h.results()["leaderboard"]}
    assert (board["ann"]["score"], board["ann"]["correct"]) == (4000, 4)
    assert (board["bob"]["score"], board["bob"]["correct"]) == (2000, 2)


def test_type_answer_case_sensitive_option() -> None:
    h = quiz({**TYPED, "case_sensitive": True}, scoring="flat")
    h.act("next")
    h.answer("ann", {"text": "jupiter"})
    h.answer("bob", {"text": "Jupiter"})
    h.act("reveal")
    q = h.results()["questions"][0]
    assert q["correct_count"] == 1
    assert [(d["label"], d["correct"]) for d in q["distribution"]] == [
        ("Jupiter", True),
        ("jupiter", False),
    ]


def test_weights_scale_points_and_zero_gives_none() -> None:
    h = quiz({**SINGLE, "points": 2}, {**SINGLE, "points": 0}, scoring="flat", streak_bonus=False)
    for _ in range(2):
        h.act("next")
        h.answer("ann", {"choice": 1})
        h.act("reveal")
    (row,) = h.results()["leaderboard"]
    assert (row["score"], row["correct"]) == (2000, 2)


def test_streak_bonus_adds_100_per_consecutive_correct_answer_up_to_500() -> None:
    h = quiz(*[SINGLE] * 9, scoring="flat")
    picks = [1, 1, 1, 1, 1, 1, 1, 0, 1]  # seven right, a wrong one, then right again
    for pick in picks:
        h.act("next")
        h.answer("ann", {"choice": pick})
        h.act("reveal")
    (row,) = h.results()["leaderboard"]
    bonuses = 0 + 100 + 200 + 300 + 400 + 500 + 500 + 0 + 0
    assert row["score"] == 8 * 1000 + bonuses
    assert row["correct"] == 8
    assert row["streak"] == 1


def test_partial_credit_for_multiple_choice() -> None:
    three = {**MULTI, "options": ["a", "b", "c", "d", "e"], "correct": [0, 1, 2]}
    h = quiz(three, scoring="flat", partial_credit=True)
    h.act("next")
    h.answer("all", {"choices": [0, 1, 2]})
    h.answer("two", {"choices": [0, 1]})  # 2/3 -> 667
    h.answer("mixed", {"choices": [0, 1, 3]})  # (2 - 1) / 3 -> 333
    h.answer("wrong", {"choices": [3, 4]})  # never below zero
    h.act("reveal")
    board = {r["nickname"]: (r["score"], r["correct"]) for r in h.results()["leaderboard"]}
    assert board == {"all": (1000, 1), "two": (667, 0), "mixed": (333, 0), "wrong": (0, 0)}


def test_without_partial_credit_a_partial_answer_scores_nothing() -> None:
    h = quiz(MULTI, scoring="flat")
    h.act("next")
    h.answer("two", {"choices": [0]})
    h.act("reveal")
    assert h.results()["leaderboard"][0]["score"] == 0


def test_ties_share_a_rank_and_correct_count_is_separate() -> None:
    h = quiz(SINGLE, players=("ann", "bob", "cy", "dee"), scoring="flat")
    h.act("next")
    for name in ("bob", "ann"):
        h.answer(name, {"choice": 1})
    h.answer("cy", {"choice": 0})
    h.act("reveal")
    h.act("finish")
    results = h.results()
    ranks = [(r["nickname"], r["rank"], r["score"], r["correct"]) for r in results["leaderboard"]]
    assert ranks == [("ann", 1, 1000, 1), ("bob", 1, 1000, 1), ("cy", 3, 0, 0), ("dee", 3, 0, 0)]
    view = h.view()
    podium, board = view.display
    assert podium.kind == "podium"
    assert [(p.rank, p.name) for p in podium.places] == [(1, "ann"), (1, "bob")]  # type: ignore[union-attr]
    assert board.kind == "leaderboard"


# -- what each role sees -----


def test_participants_never_see_the_correct_answer_before_the_reveal() -> None:
    h = quiz(SINGLE, TYPED, players=("ann", "bob"))
    h.act("next")
    h.answer("ann", {"choice": 1})
    for who in ("ann", "bob"):
        dumped = h.phone_view(who).model_dump_json()
        assert '"correct"' not in dumped
        assert "accepted_answers" not in dumped
    presenter = h.view()  # the big screen does not give it away either
    assert "correct" not in presenter.config["current"]
    assert presenter.results is not None
    assert presenter.results["questions"] == [
        {"index": 0, "kind": "single", "text": SINGLE["text"], "answers": 1, "revealed": False}
    ]
    h.act("reveal")
    h.act("next")
    dumped = h.phone_view("ann").model_dump_json()
    assert "Jupiter" not in dumped
    assert "accepted_answers" not in dumped


def test_after_the_reveal_a_participant_sees_right_points_and_rank() -> None:
    h = quiz(SINGLE, players=("ann", "bob"))
    h.act("next")
    h.advance(5)
    h.answer("ann", {"choice": 1})
    h.answer("bob", {"choice": 2})
    view = h.phone_view("ann")
    assert view.accepting_answers is False
    assert view.extra == {"answered": True}
    assert h.phone_view("bob").accepting_answers is False  # Bob answered too
    h.act("reveal")
    assert h.phone("ann")[0] == h.phone("bob")[0]  # the verdicts are personal, the view shared
    ann, bob = h.phone_view("ann"), h.phone_view("bob")
    assert ann.config["current"]["correct"] == 1
    assert ann.extra == {
        "answered": True,
        "nickname": "ann",
        "correct": True,
        "points": 875,
        "score": 875,
        "rank": 1,
        "streak": 1,
        "correct_answers": 1,
    }
    assert (bob.extra["correct"], bob.extra["points"], bob.extra["rank"]) == (False, 0, 2)
    bars, room, own = ann.display
    assert [(b.label, b.count, b.highlight) for b in bars.bars] == [  # type: ignore[union-attr]
        ("Lyon", 0, False),
        ("Paris", 1, True),
        ("Nice", 1, False),
    ]
    assert {s.label: s.value for s in room.stats} == {"Correct": "1 of 2"}  # type: ignore[union-attr]
    assert {s.label: s.value for s in own.stats} == {  # type: ignore[union-attr]
        "You": "Correct",
        "Points": "+875",
        "Rank": "1",
    }
    assert {s.label: s.value for s in bob.display[2].stats}["You"] == "Wrong"  # type: ignore[union-attr]
    h.act("leaderboard")
    (board,) = h.phone_view("ann").display
    assert not any(row.highlight for row in board.rows)  # type: ignore[union-attr]
    assert h.phone_view("ann").extra["rank"] == 1


def test_a_participant_who_did_not_answer_may_until_the_clock_runs_out() -> None:
    h = quiz(SINGLE, players=("ann", "bob"))
    h.act("next")
    h.answer("ann", {"choice": 1})
    assert h.phone_view("bob").accepting_answers is True
    assert h.phone_view("bob").extra == {"answered": False}


def test_participant_accepting_answers_tracks_the_question_clock() -> None:
    h = quiz({**SINGLE, "time_limit_seconds": 5}, players=("ann",))
    h.act("next")
    assert h.phone_view("ann").accepting_answers is True
    assert h.view().deadline == h.now + dt.timedelta(seconds=5)
    h.advance(6)
    assert h.phone_view("ann").accepting_answers is False


def test_closing_the_activity_mid_question_reveals_and_finishes() -> None:
    h = quiz(SINGLE, players=("ann",))
    h.act("next")
    h.answer("ann", {"choice": 1})
    h.close()
    assert h.state["phase"] == "finished"
    assert h.results()["leaderboard"][0]["score"] > 0


# -- export -----


def test_export_is_readable() -> None:
    h = quiz(SINGLE, MULTI, scoring="flat")
    h.act("next")
    h.advance(1.5)
    h.answer("ann", {"choice": 1})
    h.act("reveal")
    h.act("next")
    h.answer("ann", {"choices": [0, 1]})
    assert h.export() == [
        {
            "question": "1. Capital of France?",
            "answer": "Paris",
            "correct": "yes",
            "seconds": "1.500",
            "points_before_streak_bonus": "1000",
        },
        {
            "question": "2. Which are primes?",
            "answer": "2; 4",
            "correct": "no",
            "seconds": "0.000",
            "points_before_streak_bonus": "0",
        },
    ]


# -- exact aggregation -----


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 2), st.integers(0, 20_000)), max_size=15),
    st.randoms(use_true_random=False),
)
def test_aggregate_equals_a_recount_in_any_order(picks: list[tuple[int, int]], rnd: Any) -> None:
    h = quiz(SINGLE)
    h.act("next")
    opened = h.now
    for n, (choice, ms) in enumerate(picks):
        h.now = opened + dt.timedelta(milliseconds=ms)
        h.answer(f"p{n}", {"choice": choice})
    h.act("reveal")
    answers = h.stored()
    rnd.shuffle(answers)
    results = h.results(answers)
    expected_scores = sorted(
        (speed_points(ms, 20) if choice == 1 else 0 for choice, ms in picks), reverse=True
    )
    assert [r["score"] for r in results["leaderboard"]] == expected_scores
    q = results["questions"][0]
    assert [d["count"] for d in q["distribution"]] == [
        sum(1 for c, _ in picks if c == i) for i in range(3)
    ]
    assert q["correct_count"] == sum(1 for c, _ in picks if c == 1)
    assert json.loads(json.dumps(results)) == results


@settings(max_examples=30, deadline=None)
@given(
    st.lists(
        st.lists(
            st.one_of(st.none(), st.tuples(st.integers(0, 2), st.integers(0, 20_000))),
            min_size=4,
            max_size=4,
        ),
        min_size=1,
        max_size=8,
    ),
    st.randoms(use_true_random=False),
)
def test_leaderboard_equals_a_recount_with_streaks(
    sheets: list[list[tuple[int, int] | None]], rnd: Any
) -> None:
    """Four single-choice questions (correct = 1, weights 1, 2, 0, 1): any answers, any order."""
    weights = [1, 2, 0, 1]
    h = quiz(*[{**SINGLE, "points": w} for w in weights])
    for n in range(len(sheets)):
        h.join(f"p{n}")
    for q in range(4):
        h.act("next")
        opened = h.now
        for n, sheet in enumerate(sheets):
            if sheet[q] is not None:
                choice, ms = sheet[q]
                h.now = opened + dt.timedelta(milliseconds=ms)
                h.answer(f"p{n}", {"choice": choice})
        h.now = opened + dt.timedelta(seconds=30)
        h.act("reveal")
    answers = h.stored()
    rnd.shuffle(answers)
    board = {r["nickname"]: r for r in h.results(answers)["leaderboard"]}
    for n, sheet in enumerate(sheets):
        score = correct = streak = 0
        for q, entry in enumerate(sheet):
            right = entry is not None and entry[0] == 1
            correct += right
            if weights[q] == 0:
                continue
            streak = streak + 1 if right else 0
            if right:
                assert entry is not None
                t = min(entry[1], 20_000) / 20_000
                score += round(1000 - 500 * t + 1e-9) * weights[q]  # +1e-9: halves round up
                score += min(100 * (streak - 1), 500)
        assert (board[f"p{n}"]["score"], board[f"p{n}"]["correct"]) == (score, correct)
    for row in board.values():  # competition ranking: 1 + how many scored strictly more
        assert row["rank"] == 1 + sum(other["score"] > row["score"] for other in board.values())


def test_someone_who_never_answered_is_listed_like_a_wrong_answer_with_nothing_sent() -> None:
    h = quiz(SINGLE, TRUE_FALSE)
    h.join("quiet")
    h.act("next")
    h.answer("loud", {"choice": 0})
    rows = {r["nickname"]: r for r in h.results(h.stored())["leaderboard"]}
    unrevealed = {"question": None, "correct": False, "points": 0, "answered": False}
    assert rows["quiet"]["last"] == rows["loud"]["last"] == unrevealed
    h.act("reveal")
    h.act("next")
    h.answer("loud", {"value": False})
    h.act("reveal")
    rows = {r["nickname"]: r for r in h.results(h.stored())["leaderboard"]}
    quiet, loud = rows["quiet"], rows["loud"]
    assert (quiet["score"], quiet["correct"], quiet["answered"], quiet["streak"]) == (0, 0, 0, 0)
    assert loud["answered"] == 2 and loud["score"] == 0
    assert quiet["last"] == {**loud["last"], "answered": False}
    assert quiet["rank"] == loud["rank"] == 1


def test_marks_remember_an_answer_by_its_question_and_value() -> None:
    config = QuizConfig.model_validate(make_config(SINGLE, MULTI, partial_credit=True))
    marks = Marks(config)
    for index, choices in [(0, [1]), (0, [2]), (1, [0, 2])]:
        answer = QuizAnswer(question=index, choices=choices)
        for _ in range(2):
            assert marks.mark(index, answer) == mark(config.questions[index], answer, True)


def test_someone_who_answered_and_left_keeps_their_row_under_the_name_they_answered_with() -> None:
    h = quiz(SINGLE)
    h.act("next")
    h.answer("stays", {"choice": 0})
    h.answer("leaves", {"choice": 1})
    h.act("reveal")
    answers = h.stored()
    staying = {a.participant_id: a.nickname for a in answers if a.nickname == "stays"}
    config = QuizConfig.model_validate(make_config(SINGLE))
    board = leaderboard(config, [0], answers, staying)
    assert [(r["nickname"], r["rank"], r["correct"]) for r in board] == [
        ("leaves", 1, 1),
        ("stays", 2, 0),
    ]
    assert board == leaderboard(config, [0], answers[::-1], staying, Marks(config))
