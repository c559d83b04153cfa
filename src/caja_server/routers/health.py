"""Liveness and readiness probes (for load balancers and orchestrators)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from caja_core.plugins import PluginHost
from caja_core.storage.db import Database
from caja_server.schemas import HealthOut, ReadyOut

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness", response_model=HealthOut)
def healthz() -> HealthOut:
    """The process answers. Touches nothing else."""
    return HealthOut(status="ok")


@router.get(
    "/readyz",
    summary="Readiness",
    response_model=ReadyOut,
    responses={503: {"model": ReadyOut, "description": "Not ready"}},
)
def readyz(request: Request) -> JSONResponse:
    """Ready when the database answers, its schema is at this release's newest migration (or
    at a newer release's, which expand/contract migrations keep usable) and every plugin
    loaded; 503 otherwise, with the failing checks."""
    database: Database = request.app.state.db
    host: PluginHost = request.app.state.host
    checks = {"database": False, "schema": False, "plugins": not host.failed}
    detail = None
    try:
        database.ping()
        checks["database"] = True
        checks["schema"] = database.schema_is_usable()
        if not checks["schema"]:
            detail = "The database schema is not at the newest migration: run caja-server migrate"
    except Exception as exc:
        detail = f"Database unreachable: {type(exc).__name__}"
    if not checks["plugins"]:
        detail = detail or "Some plugins failed to load"
    ready = all(checks.values())
    body = ReadyOut(
        status="ready" if ready else "unavailable",
        checks=checks,
        failed_plugins=[p.name for p in host.failed],
        detail=detail,
    )
    return JSONResponse(body.model_dump(mode="json"), status_code=200 if ready else 503)
