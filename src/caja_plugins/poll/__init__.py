"""The poll activity type: one question, 2-30 options, single or multiple choice."""

from collections.abc import Callable
from typing import Any

from caja_core import ActivityType, hookimpl
from caja_plugins.poll.activity import PollAnswer, PollConfig, PollOption, PollType

__all__ = ["PollAnswer", "PollConfig", "PollOption", "PollType", "caja_register_activity_types"]


@hookimpl
def caja_register_activity_types(register: Callable[[ActivityType[Any, Any]], None]) -> None:
    """Register the poll."""
    register(PollType())
