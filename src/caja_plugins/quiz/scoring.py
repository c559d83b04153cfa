"""Quiz scoring: Kahoot's speed points, the streak bonus, and a leaderboard with shared ranks."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from caja_core import StoredAnswer
from caja_plugins.quiz.questions import QuizAnswer, QuizConfig, mark

JSON = dict[str, Any]
STREAK_STEP = 100
STREAK_CAP = 500
_NO_ANSWER = (False, 0)


def round_half_up(value: Fraction) -> int:
    """Round to the nearest integer, halves away from zero (for the non-negative points)."""
    return int((value + Fraction(1, 2)) // 1)


def speed_points(elapsed_ms: int, time_limit_seconds: int) -> int:
    """Kahoot's points for a correct answer of weight 1: round((1 - (t/T)/2) x 1000).

    ``t`` is clamped to ``[0, T]``, so an answer at the last moment still earns 500.
    """
    limit_ms = time_limit_seconds * 1000
    t = min(max(elapsed_ms, 0), limit_ms)
    # round_half_up(a / b) in integers (no Fraction: a leaderboard scores thousands of these)
    a, b = 1000 * (2 * limit_ms - t), 2 * limit_ms
    return (2 * a + b) // (2 * b)


def base_points(
    config: QuizConfig,
    index: int,
    answer: StoredAnswer[QuizAnswer],
    marks: Marks | None = None,
) -> tuple[bool, int]:
    """Whether an answer is fully correct and its points before any streak bonus.

    ``marks`` remembers the marking of answers already seen (a leaderboard marks
    thousands of answers that take a handful of distinct values)."""
    question = config.questions[index]
    correct, share = (marks or Marks(config)).mark(index, answer.answer)
    if share == 0 or question.points == 0:
        return correct, 0
    if config.scoring == "speed":
        full = speed_points(int(answer.meta.get("elapsed_ms", 0)), question.time_limit_seconds)
    else:
        full = 1000
    points = full if share == 1 else round_half_up(full * Fraction(share))
    return correct, points * question.points


class Marks:
    """:func:`~caja_plugins.quiz.questions.mark` with a memory: an answer's marking depends
    only on its question and its data, and a room gives few distinct answers."""

    def __init__(self, config: QuizConfig) -> None:
        self.config = config
        self._seen: dict[tuple[int, Any], tuple[bool, Fraction | int]] = {}

    def mark(self, index: int, answer: QuizAnswer) -> tuple[bool, Fraction | int]:
        """Whether ``answer`` is fully correct for question ``index``, and its share."""
        # A stored answer has one of these fields (see the type's validate_answer).
        if answer.choices is not None:
            key: tuple[int, Any] = (index, tuple(answer.choices))
        else:
            key = (index, (answer.value, answer.text))
        found = self._seen.get(key)
        if found is None:
            question = self.config.questions[index]
            ok, share = mark(question, answer, self.config.partial_credit)
            # a whole share as an int: compared thousands of times, a Fraction's == is slow
            found = self._seen[key] = ok, int(share) if share.denominator == 1 else share
        return found


def streak_bonus(streak: int) -> int:
    """Bonus for the ``streak``-th consecutive correct answer: +100 from the second, up to +500."""
    return min(STREAK_STEP * max(streak - 1, 0), STREAK_CAP)


def leaderboard(
    config: QuizConfig,
    revealed: Sequence[int],
    answers: Sequence[StoredAnswer[QuizAnswer]],
    participants: Mapping[uuid.UUID, str],
    marks: Marks | None = None,
    by_question: Mapping[int, Sequence[StoredAnswer[QuizAnswer]]] | None = None,
) -> list[dict[str, Any]]:
    """Scores over the revealed questions, best first; equal scores share a rank.

    Every participant of the session is listed (0 points until they score), plus anyone who
    answered. The order (and so the result) does not depend on the order of ``answers``.

    A room of thousands gives a handful of distinct outcomes per question, so each answer is
    marked once through ``marks``, and rows with the same last outcome share one ``last``
    dict (treat the rows as read-only). ``by_question``, when the caller has already
    grouped ``answers`` by question index, saves grouping them again.
    """
    shown = set(revealed)
    marks = marks or Marks(config)
    # participant -> {question index: (fully correct, points before the streak bonus)},
    # keyed by the id's integer: a UUID's own hash is Python code, run 10,000s of times
    by_person: dict[int, dict[int, tuple[bool, int]]] = {}
    answerers: dict[int, StoredAnswer[QuizAnswer]] = {}
    if by_question is None:
        by_question = group_by_question(answers)
    for index in shown:
        for a in by_question.get(index, ()):
            key = a.participant_id.int
            mine = by_person.get(key)
            if mine is None:
                mine = by_person[key] = {}
                answerers[key] = a
            mine[index] = base_points(config, index, a, marks)
    for pid in participants:
        answerers.pop(pid.int, None)
    extra = {a.participant_id: a.nickname for a in answerers.values()}  # answered, then left
    scored = [(index, config.questions[index].points > 0) for index in sorted(shown)]
    streaks = config.streak_bonus
    nothing: dict[int, tuple[bool, int]] = {}
    lasts: dict[tuple[Any, ...], dict[str, Any]] = {}
    totals = []
    for pid, nickname in itertools.chain(participants.items(), extra.items()):
        mine = by_person.get(pid.int, nothing)
        score = correct_count = streak = 0
        last_key: tuple[Any, ...] = (None, False, 0, 0, False)
        for index, counts in scored:
            ok, points = mine.get(index, _NO_ANSWER)
            bonus = 0
            if counts:
                if ok:
                    streak += 1
                    if streaks:
                        bonus = min(STREAK_STEP * (streak - 1), STREAK_CAP)
                else:
                    streak = 0
            score += points + bonus
            correct_count += ok
            last_key = (index, ok, points + bonus, bonus, index in mine)
        last = lasts.get(last_key)
        if last is None:
            last = lasts[last_key] = _last(*last_key)
        totals.append(
            (
                -score,
                nickname.casefold(),
                str(pid),
                nickname,
                correct_count,
                len(mine),
                streak,
                last,
            )
        )
    totals.sort()  # best score, then by name, then by id (unique: nothing after it)
    rows: list[dict[str, Any]] = []
    rank = previous = 0
    for position, (minus, _, text_id, nickname, correct_count, answered, streak, last) in enumerate(
        totals
    ):
        if position == 0 or minus != previous:
            rank, previous = position + 1, minus
        rows.append(
            {
                "participant_id": text_id,
                "nickname": nickname,
                "score": -minus,
                "correct": correct_count,
                "answered": answered,
                "streak": streak,
                "last": last,
                "rank": rank,
            }
        )
    return rows


def _last(question: int | None, ok: bool, points: int, bonus: int, answered: bool) -> JSON:
    if question is None:  # nothing revealed yet
        return {"question": None, "correct": False, "points": 0, "answered": False}
    return {
        "question": question,
        "correct": ok,
        "points": points,
        "bonus": bonus,
        "answered": answered,
    }


def row_of(board: list[dict[str, Any]], participant_id: str) -> dict[str, Any] | None:
    """A participant's row of a leaderboard."""
    return next((row for row in board if row["participant_id"] == participant_id), None)


def group_by_question(
    answers: Sequence[StoredAnswer[QuizAnswer]],
) -> dict[int, list[StoredAnswer[QuizAnswer]]]:
    """The answers to each question (slot ``q<index>``), in their order."""
    grouped: dict[int, list[StoredAnswer[QuizAnswer]]] = {}
    for a in answers:
        index = _slot_index(a.slot)
        if index is not None:
            grouped.setdefault(index, []).append(a)
    return grouped


def _slot_index(slot: str) -> int | None:
    return int(slot[1:]) if slot.startswith("q") and slot[1:].isdigit() else None
