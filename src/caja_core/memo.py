"""Remembering what is derived from one object, for as long as that object is in use.

A snapshot's results are shared by every viewer of one session version: thousands of phones
render their documents from the same ``results`` object. What a view derives from the
results alone (a word cloud's words, a leaderboard's index) need not be derived again for
each phone. :class:`IdentityMemo` remembers it by the object's identity.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

V = TypeVar("V")


class IdentityMemo(Generic[V]):
    """``memo.get(obj, compute)``: ``compute()`` the first time for ``obj`` (by identity),
    the remembered value after that, for the last ``size`` objects.

    It keeps a reference to each object it remembers a value for, so an identity is never
    reused while remembered. Treat both the object and the value as read-only.
    """

    def __init__(self, size: int = 32) -> None:
        self.size = size
        self._values: dict[int, tuple[Any, V]] = {}
        self._lock = threading.Lock()

    def get(self, obj: Any, compute: Callable[[], V]) -> V:
        """The value remembered for ``obj``, or ``compute()`` (then remembered)."""
        found = self._values.get(id(obj))
        if found is not None and found[0] is obj:
            return found[1]
        value = compute()
        with self._lock:
            self._values[id(obj)] = (obj, value)
            while len(self._values) > self.size:
                del self._values[next(iter(self._values))]
        return value
