"""A session's report: every activity's results as the presenter sees them, participants,
times."""

from __future__ import annotations

import uuid

from fastapi import APIRouter

from caja_core.services import reports as report_service
from caja_server.deps import CurrentAdmin, Db, Host
from caja_server.errors import error_responses
from caja_server.event_schemas import ReportOut

router = APIRouter(prefix="/api/sessions", tags=["sessions"])


@router.get(
    "/{sid}/report",
    summary="A session's report",
    response_model=ReportOut,
    responses=error_responses(401, 403, 404, 422),
)
def session_report(sid: uuid.UUID, admin: CurrentAdmin, db: Db, host: Host) -> ReportOut:
    """Every activity with its times, answer counts, results and display blocks (what the
    big screen shows: no poker card before its reveal), and every participant, for a
    session in any status. The spreadsheet export (``export?format=xlsx``) has the same."""
    return ReportOut.model_validate(report_service.session_report(db, host, admin, sid))
