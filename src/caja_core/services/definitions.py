"""Reuse: a session's definition out (export), a definition in (import), duplicates.

Only what a session *is* travels (name, activities with their configs and timeouts); never
participants, answers or runtime state.
"""

from __future__ import annotations

from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.orm import Session as DB

from caja_core.definitions import FORMAT, VERSION, SessionDefinition, validate_definition
from caja_core.errors import NotFound
from caja_core.plugins import PluginHost
from caja_core.services import activities as activity_service
from caja_core.services import sessions as session_service
from caja_core.services._common import as_uuid, session_for_admin
from caja_core.storage.models import Activity, Admin, Session

log = structlog.get_logger(__name__)

COPY_SUFFIX = " (copy)"


def definition_of(db: DB, admin: Admin, session_id: Any) -> dict[str, Any]:
    """The definition of one of the admin's sessions, in any status, as plain data."""
    return _definition(db, session_for_admin(db, admin, session_id))


def definition_for_operator(db: DB, session_id: Any) -> dict[str, Any]:
    """The definition of any session (the operator's command line)."""
    session = db.get(Session, as_uuid(session_id, "Session"))
    if session is None:
        raise NotFound("Session not found")
    return _definition(db, session)


def _definition(db: DB, session: Session) -> dict[str, Any]:
    activities = db.scalars(
        select(Activity)
        .where(Activity.session_id == session.id)
        .order_by(Activity.position, Activity.created_at)
    )
    out: list[dict[str, Any]] = []
    for activity in activities:
        item: dict[str, Any] = {"type": activity.type, "title": activity.title}
        if activity.description:
            item["description"] = activity.description
        item["config"] = activity.config
        if activity.timeout_seconds is not None:
            item["timeout_seconds"] = activity.timeout_seconds
        out.append(item)
    return {"format": FORMAT, "version": VERSION, "name": session.name, "activities": out}


def create_from_definition(
    db: DB,
    host: PluginHost,
    admin: Admin,
    raw: Any,
    *,
    name: str | None = None,
) -> Session:
    """A new draft session built from a definition (``name`` overrides its name).

    Everything is checked first (:func:`~caja_core.definitions.validate_definition`):
    when anything is invalid, nothing is created (:class:`DefinitionInvalid` lists every
    problem). The caller's transaction holds the session and all its activities.
    """
    definition = validate_definition(host, raw)
    return _create(db, host, admin, definition, name or definition.name)


def _create(
    db: DB, host: PluginHost, admin: Admin, definition: SessionDefinition, name: str
) -> Session:
    session = session_service.create_session(db, admin, name)
    for activity in definition.activities:
        activity_service.add_activity(
            db,
            host,
            admin,
            session.id,
            type=activity.type,
            title=activity.title,
            description=activity.description,
            config=activity.config,
            timeout_seconds=activity.timeout_seconds,
        )
    db.flush()
    db.refresh(session)
    log.info(
        "session_created_from_definition",
        session_id=str(session.id),
        activities=len(definition.activities),
    )
    return session


def duplicate_session(
    db: DB, host: PluginHost, admin: Admin, session_id: Any, *, name: str | None = None
) -> Session:
    """A new draft session with the same activities and configs as one of the admin's
    sessions (any status, completed ones too), without participants or answers. Its name
    is ``name``, or the original's with " (copy)"."""
    raw = definition_of(db, admin, session_id)
    if name is None:
        base = raw["name"][: session_service.MAX_NAME_LENGTH - len(COPY_SUFFIX)]
        name = base + COPY_SUFFIX
    return create_from_definition(db, host, admin, raw, name=name)
