"""Polls answered by the HTTP protocol itself, before ASGI.

Thousands of phones polling every two seconds are most of a big room's requests, and most
find nothing new. Answered by :class:`~caja_server.fastpath.UnchangedStateFastPath` they
still pay for uvicorn's ASGI machinery: a scope, a request-response cycle, an asyncio task,
a coroutine per layer, two ``send`` messages whose headers are checked one by one, and two
writes to the socket. With 10,000 phones that was about a third of the server's core
(``docs/performance.md``).

:func:`http_protocol` gives uvicorn an HTTP protocol (its httptools one, subclassed) that,
once a request's headers are parsed, asks :func:`caja_server.fastpath.answer_now` whether
memory alone answers it. If so it writes the whole response (304 or the document) in one
write and the request never becomes ASGI. Otherwise - any other request, a poll memory
can't answer yet, a request pipelined behind one still running - nothing has happened and
uvicorn carries on as usual, so the answer is the same either way, only cheaper.

The shortcut knows uvicorn's httptools protocol from the inside; uvicorn is pinned, and
``tests/api/test_protocol.py`` runs the real server through it.
``CAJA_FAST_PROTOCOL=false`` turns it off (the ASGI fast path then answers these polls).
"""

from __future__ import annotations

from typing import Any, ClassVar

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from caja_server.fastpath import UnchangedStateFastPath, answer_now

_PREFIX = b"/api/sessions/"
_SUFFIX = b"/state"
_STATUS = {304: b"HTTP/1.1 304 Not Modified\r\n", 200: b"HTTP/1.1 200 OK\r\n"}


class _Answered:
    """Stands in for uvicorn's request-response cycle of a request answered here: complete,
    so the rest of the request's parsing and the connection's bookkeeping leave it be."""

    __slots__ = ()
    response_complete = True
    disconnected = False
    keep_alive = True

    class _Event:
        __slots__ = ()

        def set(self) -> None:
            """Nothing waits on an answered request."""

    message_event = _Event()


_ANSWERED: Any = _Answered()


def http_protocol(front: UnchangedStateFastPath) -> type[HttpToolsProtocol]:
    """The HTTP protocol class for ``uvicorn.run(..., http=...)`` answering ``front``'s
    polls from memory before ASGI."""
    return type("CajaHttpProtocol", (CajaHttpProtocol,), {"front": front})


class CajaHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, answering polls memory can answer itself (use
    :func:`http_protocol`, which says whose)."""

    front: ClassVar[UnchangedStateFastPath]

    def on_headers_complete(self) -> None:
        """Answer from memory, or carry on as uvicorn does."""
        if not self._answer_from_memory():
            super().on_headers_complete()

    def _answer_from_memory(self) -> bool:
        url: bytes = self.url
        if not url.startswith(_PREFIX) or self.root_path:
            return False
        parser = self.parser
        if parser.get_method() != b"GET" or parser.get_http_version() != "1.1":
            return False
        path, _, query = url.partition(b"?")
        if not path.endswith(_SUFFIX) or b"%" in path or b"#" in query:
            return False
        cycle = self.cycle
        if cycle is not None and not cycle.response_complete:
            return False  # pipelined behind a request still running: keep the order
        if parser.should_upgrade() or self.flow.write_paused:
            return False  # (a client not reading its responses: uvicorn waits for it)
        front = self.front
        sid = path[len(_PREFIX) : -len(_SUFFIX)].decode("latin-1")
        answer = answer_now(front.state, sid, self.headers, query)
        if answer is None:
            return False
        tag, body = answer
        status, headers = front.answered(tag, body)
        front.before_asgi += 1
        keep_alive = parser.should_keep_alive()
        parts = [_STATUS[status]]
        for name, value in (*self.server_state.default_headers, *headers):
            parts += [name, b": ", value, b"\r\n"]
        if not keep_alive:
            parts.append(b"connection: close\r\n")
        parts.append(b"\r\n")
        if body is not None:
            parts.append(body)
        self.transport.write(b"".join(parts))
        self.cycle = _ANSWERED
        if keep_alive:
            self.on_response_complete()  # counts it, arms the keep-alive timeout
        else:
            self.server_state.total_requests += 1
            self.transport.close()
        return True
