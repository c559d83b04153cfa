"""The phones' two hot requests, answered before the rest of the app when memory can.

Every phone asks for its shared document every two seconds, and for its personal one every
15 s (and after each activation); almost every answer comes from memory. Through the whole
FastAPI stack (eight ASGI layers, route matching over every route, parameter validation) a
304 cost about 0.45 ms of CPU, a bare ASGI app's 0.035 ms (``docs/performance.md``): at
10,000 phones, 5,000 polls a second, more than two cores. :class:`LiveDocumentFront` is an
ASGI middleware, the outermost of the app's own, that answers

- every well-formed ``GET``/``HEAD /api/live/{sid}/{key}`` with :func:`answer_shared`;
- ``GET``/``HEAD /api/sessions/{sid}/me`` with :func:`answer_personal` when the session's
  snapshot is in memory and its roster knows the bearer token.

Everything else goes on to the routes in ``routers/live.py`` (a malformed id or key: 422; no
token: 401; a token the snapshot does not know: the database), which answer with the same
two functions.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Mapping
from typing import Any, NamedTuple
from urllib.parse import parse_qsl

import orjson
from sqlalchemy.exc import OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from caja_core.errors import NotFound
from caja_server.deps import ADMIN_TOKEN_PREFIX
from caja_server.errors import error_response
from caja_server.live import LiveDocuments
from caja_server.middleware import new_request_id

PREFIX = "/api/live/"
PERSONAL_PREFIX = "/api/sessions/"
PERSONAL_SUFFIX = "/me"
KEY_PATTERN = r"^[A-Za-z0-9_.\-]+$"
KEY_LENGTH = (3, 80)
LANG_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$"
LANG_MAX_LENGTH = 35
_KEY_RE = re.compile(KEY_PATTERN)
_LANG_RE = re.compile(LANG_PATTERN)
_REQUEST_ID_RE = re.compile(rb"^[A-Za-z0-9._-]{8,64}$")
NOT_FOUND_DETAIL = "No such live document: fetch your personal document for the current one"


class LiveAnswer(NamedTuple):
    """What to send for one live-document request: 200 with ``body``, 304 (no body) or
    404 (``body`` None: send the error answer; ``retired``: the key opened the session's
    previous activity, see :func:`not_found_headers`)."""

    status: int
    etag: str
    body: bytes | None
    retired: bool = False


def matches(if_none_match: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``etag`` (weak tags compare equal)."""
    if not if_none_match:
        return False
    return any(tag.strip().removeprefix("W/") in (etag, "*") for tag in if_none_match.split(","))


async def answer_shared(
    live: LiveDocuments, slots: Any, sid: uuid.UUID, key: str, if_none_match: str | None
) -> LiveAnswer:
    """The answer to a shared-document request: from memory when the session's snapshot is
    current, else after computing it in a worker thread within one of the database
    ``slots`` (an ``asyncio.Semaphore``)."""
    snap = live.ready(sid)
    if snap is None:
        try:
            async with slots:
                snap = await run_in_threadpool(live.snapshot, sid)
        except NotFound:
            return LiveAnswer(404, "", None)
    encoded = live.shared(snap, key)
    if encoded is None:
        return LiveAnswer(404, "", None, retired=live.retired(snap, key))
    if matches(if_none_match, encoded.etag):
        return LiveAnswer(304, encoded.etag, None)
    return LiveAnswer(200, encoded.etag, encoded.body)


def answer_personal(doc: dict[str, Any], if_none_match: str | None) -> LiveAnswer:
    """The answer to a personal-document request for ``doc``: 200, or 304 when the caller
    has it (the tag leaves the clock out: the same document has the same tag)."""
    unclocked = orjson.dumps({**doc, "server_time": None})
    etag = '"' + hashlib.blake2b(unclocked, digest_size=12).hexdigest() + '"'
    if matches(if_none_match, etag):
        return LiveAnswer(304, etag, None)
    return LiveAnswer(200, etag, orjson.dumps(doc))


def not_found_headers(answer: LiveAnswer, max_age: int) -> dict[str, str]:
    """A 404's caching. For a retired key (the previous activity's) a shared cache may keep
    it as long as a document: after an activation every phone asks for its old key once,
    and through a cache those requests no longer all reach the server. Any other key is
    never kept: it may be one this process has not seen yet (another replica activated
    the activity a moment ago), and the phone's next try, after ``/me``, may work."""
    if answer.retired:
        return {"Cache-Control": f"public, max-age={max_age}"}
    return {"Cache-Control": "no-store"}


class _Request(NamedTuple):
    sid: uuid.UUID
    key: str
    if_none_match: str | None
    request_id: bytes | None
    token: str | None = None


def _parse(scope: Scope) -> _Request | None:
    """The request's session id, key and validators, or None when the path or query does not
    parse (left to the route, which says why)."""
    sid_text, slash, key = scope["path"][len(PREFIX) :].partition("/")
    if not slash or not KEY_LENGTH[0] <= len(key) <= KEY_LENGTH[1] or not _KEY_RE.match(key):
        return None
    try:
        sid = uuid.UUID(sid_text)
    except ValueError:
        return None
    query = scope.get("query_string", b"")
    if query:
        for name, value in parse_qsl(query.decode("latin-1"), keep_blank_values=True):
            if name == "lang" and (len(value) > LANG_MAX_LENGTH or not _LANG_RE.match(value)):
                return None
    return _with_headers(scope, sid, key)


def _parse_personal(scope: Scope) -> _Request | None:
    """A personal-document request's session id and bearer token, or None (the route's)."""
    sid_text = scope["path"][len(PERSONAL_PREFIX) : -len(PERSONAL_SUFFIX)]
    if scope.get("query_string"):
        return None
    try:
        sid = uuid.UUID(sid_text)
    except ValueError:
        return None
    request = _with_headers(scope, sid, "")
    token = request.token
    if not token or token.startswith(ADMIN_TOKEN_PREFIX):
        return None
    return request


def _with_headers(scope: Scope, sid: uuid.UUID, key: str) -> _Request:
    if_none_match = request_id = token = None
    for name, value in scope["headers"]:
        if name == b"if-none-match":
            if_none_match = value.decode("latin-1")
        elif name == b"x-request-id" and _REQUEST_ID_RE.match(value):
            request_id = value
        elif name == b"authorization":
            scheme, _, credentials = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and credentials.strip():
                token = credentials.strip()
    return _Request(sid, key, if_none_match, request_id, token)


class LiveDocumentFront:
    """ASGI middleware: serve the shared documents with :func:`answer_shared` (the app's
    ``state.live`` and ``state.db_slots``) and the personal ones that memory can with
    :func:`answer_personal`, with the headers every answer of the app carries (``headers``:
    the security headers and the release; an ``X-Request-ID``). Everything else goes on to
    ``app``. Not logged line by line: at two requests a second per phone the access log
    would be the server's main work."""

    def __init__(self, app: ASGIApp, headers: Mapping[str, str]) -> None:
        self.app = app
        self.headers = [(k.lower().encode(), v.encode()) for k, v in headers.items()]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] in ("GET", "HEAD")
            and scope["path"].startswith(PREFIX)
        ):
            request = _parse(scope)
            if request is not None:
                await self._serve(request, scope, receive, send)
                return
        elif (
            scope["type"] == "http"
            and scope["method"] in ("GET", "HEAD")
            and scope["path"].startswith(PERSONAL_PREFIX)
            and scope["path"].endswith(PERSONAL_SUFFIX)
        ):
            request = _parse_personal(scope)
            if request is not None and await self._serve_personal(request, scope, send):
                return
        await self.app(scope, receive, send)

    async def _serve_personal(self, request: _Request, scope: Scope, send: Send) -> bool:
        """Answer from memory, or return False (the route answers)."""
        live: LiveDocuments = scope["app"].state.live
        snap = live.ready(request.sid)
        if snap is None or request.token is None:
            return False
        pid = live.participant_in(snap, request.token)
        if pid is None:
            return False
        answer = answer_personal(live.personal(snap, pid), request.if_none_match)
        await _send(send, answer, self._common(request), b"private, no-store")
        return True

    def _common(self, request: _Request) -> list[tuple[bytes, bytes]]:
        return [*self.headers, (b"x-request-id", request.request_id or new_request_id().encode())]

    async def _serve(self, request: _Request, scope: Scope, receive: Receive, send: Send) -> None:
        common = self._common(request)
        state = scope["app"].state
        live: LiveDocuments = state.live
        try:
            answer = await answer_shared(
                live, state.db_slots, request.sid, request.key, request.if_none_match
            )
        except OperationalError:
            error = error_response(
                503,
                "database_unavailable",
                "The database is unavailable; try again shortly",
                headers={"Retry-After": "5"},
            )
            await error(scope, receive, _adding(send, common))
            return
        if answer.status == 404:
            kept = not_found_headers(answer, live.tuning.shared_max_age)
            missing = error_response(404, "not_found", NOT_FOUND_DETAIL, kept)
            await missing(scope, receive, _adding(send, common))
            return
        caching = f"public, max-age={live.tuning.shared_max_age}".encode()
        await _send(send, answer, common, caching)


async def _send(
    send: Send, answer: LiveAnswer, common: list[tuple[bytes, bytes]], caching: bytes
) -> None:
    """Send a 200 or 304 with its tag, its caching and the common headers."""
    headers = [*common, (b"etag", answer.etag.encode()), (b"cache-control", caching)]
    body = answer.body or b""
    if answer.status == 200:
        headers += [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ]
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _adding(send: Send, headers: list[tuple[bytes, bytes]]) -> Send:
    async def send_with(message: Message) -> None:
        if message["type"] == "http.response.start":
            message["headers"] = [*message.get("headers", []), *headers]
        await send(message)

    return send_with
