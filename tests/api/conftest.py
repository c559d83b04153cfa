"""API tests over real HTTP: uvicorn serves ``create_app(settings)`` in a background thread
on a free 127.0.0.1 port (one server per test module) and the tests talk to it with httpx.

Each test gets its own empty, migrated database (the shared ``database_url`` fixture:
SQLite, or PostgreSQL with ``CAJA_TEST_DATABASE_URL``); the module's server is pointed at
it for the length of the test.
"""

from __future__ import annotations

import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi import FastAPI

from caja_core.services import admins
from caja_core.storage.db import Database
from caja_server.answers import AnswerWriter
from caja_server.app import create_app
from caja_server.live import attach_live
from caja_server.settings import Settings
from caja_server.throttle import Throttles

from .testplugin import CrashPlugin, VotePlugin

PUBLIC_URL = "http://caja.example"
PASSWORD = "correct horse battery"
VOTE_CONFIG = {"options": ["red", "green", "blue"]}


class LiveServer:
    """A uvicorn server running ``app`` in a thread on a free port."""

    def __init__(self, app: FastAPI, served: Any = None, **config: Any) -> None:
        """``served``: what uvicorn serves, ``app`` by default; ``config``: more
        ``uvicorn.Config`` options."""
        self.app = app
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.bind(("127.0.0.1", 0))
        self.port = self._socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(
            uvicorn.Config(
                app if served is None else served,
                log_config=None,
                access_log=False,
                lifespan="on",
                **config,
            )
        )
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the test server did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=15)
        self._socket.close()

    def use_database(self, url: str) -> Database:
        """Point the app at another database (the test's own)."""
        database = Database(url)
        self.app.state.db = database
        # Each test starts with fresh throttles (one test's wrong codes are not the next's).
        self.app.state.throttles = Throttles.from_settings(self.app.state.settings)
        self.app.state.answers.close()
        self.app.state.answers = AnswerWriter(database, self.app.state.host)
        if self.app.state.relay is not None:
            self.app.state.relay.stop()
        relay = attach_live(
            self.app, database, self.app.state.host, self.app.state.settings.live_tuning()
        )
        if relay is not None:
            relay.start()
            relay.wait_listening()
        return database


def make_settings(**overrides: Any) -> Settings:
    """Test settings: strict plugins, a fixed public URL, no web UI unless given, and
    every new version computed at once (``live_tick=0``: a test reads its own writes;
    tests/api/test_live_tick.py covers the tick), and neither ``gc.freeze()`` nor new
    collector thresholds for the test process (test_warm_up.py covers them)."""
    values: dict[str, Any] = {
        "env": "test",
        "database_url": "sqlite://",
        "strict_plugins": True,
        "public_url": PUBLIC_URL,
        "static_dir": Path("/nonexistent-caja-static"),
        "live_tick": 0,
        "gc_freeze": False,
        "gc_threshold": 0,
        # Uploads of the shared test servers go to a throwaway directory, never the tree.
        "media_dir": Path(tempfile.mkdtemp(prefix="caja-test-media-")),
    }
    values.update(overrides)
    return Settings(**values)


def make_app(settings: Settings | None = None) -> FastAPI:
    """The real app with the test plugin registered next to the installed ones."""
    app = create_app(settings or make_settings())
    app.state.host.register(VotePlugin(), name="caja-test-vote")
    app.state.host.register(CrashPlugin(), name="caja-test-crash")
    return app


@pytest.fixture(scope="module")
def live() -> Iterator[LiveServer]:
    """The module's server."""
    server = LiveServer(make_app())
    server.start()
    yield server
    server.stop()


@dataclass
class Api:
    """An httpx client on the live server plus helpers to set the scene."""

    http: httpx.Client
    database: Database
    server: LiveServer

    def request(self, method: str, url: str, token: str | None = None, **kw: Any) -> httpx.Response:
        headers = dict(kw.pop("headers", None) or {})
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return self.http.request(method, url, headers=headers, **kw)

    def create_admin(self, username: str = "alice") -> None:
        with self.database.transaction() as db:
            admins.create_admin(db, username, PASSWORD)

    def admin(self, username: str = "alice") -> str:
        """Create an admin and log in; return the bearer token."""
        self.create_admin(username)
        return self.admin_login(username)

    def admin_login(self, username: str = "alice") -> str:
        """Log in (HTTP) and return the bearer token; the cookie is not kept."""
        r = self.http.post("/api/auth/login", json={"username": username, "password": PASSWORD})
        assert r.status_code == 200, r.text
        token: str = r.json()["access_token"]
        self.http.cookies.clear()
        return token

    def ok(
        self, method: str, url: str, token: str | None = None, status: int = 200, **kw: Any
    ) -> Any:
        r = self.request(method, url, token, **kw)
        assert r.status_code == status, f"{method} {url}: {r.status_code} {r.text}"
        return r.json() if r.content else None

    def session(self, token: str, name: str = "Friday retro", start: bool = True) -> dict[str, Any]:
        s: dict[str, Any] = self.ok("POST", "/api/sessions", token, 201, json={"name": name})
        if start:
            s = self.ok("POST", f"/api/sessions/{s['id']}/start", token)
        return s

    def activity(
        self, token: str, sid: str, activate: bool = True, **fields: Any
    ) -> dict[str, Any]:
        body = {"type": "vote", "title": "Colour?", "config": VOTE_CONFIG, **fields}
        a: dict[str, Any] = self.ok(
            "POST", f"/api/sessions/{sid}/activities", token, 201, json=body
        )
        if activate:
            a = self.ok("POST", f"/api/sessions/{sid}/activities/{a['id']}/activate", token)
        return a

    def join(self, join_code: str, nickname: str = "Bob") -> dict[str, Any]:
        joined: dict[str, Any] = self.ok(
            "POST", "/api/join", status=201, json={"join_code": join_code, "nickname": nickname}
        )
        return joined


@pytest.fixture
def api(live: LiveServer, database_url: str) -> Iterator[Api]:
    """A client on the live server, which now uses this test's empty database."""
    database = live.use_database(database_url)
    with httpx.Client(base_url=live.url, timeout=30) as http:
        yield Api(http, database, live)
    database.dispose()


@dataclass
class Scene:
    """Two admins; alice has a running session with an active vote and one participant."""

    alice: str
    mallory: str
    session: dict[str, Any]
    activity: dict[str, Any]
    participant: dict[str, Any]

    @property
    def sid(self) -> str:
        return str(self.session["id"])

    @property
    def aid(self) -> str:
        return str(self.activity["id"])

    @property
    def pid(self) -> str:
        return str(self.participant["participant"]["id"])

    @property
    def ptoken(self) -> str:
        return str(self.participant["token"])


@pytest.fixture
def scene(api: Api) -> Scene:
    alice = api.admin("alice")
    mallory = api.admin("mallory")
    session = api.session(alice)
    activity = api.activity(alice, session["id"])
    participant = api.join(session["join_code"], "Bob")
    return Scene(alice, mallory, session, activity, participant)
