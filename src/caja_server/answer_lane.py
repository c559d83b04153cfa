"""The lean path for answers: ``POST /api/sessions/{sid}/activities/{aid}/responses``.

In a burst every phone sends its answer within a few seconds. The route itself is thin (it
hands the answer to the :class:`~caja_server.answers.AnswerWriter`), but the framework
around it (routing over every route, dependencies, body validation, response model,
five middlewares) cost more than storing the answer. The outermost layer
(:class:`caja_server.fastpath.UnchangedStateFastPath`) therefore hands the plain case here:
a participant's bearer token, a JSON body of at most ``MAX_BODY_BYTES`` that is exactly
``{"data": {...}}`` without NUL characters, and ids that parse. Then the answer goes to the
writer and the reply is written directly, with the same body, status codes, error bodies
(through the app's own exception handlers), ``X-Request-ID`` and security headers as the
route. Anything else (no token, an admin token, malformed JSON, a body too large, ...) is
passed on, body included, to the full app, which says precisely what is wrong.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send

from caja_core.services.participants import TOKEN_PREFIX
from caja_server import json_guard
from caja_server.answers import AnswerWriter
from caja_server.middleware import (
    MAX_BODY_BYTES,
    REQUEST_ID_SCOPE_KEY,
    bearer_token,
    request_id_for,
)

_PATH = re.compile(r"^/api/sessions/([^/]+)/activities/([^/]+)/responses$")


def answer_ids(scope: Scope) -> re.Match[str] | None:
    """For ``POST .../activities/{aid}/responses``, the path's two ids; else None."""
    return _PATH.match(scope["path"]) if scope["method"] == "POST" else None


async def answer(
    scope: Scope,
    receive: Receive,
    send: Send,
    state: Any,
    headers: list[tuple[bytes, bytes]],
    ids: re.Match[str],
) -> Receive | None:
    """Answer the request (whose path gave ``ids``, see :func:`answer_ids`) and return
    None; or return the ``receive`` to pass on to the full app (it replays the part of the
    body read here)."""
    writer: AnswerWriter | None = getattr(state, "answers", None)
    request_headers = Headers(scope=scope)
    token = bearer_token(request_headers.get("authorization"))
    media_type = request_headers.get("content-type", "").split(";")[0].strip().lower()
    if (
        writer is None
        or token is None
        or not token.startswith(TOKEN_PREFIX)
        or media_type != "application/json"
    ):
        return receive
    messages, body, complete = await _read_body(receive)
    replay = _replaying(messages, receive)
    if not complete or b"\\u0000" in body or b"\x00" in body:
        return replay
    try:
        sid, aid = uuid.UUID(ids[1]), uuid.UUID(ids[2])
        parsed = json_guard.loads(body)
    except (ValueError, json_guard.JsonRefused):  # the route says what is wrong
        return replay
    if not isinstance(parsed, dict) or parsed.keys() != {"data"}:
        return replay
    data = parsed["data"]
    if not isinstance(data, dict):
        return replay

    request_id = request_id_for(request_headers)
    scope[REQUEST_ID_SCOPE_KEY] = request_id
    extra = [*headers, (b"x-request-id", request_id.encode())]
    try:
        out, changed = await writer.submit(token, sid, aid, data)
    except Exception as exc:
        response = await _error_response(state, scope, exc)
    else:
        response = Response(
            out.model_dump_json().encode(),
            status_code=201 if changed else 200,
            media_type="application/json",
        )

    async def send_with_headers(message: Message) -> None:
        if message["type"] == "http.response.start":
            present = {name for name, _ in message.get("headers", [])}
            added = [(name, value) for name, value in extra if name not in present]
            message["headers"] = [*message.get("headers", []), *added]
        await send(message)

    await response(scope, replay, send_with_headers)
    return None


async def _read_body(receive: Receive) -> tuple[list[Message], bytes, bool]:
    """The messages read, the body, and whether it is complete and within the limit."""
    messages: list[Message] = []
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            return messages, b"", False
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            return messages, b"", False
        if not message.get("more_body", False):
            return messages, b"".join(chunks), True


def _replaying(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replay() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replay


async def _error_response(state: Any, scope: Scope, exc: Exception) -> Response:
    """The app's own answer to ``exc``: its exception handler for the closest class."""
    handlers: dict[Any, Any] = getattr(state, "exception_handlers", {})
    for cls in type(exc).__mro__:
        handler = handlers.get(cls)
        if handler is not None:
            response: Response = await handler(Request(scope), exc)
            return response
    raise exc
