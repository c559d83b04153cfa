"""Polls answered by the HTTP protocol before ASGI (``caja_server.protocol``), through a real
uvicorn server as ``caja-server`` runs it: the same answers as the ASGI path, in the right
order on a keep-alive connection, and nothing taken that memory can't answer."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from caja_server.app import serving
from caja_server.fastpath import UnchangedStateFastPath
from caja_server.protocol import http_protocol

from .conftest import Api, LiveServer, make_app


@pytest.fixture(scope="module")
def live() -> Iterator[LiveServer]:
    """The module's server, served as ``caja-server`` serves it (the outer fast path and
    the protocol's shortcut)."""
    app = make_app()
    front = serving(app)
    server = LiveServer(app, served=front, http=http_protocol(front))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def plain() -> Iterator[LiveServer]:
    """The same app without the shortcut: the ASGI fast path answers its polls."""
    app = make_app()
    server = LiveServer(app, served=serving(app))
    server.start()
    yield server
    server.stop()


def front_of(server: LiveServer) -> UnchangedStateFastPath:
    served = server.server.config.app
    assert isinstance(served, UnchangedStateFastPath)
    return served


def phone(api: Api) -> tuple[str, str, str]:
    """A running session with an active vote and one participant who has loaded the page:
    ``(state url, participant token, its ETag)``."""
    alice = api.admin()
    session = api.session(alice)
    api.activity(alice, session["id"])
    token = api.join(session["join_code"])["token"]
    url = f"/api/sessions/{session['id']}/state"
    first = api.request("GET", url, token)
    assert first.status_code == 200
    return url, token, first.headers["etag"]


def raw(port: int, payload: bytes, *, until_closed: bool = False, responses: int = 1) -> bytes:
    """Send ``payload`` on one connection; read until ``responses`` complete responses
    arrived (or the server closed the connection)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(payload)
        data = b""
        while True:
            chunk = conn.recv(65536)
            if not chunk:
                return data
            data += chunk
            if not until_closed and len(statuses(data)) >= responses:
                return data


def statuses(data: bytes) -> list[bytes]:
    """The status lines of the complete responses in ``data``, in order."""
    found, rest = [], data
    while b"\r\n\r\n" in rest:
        head, _, rest = rest.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        if len(rest) < length:
            break
        rest = rest[length:]
        found.append(head.split(b"\r\n")[0])
    return found


def get(url: str, token: str, etag: str | None = None, extra: bytes = b"") -> bytes:
    lines = [f"GET {url} HTTP/1.1", "Host: caja.test", f"Authorization: Bearer {token}"]
    if etag is not None:
        lines.append(f"If-None-Match: {etag}")
    return ("\r\n".join(lines) + "\r\n").encode() + extra + b"\r\n"


def test_an_unchanged_poll_is_a_304_before_asgi(api: Api) -> None:
    url, token, tag = phone(api)
    front = front_of(api.server)
    before, hits = front.before_asgi, front.hits

    again = api.request("GET", url, token, headers={"If-None-Match": tag})

    assert again.status_code == 304
    assert again.headers["etag"] == tag
    assert again.headers["cache-control"] == "no-cache"
    assert "date" in again.headers
    assert again.content == b""
    assert front.before_asgi == before + 1
    assert front.hits == hits + 1


def test_a_document_from_memory_matches_the_asgi_path(
    api: Api, plain: LiveServer, database_url: str
) -> None:
    url, token, tag = phone(api)
    front = front_of(api.server)
    stale = 'W/"1-presenter"'  # not this phone's: it gets its document
    documents = front.documents

    fast = api.request("GET", url, token, headers={"If-None-Match": stale})
    assert fast.status_code == 200
    assert front.documents == documents + 1 and front.before_asgi > 0

    plain.use_database(database_url)
    with httpx.Client(base_url=plain.url) as other:
        headers = {"Authorization": f"Bearer {token}"}
        assert other.get(url, headers=headers).status_code == 200  # loads the page (route)
        slow = other.get(url, headers={**headers, "If-None-Match": stale})
    assert slow.status_code == 200
    assert front_of(plain).before_asgi == 0
    assert front_of(plain).documents >= 1

    def comparable(response: Any) -> dict[str, Any]:
        doc = dict(response.json())
        doc.pop("server_time")
        return doc

    assert comparable(fast) == comparable(slow)
    assert fast.headers["etag"] == slow.headers["etag"] == tag
    skip = {"date", "content-length", "x-request-id"}
    assert {k: v for k, v in fast.headers.items() if k not in skip} == {
        k: v for k, v in slow.headers.items() if k not in skip
    }
    assert int(fast.headers["content-length"]) == len(fast.content)


def test_keep_alive_and_pipelined_requests_keep_their_order(api: Api) -> None:
    url, token, tag = phone(api)
    front = front_of(api.server)
    port = api.server.port
    before = front.before_asgi

    two = statuses(raw(port, get(url, token, tag) + get(url, token, tag), responses=2))
    assert two == [b"HTTP/1.1 304 Not Modified"] * 2
    assert front.before_asgi == before + 2

    # A request the framework answers (405: the list is POST only), then a poll, pipelined
    # in one write: the poll waits for that response (the protocol does not jump the queue).
    route = (
        f"GET {url.removesuffix('/state')}/activities HTTP/1.1\r\nHost: caja.test\r\n"
        f"Authorization: Bearer {token}\r\n\r\n"
    ).encode()
    both = statuses(raw(port, route + get(url, token, tag), responses=2))
    assert len(both) == 2
    assert both[0] == b"HTTP/1.1 405 Method Not Allowed"
    assert both[1] == b"HTTP/1.1 304 Not Modified"

    closing = raw(port, get(url, token, tag, b"Connection: close\r\n"), until_closed=True)
    assert closing.startswith(b"HTTP/1.1 304 Not Modified\r\n")
    assert b"connection: close\r\n" in closing.lower()


def test_what_memory_cant_answer_goes_to_asgi(api: Api) -> None:
    url, token, tag = phone(api)
    front = front_of(api.server)
    before = front.before_asgi

    unknown = api.request("GET", url, "not-a-token", headers={"If-None-Match": tag})
    assert unknown.status_code == 401
    reload = api.request("GET", url, token)  # no ETag: a page load reads the database
    assert reload.status_code == 200
    old_http = raw(api.server.port, get(url, token, tag).replace(b"HTTP/1.1", b"HTTP/1.0", 1))
    assert old_http.startswith(b"HTTP/1.1 304")  # uvicorn answers 1.0 requests in 1.1
    head = api.request("HEAD", url, token, headers={"If-None-Match": tag})
    assert head.status_code in (304, 405)
    assert front.before_asgi == before

    since = api.request("GET", f"{url}?since={reload.json()['version']}", token)
    assert since.status_code == 304
    assert front.before_asgi == before + 1
