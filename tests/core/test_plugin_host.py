from __future__ import annotations

import pytest

from caja_core import hookimpl
from caja_core.errors import NotFound, PluginError
from caja_core.plugins import PluginHost

from .conftest import Pick, PickPlugin


class Broken:
    @hookimpl
    def caja_register_activity_types(self, register):
        raise RuntimeError("boom")


class BadName:
    @hookimpl
    def caja_register_activity_types(self, register):
        p = Pick()
        p.name = "Bad Name!"
        register(p)


def test_a_broken_plugin_is_listed_not_fatal():
    host = PluginHost()
    host.register(Broken(), name="broken", distribution="caja-broken", version="1.0")
    host.register(PickPlugin(), name="pick-plugin")
    assert "pick" in host
    (failed,) = host.failed
    assert failed.name == "broken" and "boom" in failed.error
    assert [p.name for p in host.plugins] == ["broken", "pick-plugin"]


def test_strict_mode_makes_failures_fatal():
    host = PluginHost(strict=True)
    with pytest.raises(PluginError, match="broken"):
        host.register(Broken(), name="broken")


def test_two_plugins_claiming_one_type_is_an_error_naming_both():
    host = PluginHost()
    host.register(PickPlugin(), name="first", distribution="caja-first")
    host.register(PickPlugin(), name="second", distribution="caja-second")
    (failed,) = host.failed
    assert "'first'" in failed.error and "'second'" in failed.error
    assert "caja-first" in failed.error and "caja-second" in failed.error
    strict = PluginHost(strict=True)
    strict.register(PickPlugin(), name="first")
    with pytest.raises(PluginError, match="claimed by two plugins"):
        strict.register(PickPlugin(), name="second")


def test_invalid_type_names_are_refused():
    host = PluginHost()
    host.register(BadName(), name="bad")
    assert "invalid name" in host.failed[0].error
    with pytest.raises(NotFound, match="Unknown activity type"):
        host.get("Bad Name!")


def test_hosts_are_independent():
    one, two = PluginHost(), PluginHost()
    one.register(PickPlugin(), name="p")
    assert "pick" in one and "pick" not in two


def test_entry_points_of_the_caja_group_are_loaded():
    host = PluginHost(strict=True)
    host.load_entry_points()
    names = {p.name for p in host.plugins}
    assert {"poll", "poker", "quiz", "wordcloud"} <= names
    assert all(p.distribution == "caja" for p in host.plugins if p.name in names)
