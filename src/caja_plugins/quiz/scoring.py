"""Quiz scoring: Kahoot's speed points, the streak bonus, and a leaderboard with shared ranks."""

from __future__ import annotations

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


def base_points(config: QuizConfig, index: int, answer: StoredAnswer) -> tuple[bool, int]:
    """Whether an answer is fully correct and its points before any streak bonus."""
    question = config.questions[index]
    correct, share = mark(question, answer.data, config.partial_credit)
    if share == 0 or question.points == 0:
        return correct, 0
    if config.scoring == "speed":
        full = speed_points(int(answer.meta.get("elapsed_ms", 0)), question.time_limit_seconds)
    else:
        full = 1000
    points = full if share == 1 else round_half_up(full * share)
    return correct, points * question.points


def streak_bonus(streak: int) -> int:
    """Bonus for the ``streak``-th consecutive correct answer: +100 from the second, up to +500."""
    return min(STREAK_STEP * max(streak - 1, 0), STREAK_CAP)


def leaderboard(
    config: QuizConfig,
    revealed: Sequence[int],
    answers: Sequence[StoredAnswer],
    participants: Mapping[uuid.UUID, str],
) -> list[dict[str, Any]]:
    """Scores over the revealed questions, best first; equal scores share a rank.

    Every participant of the session is listed (0 points until they score), plus anyone who
    answered. The order (and so the result) does not depend on the order of ``answers``.
    """
    shown = set(revealed)
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
        for index in sorted(shown):
            question = config.questions[index]
            answer = mine.get(index)
            ok, points = base_points(config, index, answer) if answer else (False, 0)
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
                "participant_id": str(pid),
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


def _slot_index(slot: str) -> int | None:
    return int(slot[1:]) if slot.startswith("q") and slot[1:].isdigit() else None
