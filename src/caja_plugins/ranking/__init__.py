"""Ranking: participants put the configured items in order; Borda points decide which come
out on top."""

from collections.abc import Callable
from typing import Any

from caja_core import ActivityType, hookimpl
from caja_plugins.ranking.activity import RankingAnswer, RankingConfig, RankingResults, RankingType

__all__ = [
    "RankingAnswer",
    "RankingConfig",
    "RankingResults",
    "RankingType",
    "caja_register_activity_types",
]


@hookimpl
def caja_register_activity_types(register: Callable[[ActivityType[Any, Any]], None]) -> None:
    """Register ranking."""
    register(RankingType())
