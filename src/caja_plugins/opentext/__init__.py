"""Open text: a prompt, free-text answers on a wall of cards; the presenter can moderate them
and highlight one."""

from collections.abc import Callable
from typing import Any

from caja_core import ActivityType, hookimpl
from caja_plugins.opentext.activity import OpenTextConfig, OpenTextEntry, OpenTextType

__all__ = ["OpenTextConfig", "OpenTextEntry", "OpenTextType", "caja_register_activity_types"]


@hookimpl
def caja_register_activity_types(register: Callable[[ActivityType[Any, Any]], None]) -> None:
    """Register open text."""
    register(OpenTextType())
