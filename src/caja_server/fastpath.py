"""The lean path for polls.

Thousands of phones poll ``GET /api/sessions/{sid}/state`` every two seconds. Most find
nothing new, and during a burst of answers the rest want the same session snapshot.
:class:`UnchangedStateFastPath` is a plain ASGI middleware, the outermost layer of the app,
that answers those polls before the framework runs: no routing, no dependencies, no
database. It answers only when everything it needs is already in memory
(:func:`caja_server.live.look_up` and :func:`~caja_server.live.answer_for`):

- the caller's token was authenticated for this session by this process moments ago
  (``app.state.live.recent_auth``), and
- the process's :class:`~caja_core.live.VersionBoard` (``app.state.live.board``) knows the
  session's version (fed by local commits and, on PostgreSQL, by every replica's NOTIFYs),
  and
- the snapshot cache (``app.state.live.snapshots``) holds a snapshot it may serve for it, or
  one for an earlier version: then this request computes the new one in a worker thread
  while concurrent polls keep getting the previous one.

Then it answers 304 when the caller's ``If-None-Match`` (or ``?since=``) names that version
or a newer one, and otherwise the caller's document rendered from the snapshot. Anything
else falls through to the full route, which authenticates, reads the database and refreshes
the caches.
"""

from __future__ import annotations

import functools
import uuid
from typing import Any, NamedTuple

import anyio.to_thread
import orjson
import structlog

from caja_core.services.snapshots import Snapshot
from caja_server import answer_lane
from caja_server.live import LiveMemory, Lookup, answer_for, compute_due, look_up
from caja_server.middleware import bearer_token

log = structlog.get_logger(__name__)

_PREFIX = "/api/sessions/"
_SUFFIX = "/state"
_ADMIN_COOKIE = b"caja_admin="
_TRIED = "caja.fast_path_tried"


class UnchangedStateFastPath:
    """ASGI middleware answering polls from memory (304 or the rendered document).

    Args:
        app: the wrapped application.
        headers: extra headers for the documents it sends (the app's security headers).
        state: the Caja app's ``state``; by default the one of the Starlette app in the
            request's scope (when installed as the app's middleware). Given, the layer can
            sit outside the whole framework (:func:`caja_server.app.serving`).
    """

    def __init__(self, app: Any, headers: dict[str, str] | None = None, state: Any = None) -> None:
        self.app = app
        self.state = state
        self.headers = [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
        self.hits = 0
        """Polls answered with 304 here (tests and the benchmark read it)."""
        self.documents = 0
        """Polls answered with a document here."""
        self.answers = 0
        """Answers taken by the answer lane (:mod:`caja_server.answer_lane`)."""
        self.before_asgi = 0
        """Of :attr:`hits` and :attr:`documents`, those the HTTP protocol answered before
        ASGI (:mod:`caja_server.protocol`)."""

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        ids = answer_lane.answer_ids(scope) if scope["type"] == "http" else None
        if ids is not None and _TRIED not in scope:
            scope[_TRIED] = True
            state = self.state or getattr(scope.get("app"), "state", None)
            passed_on = await answer_lane.answer(scope, receive, send, state, self.headers, ids)
            if passed_on is None:
                self.answers += 1
                return
            receive = passed_on
        if scope["type"] == "http" and scope["method"] == "GET" and _TRIED not in scope:
            path: str = scope["path"]
            if path.startswith(_PREFIX) and path.endswith(_SUFFIX):
                scope[_TRIED] = True  # an inner copy of this layer need not look again
                state = self.state or getattr(scope.get("app"), "state", None)
                sid = path[len(_PREFIX) : -len(_SUFFIX)]
                answer = await _from_memory(scope, sid, state)
                if answer is not None:
                    tag, body = answer
                    status, headers = self.answered(tag, body)
                    await send(
                        {"type": "http.response.start", "status": status, "headers": headers}
                    )
                    await send({"type": "http.response.body", "body": body or b""})
                    return
        await self.app(scope, receive, send)

    def answered(self, tag: str, body: bytes | None) -> tuple[int, list[tuple[bytes, bytes]]]:
        """Count a poll answered from memory and give its status and headers: 304 when
        ``body`` is None, else 200 with the document's headers. This layer and the HTTP
        protocol's shortcut (:mod:`caja_server.protocol`) both answer with these."""
        headers = [(b"etag", tag.encode("latin-1")), (b"cache-control", b"no-cache")]
        if body is None:
            self.hits += 1
            return 304, headers
        self.documents += 1
        headers += [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode("latin-1")),
            *self.headers,
        ]
        return 200, headers


class _Poll(NamedTuple):
    """A poll memory can answer: who asks, the snapshot to serve (None: due), and what
    the caller says it has."""

    live: LiveMemory
    session_id: uuid.UUID
    lookup: Lookup
    since: int | None
    if_none_match: str | None


def _poll(state: Any, sid_text: str, headers: Any, query: bytes) -> _Poll | None:
    live = getattr(state, "live", None)
    if live is None:
        return None
    sid = _session_id(sid_text)
    if sid is None:
        return None
    token = if_none_match = None
    for name, value in headers:
        if name == b"authorization":
            token = bearer_token(value.decode("latin-1")) or token
        elif name == b"if-none-match":
            if_none_match = value.decode("latin-1")
        elif name == b"cookie" and token is None:
            token = _admin_cookie(value)
    if token is None:
        return None
    since = _since(query)
    lookup = look_up(live, sid, token, conditional=since is not None or bool(if_none_match))
    if lookup is None:
        return None
    return _Poll(live, sid, lookup, since, if_none_match)


def _reply(poll: _Poll, snap: Snapshot) -> tuple[str, bytes | None]:
    answer = answer_for(poll.live, poll.lookup.viewer, snap, poll.since, poll.if_none_match)
    if answer.doc is None:
        return answer.etag, None
    # orjson: the documents are most of what a burst costs; the stdlib encoder took longer
    # than building them (120 us for a 5 kB word cloud).
    return answer.etag, orjson.dumps(answer.doc, option=orjson.OPT_NON_STR_KEYS)


def answer_now(
    state: Any, sid_text: str, headers: Any, query: bytes
) -> tuple[str, bytes | None] | None:
    """A poll answered from memory without waiting: ``(etag, None)`` for 304, ``(etag,
    body)`` for a document; None when it needs the route or a snapshot that is due (the
    HTTP protocol's shortcut, :mod:`caja_server.protocol`, then hands it to the ASGI app).

    ``headers`` are the request's as ASGI lists them (lower-case names), ``query`` its raw
    query string."""
    try:
        poll = _poll(state, sid_text, headers, query)
        if poll is None or poll.lookup.snapshot is None:
            return None
        return _reply(poll, poll.lookup.snapshot)
    except Exception as exc:  # the session is gone, or the database failed: the route says
        log.info("fast_path_declined", error=f"{type(exc).__name__}: {exc}")
        return None


async def _from_memory(scope: Any, sid_text: str, state: Any) -> tuple[str, bytes | None] | None:
    """``(etag, None)`` for 304, ``(etag, body)`` for a document, or None for the route."""
    try:
        poll = _poll(state, sid_text, scope["headers"], scope.get("query_string", b""))
        if poll is None:
            return None
        snap = poll.lookup.snapshot
        if snap is None:  # due: this request computes it, in a worker thread
            screen = poll.lookup.viewer.participant_id is None
            snap = await anyio.to_thread.run_sync(
                functools.partial(
                    compute_due, state, poll.session_id, poll.lookup.version, screen=screen
                )
            )
        return _reply(poll, snap)
    except Exception as exc:  # the session is gone, or the database failed: the route says
        log.info("fast_path_declined", error=f"{type(exc).__name__}: {exc}")
        return None


@functools.lru_cache(maxsize=4096)
def _session_id(text: str) -> uuid.UUID | None:
    """A session id as the path spells it, parsed once per process (a UUID parse is Python
    code, and a process sees a handful of live sessions)."""
    try:
        return uuid.UUID(text)
    except ValueError:
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
