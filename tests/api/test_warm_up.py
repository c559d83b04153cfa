"""Activity types warm up in the background when the server starts."""

from __future__ import annotations

import gc
import threading
from typing import Any

import pytest
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


def test_after_the_warm_up_what_is_loaded_is_hidden_from_the_garbage_collector() -> None:
    Slow.release.set()
    host = PluginHost(strict=True)
    host.register(Plugin(), name="warm")
    before = gc.get_freeze_count()
    try:
        with TestClient(create_app(make_settings(gc_freeze=True), host=host)) as client:
            client.app.state.warm_up.join(30)  # type: ignore[attr-defined]
            assert not client.app.state.warm_up.is_alive()  # type: ignore[attr-defined]
            # Everything the process had loaded, the app and its plugins included.
            assert gc.get_freeze_count() > max(before, 10_000)
            assert gc.is_tracked(host) and all(o is not host for o in gc.get_objects())
    finally:
        gc.unfreeze()


def test_without_the_setting_nothing_is_frozen() -> None:
    Slow.release.set()
    host = PluginHost(strict=True)
    host.register(Plugin(), name="warm")
    before = gc.get_freeze_count()
    with TestClient(create_app(make_settings(), host=host)) as client:
        client.app.state.warm_up.join(30)  # type: ignore[attr-defined]
        assert gc.get_freeze_count() == before


def test_the_collector_runs_less_often_in_a_served_process() -> None:
    before = gc.get_threshold()
    try:
        with TestClient(create_app(make_settings(gc_threshold=40_000))):
            assert gc.get_threshold() == (40_000, 20, 20)
        gc.set_threshold(*before)
        with TestClient(create_app(make_settings(gc_threshold=0))):
            assert gc.get_threshold() == before  # 0: Python's own
    finally:
        gc.set_threshold(*before)
    with pytest.raises(ValueError, match="gc_threshold"):
        make_settings(gc_threshold=-1)
