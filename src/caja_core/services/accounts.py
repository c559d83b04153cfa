"""Presenter accounts after creation: passwords, listing, disabling (CLI and API)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import structlog
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session as DB

from caja_core.errors import AuthenticationFailed, NotFound, ValidationFailed
from caja_core.services import admins
from caja_core.services._common import hash_token, now_or
from caja_core.storage.models import Admin, AdminToken

log = structlog.get_logger(__name__)


@dataclass(frozen=True)
class AccountInfo:
    """One account as ``caja-server admin list`` shows it."""

    username: str
    created_at: dt.datetime
    disabled: bool
    logins: int
    """Unexpired login tokens."""


def find_admin(db: DB, username: str) -> Admin:
    """The account of this username (any case). Raises NotFound."""
    admin = db.scalars(
        select(Admin).where(func.lower(Admin.username) == username.strip().lower())
    ).first()
    if admin is None:
        raise NotFound(f"No admin is called '{username.strip()}'")
    return admin


def set_password(db: DB, admin: Admin, password: str, keep_token: str | None = None) -> None:
    """Give ``admin`` a new password and end every login of theirs except ``keep_token``
    (the caller's own, when they change it themselves). Raises ValidationFailed."""
    errors = admins.password_errors(password)
    if errors:
        raise ValidationFailed("Invalid password", errors)
    admin.password_hash = admins.hash_password(password)
    _end_logins(db, admin, keep=keep_token)
    log.info("admin_password_changed", username=admin.username)


def change_own_password(db: DB, admin: Admin, current: str, new: str, token: str) -> None:
    """What the Account page does: the current password proves it is them (a stolen
    token alone can't lock the owner out); other logins end, this one stays."""
    if not admins.verify_password(admin.password_hash, current):
        raise AuthenticationFailed("The current password is wrong")
    if new == current:
        raise ValidationFailed.for_field("new_password", "must differ from the current one")
    set_password(db, admin, new, keep_token=token)


def set_disabled(db: DB, admin: Admin, disabled: bool, now: dt.datetime | None = None) -> None:
    """Disable (no login; every token ends at once) or enable an account."""
    admin.disabled_at = now_or(now) if disabled else None
    if disabled:
        _end_logins(db, admin)
    log.info("admin_disabled" if disabled else "admin_enabled", username=admin.username)


def list_accounts(db: DB, now: dt.datetime | None = None) -> list[AccountInfo]:
    """Every account, by username."""
    now = now_or(now)
    logins = dict(
        db.execute(
            select(AdminToken.admin_id, func.count())
            .where(AdminToken.expires_at > now)
            .group_by(AdminToken.admin_id)
        ).all()
    )
    return [
        AccountInfo(a.username, a.created_at, a.disabled_at is not None, logins.get(a.id, 0))
        for a in db.scalars(select(Admin).order_by(func.lower(Admin.username)))
    ]


def _end_logins(db: DB, admin: Admin, keep: str | None = None) -> None:
    query = delete(AdminToken).where(AdminToken.admin_id == admin.id)
    if keep is not None:
        query = query.where(AdminToken.token_hash != hash_token(keep))
    db.execute(query)
    db.flush()
