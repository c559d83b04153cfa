"""examples/caja-rating, installed with pip into a fresh virtual environment beside caja.

The environment gets caja's pinned dependencies (``requirements/prod.lock``), caja itself
(built from this checkout) and then ``pip install examples/caja-rating``. ``caja-server``
from that environment migrates a database, creates an admin, starts on a free port, and the
rating type shows up in ``/api/activity-types``; an answer is accepted and aggregated over
HTTP. The example's own kit-based tests then run in the same environment.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "caja-rating"
PASSWORD = "rating-example-password"

pytestmark = pytest.mark.slow


def _run(*args: str | Path, env: dict[str, str] | None = None, cwd: Path = ROOT) -> str:
    result = subprocess.run(
        [str(a) for a in args], capture_output=True, text=True, env=env, cwd=cwd, timeout=900
    )
    assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result.stdout


def _pin(lock: Path, name: str) -> str:
    for line in lock.read_text().splitlines():
        if line.startswith(f"{name}=="):
            return line.strip()
    raise AssertionError(f"{name} is not pinned in {lock}")


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with caja and, beside it, the pip-installed example."""
    path = tmp_path_factory.mktemp("rating-venv") / "venv"
    _run(sys.executable, "-m", "venv", path)
    pip = path / "bin" / "pip"
    _run(pip, "install", "-q", "-r", ROOT / "requirements" / "prod.lock")
    _run(pip, "install", "-q", "--no-deps", ROOT)
    _run(pip, "install", "-q", EXAMPLE)
    installed = _run(pip, "list", "--format=freeze")
    assert "caja-rating==0.1.0" in installed
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def server(venv: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``caja-server`` of the fresh environment on a free port, with a migrated database."""
    data = tmp_path_factory.mktemp("rating-data")
    url = f"sqlite:///{data / 'caja.db'}"
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("CAJA_", "VIRTUAL_ENV", "PYTHON"))
    }
    env.update(CAJA_DATABASE_URL=url, CAJA_ADMIN_PASSWORD=PASSWORD, CAJA_STRICT_PLUGINS="1")
    caja_server = venv / "bin" / "caja-server"
    _run(caja_server, "migrate", env=env, cwd=data)
    _run(caja_server, "create-admin", "host", env=env, cwd=data)
    port = _free_port()
    log = (data / "server.log").open("w")
    process = subprocess.Popen(
        [str(caja_server), "--port", str(port), "--database-url", url],
        env=env,
        cwd=data,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        assert process.poll() is None, (data / "server.log").read_text()
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, (data / "server.log").read_text()
        time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(timeout=30)
    log.close()


def test_the_installed_type_is_served_and_answers_aggregate(server: str) -> None:
    with httpx.Client(base_url=server, timeout=30) as http:
        types = {t["name"]: t for t in http.get("/api/activity-types").json()}
        assert {"rating", "poll", "poker", "quiz", "wordcloud"} <= set(types)
        assert types["rating"]["plugin"]["distribution"] == "caja-rating"
        assert types["rating"]["config_schema"]["properties"]["scale"]["maximum"] == 10
        plugins = {p["name"]: p for p in http.get("/api/plugins").json()}
        assert plugins["rating"]["loaded"] is True

        login = http.post("/api/auth/login", json={"username": "host", "password": PASSWORD})
        assert login.status_code == 200, login.text
        http.cookies.clear()
        admin = {"Authorization": f"Bearer {login.json()['access_token']}"}
        session = http.post("/api/sessions", json={"name": "Demo"}, headers=admin).json()
        sid = session["id"]
        assert http.post(f"/api/sessions/{sid}/start", headers=admin).status_code == 200
        created = http.post(
            f"/api/sessions/{sid}/activities",
            json={"type": "rating", "title": "Talk", "config": {"question": "How was it?"}},
            headers=admin,
        )
        assert created.status_code == 201, created.text
        aid = created.json()["id"]
        assert http.post(f"/api/sessions/{sid}/activities/{aid}/activate", headers=admin).is_success
        answers_url = f"/api/sessions/{sid}/activities/{aid}/responses"
        for nickname, value in [("Ann", 5), ("Bob", 4)]:
            joined = http.post(
                "/api/join", json={"join_code": session["join_code"], "nickname": nickname}
            )
            phone = {"Authorization": f"Bearer {joined.json()['token']}"}
            answered = http.post(answers_url, json={"data": {"value": value}}, headers=phone)
            assert answered.status_code == 201, answered.text
        refused = http.post(answers_url, json={"data": {"value": 9}}, headers=phone)
        assert refused.status_code in (409, 422)
        results = http.get(f"/api/sessions/{sid}/activities/{aid}/results", headers=admin).json()
        assert results["results"] == {"count": 2, "average": 4.5, "distribution": [0, 0, 0, 1, 1]}
        state = http.get(f"/api/sessions/{sid}/state", headers=admin).json()
        assert [b["kind"] for b in state["activity"]["display"]] == ["stats", "bars"]


def test_the_example_tests_pass_with_the_kit_in_that_environment(venv: Path) -> None:
    lock = ROOT / "requirements" / "dev.lock"
    _run(venv / "bin" / "pip", "install", "-q", _pin(lock, "pytest"), _pin(lock, "httpx"))
    out = _run(
        venv / "bin" / "python",
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "--rootdir",
        EXAMPLE,
        "-c",
        EXAMPLE / "pyproject.toml",
        EXAMPLE / "tests",
        cwd=EXAMPLE,
    )
    assert " passed" in out
    assert "failed" not in out
