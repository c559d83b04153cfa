"""Q&A: participants ask questions and upvote others'; the presenter moderates, pins the
question being answered and marks questions answered. Runs as an activity or beside the
current one for the whole session."""

from collections.abc import Callable
from typing import Any

from caja_core import ActivityType, hookimpl
from caja_plugins.qna.activity import QnaConfig, QnaQuestion, QnaResults, QnaType

__all__ = ["QnaConfig", "QnaQuestion", "QnaResults", "QnaType", "caja_register_activity_types"]


@hookimpl
def caja_register_activity_types(register: Callable[[ActivityType[Any, Any]], None]) -> None:
    """Register the Q&A."""
    register(QnaType())
