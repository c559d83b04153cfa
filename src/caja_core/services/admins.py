"""Presenter accounts: creation, login with rate limiting, tokens."""

from __future__ import annotations

import datetime as dt
import re
import secrets

import structlog
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session as DB

from caja_core.errors import AuthenticationFailed, Conflict, RateLimited, ValidationFailed
from caja_core.services._common import hash_token, now_or
from caja_core.storage.models import Admin, AdminToken, LoginAttempt

log = structlog.get_logger(__name__)

_hasher = PasswordHasher()
_USERNAME_RE = re.compile(r"^[A-Za-z0-9_.@-]{3,64}$")
MIN_PASSWORD_LENGTH = 8
TOKEN_PREFIX = "caja_a_"  # noqa: S105 (a prefix, not a secret)
TOKEN_LIFETIME = dt.timedelta(days=7)
RATE_WINDOW = dt.timedelta(minutes=5)
MAX_FAILURES_PER_USER = 10
MAX_FAILURES_PER_CLIENT = 30
# Verified against when the username is unknown, so timing does not reveal which exist.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def create_admin(db: DB, username: str, password: str) -> Admin:
    """Create a presenter account. Raises ValidationFailed or Conflict (name taken)."""
    username = username.strip()
    errors = []
    if not _USERNAME_RE.match(username):
        errors.append(
            {
                "loc": ["username"],
                "msg": "3-64 characters: letters, digits and _ . @ -",
                "type": "value_error",
            }
        )
    if len(password) < MIN_PASSWORD_LENGTH:
        errors.append(
            {
                "loc": ["password"],
                "msg": f"at least {MIN_PASSWORD_LENGTH} characters",
                "type": "value_error",
            }
        )
    if errors:
        raise ValidationFailed("Invalid admin account", errors)
    if db.scalar(select(Admin.id).where(func.lower(Admin.username) == username.lower())):
        raise Conflict(f"An admin called '{username}' already exists")
    admin = Admin(username=username, password_hash=_hasher.hash(password))
    db.add(admin)
    db.flush()
    log.info("admin_created", username=username)
    return admin


def ensure_initial_admin(db: DB) -> str | None:
    """When there is no admin at all, create ``admin`` with a random password and return
    that password (to be shown once). Otherwise return None."""
    if db.scalar(select(func.count()).select_from(Admin)):
        return None
    password = secrets.token_urlsafe(12)
    create_admin(db, "admin", password)
    return password


def login(
    db: DB, username: str, password: str, client_key: str, now: dt.datetime | None = None
) -> tuple[Admin, str]:
    """Check a username and password; return the admin and a new bearer token.

    Failed attempts are counted per username and per client (``client_key``, e.g. the IP
    address) in the database, so the limit holds across replicas. Over the limit,
    RateLimited is raised before the password is even checked.
    """
    now = now_or(now)
    user_key = f"user:{username.strip().lower()}"
    client = f"client:{client_key}"
    _check_rate(db, user_key, MAX_FAILURES_PER_USER, now)
    _check_rate(db, client, MAX_FAILURES_PER_CLIENT, now)
    admin = db.scalars(
        select(Admin).where(func.lower(Admin.username) == username.strip().lower())
    ).first()
    if admin is None or not _verify(admin.password_hash, password):
        db.add_all(
            [
                LoginAttempt(key=user_key, attempted_at=now),
                LoginAttempt(key=client, attempted_at=now),
            ]
        )
        db.flush()
        log.info("login_failed", username=username)
        raise AuthenticationFailed("Wrong username or password")
    db.execute(delete(LoginAttempt).where(LoginAttempt.key == user_key))
    db.execute(delete(LoginAttempt).where(LoginAttempt.attempted_at < now - RATE_WINDOW))
    if _hasher.check_needs_rehash(admin.password_hash):
        admin.password_hash = _hasher.hash(password)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.add(
        AdminToken(token_hash=hash_token(token), admin_id=admin.id, expires_at=now + TOKEN_LIFETIME)
    )
    db.flush()
    log.info("login_succeeded", username=admin.username)
    return admin, token


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _check_rate(db: DB, key: str, limit: int, now: dt.datetime) -> None:
    since = now - RATE_WINDOW
    failures = db.scalars(
        select(LoginAttempt.attempted_at)
        .where(LoginAttempt.key == key, LoginAttempt.attempted_at >= since)
        .order_by(LoginAttempt.attempted_at)
    ).all()
    if len(failures) >= limit:
        retry_after = max(1, int((failures[-limit] + RATE_WINDOW - now).total_seconds()) + 1)
        raise RateLimited(
            f"Too many failed logins; try again in {retry_after} seconds", retry_after=retry_after
        )


def admin_for_token(db: DB, token: str, now: dt.datetime | None = None) -> Admin:
    """The admin a bearer token belongs to. Raises AuthenticationFailed."""
    now = now_or(now)
    if not token.startswith(TOKEN_PREFIX):
        raise AuthenticationFailed("Not an admin token")
    row = db.execute(
        select(Admin, AdminToken.expires_at)
        .join(AdminToken, AdminToken.admin_id == Admin.id)
        .where(AdminToken.token_hash == hash_token(token))
    ).first()
    if row is None or row[1] <= now:
        raise AuthenticationFailed("Your login has expired; log in again")
    return row[0]


def logout(db: DB, token: str) -> None:
    """Invalidate a token (on every replica: it lives in the database)."""
    db.execute(delete(AdminToken).where(AdminToken.token_hash == hash_token(token)))
