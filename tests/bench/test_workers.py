"""``caja-server --workers N``: several server processes on one port, on PostgreSQL only."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from caja_server.bench.cpu import listening_pids, process_tree
from caja_server.bench.saturate import free_port

CLI = str(Path(sys.executable).parent / "caja-server")
PASSWORD = "workers-test-password"


def test_workers_refuse_sqlite(tmp_path: Path) -> None:
    # On SQLite a process learns only its own commits' versions: refused, not half working.
    run = subprocess.run(
        [CLI, "--workers", "2", "--database-url", f"sqlite:///{tmp_path / 'caja.db'}"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert run.returncode == 1
    assert "--workers above 1 needs PostgreSQL" in run.stderr


@pytest.fixture
def two_workers(database_url: str, tmp_path: Path) -> Iterator[str]:
    if not database_url.startswith("postgresql"):
        pytest.skip("--workers runs on PostgreSQL")
    env = {**os.environ, "CAJA_DATABASE_URL": database_url, "CAJA_ADMIN_PASSWORD": PASSWORD}
    subprocess.run([CLI, "create-admin", "bench"], env=env, check=True, capture_output=True)
    port = free_port()
    log = (tmp_path / "server.log").open("wb")
    proc = subprocess.Popen(
        [CLI, "--workers", "2", "--port", str(port)], env=env, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while len(listening_pids(port)) < 3:  # the supervisor and its two workers
            assert proc.poll() is None, (tmp_path / "server.log").read_text()
            assert time.monotonic() < deadline, (tmp_path / "server.log").read_text()
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        log.close()


@pytest.mark.slow
@pytest.mark.postgres
def test_two_workers_serve_one_port_and_see_each_others_answers(two_workers: str) -> None:
    port = int(two_workers.rsplit(":", 1)[1])
    assert len(process_tree(listening_pids(port))) >= 3
    with httpx.Client(base_url=two_workers, timeout=30) as c:
        login = c.post("/api/auth/login", json={"username": "bench", "password": PASSWORD})
        admin = {"Authorization": f"Bearer {login.json()['access_token']}"}
        c.cookies.clear()
        sid = c.post("/api/sessions", json={"name": "workers"}, headers=admin).json()
        poll = {"question": "Which?", "options": [{"text": "a"}, {"text": "b"}]}
        activity = c.post(
            f"/api/sessions/{sid['id']}/activities",
            json={"type": "poll", "title": "Poll", "config": poll},
            headers=admin,
        ).json()
        base = f"/api/sessions/{sid['id']}"
        assert c.post(f"{base}/start", headers=admin).status_code == 200
        c.post(f"{base}/activities/{activity['id']}/activate", headers=admin)
        joined = c.post("/api/join", json={"join_code": sid["join_code"], "nickname": "Ana"})
        phone = {"Authorization": f"Bearer {joined.json()['token']}"}
        answer = c.post(
            f"{base}/activities/{activity['id']}/responses",
            json={"data": {"choices": [1]}},
            headers=phone,
        )
        assert answer.status_code == 201, answer.text
        path = answer.json()["personal"]["live"]["path"]
    # New connections land on either worker (the kernel spreads accepts); each worker's
    # request ids carry its own prefix. Both must show the answer the other one stored
    # (PostgreSQL's version relay), within a few of their live ticks.
    seen: dict[str, int | None] = {}
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with httpx.Client(base_url=two_workers, timeout=30) as fresh:
            got = fresh.get(path)
        assert got.status_code == 200, got.text
        voters = ((got.json().get("activity") or {}).get("results") or {}).get("voters")
        seen[got.headers["x-request-id"][:24]] = voters
        if len(seen) == 2 and all(v == 1 for v in seen.values()):
            break
    assert len(seen) == 2, f"only one worker answered: {seen}"
    assert all(v == 1 for v in seen.values()), seen
