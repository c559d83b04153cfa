"""Real `caja-server` processes on one PostgreSQL database, and a TCP proxy that can cut
the database connection (an outage without stopping the shared PostgreSQL server)."""

from __future__ import annotations

import contextlib
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

BIN = Path(sys.executable).parent
ADMIN_PASSWORD = "replica test password"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(predicate, timeout: float = 20.0, what: str = "condition"):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            last = predicate()
            if last:
                return last
        except httpx.HTTPError as exc:
            last = exc
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


class ServerProcess:
    """One `caja-server` on a free port."""

    def __init__(self, database_url: str, log_path: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "CAJA_DATABASE_URL": database_url,
            "CAJA_ENV": "development",
            "CAJA_PUBLIC_URL": self.url,
        }
        self.log = log_path.open("w")
        self.proc = subprocess.Popen(
            [str(BIN / "caja-server"), "--port", str(self.port), "--host", "127.0.0.1"],
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.log_path = log_path
        wait_for(self._healthy, what=f"server on {self.port} ({log_path})")

    def _healthy(self) -> bool:
        if self.proc.poll() is not None:
            raise AssertionError(f"server exited: {self.log_path.read_text()[-2000:]}")
        return httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


class TcpProxy:
    """Forwards 127.0.0.1:<port> to an upstream; ``cut()`` drops every connection and refuses
    new ones, ``restore()`` accepts again on the same port."""

    def __init__(self, upstream: tuple[str, int]) -> None:
        self.upstream = upstream
        self.port = free_port()
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self.restore()

    def restore(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.upstream)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while data := src.recv(65536):
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for s in (src, dst):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        if self._listener is not None:
            # shutdown wakes the thread blocked in accept(); close alone would not
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            self._listener.close()
            self._listener = None
        with self._lock:
            conns, self._conns = self._conns, []
        for s in conns:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()


@pytest.fixture
def pg_database(database_url: str) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database of its own (skips on SQLite)."""
    if not database_url.startswith("postgresql"):
        pytest.skip("several replicas need PostgreSQL")
    url = make_url(database_url)
    name = f"caja_r_{secrets.token_hex(4)}"
    admin_engine = create_engine(
        url.set(database="postgres").render_as_string(hide_password=False),
        isolation_level="AUTOCOMMIT",
    )
    with admin_engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    own = url.set(database=name).render_as_string(hide_password=False)
    env = {**os.environ, "CAJA_DATABASE_URL": own, "CAJA_ADMIN_PASSWORD": ADMIN_PASSWORD}
    subprocess.run([str(BIN / "caja-server"), "migrate"], env=env, check=True, capture_output=True)
    subprocess.run(
        [str(BIN / "caja-server"), "create-admin", "host"], env=env, check=True, capture_output=True
    )
    yield own
    with admin_engine.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin_engine.dispose()


def login(base_url: str) -> httpx.Client:
    client = httpx.Client(base_url=base_url, timeout=10)
    r = client.post("/api/auth/login", json={"username": "host", "password": ADMIN_PASSWORD})
    assert r.status_code == 200, r.text
    client.headers["Authorization"] = f"Bearer {r.json()['access_token']}"
    return client


POLL = {
    "question": "Best editor?",
    "options": [{"text": "vim"}, {"text": "emacs"}, {"text": "nano"}],
    "results_visibility": "always",
}


def running_poll(admin: httpx.Client) -> tuple[str, str, str]:
    """Create, start and activate a session with one poll: (session id, activity id, code)."""
    s = admin.post("/api/sessions", json={"name": "Replicated"}).json()
    a = admin.post(
        f"/api/sessions/{s['id']}/activities",
        json={"type": "poll", "title": "Editors", "config": POLL},
    )
    assert a.status_code == 201, a.text
    assert admin.post(f"/api/sessions/{s['id']}/start").status_code == 200
    r = admin.post(f"/api/sessions/{s['id']}/activities/{a.json()['id']}/activate")
    assert r.status_code == 200, r.text
    return s["id"], a.json()["id"], s["join_code"]
