"""The hooks a Caja plugin can implement.

Plugins are modules (or objects) registered through the ``caja`` entry-point group; they
mark their functions with :data:`caja_core.hookimpl`. Every hook is documented in
``docs/plugins.md`` (a test fails when one is not).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from caja_core.activity import ActivityType

PROJECT_NAME = "caja"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def caja_register_activity_types(register: Callable[[ActivityType], None]) -> None:
    """Register activity types.

    Call ``register(instance)`` once for every activity type the plugin provides.

    :param register: callback taking an :class:`~caja_core.activity.ActivityType`
        instance. It raises :class:`~caja_core.errors.PluginError` when the type's ``name``
        is invalid or already taken by another plugin (the message names both).

    Called once, when the host's plugin manager loads plugins at start-up (one manager per
    app). The return value is ignored.
    """
