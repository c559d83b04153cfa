"""The lean path for polls that find nothing new.

Thousands of phones poll ``GET /api/sessions/{sid}/state`` every two seconds and almost every
poll finds the version unchanged. :class:`UnchangedStateFastPath` is a plain ASGI middleware,
the outermost layer of the app, that answers those polls with ``304 Not Modified`` before the
framework runs: no routing, no dependencies, no database, no serialisation. It answers only
when everything it needs is already in memory:

- the caller's token was authenticated for this session by this process moments ago
  (``app.state.recent_auth``, a :class:`~caja_server.routers.state.RecentAuth`), and
- the process's :class:`~caja_core.live.VersionBoard` (``app.state.board``) knows the
  session's version (fed by local commits and, on PostgreSQL, by every replica's NOTIFYs),
  and
- the caller's ``If-None-Match`` (or ``?since=``) names that version.

Anything else falls through to the full route, which authenticates, reads the database and
refreshes both caches.
"""

from __future__ import annotations

import uuid
from typing import Any

from caja_server.routers.state import etag, not_modified

_PREFIX = "/api/sessions/"
_SUFFIX = "/state"
_ADMIN_COOKIE = b"caja_admin="


class UnchangedStateFastPath:
    """ASGI middleware answering unchanged-state polls with 304 from memory."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.hits = 0
        """Polls answered here (tests and the benchmark read it)."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            path: str = scope["path"]
            if path.startswith(_PREFIX) and path.endswith(_SUFFIX):
                tag = _unchanged(scope, path[len(_PREFIX) : -len(_SUFFIX)])
                if tag is not None:
                    self.hits += 1
                    await send(
                        {
                            "type": "http.response.start",
                            "status": 304,
                            "headers": [
                                (b"etag", tag.encode()),
                                (b"cache-control", b"no-cache"),
                            ],
                        }
                    )
                    await send({"type": "http.response.body", "body": b""})
                    return
        await self.app(scope, receive, send)


def _unchanged(scope: Any, sid_text: str) -> str | None:
    """The ETag to answer 304 with, or None to let the route decide."""
    state = getattr(scope.get("app"), "state", None)
    board = getattr(state, "board", None)
    recent = getattr(state, "recent_auth", None)
    if board is None or recent is None:
        return None
    try:
        sid = uuid.UUID(sid_text)
    except ValueError:
        return None
    version = board.get(sid)
    if version is None:
        return None
    token = if_none_match = None
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, credentials = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and credentials:
                token = credentials.strip()
        elif name == b"if-none-match":
            if_none_match = value.decode("latin-1")
        elif name == b"cookie" and token is None:
            token = _admin_cookie(value)
    if token is None:
        return None
    suffix = recent.get(token, sid)
    if suffix is None:
        return None
    if not_modified(version, suffix, _since(scope.get("query_string", b"")), if_none_match):
        return etag(version, suffix)
    return None


def _admin_cookie(header: bytes) -> str | None:
    for part in header.split(b";"):
        part = part.strip()
        if part.startswith(_ADMIN_COOKIE):
            return part[len(_ADMIN_COOKIE) :].decode("latin-1") or None
    return None


def _since(query: bytes) -> int | None:
    for part in query.split(b"&"):
        if part.startswith(b"since="):
            try:
                return int(part[6:])
            except ValueError:
                return None
    return None
