"""The API's routers, one per domain."""

from fastapi import APIRouter

from caja_server.routers import (
    activities,
    answers,
    auth,
    catalog,
    definitions,
    health,
    items,
    live,
    media,
    participants,
    plugin_files,
    reports,
    sessions,
    state,
)

ALL_ROUTERS: tuple[APIRouter, ...] = (
    auth.router,
    catalog.router,
    sessions.router,
    definitions.router,
    reports.router,
    media.router,
    activities.router,
    participants.router,
    answers.router,
    items.router,
    state.router,
    live.router,
    health.router,
    plugin_files.router,
)

UNGATED: tuple[APIRouter, ...] = (health.router, answers.router, live.router)
"""Routers that do not wait for a database slot: probes never queue behind a burst,
answers are written in batches by the answer writer, which bounds itself, and live
documents answered from memory need no database (they take a slot when they do)."""
