"""The activities a benchmark session runs: their configs, answers and answer counts.

Each built-in type the benchmark knows says how to set it up (the plugin's config shape),
what a simulated participant answers, what to do right after activating it (the quiz opens
its first question) and where the big screen's results say how many answers are in.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]

WORDS = (
    *("coffee", "teamwork", "python", "speed", "focus", "sunshine", "music", "pizza"),
    *("ideas", "planning", "design", "testing", "rocket", "garden", "travel", "books"),
    *("ocean", "mountain", "friends", "learning", "coding", "weekend", "energy"),
    *("balance", "curiosity", "kindness", "patience", "clarity", "humour", "bicycle"),
)


@dataclass(frozen=True)
class BenchActivity:
    """How the benchmark drives one activity type."""

    type: str
    title: str
    config: JSON
    answer: Callable[[random.Random, int], JSON]
    """(rng, participant index) -> the answer's ``data``."""
    count: Callable[[JSON], int | None]
    """The presenter's ``activity.results`` -> how many answers they include."""
    after_activate: list[str] = field(default_factory=list)
    """Admin actions to run right after activating (e.g. the quiz's ``next``)."""


def _poll_count(results: JSON) -> int | None:
    voters = results.get("voters")
    return voters if isinstance(voters, int) else None


def _quiz_count(results: JSON) -> int | None:
    current = results.get("current")
    for question in results.get("questions") or []:
        if question.get("index") == current and isinstance(question.get("answers"), int):
            return int(question["answers"])
    return None


def _wordcloud_count(results: JSON) -> int | None:
    total = results.get("total_entries")
    return total if isinstance(total, int) else None


POLL = BenchActivity(
    type="poll",
    title="Bench poll: which language?",
    config={
        "question": "Which language do you use most?",
        "options": [{"text": t} for t in ("Python", "TypeScript", "Go", "Rust", "Java")],
    },
    answer=lambda rng, i: {"choices": [rng.randrange(5)]},
    count=_poll_count,
)

QUIZ = BenchActivity(
    type="quiz",
    title="Bench quiz",
    config={
        "questions": [
            {
                "kind": "single",
                "text": "What does HTTP 304 mean?",
                "options": ["Not Modified", "Found", "Forbidden", "Gone"],
                "correct": 0,
                "time_limit_seconds": 600,
            }
        ]
    },
    answer=lambda rng, i: {"question": 0, "choice": rng.randrange(4)},
    count=_quiz_count,
    after_activate=["next"],
)

WORDCLOUD = BenchActivity(
    type="wordcloud",
    title="Bench word cloud",
    config={"prompt": "One word for today?", "entries_per_participant": 1},
    answer=lambda rng, i: {"text": rng.choice(WORDS)},
    count=_wordcloud_count,
)

BUILT_IN: dict[str, BenchActivity] = {a.type: a for a in (POLL, QUIZ, WORDCLOUD)}
"""Type name -> how to drive it, in the order a session runs them."""
