from __future__ import annotations

import datetime as dt

import pytest

from caja_core.errors import AuthenticationFailed, Conflict, RateLimited, ValidationFailed
from caja_core.services import admins

T0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def test_passwords_are_hashed_with_argon2(db):
    a = admins.create_admin(db, "alice", "correct horse battery")
    assert a.password_hash.startswith("$argon2id$")
    assert "correct horse" not in a.password_hash


def test_bad_accounts_are_refused(db):
    with pytest.raises(ValidationFailed) as err:
        admins.create_admin(db, "a b", "short")
    assert {e["loc"][0] for e in err.value.errors} == {"username", "password"}
    admins.create_admin(db, "alice", "correct horse battery")
    with pytest.raises(Conflict):
        admins.create_admin(db, "ALICE", "correct horse battery")


def test_login_logout_and_expiry(db):
    a = admins.create_admin(db, "alice", "correct horse battery")
    who, token = admins.login(db, "Alice", "correct horse battery", "1.2.3.4", now=T0)
    assert who.id == a.id and token.startswith("caja_a_")
    assert admins.admin_for_token(db, token, now=T0).id == a.id
    with pytest.raises(AuthenticationFailed, match="expired"):
        admins.admin_for_token(db, token, now=T0 + admins.TOKEN_LIFETIME + dt.timedelta(1))
    admins.logout(db, token)
    with pytest.raises(AuthenticationFailed):
        admins.admin_for_token(db, token, now=T0)
    with pytest.raises(AuthenticationFailed, match="Wrong username or password"):
        admins.login(db, "alice", "wrong", "1.2.3.4", now=T0)
    with pytest.raises(AuthenticationFailed, match="Wrong username or password"):
        admins.login(db, "nobody", "wrong", "1.2.3.4", now=T0)


def test_failed_logins_are_rate_limited(db):
    admins.create_admin(db, "alice", "correct horse battery")
    for _ in range(admins.MAX_FAILURES_PER_USER):
        with pytest.raises(AuthenticationFailed):
            admins.login(db, "alice", "guess", "9.9.9.9", now=T0)
    with pytest.raises(RateLimited) as err:
        # even the right password is refused while limited
        admins.login(db, "alice", "correct horse battery", "9.9.9.9", now=T0)
    assert 1 <= err.value.extra["retry_after"] <= admins.RATE_WINDOW.total_seconds() + 1
    later = T0 + admins.RATE_WINDOW + dt.timedelta(seconds=1)
    admins.login(db, "alice", "correct horse battery", "9.9.9.9", now=later)


def test_initial_admin_only_when_there_is_none(db):
    password = admins.ensure_initial_admin(db)
    assert password and len(password) >= 12
    admins.login(db, "admin", password, "x", now=T0)
    assert admins.ensure_initial_admin(db) is None
