"""Presenter accounts: creation, login with rate limiting, tokens."""

from __future__ import annotations

import datetime as dt
import math
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
MAX_PASSWORD_LENGTH = 1024
TOKEN_PREFIX = "caja_a_"  # noqa: S105 (a prefix, not a secret)
TOKEN_LIFETIME = dt.timedelta(days=7)
RATE_WINDOW = dt.timedelta(minutes=15)
"""How long a failed login counts towards the delays."""
MAX_DELAY = dt.timedelta(minutes=5)
"""The longest wait a run of failures can impose."""
_USER_FREE = 5
"""Failures per username (or trusted device) before each next attempt must wait."""
_CLIENT_FREE = 20
"""Failures per address before its next attempts must wait (a school or conference
shares one address, but not many presenters)."""
# Verified against when the username is unknown, so timing does not reveal which exist.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


def password_errors(password: str, field: str = "password") -> list[dict[str, object]]:
    if len(password) < MIN_PASSWORD_LENGTH:
        msg = f"at least {MIN_PASSWORD_LENGTH} characters"
        return [{"loc": [field], "msg": msg, "type": "value_error"}]
    if len(password) > MAX_PASSWORD_LENGTH:
        msg = f"at most {MAX_PASSWORD_LENGTH} characters"
        return [{"loc": [field], "msg": msg, "type": "value_error"}]
    return []


def create_admin(db: DB, username: str, password: str) -> Admin:
    """Create a presenter account. Raises ValidationFailed or Conflict (name taken)."""
    username = username.strip()
    errors: list[dict[str, object]] = []
    if not _USERNAME_RE.match(username):
        errors.append(
            {
                "loc": ["username"],
                "msg": "3-64 characters: letters, digits and _ . @ -",
                "type": "value_error",
            }
        )
    errors += password_errors(password)
    if errors:
        raise ValidationFailed("Invalid admin account", errors)
    if db.scalar(select(Admin.id).where(func.lower(Admin.username) == username.lower())):
        raise Conflict(f"An admin called '{username}' already exists")
    admin = Admin(username=username, password_hash=_hasher.hash(password))
    db.add(admin)
    db.flush()
    log.info("admin_created", username=username)
    return admin


def ensure_initial_admin(db: DB, password: str | None = None) -> str | None:
    """When there is no admin at all, create ``admin`` with ``password`` (by default a
    random one) and return that password (to be shown once). Otherwise return None."""
    if db.scalar(select(func.count()).select_from(Admin)):
        return None
    password = password or secrets.token_urlsafe(12)
    create_admin(db, "admin", password)
    return password


def login(
    db: DB,
    username: str,
    password: str,
    client_key: str,
    now: dt.datetime | None = None,
    *,
    device: str | None = None,
) -> tuple[Admin, str]:
    """Check a username and password; return the admin and a new bearer token.

    Failed attempts slow further ones down with growing delays (:func:`login_delay`),
    counted in the database (so across replicas) per username, per client (``client_key``,
    the address) and per trusted device. ``device`` names a browser that has logged in to
    this account before (the server signs it into a cookie); its attempts are slowed by its
    own failures only, so nobody can keep the right password out by failing on purpose.
    While an attempt would come too early, RateLimited (with ``retry_after``) is raised
    before the password is even checked. An unknown username costs the same argon2
    verification as a known one, so timing does not tell which exist.
    """
    now = now_or(now)
    name = username.strip().lower()
    if device:
        checks = [(f"device:{device}", _USER_FREE)]
    else:
        checks = [(f"user:{name}", _USER_FREE), (f"client:{client_key}", _CLIENT_FREE)]
    for key, free in checks:
        _check_delay(db, key, free, now)
    keys = [key for key, _ in checks]
    admin = db.scalars(select(Admin).where(func.lower(Admin.username) == name)).first()
    # Always one verification: against a dummy hash when the name is unknown.
    verified = verify_password(admin.password_hash if admin else _DUMMY_HASH, password)
    if admin is None or not verified or admin.disabled_at is not None:
        db.add_all([LoginAttempt(key=key, attempted_at=now) for key in keys])
        db.flush()
        log.info("login_failed", username=username)
        raise AuthenticationFailed("Wrong username or password", reason="login_failed")
    db.execute(delete(LoginAttempt).where(LoginAttempt.key.in_(keys)))
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


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (argon2)."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def login_delay(failures: int, free: int) -> float:
    """Seconds a key must wait after its last failure: none for the first ``free``
    failures, then 1, 2, 4, ... seconds, at most :data:`MAX_DELAY`."""
    if failures < free:
        return 0.0
    return float(min(MAX_DELAY.total_seconds(), 2 ** (failures - free)))


def _check_delay(db: DB, key: str, free: int, now: dt.datetime) -> None:
    since = now - RATE_WINDOW
    count, last = db.execute(
        select(func.count(), func.max(LoginAttempt.attempted_at)).where(
            LoginAttempt.key == key, LoginAttempt.attempted_at >= since
        )
    ).one()
    if not count or last is None:
        return
    last = last if last.tzinfo else last.replace(tzinfo=dt.UTC)
    wait = (last - now).total_seconds() + login_delay(count, free)
    if wait > 0:
        retry_after = max(1, math.ceil(wait))
        raise RateLimited(
            f"Too many failed logins; try again in {retry_after} seconds",
            reason="login_rate_limited",
            params={"retry_after": retry_after},
            retry_after=retry_after,
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
    if row is None or row[1] <= now or row[0].disabled_at is not None:
        raise AuthenticationFailed("Your login has expired; log in again", reason="login_expired")
    return row[0]


def logout(db: DB, token: str) -> None:
    """Invalidate a token (on every replica: it lives in the database)."""
    db.execute(delete(AdminToken).where(AdminToken.token_hash == hash_token(token)))
