"""The poll fast path in-process: microseconds per poll through the whole ASGI app that
``caja-server`` serves (no network, no uvicorn), next to the bare ceiling app.

    .venv/bin/python bench/fast_path.py [--polls 20000] [--participants 2000]

A running session with a poll, ``--participants`` phones that answered it, each phone's
first poll through the full route (as its page load does). Then, timed, best of 5 rounds:

- ``304``: phones polling with their current ETag (answered from memory);
- ``document``: phones polling with an older ETag (their document rendered from the
  snapshot held in memory);
- ``ceiling``: the bare ASGI app of ``caja_server.bench.ceiling`` (a fixed 304).

What uvicorn adds per request is the same for all three; the flat-out ratio that
``caja-server bench`` reports is (uvicorn + ceiling) / (uvicorn + 304).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from _setup import warmed_host  # bench/ is on the path

from caja_core.services import activities, admins, participants, responses, sessions
from caja_core.storage.db import Database
from caja_server.app import create_app, serving
from caja_server.bench import ceiling
from caja_server.settings import Settings

App = Callable[..., Awaitable[None]]


def scope(path: str, headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    """An HTTP GET scope as uvicorn builds it."""
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.4"},
        "http_version": "1.1",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
        "scheme": "http",
        "method": "GET",
        "root_path": "",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"127.0.0.1:8000"), *headers],
    }


async def call(app: App, request: dict[str, Any]) -> tuple[int, dict[bytes, bytes]]:
    """One request; the status and the response headers."""
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(dict(request), receive, send)
    return sent[0]["status"], dict(sent[0]["headers"])


async def rounds(app: App, requests: list[dict[str, Any]], polls: int) -> float:
    """Best of 5 rounds of ``polls`` requests (round robin): microseconds per request."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        for i in range(polls):
            await call(app, requests[i % len(requests)])
        best = min(best, (time.perf_counter() - started) * 1e6 / polls)
    return best


async def measure(args: argparse.Namespace, url: str) -> None:
    host = warmed_host()
    database = Database(url)
    database.upgrade()
    with database.transaction() as db:
        admin = admins.create_admin(db, "fast-path", "a-long-password-1")
        session = sessions.create_session(db, admin, "fast path")
        config = {"question": "Pick", "options": [{"text": f"Option {i}"} for i in range(4)]}
        poll = activities.add_activity(
            db, host, admin, session.id, type="poll", title="Poll", config=config
        )
        sessions.start_session(db, admin, session.id)
        activities.activate_activity(db, host, admin, session.id, poll.id)
        sid, code = session.id, session.join_code
    phones: list[str] = []
    with database.transaction() as db:
        for i in range(args.participants):
            participant, token, _ = participants.join_session(db, code, f"phone{i}")
            responses.submit_answer(db, host, participant, sid, poll.id, {"choices": [i % 4]})
            phones.append(token)
    settings = Settings(database_url=url, env="test", gc_freeze=False, live_tick=0)
    app = serving(create_app(settings, database=database, host=host))
    path = f"/api/sessions/{sid}/state"
    current, stale = [], []
    for token in phones[: args.sample]:
        auth = (b"authorization", f"Bearer {token}".encode())
        status, headers = await call(app, scope(path, [auth]))  # the page load: the route
        assert status == 200, status
        tag = headers[b"etag"]
        current.append(scope(path, [auth, (b"if-none-match", tag)]))
        old = b'W/"1-' + tag.split(b"-", 1)[1]  # an ETag from before the answers
        stale.append(scope(path, [auth, (b"if-none-match", old)]))
    assert (await call(app, current[0]))[0] == 304
    assert (await call(app, stale[0]))[0] == 200
    gc.collect()
    gc.freeze()
    results = {
        "304": await rounds(app, current, args.polls),
        "document": await rounds(app, stale, args.polls // 4),
        "ceiling": await rounds(ceiling.app, current, args.polls),
    }
    print(f"Poll fast path in-process, {args.participants:,} phones, best of 5 (us per request)")
    for name, micros in results.items():
        print(f"{name:<10} {micros:8.1f}")
    database.dispose()


def main(argv: list[str] | None = None) -> int:
    """Run and print; exit 0 (the numbers are reported, not enforced)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--polls", type=int, default=20_000)
    parser.add_argument("--participants", type=int, default=2000)
    parser.add_argument("--sample", type=int, default=200, help="phones that poll")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(measure(args, f"sqlite:///{Path(tmp) / 'fast-path.db'}"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
