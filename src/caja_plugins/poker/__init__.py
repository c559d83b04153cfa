"""Planning poker: estimate stories with a deck of cards, face down until the reveal."""

from collections.abc import Callable
from typing import Any

from caja_core import ActivityType, hookimpl
from caja_plugins.poker.activity import AcceptBody, PokerAnswer, PokerType
from caja_plugins.poker.deck import DECKS, PokerConfig, PokerItem

__all__ = [
    "DECKS",
    "AcceptBody",
    "PokerAnswer",
    "PokerConfig",
    "PokerItem",
    "PokerType",
    "caja_register_activity_types",
]


@hookimpl
def caja_register_activity_types(register: Callable[[ActivityType[Any, Any]], None]) -> None:
    """Register planning poker."""
    register(PokerType())
