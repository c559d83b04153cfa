"""Fixtures for the plugin tests: the kit's app fixtures (``caja_server.testing``, which pytest
loads through caja's ``pytest11`` entry point, as in a plugin author's environment) on the
shared test database (SQLite, or PostgreSQL with ``CAJA_TEST_DATABASE_URL``)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn

import caja_plugins.poll


@pytest.fixture
def caja_plugin() -> object:
    """The built-ins are installed entry points; poll stands for them in ``caja_host``."""
    return caja_plugins.poll


@pytest.fixture
def caja_database_url(database_url: str) -> str:
    """The kit's app on the shared, migrated test database (SQLite or PostgreSQL)."""
    return database_url


@pytest.fixture
def live_url(caja_app: Any) -> Iterator[str]:
    """``caja_app`` served by uvicorn on a free 127.0.0.1 port for the length of a test."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(caja_app, log_config=None, access_log=False, lifespan="on")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.01)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=15)
    sock.close()


@pytest.fixture
def http(live_url: str) -> Iterator[httpx.Client]:
    """An HTTP client on the live server."""
    with httpx.Client(base_url=live_url, timeout=30) as client:
        yield client
