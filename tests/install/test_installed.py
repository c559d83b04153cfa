"""Caja as a newcomer gets it: built into an sdist and a wheel, installed with pip into a fresh
virtual environment far from this checkout, then used.

- The sdist carries the built web UI (and no ``frontend/``); the wheel is built from the sdist
  with no Node on ``PATH``.
- ``pip install "caja[test]"`` (the wheel, with ``requirements/dev.lock`` as constraints) into
  a fresh venv in a temporary directory.
- ``caja-server`` with no database configured creates and migrates its SQLite file in the
  per-user data directory, prints where to log in, and serves the admin page, the join page
  and the big screen with their assets.
- The plugin tutorial of ``docs/plugins.md``: its files, as the page shows them, and its command
  ``pip install -e . && pytest tests`` run verbatim in that environment.
- ``examples/caja-rating`` pip-installed beside caja: ``caja-server`` serves the type over
  HTTP, and the example's own kit-based tests pass with no deprecation warning.

One module, which the slow lane keeps on one pytest-xdist worker: it builds and installs once.
The build reuses the web UI that ``make test-ui`` built when the frontend has not changed since
(hatch_build.py).
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tarfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "caja-rating"
TUTORIAL = ROOT / "docs" / "plugins.md"
PASSWORD = "installed-caja-password"

pytestmark = pytest.mark.slow


def _run(
    *args: str | Path, env: dict[str, str] | None = None, cwd: Path = ROOT, timeout: int = 900
) -> str:
    result = subprocess.run(
        [str(a) for a in args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


def _clean_env(**extra: str | Path) -> dict[str, str]:
    """This process's environment without Caja's settings and this checkout's venv."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CAJA_", "VIRTUAL_ENV", "PYTHON", "PYTEST"))
    }
    env.update({k: str(v) for k, v in extra.items()})
    return env


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sdist built from this tree, and the wheel built from that sdist without Node."""
    out = tmp_path_factory.mktemp("dist")
    uv = Path(sys.executable).with_name("uv")
    _run(uv, "build", "--sdist", "--out-dir", out, "--python", sys.executable, ROOT)
    (sdist,) = out.glob("caja-*.tar.gz")
    # PATH holds nothing but a Python: building the wheel from the sdist must need no Node.
    no_node = tmp_path_factory.mktemp("no-node-bin")
    (no_node / "python3").symlink_to(sys.executable)
    env = _clean_env(PATH=no_node)
    _run(uv, "build", "--wheel", "--out-dir", out, "--python", sys.executable, sdist, env=env)
    return out


@pytest.fixture(scope="module")
def venv(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment, outside the source tree, with ``caja[test]`` from the
    wheel (its dependencies at the versions of ``requirements/dev.lock``)."""
    path = tmp_path_factory.mktemp("venv") / "venv"
    _run(sys.executable, "-m", "venv", path)
    (wheel,) = dist.glob("caja-*.whl")
    pip = path / "bin" / "pip"
    _run(pip, "install", "-q", "-c", ROOT / "requirements" / "dev.lock", f"{wheel}[test]")
    return path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Server:
    """``caja-server`` of the fresh environment on a free port."""

    def __init__(self, venv: Path, cwd: Path, *args: str, **env: str | Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = cwd / "server.log"
        self._log = self.log_path.open("w")
        self.process = subprocess.Popen(
            [str(venv / "bin" / "caja-server"), "--port", str(self.port), *args],
            env=_clean_env(**env),
            cwd=cwd,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 180  # a loaded 2-core machine starts slowly
        while True:
            assert self.process.poll() is None, self.log()
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, self.log()
            time.sleep(0.2)

    def log(self) -> str:
        self._log.flush()
        return self.log_path.read_text()

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        self._log.close()


def test_the_sdist_carries_the_built_ui_and_no_frontend(dist: Path) -> None:
    (sdist,) = dist.glob("caja-*.tar.gz")
    with tarfile.open(sdist) as tar:
        names = tar.getnames()
    assert any(n.endswith("src/caja_server/static/index.html") for n in names)
    assert any("src/caja_server/static/assets/" in n for n in names)
    assert not any("/frontend/" in n for n in names)


def test_first_start_without_a_database_serves_the_web_ui(
    venv: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    home = tmp_path_factory.mktemp("home")
    server = Server(venv, home, HOME=home, XDG_DATA_HOME=home / "data", PATH=os.defpath)
    try:
        server.wait_ready()
        log = server.log()
        database = home / "data" / "caja" / "caja.db"
        assert database.is_file(), log
        assert f"sqlite:///{database}" in log
        assert "password:" in log  # the initial admin's, shown once
        assert f"log in at {server.url}/admin" in log
        with httpx.Client(base_url=server.url, timeout=30) as http:
            pages = {
                path: http.get(path)
                for path in ("/admin", "/join", "/join/ABC123", f"/present/{'0' * 32}")
            }
            index = pages["/admin"].text
            assets = re.findall(r'(?:src|href)="(/assets/[^"]+)"', index)
            assert any(a.endswith(".js") for a in assets), index
            assert any(a.endswith(".css") for a in assets), index
            for path, page in pages.items():
                assert page.status_code == 200, path
                assert page.headers["content-type"].startswith("text/html"), path
                assert page.text == index, path
                assert '<div id="root">' in page.text
            for asset in assets:
                got = http.get(asset)
                assert got.status_code == 200, asset
                assert got.content, asset
            # Swagger UI from the build (swagger-ui-dist), not a CDN: /api/docs works offline.
            docs = http.get("/api/docs").text
            swagger = re.findall(r'(?:src|href)="(/api/docs/swagger-ui/[^"]+)"', docs)
            assert any(a.endswith("/swagger-ui-bundle.js") for a in swagger), docs
            assert not re.search(r"https?://", docs), docs
            for asset in swagger:
                got = http.get(asset)
                assert got.status_code == 200, asset
                assert got.content, asset
            bundle = http.get("/api/docs/swagger-ui/swagger-ui-bundle.js").text
            assert "SwaggerUIBundle" in bundle
            # The UI served is the installed one, not this checkout's.
            installed = next((venv / "lib").glob("python*/site-packages/caja_server/static"))
            assert (installed / "index.html").read_text() == index
    finally:
        server.stop()


def _tutorial_files() -> dict[str, str]:
    """The files of the tutorial: each ``caja-rating/<path>``: line and the block under it."""
    text = TUTORIAL.read_text()
    block = r"^`caja-rating/([^`]+)`:\n\s*(?:<!--.*?-->\n)?```\w*\n(.*?)^```"
    found = re.findall(block, text, re.M | re.S)
    return dict(found)


def test_the_plugin_tutorial_commands_work_verbatim(
    venv: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    files = _tutorial_files()
    assert {"pyproject.toml", "src/caja_rating/__init__.py", "tests/test_rating.py"} <= set(files)
    command = "pip install -e . && pytest tests"
    assert f"```\n{command}\n```" in TUTORIAL.read_text()
    project = tmp_path_factory.mktemp("tutorial") / "caja-rating"
    for name, content in files.items():
        (project / name).parent.mkdir(parents=True, exist_ok=True)
        (project / name).write_text(content)
    # As after `source .venv/bin/activate`; any deprecation warning fails the tests.
    env = _clean_env(
        VIRTUAL_ENV=venv,
        PATH=f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
        PYTEST_ADDOPTS="-p no:cacheprovider -W error::DeprecationWarning",
    )
    out = _run("bash", "-c", command, env=env, cwd=project)
    assert re.search(r"\d+ passed", out), out
    assert "failed" not in out and "warnings" not in out, out


@pytest.fixture(scope="module")
def example_venv(venv: Path) -> Path:
    """The same environment with ``pip install examples/caja-rating`` beside caja."""
    _run(venv / "bin" / "pip", "install", "-q", EXAMPLE)
    installed = _run(venv / "bin" / "pip", "list", "--format=freeze")
    assert "caja-rating==0.1.0" in installed
    return venv


@pytest.fixture(scope="module")
def example_server(example_venv: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``caja-server`` of that environment on a free port, with a migrated database."""
    data = tmp_path_factory.mktemp("rating-data")
    url = f"sqlite:///{data / 'caja.db'}"
    env = _clean_env(CAJA_DATABASE_URL=url, CAJA_ADMIN_PASSWORD=PASSWORD, CAJA_STRICT_PLUGINS="1")
    caja_server = example_venv / "bin" / "caja-server"
    _run(caja_server, "migrate", env=env, cwd=data)
    _run(caja_server, "create-admin", "host", env=env, cwd=data)
    server = Server(
        example_venv,
        data,
        "--database-url",
        url,
        CAJA_ADMIN_PASSWORD=PASSWORD,
        CAJA_STRICT_PLUGINS="1",
    )
    try:
        server.wait_ready()
        yield server.url
    finally:
        server.stop()


def test_the_example_type_is_served_and_answers_aggregate(example_server: str) -> None:
    with httpx.Client(base_url=example_server, timeout=30) as http:
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


def test_the_example_tests_pass_with_the_kit_and_no_deprecation_warning(
    example_venv: Path,
) -> None:
    out = _run(
        example_venv / "bin" / "python",
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "-W",
        "error::DeprecationWarning",
        "--rootdir",
        EXAMPLE,
        "-c",
        EXAMPLE / "pyproject.toml",
        EXAMPLE / "tests",
        env=_clean_env(PATH=os.environ["PATH"]),
        cwd=EXAMPLE,
    )
    assert re.search(r"\d+ passed", out), out
    assert "failed" not in out and "warning" not in out, out
