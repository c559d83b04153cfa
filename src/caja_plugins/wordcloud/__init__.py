"""The word cloud: short entries, normalised and counted, with a profanity filter."""

from collections.abc import Callable
from typing import Any

from caja_core import ActivityType, hookimpl
from caja_plugins.wordcloud.activity import (
    EntryBody,
    WordCloudAnswer,
    WordCloudConfig,
    WordCloudType,
)

__all__ = [
    "EntryBody",
    "WordCloudAnswer",
    "WordCloudConfig",
    "WordCloudType",
    "caja_register_activity_types",
]


@hookimpl
def caja_register_activity_types(register: Callable[[ActivityType[Any, Any]], None]) -> None:
    """Register the word cloud."""
    register(WordCloudType())
