"""Reuse: session definitions (JSON Schema, check, import, export), duplicates, templates."""

from __future__ import annotations

import re
import uuid
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from caja_core.definitions import SessionDefinition, definition_schema, validate_definition
from caja_core.services import definitions as definition_service
from caja_server.definition_files import (
    YAML_MEDIA_TYPES,
    dump_definition,
    format_for_media_type,
    parse_definition_text,
)
from caja_server.deps import AppSettings, CurrentAdmin, Db, Host
from caja_server.errors import error_responses
from caja_server.event_schemas import (
    ActivitySummary,
    DefinitionCheckOut,
    SessionCopy,
    TemplateOut,
)
from caja_server.schemas import SessionDetail
from caja_server.session_templates import SessionTemplate, all_templates, get_template
from caja_server.shaping import session_detail

router = APIRouter(prefix="/api", tags=["sessions"])

_WRITE_ERRORS = (400, 401, 403, 404, 409, 413, 415, 422)
_DEFINITION_BODY = {
    "requestBody": {
        "required": True,
        "description": "A session definition (see GET /api/session-definitions/schema), as "
        "JSON or as YAML text",
        "content": {
            "application/json": {"schema": {"type": "object"}},
            **{t: {"schema": {"type": "string"}} for t in YAML_MEDIA_TYPES[:1]},
        },
    }
}


async def definition_body(request: Request) -> Any:
    """The request body parsed as JSON or YAML, by its ``Content-Type``."""
    file_format = format_for_media_type(request.headers.get("content-type"))
    if file_format is None:
        raise HTTPException(415, "Send the definition as application/json or application/yaml")
    return parse_definition_text(await request.body(), file_format)


DefinitionBody = Annotated[Any, Depends(definition_body)]


@router.get(
    "/session-definitions/schema",
    summary="JSON Schema of session definitions",
    response_model=dict[str, Any],
)
def session_definition_schema(host: Host) -> dict[str, Any]:
    """The JSON Schema of the session-definition format, with the config schema of each
    installed activity type (point an editor's YAML or JSON support at it)."""
    return definition_schema(host)


@router.post(
    "/session-definitions/check",
    summary="Check a session definition",
    response_model=DefinitionCheckOut,
    responses=error_responses(*_WRITE_ERRORS),
    openapi_extra=_DEFINITION_BODY,
)
def check_session_definition(
    raw: DefinitionBody, admin: CurrentAdmin, host: Host
) -> DefinitionCheckOut:
    """Validate a definition without creating anything: 200 when it would import, else a
    422 whose ``errors`` locate every problem (``activities[2].config.options``)."""
    definition = validate_definition(host, raw)
    return _check_out(definition)


@router.post(
    "/sessions/import",
    summary="Create a session from a definition",
    status_code=status.HTTP_201_CREATED,
    response_model=SessionDetail,
    responses=error_responses(*_WRITE_ERRORS),
    openapi_extra=_DEFINITION_BODY,
)
def import_session(
    raw: DefinitionBody,
    admin: CurrentAdmin,
    db: Db,
    host: Host,
    settings: AppSettings,
    name: Annotated[
        str | None, Query(min_length=1, max_length=200, description="Override the name")
    ] = None,
) -> SessionDetail:
    """A new draft session with the definition's activities. When anything is invalid,
    nothing is created: a 422 lists every problem."""
    session = definition_service.create_from_definition(db, host, admin, raw, name=name)
    return session_detail(session, settings)


@router.get(
    "/sessions/{sid}/definition",
    summary="Export a session's definition",
    response_model=None,
    responses={
        200: {
            "model": SessionDefinition,
            "description": "The definition as JSON, or as YAML with ``format=yaml``",
            "content": {
                "application/yaml": {"schema": {"$ref": "#/components/schemas/SessionDefinition"}}
            },
        },
        **error_responses(401, 403, 404, 422),
    },
)
def export_session_definition(
    sid: uuid.UUID,
    admin: CurrentAdmin,
    db: Db,
    format: Literal["json", "yaml"] = Query("json", description="json or yaml"),
) -> Response:
    """The session's name and activities (types, titles, configs, timeouts) as a file to
    keep and import again; no participants or answers. Any status."""
    data = definition_service.definition_of(db, admin, sid)
    filename = f"{_slug(data['name'])}.caja.{format}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    if format == "json":
        return JSONResponse(data, headers=headers)
    return Response(dump_definition(data, "yaml"), media_type="application/yaml", headers=headers)


@router.post(
    "/sessions/{sid}/duplicate",
    summary="Duplicate a session",
    status_code=status.HTTP_201_CREATED,
    response_model=SessionDetail,
    responses=error_responses(*_WRITE_ERRORS),
)
def duplicate_session(
    sid: uuid.UUID,
    admin: CurrentAdmin,
    db: Db,
    host: Host,
    settings: AppSettings,
    body: SessionCopy | None = None,
) -> SessionDetail:
    """A new draft session with the same activities and configs (no participants, no
    answers), from a session in any status."""
    name = body.name if body is not None else None
    session = definition_service.duplicate_session(db, host, admin, sid, name=name)
    return session_detail(session, settings)


TemplateId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[a-z0-9-]+$")]


@router.get(
    "/templates",
    summary="List session templates",
    response_model=list[TemplateOut],
    responses=error_responses(401, 403),
)
def list_templates(admin: CurrentAdmin, host: Host) -> list[TemplateOut]:
    """The ready-made sessions shipped with Caja (a retro, a quiz night, ...); one that
    uses an activity type that is not installed is listed as unavailable."""
    return [_template_out(t, host) for t in all_templates()]


@router.get(
    "/templates/{template_id}",
    summary="A template's definition",
    response_model=SessionDefinition,
    responses=error_responses(401, 403, 404, 422),
)
def get_template_definition(template_id: TemplateId, admin: CurrentAdmin) -> dict[str, Any]:
    """The template as a session definition (to download, edit and import)."""
    return get_template(template_id).definition


@router.post(
    "/templates/{template_id}/sessions",
    summary="Create a session from a template",
    status_code=status.HTTP_201_CREATED,
    response_model=SessionDetail,
    responses=error_responses(*_WRITE_ERRORS),
)
def create_session_from_template(
    template_id: TemplateId,
    admin: CurrentAdmin,
    db: Db,
    host: Host,
    settings: AppSettings,
    body: SessionCopy | None = None,
) -> SessionDetail:
    """A new draft session from a template, ready to edit and start."""
    template = get_template(template_id)
    name = body.name if body is not None else None
    session = definition_service.create_from_definition(
        db, host, admin, template.definition, name=name
    )
    return session_detail(session, settings)


def _check_out(definition: SessionDefinition) -> DefinitionCheckOut:
    return DefinitionCheckOut(
        name=definition.name,
        activities=[ActivitySummary(type=a.type, title=a.title) for a in definition.activities],
    )


def _template_out(template: SessionTemplate, host: Host) -> TemplateOut:
    missing = template.missing_types(host)
    return TemplateOut(
        id=template.id,
        name=template.name,
        description=template.description,
        activities=[
            ActivitySummary(type=str(a.get("type")), title=str(a.get("title")))
            for a in template.definition.get("activities", [])
        ],
        available=not missing,
        missing_types=missing,
    )


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug[:60] or "session"
