"""Hostile JSON: one place that says whether a request body is JSON the app will handle.

Python's JSON decoder recurses once per nesting level, so ``[[[[...]]]]`` ten thousand
levels deep raises ``RecursionError`` (not ``ValueError``), and a document that does parse
close to the recursion limit can still break whatever walks it next (the NUL check, the
JSON column's encoder). Every path that reads a body (the answer lane in front of the
framework, the routes without a body model, FastAPI's own parsing) answers such bodies
with the app's JSON 400 instead of a 500.
"""

from __future__ import annotations

import json
from typing import Any

from caja_core.errors import CajaError

MAX_DEPTH = 32
"""The deepest nesting of arrays and objects accepted in a request body. The deepest
legitimate body (a session definition: definition, activities, one activity, its config,
an option list, an option) is about 8 levels."""


class JsonRefused(CajaError):
    """A request body that is not JSON the app accepts (400 ``invalid_json``: a domain error
    without an entry in the status table is a 400)."""

    code = "invalid_json"


def could_be_deep(body: bytes) -> bool:
    """Cheap pre-check (two C-level counts): can ``body`` nest deeper than
    :data:`MAX_DEPTH`? Only then does :func:`check_depth` need to walk it."""
    return body.count(b"[") + body.count(b"{") > MAX_DEPTH


def loads(body: bytes | str) -> Any:
    """``json.loads`` that raises :class:`JsonRefused` for malformed, undecodable or too
    deeply nested JSON, never ``RecursionError``."""
    try:
        value = json.loads(body)
    except RecursionError:
        raise _too_deep() from None
    except ValueError as exc:  # JSONDecodeError and UnicodeDecodeError
        raise JsonRefused(f"The request body is not valid JSON: {exc}") from None
    check_depth(value)
    return value


def check_depth(value: Any) -> None:
    """Raise :class:`JsonRefused` when ``value`` nests deeper than :data:`MAX_DEPTH`
    (an iterative walk: no recursion of its own)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth >= MAX_DEPTH:
            raise _too_deep()
        stack.extend((child, depth + 1) for child in children)


def _too_deep() -> JsonRefused:
    return JsonRefused(f"The request body nests arrays or objects deeper than {MAX_DEPTH} levels")
