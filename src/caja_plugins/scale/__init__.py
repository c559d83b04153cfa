"""Scales: several statements, each rated on one scale; the big screen shows each one's
average and spread."""

from collections.abc import Callable
from typing import Any

from caja_core import ActivityType, hookimpl
from caja_plugins.scale.activity import ScaleAnswer, ScaleConfig, ScaleResults, ScaleType

__all__ = [
    "ScaleAnswer",
    "ScaleConfig",
    "ScaleResults",
    "ScaleType",
    "caja_register_activity_types",
]


@hookimpl
def caja_register_activity_types(register: Callable[[ActivityType[Any, Any]], None]) -> None:
    """Register scales."""
    register(ScaleType())
