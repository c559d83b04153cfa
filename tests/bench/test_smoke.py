"""``caja-server bench`` end to end against a real server in a subprocess (tiny N).

The numbers are not asserted: this checks that the benchmark itself works: it exits 0,
prints its summary tables, and every answer it saw accepted was stored exactly once.
Runs on SQLite and, in the PostgreSQL pass, on PostgreSQL (the ``database_url`` fixture).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from caja_server.bench.saturate import free_port

BIN = Path(sys.executable).parent
PASSWORD = "bench-smoke-password"


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[str]:
    """A real ``caja-server`` on a free port with an admin ``bench``; yields its URL."""
    env = {**os.environ, "CAJA_DATABASE_URL": database_url, "CAJA_ADMIN_PASSWORD": PASSWORD}
    cli = str(BIN / "caja-server")
    subprocess.run([cli, "migrate"], env=env, check=True, capture_output=True)
    subprocess.run([cli, "create-admin", "bench"], env=env, check=True, capture_output=True)
    port = free_port()
    log = (tmp_path / "server.log").open("wb")
    proc = subprocess.Popen([cli, "--port", str(port)], env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, (tmp_path / "server.log").read_text()
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=15)
        log.close()


@pytest.mark.slow
def test_bench_command_runs_a_tiny_session(server: str, database_url: str, tmp_path: Path) -> None:
    report = tmp_path / "bench.json"
    run = subprocess.run(
        [
            str(BIN / "caja-server"),
            "bench",
            "--url",
            server,
            "--participants",
            "20",
            "--admin-user",
            "bench",
            "--duration",
            "6",
            "--burst-seconds",
            "1",
            "--saturation-seconds",
            "1",
            "--saturation-connections",
            "4",
            "--json",
            str(report),
        ],
        env={**os.environ, "CAJA_ADMIN_PASSWORD": PASSWORD, "CAJA_DATABASE_URL": database_url},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    for heading in ("caja-server bench: 20 phones", "Answers: accepted vs stored", "Targets"):
        assert heading in run.stdout
    assert "phone poll" in run.stdout and ("PASS" in run.stdout or "FAIL" in run.stdout)
    result = json.loads(report.read_text())
    assert result["joined"] == 20
    # Each phone loads the page once after joining: its personal document, then the shared one.
    assert result["endpoints"]["GET me (personal) (page load)"]["statuses"] == {"200": 20}
    assert result["endpoints"]["GET live (shared) (page load)"]["statuses"] == {"200": 20}
    assert [a["type"] for a in result["answers"]] == ["poll", "quiz", "wordcloud"]
    for answers in result["answers"]:
        assert answers["accepted"] == answers["stored"] == answers["exported_unique"]
        # Counted in the database itself too (the server's URL came from the environment).
        assert answers["accepted"] == answers["database_rows"] == answers["database_unique"]
        assert answers["accepted"] > 0 and answers["exactly_once"]
    # Where the slow polls were: the live part second by second, with the session's events.
    polls = result["timeline"]["phone poll"]
    assert sum(s["count"] for s in polls) == result["endpoints"]["phone poll"]["requests"]
    assert [e["event"] for e in result["events"]][:2] == ["poll activated", "poll answers begin"]
    assert "Slowest seconds of phone polls" in run.stdout
    assert result["throughput"]["ceiling"]["rps"] > 0
    assert result["throughput"]["shared_304"]["statuses"].keys() == {"304"}
    # The server was found by its port: its CPU share is reported beside the generator's.
    assert result["server_pids"]
    assert result["cpu"]["live"]["server"] > 0 and result["cpu"]["live"]["load_generator"] > 0
