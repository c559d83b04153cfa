"""A presenter's sessions: CRUD, lifecycle, QR code and export."""

from __future__ import annotations

import csv
import io
import uuid
from typing import Literal

from fastapi import APIRouter, Query, Request, Response, status
from fastapi.responses import JSONResponse

from caja_core.services import export as export_service
from caja_core.services import reports as report_service
from caja_core.services import sessions as session_service
from caja_core.storage.models import utcnow
from caja_server.deps import AppSettings, CurrentAdmin, Db, Host
from caja_server.errors import error_responses
from caja_server.qr import qr_png, qr_svg
from caja_server.schemas import ExportOut, SessionCreate, SessionDetail, SessionOut, SessionUpdate
from caja_server.shaping import session_detail, session_out
from caja_server.spreadsheet import XLSX_MEDIA_TYPE, report_workbook

router = APIRouter(prefix="/api/sessions", tags=["sessions"])

_ADMIN_ERRORS = (401, 403, 404, 422)


@router.post(
    "",
    summary="Create a session",
    status_code=status.HTTP_201_CREATED,
    response_model=SessionOut,
    responses=error_responses(400, 401, 403, 413, 422),
)
def create_session(
    body: SessionCreate, admin: CurrentAdmin, db: Db, settings: AppSettings
) -> SessionOut:
    """A new draft session with a fresh join code."""
    return session_out(session_service.create_session(db, admin, body.name), settings)


@router.get(
    "",
    summary="List my sessions",
    response_model=list[SessionOut],
    responses=error_responses(401, 403),
)
def list_sessions(admin: CurrentAdmin, db: Db, settings: AppSettings) -> list[SessionOut]:
    """The presenter's sessions, newest first."""
    return [session_out(s, settings) for s in session_service.list_sessions(db, admin)]


@router.get(
    "/{sid}",
    summary="Get a session with its activities",
    response_model=SessionDetail,
    responses=error_responses(*_ADMIN_ERRORS),
)
def get_session(
    sid: uuid.UUID, admin: CurrentAdmin, db: Db, settings: AppSettings
) -> SessionDetail:
    """One of the presenter's sessions (404 for anybody else's)."""
    return session_detail(session_service.get_session(db, admin, sid), settings)


@router.patch(
    "/{sid}",
    summary="Change a session's name, language or branding",
    response_model=SessionOut,
    responses=error_responses(400, 401, 403, 404, 409, 413, 422),
)
def update_session(
    sid: uuid.UUID, body: SessionUpdate, admin: CurrentAdmin, db: Db, settings: AppSettings
) -> SessionOut:
    """Change what the body names (``null`` clears the language, accent, logo or theme).
    The answer's ``branding.accents`` says, per theme, the accent drawn and why a colour
    with too little contrast was adjusted. 409 for a completed session."""
    changes = body.model_dump(include=body.model_fields_set)
    return session_out(session_service.update_session(db, admin, sid, changes), settings)


@router.delete(
    "/{sid}",
    summary="Delete a session",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(*_ADMIN_ERRORS),
)
def delete_session(request: Request, sid: uuid.UUID, admin: CurrentAdmin, db: Db) -> None:
    """Delete the session with its activities, participants and answers."""
    session_service.delete_session(db, admin, sid)
    # This process stops answering its documents from memory.
    request.app.state.live.forget(sid)


@router.post(
    "/{sid}/start",
    summary="Start a session",
    response_model=SessionOut,
    responses=error_responses(*_ADMIN_ERRORS, 409),
)
def start_session(sid: uuid.UUID, admin: CurrentAdmin, db: Db, settings: AppSettings) -> SessionOut:
    """draft -> active: participants can join and answer. 409 for a completed session."""
    return session_out(session_service.start_session(db, admin, sid), settings)


@router.post(
    "/{sid}/complete",
    summary="Complete a session",
    response_model=SessionOut,
    responses=error_responses(*_ADMIN_ERRORS, 409),
)
def complete_session(
    sid: uuid.UUID, admin: CurrentAdmin, db: Db, host: Host, settings: AppSettings
) -> SessionOut:
    """-> completed, for good: the running activity closes and answers stop."""
    return session_out(session_service.complete_session(db, admin, sid, host), settings)


@router.get(
    "/{sid}/qr.svg",
    summary="QR code of the join URL (SVG)",
    response_class=Response,
    responses={
        200: {"content": {"image/svg+xml": {"schema": {"type": "string"}}}},
        **error_responses(*_ADMIN_ERRORS),
    },
)
def session_qr_svg(sid: uuid.UUID, admin: CurrentAdmin, db: Db, settings: AppSettings) -> Response:
    """A QR code of ``{public_url}/join/{join_code}`` for the big screen."""
    session = session_service.get_session(db, admin, sid)
    return Response(
        qr_svg(settings.join_url(session.join_code)),
        media_type="image/svg+xml",
        headers={"Cache-Control": "private, max-age=300"},
    )


@router.get(
    "/{sid}/qr.png",
    summary="QR code of the join URL (PNG)",
    response_class=Response,
    responses={
        200: {"content": {"image/png": {"schema": {"type": "string", "format": "binary"}}}},
        **error_responses(*_ADMIN_ERRORS),
    },
)
def session_qr_png(sid: uuid.UUID, admin: CurrentAdmin, db: Db, settings: AppSettings) -> Response:
    """The same QR code as a PNG image (for slides and printouts)."""
    session = session_service.get_session(db, admin, sid)
    return Response(
        qr_png(settings.join_url(session.join_code)),
        media_type="image/png",
        headers={"Cache-Control": "private, max-age=300"},
    )


@router.get(
    "/{sid}/export",
    summary="Export every answer",
    response_model=None,
    responses={
        200: {
            "model": ExportOut,
            "description": "A CSV file, JSON with ``format=json``, or a spreadsheet with "
            "``format=xlsx`` (a summary, a sheet per activity, participants, every answer)",
            "content": {
                "text/csv": {"schema": {"type": "string"}},
                XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
            },
        },
        **error_responses(*_ADMIN_ERRORS),
    },
)
def export_session(
    sid: uuid.UUID,
    admin: CurrentAdmin,
    db: Db,
    host: Host,
    format: Literal["csv", "json", "xlsx"] = Query("csv", description="csv, json or xlsx"),
) -> Response:
    """Every answer with nickname, activity and time, as a file download. Answers the
    presenter may not see yet (poker cards before the reveal) have their values left out."""
    now = utcnow()
    columns, rows = export_service.export_session(db, host, admin, sid, now=now)
    filename = f"caja-session-{sid}.{format}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if format == "xlsx":
        report = report_service.session_report(db, host, admin, sid, now=now)
        book = report_workbook(report, columns, rows)
        return Response(book, media_type=XLSX_MEDIA_TYPE, headers=headers)
    if format == "json":
        body = ExportOut(columns=columns, rows=rows)
        return JSONResponse(body.model_dump(mode="json"), headers=headers)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _csv_safe(v) for k, v in row.items()})
    return Response(buffer.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)


def _csv_safe(value: str) -> str:
    """Defuse spreadsheet formulas in participant text (CSV injection)."""
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value
