"""The plugin author's pytest fixtures: the real Caja app with your plugin, over real HTTP.

A pytest plugin (entry point ``caja`` in the ``pytest11`` group): wherever ``caja[test]`` is
installed, pytest loads it by itself, so a plugin's tests need no ``conftest.py`` beyond
overriding ``caja_plugin``. (With ``PYTEST_DISABLE_PLUGIN_AUTOLOAD`` set, enable it with
``pytest_plugins = ["caja_server.testing"]``.) The in-memory tools, ``ActivityHarness`` and
``ActivityTypeContract``, are in :mod:`caja_core.testing`.

* ``caja_plugin``: override it to return your plugin module.
* ``caja_host``: a strict plugin host with the installed plugins and yours (registered once).
* ``caja_database_url``: a fresh SQLite database, migrated to the newest schema.
* ``caja_app``: the real web app (:func:`caja_server.app.create_app`) on it with that host.
* ``caja_url``: that app served by uvicorn on a free 127.0.0.1 port for the test.
* ``caja_client``: an :class:`httpx.Client` on ``caja_url`` (relative URLs: ``/api/...``).
* ``caja_admin``: the ``Authorization`` header of a logged-in admin.

Everything is imported when a fixture first runs, so the plugin costs a pytest run that does
not use it nothing.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    import httpx
    from fastapi import FastAPI

    from caja_core.plugins import PluginHost

ADMIN_USERNAME = "caja-test-admin"
ADMIN_PASSWORD = "caja-test-password"  # noqa: S105 - a throwaway test account
SERVER_START_TIMEOUT = 30.0
"""Seconds the test server may take to start."""


@pytest.fixture
def caja_plugin() -> object:
    """The plugin under test. Override this fixture to return your plugin module."""
    pytest.skip("override the caja_plugin fixture to return your plugin module")


@pytest.fixture
def caja_host(caja_plugin: object) -> PluginHost:
    """A strict plugin host with every installed plugin and ``caja_plugin`` registered.

    When the plugin is already installed (an entry point of the ``caja`` group), it is
    loaded from there, not registered twice.
    """
    from caja_core.plugins import PluginHost

    host = PluginHost(strict=True)
    host.load_entry_points()
    probe = PluginHost(strict=True)
    probe.register(caja_plugin, name="probe")
    provided = [t.name for t, _ in probe.activity_types()]
    if not all(name in host for name in provided):
        host.register(caja_plugin)
    return host


@pytest.fixture
def caja_database_url(tmp_path: Path) -> str:
    """A fresh SQLite database, migrated to the newest schema, for :func:`caja_app`."""
    from caja_core.storage.db import Database

    url = f"sqlite:///{tmp_path / 'caja.db'}"
    database = Database(url)
    database.upgrade()
    database.dispose()
    return url


@pytest.fixture
def caja_app(caja_host: PluginHost, caja_database_url: str, tmp_path: Path) -> FastAPI:
    """The real Caja web app with ``caja_host``'s plugins on ``caja_database_url``.

    Every new session version is computed at once (``live_tick=0``), so a test sees the
    results of the answers it just sent."""
    from caja_server.app import create_app
    from caja_server.settings import Settings

    settings = Settings(
        env="test",
        database_url=caja_database_url,
        strict_plugins=True,
        static_dir=tmp_path / "no-web-ui",
        media_dir=tmp_path / "media",
        live_tick=0,
        gc_freeze=False,
        gc_threshold=0,
    )
    return create_app(settings, host=caja_host)


@pytest.fixture
def caja_url(caja_app: FastAPI) -> Iterator[str]:
    """``caja_app`` served by uvicorn on a free 127.0.0.1 port; its base URL."""
    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(caja_app, log_config=None, access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            sock.close()
            raise RuntimeError("the Caja test server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=SERVER_START_TIMEOUT)
        sock.close()


@pytest.fixture
def caja_client(caja_url: str) -> Iterator[httpx.Client]:
    """An HTTP client on the test server: ``caja_client.get("/api/activity-types")``."""
    import httpx

    with httpx.Client(base_url=caja_url, timeout=30) as client:
        yield client


@pytest.fixture
def caja_admin(caja_app: Any, caja_client: httpx.Client) -> dict[str, str]:
    """Creates an admin in the app's database, logs in over HTTP, and returns the
    ``Authorization`` header to send with admin requests."""
    from caja_core.services import admins

    with caja_app.state.db.transaction() as db:
        admins.create_admin(db, ADMIN_USERNAME, ADMIN_PASSWORD)
    response = caja_client.post(
        "/api/auth/login", json={"username": ADMIN_USERNAME, "password": ADMIN_PASSWORD}
    )
    assert response.status_code == 200, response.text
    caja_client.cookies.clear()
    return {"Authorization": f"Bearer {response.json()['access_token']}"}
