"""Activity types warm up in the background when the server starts."""

from __future__ import annotations

import threading
from typing import Any

from fastapi.testclient import TestClient

from caja_core import hookimpl
from caja_core.plugins import PluginHost
from caja_server.app import create_app

from .conftest import make_settings
from .testplugin import Vote


class Slow(Vote):
    """A type with something to load; ``warmed`` is set once it has."""

    name = "slow"
    release = threading.Event()
    warmed = threading.Event()

    def warm_up(self) -> None:
        assert self.release.wait(10)
        self.warmed.set()


class Broken(Vote):
    """A type whose warm-up fails (its name sorts first)."""

    name = "broken"

    def warm_up(self) -> None:
        raise RuntimeError("no model here")


class Plugin:
    @hookimpl
    def caja_register_activity_types(self, register: Any) -> None:
        register(Slow())
        register(Broken())


def test_types_warm_up_after_start_without_holding_it_up() -> None:
    host = PluginHost(strict=True)
    host.register(Plugin(), name="warm")
    app = create_app(make_settings(), host=host)
    with TestClient(app) as client:
        # The server answers while the warm-up still waits...
        assert client.get("/healthz").status_code == 200
        assert not Slow.warmed.is_set()
        Slow.release.set()
        # ...and the broken type's failure did not stop the next one.
        assert Slow.warmed.wait(10)
