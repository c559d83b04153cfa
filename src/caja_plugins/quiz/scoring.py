"""Quiz scoring: Kahoot's speed points, the streak bonus, and a leaderboard with shared ranks."""

from __future__ import annotations

import functools
import threading
import uuid
from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from caja_core import StoredAnswer
from caja_plugins.quiz.questions import QuizConfig, mark

STREAK_STEP = 100
STREAK_CAP = 500


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
    config: QuizConfig, index: int, answer: StoredAnswer, marks: Marks | None = None
) -> tuple[bool, int]:
    """Whether an answer is fully correct and its points before any streak bonus.

    ``marks`` remembers the marking of answers already seen (a leaderboard marks
    thousands of answers that take a handful of distinct values)."""
    question = config.questions[index]
    correct, share = (marks or Marks(config)).mark(index, answer.data)
    if share == 0 or question.points == 0:
        return correct, 0
    if config.scoring == "speed":
        full = speed_points(int(answer.meta.get("elapsed_ms", 0)), question.time_limit_seconds)
    else:
        full = 1000
    points = full if share == 1 else round_half_up(full * share)
    return correct, points * question.points


class Marks:
    """:func:`~caja_plugins.quiz.questions.mark` with a memory: an answer's marking depends
    only on its question and its data, and a room gives few distinct answers."""

    def __init__(self, config: QuizConfig) -> None:
        self.config = config
        self._seen: dict[tuple[int, Any], tuple[bool, Fraction]] = {}

    def mark(self, index: int, data: dict[str, Any]) -> tuple[bool, Fraction]:
        """Whether ``data`` is fully correct for question ``index``, and its share."""
        # A stored answer has one of these fields (see the type's validate_answer).
        choices = data.get("choices")
        if isinstance(choices, list):
            key: tuple[int, Any] = (index, tuple(choices))
        else:
            key = (index, (data.get("value"), data.get("text")))
        found = self._seen.get(key)
        if found is None:
            question = self.config.questions[index]
            found = self._seen[key] = mark(question, data, self.config.partial_credit)
        return found


def streak_bonus(streak: int) -> int:
    """Bonus for the ``streak``-th consecutive correct answer: +100 from the second, up to +500."""
    return min(STREAK_STEP * max(streak - 1, 0), STREAK_CAP)


def leaderboard(
    config: QuizConfig,
    revealed: Sequence[int],
    answers: Sequence[StoredAnswer],
    participants: Mapping[uuid.UUID, str],
    marks: Marks | None = None,
) -> list[dict[str, Any]]:
    """Scores over the revealed questions, best first; equal scores share a rank.

    Every participant of the session is listed (0 points until they score), plus anyone who
    answered. The order (and so the result) does not depend on the order of ``answers``.
    """
    shown = set(revealed)
    order = sorted(shown)
    marks = marks or Marks(config)
    by_person: dict[uuid.UUID, dict[int, StoredAnswer]] = {}
    names = dict(participants)
    for a in answers:
        index = _slot_index(a.slot)
        if index is not None and index in shown:
            by_person.setdefault(a.participant_id, {})[index] = a
            names.setdefault(a.participant_id, a.nickname)
    rows: list[dict[str, Any]] = []
    for pid, nickname in names.items():
        mine = by_person.get(pid, {})
        score = correct_count = streak = 0
        last: dict[str, Any] = {"question": None, "correct": False, "points": 0, "answered": False}
        for index in order:
            question = config.questions[index]
            answer = mine.get(index)
            ok, points = base_points(config, index, answer, marks) if answer else (False, 0)
            bonus = 0
            if question.points > 0:
                streak = streak + 1 if ok else 0
                if ok and config.streak_bonus:
                    bonus = streak_bonus(streak)
            score += points + bonus
            correct_count += ok
            last = {
                "question": index,
                "correct": ok,
                "points": points + bonus,
                "bonus": bonus,
                "answered": answer is not None,
            }
        rows.append(
            {
                "participant_id": _id_text(pid),
                "nickname": nickname,
                "score": score,
                "correct": correct_count,
                "answered": len(mine),
                "streak": streak,
                "last": last,
            }
        )
    rows.sort(key=lambda r: (-r["score"], r["nickname"].casefold(), r["participant_id"]))
    for position, row in enumerate(rows):
        tied = position > 0 and rows[position - 1]["score"] == row["score"]
        row["rank"] = rows[position - 1]["rank"] if tied else position + 1
    return rows


def row_of(board: list[dict[str, Any]], participant_id: str) -> dict[str, Any] | None:
    """A participant's row of a leaderboard. Every phone's view looks itself up in the same
    board, so the board's index is built once and remembered while the board lives."""
    with _INDEX_LOCK:
        found = _INDEXES.get(id(board))
        if found is None or found[0] is not board:
            found = (board, {row["participant_id"]: row for row in board})
            _INDEXES[id(board)] = found
            while len(_INDEXES) > _INDEXES_KEPT:
                del _INDEXES[next(iter(_INDEXES))]
    return found[1].get(participant_id)


_INDEXES: dict[int, tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]] = {}
_INDEXES_KEPT = 32  # boards of this many session versions (and sessions) at once
_INDEX_LOCK = threading.Lock()


_id_text = functools.lru_cache(maxsize=1 << 16)(str)
"""A participant id as text; remembered, as every aggregation writes every id again."""


def _slot_index(slot: str) -> int | None:
    return int(slot[1:]) if slot.startswith("q") and slot[1:].isdigit() else None
