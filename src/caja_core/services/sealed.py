"""Sealed answers: answers whose content the presenter may not see yet.

A type's presenter ``view`` already hides them from the live documents and reports (poker
cards before the reveal), but the answer export reads stored answers one by one through
``export_row``, which has no notion of "not yet". Until the plugin contract lets a type say
which of its answers are sealed (proposed to the lead as ``ActivityType.sealed_slots(config,
state, now) -> set[str]``), the host knows the one built-in type that seals answers:
planning poker, whose round ``item<i>-r<n>`` stays sealed until it is revealed (by the
``reveal`` action, a later round, or its round timer running out, as its view shows it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from caja_core.activity import ActivityType

Sealer = Callable[[ActivityType[Any, Any], Any, dict[str, Any], dt.datetime], Callable[[str], bool]]


def _poker(
    activity_type: ActivityType[Any, Any], config: Any, state: dict[str, Any], now: dt.datetime
) -> Callable[[str], bool]:
    visible = set(state.get("revealed", []))
    current = f"item{state.get('item', 0)}-r{state.get('round', 1)}"
    if state.get("phase") == "revealed":
        visible.add(current)
    deadline = activity_type.deadline(config, state)
    if state.get("phase") == "voting" and deadline is not None and now > deadline:
        visible.add(current)  # the round timer ran out: the cards are face up
    return lambda slot: slot not in visible


_SEALERS: dict[str, Sealer] = {"poker": _poker}


def sealed_slots(
    activity_type: ActivityType[Any, Any], config: Any, state: dict[str, Any], now: dt.datetime
) -> Callable[[str], bool]:
    """``is_sealed(slot)`` for one activity: True for the slots whose answers the presenter
    may not see yet."""
    sealer = _SEALERS.get(activity_type.name)
    if sealer is None:
        return lambda slot: False
    return sealer(activity_type, config, state, now)
