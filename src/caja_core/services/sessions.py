"""Sessions: creation, join codes and the lifecycle draft -> active -> completed."""

from __future__ import annotations

import datetime as dt
import re
import secrets
from typing import Any

import structlog
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session as DB

from caja_core.branding import THEMES, is_colour
from caja_core.errors import Conflict, InvalidState, ValidationFailed
from caja_core.i18n import LANGUAGES
from caja_core.plugins import PluginHost
from caja_core.services._common import bump_version, now_or, session_for_admin
from caja_core.storage.models import Activity, Admin, Session

log = structlog.get_logger(__name__)

JOIN_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""Letters and digits that can't be mistaken for one another: no 0/O and no 1/I."""
JOIN_CODE_LENGTH = 6
MAX_NAME_LENGTH = 200

STATUSES = ("draft", "active", "completed")


def new_join_code() -> str:
    """A random join code, e.g. ``K7PX3M``."""
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalize_join_code(code: str) -> str:
    """What people type -> the stored form: upper case, without spaces or dashes."""
    return "".join(ch for ch in code.upper() if ch not in " -\t")


def _clean_name(raw: Any) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise ValidationFailed.for_field("name", "must not be empty", "A session needs a name")
    name = " ".join(raw.split())
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationFailed.for_field(
            "name", f"at most {MAX_NAME_LENGTH} characters", "Session name too long"
        )
    return name


def create_session(db: DB, admin: Admin, name: str) -> Session:
    """A new draft session with a fresh join code (unique among open sessions)."""
    name = _clean_name(name)
    for _ in range(20):
        session = Session(name=name, admin_id=admin.id, join_code=new_join_code(), status="draft")
        try:
            with db.begin_nested():
                db.add(session)
                db.flush()
        except IntegrityError:
            continue  # join code taken by an open session: draw again
        log.info("session_created", session_id=str(session.id), join_code=session.join_code)
        return session
    raise Conflict("Could not find a free join code; try again")


def list_sessions(db: DB, admin: Admin) -> list[Session]:
    """The admin's sessions, newest first."""
    return list(
        db.scalars(
            select(Session)
            .where(Session.admin_id == admin.id)
            .order_by(Session.created_at.desc(), Session.id)
        )
    )


def get_session(db: DB, admin: Admin, session_id: Any) -> Session:
    """One of the admin's sessions (NotFound for another admin's)."""
    return session_for_admin(db, admin, session_id)


def rename_session(db: DB, admin: Admin, session_id: Any, name: str) -> Session:
    """Rename a session that is not completed (a completed one is read-only)."""
    session = session_for_admin(db, admin, session_id, lock=True)
    if session.status == "completed":
        raise InvalidState(
            "This session is completed and read-only; duplicate it to change it",
            reason="session_completed",
        )
    session.name = _clean_name(name)
    bump_version(db, session)
    return session


SETTINGS = ("name", "language", "accent_color", "logo_url", "theme")
"""What :func:`update_session` changes; the others can be set back to None."""

_LOGO_URL = re.compile(r"^(https?://|/)\S{1,299}$")


def _setting(field: str, value: Any) -> Any:
    """A checked session setting (ValidationFailed naming the field)."""
    if field == "name":
        return _clean_name(value)
    if value is None:
        return None
    if field == "language" and value not in LANGUAGES:
        raise ValidationFailed(
            f"The session language must be one of {', '.join(LANGUAGES)}",
            [{"loc": ["language"], "msg": "unsupported language", "type": "language_unsupported"}],
            reason="language_unsupported",
        )
    if field == "accent_color" and not (isinstance(value, str) and is_colour(value)):
        raise ValidationFailed.for_field("accent_color", "a colour like #4338ca")
    if field == "logo_url" and not (isinstance(value, str) and _LOGO_URL.match(value)):
        raise ValidationFailed.for_field("logo_url", "a site path or an http(s) URL")
    if field == "theme" and value not in THEMES:
        raise ValidationFailed.for_field("theme", "light or dark")
    return value.lower() if field == "accent_color" else value


def update_session(db: DB, admin: Admin, session_id: Any, changes: dict[str, Any]) -> Session:
    """Change a session's name, language (None: each reader's), accent colour, logo and
    theme (None: the default look). Only the keys in ``changes`` change; a completed session
    is read-only. Its viewers see the change at once (the version moves)."""
    unknown = sorted(set(changes) - set(SETTINGS))
    if unknown:
        raise ValidationFailed.for_field(unknown[0], "not a session setting")
    clean = {field: _setting(field, value) for field, value in changes.items()}
    session = session_for_admin(db, admin, session_id, lock=True)
    if session.status == "completed":
        raise InvalidState(
            "This session is completed and read-only; duplicate it to change it",
            reason="session_completed",
        )
    for field, value in clean.items():
        setattr(session, field, value)
    bump_version(db, session)
    return session


def delete_session(db: DB, admin: Admin, session_id: Any) -> None:
    """Delete a session with its activities, participants and answers."""
    session = session_for_admin(db, admin, session_id, lock=True)
    db.delete(session)
    db.flush()
    log.info("session_deleted", session_id=str(session.id))


def start_session(db: DB, admin: Admin, session_id: Any, now: dt.datetime | None = None) -> Session:
    """draft -> active. Starting an active session changes nothing; a completed one can't
    be started again."""
    session = session_for_admin(db, admin, session_id, lock=True)
    if session.status == "completed":
        raise InvalidState(
            "This session is completed; it can't be started again", reason="session_completed"
        )
    if session.status == "draft":
        session.status = "active"
        session.started_at = now_or(now)
        bump_version(db, session)
        log.info("session_started", session_id=str(session.id))
    return session


def complete_session(
    db: DB,
    admin: Admin,
    session_id: Any,
    host: PluginHost | None = None,
    now: dt.datetime | None = None,
) -> Session:
    """-> completed: closes the running activity; participants can no longer answer.
    Completing a completed session changes nothing."""
    from caja_core.services.activities import close_running

    session = session_for_admin(db, admin, session_id, lock=True)
    if session.status == "completed":
        return session
    now = now_or(now)
    for activity in db.scalars(
        select(Activity).where(Activity.session_id == session.id, Activity.status == "active")
    ):
        close_running(activity, host, now)
    session.status = "completed"
    session.completed_at = now
    bump_version(db, session)
    log.info("session_completed", session_id=str(session.id))
    return session
