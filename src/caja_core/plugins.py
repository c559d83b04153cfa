"""Plugin manager: loads the ``caja`` entry-point group and keeps the activity-type registry.

One :class:`PluginHost` per app (never a global): tests make their own and throw it away.
"""

from __future__ import annotations

import importlib.metadata as md
import re
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pluggy
import structlog
from pydantic import BaseModel

from caja_core import hookspecs
from caja_core.activity import ActivityType, takes_config
from caja_core.errors import NotFound, PluginError

log = structlog.get_logger(__name__)

ENTRY_POINT_GROUP = "caja"
_NAME_RE = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")


@dataclass(frozen=True)
class PluginInfo:
    """One plugin as reported by ``/api/plugins``."""

    name: str
    """Entry-point name (or the name given to :meth:`PluginHost.register`)."""
    distribution: str | None
    version: str | None
    activity_types: tuple[str, ...] = ()
    error: str | None = None
    """Why it failed to load, or None when it loaded."""


def check_contract(activity_type: ActivityType[Any, Any], plugin: str) -> None:
    """Refuse what contract 2 can't run, naming what changed and how to fix it; log what
    still works the contract-1 way (see "Upgrading" in ``docs/plugins.md``)."""
    name = activity_type.name
    for attr in ("config_model", "answer_model", "results_model"):
        model = getattr(activity_type, attr, None)
        if model is None and attr == "results_model":
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            raise PluginError(
                f"Activity type '{name}' of plugin '{plugin}': {attr} must be a pydantic "
                f"model class (a subclass of pydantic.BaseModel), not {model!r}"
            )
    if not takes_config(activity_type.answer_schema):
        log.info(
            "plugin_contract_1",
            plugin=plugin,
            type=name,
            detail=(
                "answer_schema(self) takes no config; contract 2 passes the activity's "
                "config: define answer_schema(self, config=None)"
            ),
        )


@dataclass
class _Registration:
    activity_type: ActivityType[Any, Any]
    plugin: str
    distribution: str | None
    version: str | None


@dataclass
class PluginHost:
    """Loads plugins and holds the activity types they register.

    Args:
        strict: when True, a plugin that fails to load raises instead of being logged and
            listed as failed. Tests and ``CAJA_STRICT_PLUGINS=1`` use strict mode.
    """

    strict: bool = False
    _pm: pluggy.PluginManager = field(init=False)
    _types: dict[str, _Registration] = field(init=False, default_factory=dict)
    _plugins: list[PluginInfo] = field(init=False, default_factory=list)

    def __post_init__(self) -> None:
        self._pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
        self._pm.add_hookspecs(hookspecs)

    # -- loading ------------------------------------------------------------------------

    def load_entry_points(self, group: str = ENTRY_POINT_GROUP) -> None:
        """Load every plugin of the entry-point group, isolating failures per plugin."""
        for ep in sorted(md.entry_points(group=group), key=lambda e: e.name):
            dist = ep.dist.name if ep.dist is not None else None
            version = ep.dist.version if ep.dist is not None else None
            try:
                plugin = ep.load()
            except Exception as exc:
                self._failed(ep.name, dist, version, exc)
                continue
            self.register(plugin, name=ep.name, distribution=dist, version=version)

    def register(
        self,
        plugin: ModuleType | object,
        name: str | None = None,
        distribution: str | None = None,
        version: str | None = None,
    ) -> None:
        """Register one plugin object (a module or an instance with hook implementations).

        Its ``caja_register_activity_types`` hook is called at once. Errors are isolated
        (logged and listed) unless the host is strict.
        """
        name = name or getattr(plugin, "__name__", None) or type(plugin).__name__
        added: list[str] = []

        def register_type(activity_type: ActivityType[Any, Any]) -> None:
            self._add_type(activity_type, name, distribution, version)
            added.append(activity_type.name)

        try:
            self._pm.register(plugin, name=name)
            hook = self._pm.subset_hook_caller(
                "caja_register_activity_types",
                remove_plugins=[p for p in self._pm.get_plugins() if p is not plugin],
            )
            hook(register=register_type)
        except Exception as exc:
            for type_name in added:
                self._types.pop(type_name, None)
            if self._pm.is_registered(plugin):
                self._pm.unregister(plugin)
            self._failed(name, distribution, version, exc)
            return
        self._plugins.append(PluginInfo(name, distribution, version, tuple(added)))
        log.info("plugin_loaded", plugin=name, distribution=distribution, types=added)

    def _add_type(
        self,
        activity_type: ActivityType[Any, Any],
        plugin: str,
        distribution: str | None,
        version: str | None,
    ) -> None:
        if not isinstance(activity_type, ActivityType):
            raise PluginError(
                f"Plugin '{plugin}' registered {activity_type!r}, which is not an ActivityType "
                "instance"
            )
        type_name = getattr(activity_type, "name", None)
        if not isinstance(type_name, str) or not _NAME_RE.match(type_name):
            raise PluginError(
                f"Plugin '{plugin}' registered an activity type with an invalid name "
                f"{type_name!r}: use 1-40 characters of a-z, 0-9, '_' and '-', starting "
                "with a letter"
            )
        existing = self._types.get(type_name)
        if existing is not None:
            raise PluginError(
                f"Activity type '{type_name}' is claimed by two plugins: "
                f"'{existing.plugin}' ({existing.distribution or 'unknown distribution'}) and "
                f"'{plugin}' ({distribution or 'unknown distribution'})"
            )
        for attr in ("title", "config_model", "answer_model"):
            if not hasattr(activity_type, attr):
                raise PluginError(f"Activity type '{type_name}' of plugin '{plugin}' has no {attr}")
        check_contract(activity_type, plugin)
        self._types[type_name] = _Registration(activity_type, plugin, distribution, version)

    def _failed(
        self, name: str, distribution: str | None, version: str | None, exc: BaseException
    ) -> None:
        message = f"{type(exc).__name__}: {exc}"
        log.error(
            "plugin_failed",
            plugin=name,
            distribution=distribution,
            error=message,
            traceback=traceback.format_exc(),
        )
        self._plugins.append(PluginInfo(name, distribution, version, (), message))
        if self.strict:
            if isinstance(exc, PluginError):
                raise exc
            raise PluginError(f"Plugin '{name}' failed to load: {message}") from exc

    # -- queries ------------------------------------------------------------------------

    def get(self, type_name: str) -> ActivityType[Any, Any]:
        """The activity type called ``type_name``; raises NotFound when none is installed."""
        reg = self._types.get(type_name)
        if reg is None:
            known = ", ".join(sorted(self._types)) or "none"
            raise NotFound(f"Unknown activity type '{type_name}' (installed: {known})")
        return reg.activity_type

    def __contains__(self, type_name: object) -> bool:
        return type_name in self._types

    def activity_types(self) -> Iterable[tuple[ActivityType[Any, Any], PluginInfo]]:
        """Every registered type with the plugin that provided it, sorted by name."""
        for type_name in sorted(self._types):
            reg = self._types[type_name]
            yield reg.activity_type, PluginInfo(reg.plugin, reg.distribution, reg.version)

    @property
    def plugins(self) -> list[PluginInfo]:
        """Every plugin seen, loaded or failed, in load order."""
        return list(self._plugins)

    @property
    def failed(self) -> list[PluginInfo]:
        """Plugins that failed to load."""
        return [p for p in self._plugins if p.error is not None]
