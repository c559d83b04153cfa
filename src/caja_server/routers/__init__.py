"""The API's routers, one per domain."""

from fastapi import APIRouter

from caja_server.routers import (
    activities,
    auth,
    catalog,
    health,
    participants,
    plugin_files,
    sessions,
    state,
)

ALL_ROUTERS: tuple[APIRouter, ...] = (
    auth.router,
    catalog.router,
    sessions.router,
    activities.router,
    participants.router,
    state.router,
    health.router,
    plugin_files.router,
)
