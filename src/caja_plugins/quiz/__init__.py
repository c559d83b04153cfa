"""The quiz: timed questions, Kahoot-style speed scoring, streaks, leaderboard and podium."""

from collections.abc import Callable
from typing import Any

from caja_core import ActivityType, hookimpl
from caja_plugins.quiz.activity import QuizType
from caja_plugins.quiz.questions import (
    MultipleChoiceQuestion,
    QuizAnswer,
    QuizConfig,
    SingleChoiceQuestion,
    TrueFalseQuestion,
    TypeAnswerQuestion,
)

__all__ = [
    "MultipleChoiceQuestion",
    "QuizAnswer",
    "QuizConfig",
    "QuizType",
    "SingleChoiceQuestion",
    "TrueFalseQuestion",
    "TypeAnswerQuestion",
    "caja_register_activity_types",
]


@hookimpl
def caja_register_activity_types(register: Callable[[ActivityType[Any, Any]], None]) -> None:
    """Register the quiz."""
    register(QuizType())
