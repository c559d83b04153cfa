"""What the micro-benchmarks under ``bench/`` start with (run as ``python bench/x.py``, so
this directory is on the import path)."""

from __future__ import annotations

import gc
import logging

import structlog

from caja_core.plugins import PluginHost


def warmed_host() -> PluginHost:
    """The installed activity types as the server holds them after start-up: loaded,
    warmed up, and (setting ``gc_freeze``) hidden from the garbage collector; what a
    benchmark makes afterwards stays in its sight, as a live session's data does. Logs
    below warnings are dropped."""
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    host = PluginHost(strict=True)
    host.load_entry_points()
    for activity_type, _ in host.activity_types():
        activity_type.warm_up()
    gc.collect()
    gc.freeze()
    return host
