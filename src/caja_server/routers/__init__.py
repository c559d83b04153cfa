"""The API's routers, one per domain."""

from fastapi import APIRouter

from caja_server.routers import (
    activities,
    auth,
    catalog,
    health,
    participants,
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
)
