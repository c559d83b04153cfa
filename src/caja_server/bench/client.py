"""A lean HTTP/1.1 keep-alive client on asyncio protocols, for load generation.

General clients (httpx, aiohttp) spend far more CPU per request than a small server needs
to answer a 304, so on a 2-core machine the client, not the server, would set the limit.
This one does only what the benchmark needs: one request in flight per connection,
``Content-Length`` and chunked bodies, a bounded pool of keep-alive connections shared by
many simulated users, and a per-request timeout.
"""

from __future__ import annotations

import asyncio
import collections
import json
from typing import Any, cast

_HEAD_END = b"\r\n\r\n"


class HttpError(Exception):
    """A transport failure: refused, reset, timed out, or a malformed answer."""


class Response:
    """A parsed response: status, raw head (for headers) and body bytes."""

    __slots__ = ("_head", "body", "status")

    def __init__(self, status: int, head: bytes, body: bytes) -> None:
        self.status = status
        self._head = head
        self.body = body

    def header(self, name: str) -> str | None:
        """The first value of a header (case-insensitive), or None."""
        needle = b"\r\n" + name.lower().encode() + b":"
        start = self._head.lower().find(needle)
        if start < 0:
            return None
        start += len(needle)
        end = self._head.find(b"\r\n", start)
        return self._head[start : end if end >= 0 else None].strip().decode("latin-1")

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)

    @property
    def keep_alive(self) -> bool:
        """False when the server said it will close the connection."""
        return b"\r\nconnection: close" not in self._head.lower()


def _parse(buf: bytearray) -> tuple[Response, int] | None:
    """A complete response at the start of ``buf`` and its length, or None if incomplete."""
    end = buf.find(_HEAD_END)
    if end < 0:
        return None
    head = bytes(buf[:end])
    try:
        status = int(head[9:12])
    except ValueError:
        raise HttpError(f"malformed status line: {head[:40]!r}") from None
    body_start = end + 4
    lower = head.lower()
    if status in (204, 304) or 100 <= status < 200:
        return Response(status, head, b""), body_start
    marker = lower.find(b"\r\ncontent-length:")
    if marker >= 0:
        stop = lower.find(b"\r\n", marker + 2)
        length = int(lower[marker + 17 : stop if stop >= 0 else None])
        if len(buf) < body_start + length:
            return None
        return Response(status, head, bytes(buf[body_start : body_start + length])), (
            body_start + length
        )
    if b"\r\ntransfer-encoding: chunked" in lower:
        return _parse_chunked(buf, status, head, body_start)
    raise HttpError("response without Content-Length (close-delimited bodies are unsupported)")


def _parse_chunked(
    buf: bytearray, status: int, head: bytes, pos: int
) -> tuple[Response, int] | None:
    body = bytearray()
    while True:
        line_end = buf.find(b"\r\n", pos)
        if line_end < 0:
            return None
        size = int(bytes(buf[pos:line_end]).split(b";")[0], 16)
        pos = line_end + 2
        if size == 0:
            trailer_end = buf.find(b"\r\n", pos)
            if trailer_end < 0:
                return None
            return Response(status, head, bytes(body)), trailer_end + 2
        if len(buf) < pos + size + 2:
            return None
        body += buf[pos : pos + size]
        pos += size + 2


class Connection(asyncio.Protocol):
    """One keep-alive connection carrying one request at a time."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self._buf = bytearray()
        self._waiter: asyncio.Future[Response] | None = None
        self.closed = False
        self.used = 0

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        # uvloop's transports don't subclass asyncio.Transport but behave as one.
        self.transport = cast(asyncio.Transport, transport)

    def data_received(self, data: bytes) -> None:
        self._buf += data
        waiter = self._waiter
        if waiter is None or waiter.done():
            return
        try:
            parsed = _parse(self._buf)
        except (HttpError, ValueError) as exc:
            self._fail(HttpError(str(exc)))
            return
        if parsed is not None:
            response, used = parsed
            del self._buf[:used]
            self._waiter = None
            waiter.set_result(response)

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self._fail(HttpError(f"connection lost: {exc or 'closed by the server'}"))

    def _fail(self, exc: Exception) -> None:
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_exception(exc)
        self.close()

    def close(self) -> None:
        """Close the socket now."""
        self.closed = True
        if self.transport is not None:
            self.transport.abort()

    async def send(self, request: bytes, timeout: float) -> Response:  # noqa: ASYNC109
        """Write one request and wait for its whole response."""
        if self.closed or self.transport is None:
            raise HttpError("connection closed")
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[Response] = loop.create_future()
        self._waiter = waiter
        self.used += 1
        self.transport.write(request)
        timer = loop.call_later(timeout, self._fail, HttpError(f"timed out after {timeout:g}s"))
        try:
            return await waiter
        finally:
            timer.cancel()


class Pool:
    """A bounded pool of keep-alive connections to one server, shared by many users.

    A request waits for a free connection when all ``size`` are busy: that wait is part of
    the latency the caller measures (as it would be for a real client queueing).
    """

    def __init__(self, host: str, port: int, size: int, timeout: float = 30.0) -> None:
        self.host = host
        self.port = port
        self.size = size
        self.timeout = timeout
        self._idle: list[Connection] = []
        self._open = 0
        self._waiters: collections.deque[asyncio.Future[None]] = collections.deque()
        self.connects = 0

    async def _connect(self) -> Connection:
        loop = asyncio.get_running_loop()
        try:
            _, conn = await loop.create_connection(Connection, self.host, self.port)
        except OSError as exc:
            raise HttpError(f"can't connect to {self.host}:{self.port}: {exc}") from None
        self.connects += 1
        return conn

    async def _acquire(self) -> Connection | None:
        while True:
            while self._idle:
                conn = self._idle.pop()
                if not conn.closed:
                    return conn
                self._open -= 1
            if self._open < self.size:
                self._open += 1
                return None  # the caller opens a new connection in this slot
            waiter = asyncio.get_running_loop().create_future()
            self._waiters.append(waiter)
            await waiter

    def _release(self, conn: Connection | None) -> None:
        if conn is None or conn.closed:
            self._open -= 1
        else:
            self._idle.append(conn)
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                break

    async def request(self, raw: bytes, *, retry: bool = False) -> Response:
        """Send a ready-made request (see :func:`build_request`) and return its response.

        With ``retry`` (idempotent requests only) a request that failed on a reused
        connection, which the server may have closed in the meantime, is sent once more on
        a fresh one.
        """
        conn = await self._acquire()
        try:
            if conn is None:
                conn = await self._connect()
            reused = conn.used > 0
            try:
                response = await conn.send(raw, self.timeout)
            except HttpError:
                if not (retry and reused):
                    raise
                conn.close()
                conn = await self._connect()
                response = await conn.send(raw, self.timeout)
            if not response.keep_alive:
                conn.close()
            return response
        except BaseException:
            if conn is not None:
                conn.close()
            raise
        finally:
            self._release(conn)

    def close(self) -> None:
        """Close every idle connection."""
        for conn in self._idle:
            conn.close()
        self._idle.clear()
        self._open = 0


def build_request(
    method: str,
    path: str,
    host: str,
    *,
    headers: dict[str, str] | None = None,
    body: Any = None,
) -> bytes:
    """The bytes of one HTTP/1.1 request; ``body`` (if any) is sent as JSON."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}"]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    payload = b""
    if body is not None:
        payload = json.dumps(body, separators=(",", ":")).encode()
        lines.append("Content-Type: application/json")
    if body is not None or method in ("POST", "PUT", "PATCH"):
        lines.append(f"Content-Length: {len(payload)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + payload
