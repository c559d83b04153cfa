"""The real ``caja-server`` console script, run as a subprocess."""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import IO

import httpx
import pytest

from caja_core.errors import AuthenticationFailed, Conflict
from caja_core.services import admins
from caja_core.storage.db import Database

pytestmark = pytest.mark.slow

SCRIPT = str(Path(sys.executable).parent / "caja-server")


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAJA_")}
    env.update(extra)
    return env


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [SCRIPT, *args], capture_output=True, text=True, env=_env(**env), timeout=60, check=False
    )


def test_help_lists_the_commands() -> None:
    r = run("--help")
    assert r.returncode == 0
    for word in ("migrate", "create-admin", "openapi", "--database-url", "--reload", "--port"):
        assert word in r.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("--no-such-flag",),
        ("--port", "eighty"),
        ("create-admin",),
        ("frobnicate",),
        ("--port", "5", "bench"),
    ],
)
def test_bad_flags_exit_2_with_a_message_and_no_traceback(args: tuple[str, ...]) -> None:
    r = run(*args)
    assert r.returncode == 2
    assert re.search(r"^caja-server( \S+)?: error: ", r.stderr, re.MULTILINE), r.stderr
    assert "Traceback" not in r.stderr + r.stdout


def test_migrate_brings_an_empty_database_to_head(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    r = run("migrate", "--database-url", url)
    assert r.returncode == 0, r.stderr
    assert "up to date" in r.stdout
    # Development logs: readable console lines on stderr, not JSON.
    line = next(x for x in r.stderr.splitlines() if "database_migrated" in x)
    assert not line.startswith("{")
    assert "revision=" in line
    database = Database(url)
    assert database.schema_is_current()
    database.dispose()


def test_migrate_reads_the_url_from_the_environment(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'env.db'}"
    r = run("migrate", CAJA_DATABASE_URL=url)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "env.db").exists()


def test_create_admin_with_the_password_from_the_environment(database_url: str) -> None:
    r = run(
        "create-admin", "bob", "--database-url", database_url, CAJA_ADMIN_PASSWORD="s3cret-pass"
    )
    assert r.returncode == 0, r.stderr
    assert "Created admin 'bob'" in r.stdout
    database = Database(database_url)
    with database.transaction() as db:
        admin, _token = admins.login(db, "bob", "s3cret-pass", "test")
        assert admin.username == "bob"
    with database.transaction() as db, pytest.raises(Conflict):
        admins.create_admin(db, "bob", "another-pass")
    database.dispose()
    again = run(
        "create-admin", "bob", "--database-url", database_url, CAJA_ADMIN_PASSWORD="s3cret-pass"
    )
    assert again.returncode == 1
    assert "already exists" in again.stderr
    assert "Traceback" not in again.stderr


def test_create_admin_refuses_a_weak_password_and_a_missing_one(database_url: str) -> None:
    weak = run("create-admin", "bob", "--database-url", database_url, CAJA_ADMIN_PASSWORD="abc")
    assert weak.returncode == 1
    assert "password" in weak.stderr
    # No variable and no terminal to ask on: a clear message.
    missing = run("create-admin", "bob", "--database-url", database_url)
    assert missing.returncode == 1
    assert "CAJA_ADMIN_PASSWORD" in missing.stderr
    assert "Traceback" not in weak.stderr + missing.stderr


def test_the_server_refuses_a_database_that_is_not_migrated(tmp_path: Path) -> None:
    r = run("--database-url", f"sqlite:///{tmp_path / 'empty.db'}", "--port", "1")
    assert r.returncode == 1
    assert "caja-server migrate" in r.stderr
    assert "Traceback" not in r.stderr


def test_production_refuses_the_default_secret(database_url: str) -> None:
    r = run("--database-url", database_url, CAJA_ENV="production")
    assert r.returncode == 1
    assert "CAJA_SECRET_KEY" in r.stderr
    assert "Traceback" not in r.stderr


def test_openapi_prints_the_document_without_a_database(tmp_path: Path) -> None:
    r = run("openapi", CAJA_DATABASE_URL=f"sqlite:///{tmp_path / 'never.db'}")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)  # nothing but JSON on stdout
    assert doc["info"]["title"] == "Caja"
    assert "/api/sessions/{sid}/state" in doc["paths"]
    assert not (tmp_path / "never.db").exists()
    out = tmp_path / "openapi.json"
    assert run("openapi", "--output", str(out)).returncode == 0
    assert json.loads(out.read_text()) == doc


class Running:
    """A ``caja-server`` process whose output lines are collected as they come."""

    def __init__(self, *args: str, **env: str) -> None:
        self.proc = subprocess.Popen(
            [SCRIPT, *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=_env(**env),
        )
        self.stdout: queue.Queue[str] = queue.Queue()
        self.stderr: queue.Queue[str] = queue.Queue()
        self.out_lines: list[str] = []
        self.err_lines: list[str] = []
        self.pumps = [
            threading.Thread(target=self._pump, args=(stream, sink), daemon=True)
            for stream, sink in ((self.proc.stdout, self.stdout), (self.proc.stderr, self.stderr))
        ]
        for pump in self.pumps:
            pump.start()

    @staticmethod
    def _pump(stream: IO[str] | None, sink: queue.Queue[str]) -> None:
        assert stream is not None
        for line in stream:
            sink.put(line)

    def wait_for_stdout(self, pattern: str, timeout: float = 30) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.stdout.get(timeout=0.2)
            except queue.Empty:
                if self.proc.poll() is not None:
                    break
                continue
            self.out_lines.append(line)
            if match := re.search(pattern, line):
                return match
        self.drain()
        raise AssertionError(f"no {pattern!r} in {self.out_lines} / {self.err_lines}")

    def drain(self) -> None:
        for q, lines in ((self.stdout, self.out_lines), (self.stderr, self.err_lines)):
            while not q.empty():
                lines.append(q.get_nowait())

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for pump in self.pumps:  # they end at EOF, once the process is gone
            pump.join(timeout=10)
        self.drain()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(url: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    raise AssertionError("the server never became healthy")


@pytest.fixture
def server_env(database_url: str) -> dict[str, str]:
    return {
        "CAJA_DATABASE_URL": database_url,
        "CAJA_ENV": "production",
        "CAJA_SECRET_KEY": "x" * 32,
    }


def test_first_start_creates_admin_writes_the_password_to_a_private_file_and_logs_json(
    server_env: dict[str, str], tmp_path: Path
) -> None:
    """In production the first admin's password goes to a file only the server's user can
    read, never to stdout or the JSON log."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    secret_file = tmp_path / "initial-admin-password"
    first = Running("--port", str(port), CAJA_INITIAL_PASSWORD_FILE=str(secret_file), **server_env)
    try:
        first.wait_for_stdout(rf"its password is in {re.escape(str(secret_file))}")
        assert secret_file.stat().st_mode & 0o777 == 0o600
        password = re.search(r"password: (\S+)", secret_file.read_text()).group(1)  # type: ignore[union-attr]
        first.wait_for_stdout(rf"log in at {re.escape(url)}/admin")
        _wait_healthy(url)
        r = httpx.post(
            f"{url}/api/auth/login",
            json={"username": "admin", "password": password},
            # Trusted (from 127.0.0.1, the default --forwarded-allow-ips): the client's address.
            headers={"X-Forwarded-For": "203.0.113.7"},
        )
        assert r.status_code == 200, r.text
        request_id = r.headers["x-request-id"]
    finally:
        first.stop()
    assert not any(password in line for line in first.out_lines)
    # Production logs are JSON lines on stderr, each request's lines carrying its id.
    records = [json.loads(line) for line in first.err_lines if line.startswith("{")]
    assert records, first.err_lines
    mine = [r for r in records if r.get("request_id") == request_id]
    assert {r["event"] for r in mine} >= {"login_succeeded", "request"}
    assert next(r for r in mine if r["event"] == "request")["client"] == "203.0.113.7"
    assert not any(password in line for line in first.err_lines)

    second = Running(
        "--port",
        str(port),
        "--no-proxy-headers",
        CAJA_INITIAL_PASSWORD_FILE=str(secret_file),
        **server_env,
    )
    try:
        second.wait_for_stdout(r"Caja is starting")
        _wait_healthy(url)
        r = httpx.get(f"{url}/healthz", headers={"X-Forwarded-For": "203.0.113.7"})
        request_id = r.headers["x-request-id"]
    finally:
        second.stop()
    assert not any("password" in line for line in second.out_lines)
    records = [json.loads(line) for line in second.err_lines if line.startswith("{")]
    line = next(r for r in records if r.get("request_id") == request_id)
    assert line["client"] == "127.0.0.1"  # forwarded headers ignored


def test_admin_passwd_list_disable_enable(database_url: str) -> None:
    db_args = ("--database-url", database_url)
    assert run("create-admin", "bob", *db_args, CAJA_ADMIN_PASSWORD="first-pass").returncode == 0
    r = run("admin", "passwd", "bob", *db_args, CAJA_ADMIN_PASSWORD="second-pass")
    assert r.returncode == 0, r.stderr
    assert "New password set for 'bob'" in r.stdout
    database = Database(database_url)
    with database.transaction() as db:
        admins.login(db, "bob", "second-pass", "test")
    assert run("admin", "disable", "BOB", *db_args).returncode == 0
    listed = run("admin", "list", *db_args)
    assert listed.returncode == 0 and "bob\tdisabled" in listed.stdout
    with database.transaction() as db, pytest.raises(AuthenticationFailed):
        admins.login(db, "bob", "second-pass", "test")
    assert run("admin", "enable", "bob", *db_args).returncode == 0
    with database.transaction() as db:
        admins.login(db, "bob", "second-pass", "test")
    database.dispose()
    missing = run("admin", "disable", "nobody", *db_args)
    assert missing.returncode == 1 and "No admin is called 'nobody'" in missing.stderr
    weak = run("admin", "passwd", "bob", *db_args, CAJA_ADMIN_PASSWORD="short")
    assert weak.returncode == 1 and "at least 8" in weak.stderr and "Traceback" not in weak.stderr


def test_migrate_tries_again_only_after_losing_a_lock() -> None:
    from sqlalchemy.exc import OperationalError

    from caja_server.cli import _lost_a_lock

    class Orig(Exception):
        def __init__(self, sqlstate: str) -> None:
            self.sqlstate = sqlstate

    for sqlstate, again in (("40P01", True), ("55P03", True), ("42P01", False)):
        assert _lost_a_lock(OperationalError("ALTER TABLE", {}, Orig(sqlstate))) is again
