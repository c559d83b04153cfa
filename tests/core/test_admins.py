from __future__ import annotations

import datetime as dt

import pytest
from argon2 import PasswordHasher

from caja_core.errors import AuthenticationFailed, Conflict, RateLimited, ValidationFailed
from caja_core.services import accounts, admins

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


def test_failed_logins_slow_down_with_growing_delays(db):
    admins.create_admin(db, "alice", "correct horse battery")
    for _ in range(5):  # the first few failures cost nothing
        with pytest.raises(AuthenticationFailed):
            admins.login(db, "alice", "guess", "9.9.9.9", now=T0)
    waits = []
    now = T0
    for _ in range(4):
        with pytest.raises(RateLimited) as err:
            # even the right password waits: the delay is decided before any check
            admins.login(db, "alice", "correct horse battery", "9.9.9.9", now=now)
        waits.append(err.value.extra["retry_after"])
        now += dt.timedelta(seconds=waits[-1])
        with pytest.raises(AuthenticationFailed):
            admins.login(db, "alice", "guess", "9.9.9.9", now=now)
    assert waits == [1, 2, 4, 8]
    assert admins.login_delay(100, 5) == admins.MAX_DELAY.total_seconds()
    later = now + admins.RATE_WINDOW + dt.timedelta(seconds=1)
    admins.login(db, "alice", "correct horse battery", "9.9.9.9", now=later)


def test_a_trusted_device_is_not_kept_out_by_someone_elses_failures(db):
    """An attacker failing on purpose for ``alice`` from anywhere slows down the username,
    not the browser alice has logged in from before (the server signs its device id)."""
    admins.create_admin(db, "alice", "correct horse battery")
    for n in range(40):
        with pytest.raises((AuthenticationFailed, RateLimited)):
            admins.login(db, "alice", "guess", f"10.0.0.{n}", now=T0)
    with pytest.raises(RateLimited):
        admins.login(db, "alice", "correct horse battery", "1.2.3.4", now=T0)
    admins.login(db, "alice", "correct horse battery", "1.2.3.4", now=T0, device="d1")
    # The device's own failures do slow it down.
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            admins.login(db, "alice", "guess", "1.2.3.4", now=T0, device="d1")
    with pytest.raises(RateLimited):
        admins.login(db, "alice", "correct horse battery", "1.2.3.4", now=T0, device="d1")


def test_one_address_trying_many_usernames_is_slowed_down(db):
    for n in range(20):
        with pytest.raises(AuthenticationFailed):
            admins.login(db, f"user{n}", "guess", "6.6.6.6", now=T0)
    with pytest.raises(RateLimited):
        admins.login(db, "someone-new", "guess", "6.6.6.6", now=T0)
    with pytest.raises(AuthenticationFailed):  # other addresses are not affected
        admins.login(db, "someone-new", "guess", "7.7.7.7", now=T0)


def test_unknown_and_known_usernames_cost_one_argon2_verification_each(db, monkeypatch):
    """Timing can't tell which usernames exist: a wrong password for a real account and
    any password for an unknown name both run exactly one argon2 verification (counted,
    not timed: a wall clock on a shared machine proves nothing either way)."""
    calls = []

    class Counting(PasswordHasher):
        def verify(self, hash, password):  # type: ignore[no-untyped-def]
            calls.append(hash)
            return super().verify(hash, password)

    admins.create_admin(db, "alice", "correct horse battery")
    monkeypatch.setattr(admins, "_hasher", Counting())
    for username in ("alice", "nobody", "alice", "nobody-else"):
        before = len(calls)
        with pytest.raises(AuthenticationFailed):
            admins.login(db, username, "wrong password", f"ip-{username}", now=T0)
        assert len(calls) == before + 1, username
    assert all(h.startswith("$argon2id$") for h in calls)


def test_accounts_change_password_disable_and_list(db):
    alice = admins.create_admin(db, "alice", "correct horse battery")
    _, mine = admins.login(db, "alice", "correct horse battery", "x", now=T0)
    _, other = admins.login(db, "alice", "correct horse battery", "y", now=T0)
    with pytest.raises(AuthenticationFailed):
        accounts.change_own_password(db, alice, "wrong", "a new password", mine)
    with pytest.raises(ValidationFailed):
        accounts.change_own_password(db, alice, "correct horse battery", "short", mine)
    accounts.change_own_password(db, alice, "correct horse battery", "a new password", mine)
    assert admins.admin_for_token(db, mine, now=T0).id == alice.id  # this login stays
    with pytest.raises(AuthenticationFailed):
        admins.admin_for_token(db, other, now=T0)  # the others end
    with pytest.raises(AuthenticationFailed):
        admins.login(db, "alice", "correct horse battery", "x", now=T0)
    admins.login(db, "alice", "a new password", "x", now=T0)
    accounts.set_disabled(db, accounts.find_admin(db, "ALICE"), True)
    with pytest.raises(AuthenticationFailed):
        admins.admin_for_token(db, mine, now=T0)
    with pytest.raises(AuthenticationFailed):
        admins.login(db, "alice", "a new password", "z", now=T0)
    assert [(a.username, a.disabled) for a in accounts.list_accounts(db)] == [("alice", True)]
    accounts.set_disabled(db, alice, False)
    admins.login(db, "alice", "a new password", "z", now=T0)
    accounts.set_password(db, alice, "set by the operator")
    admins.login(db, "alice", "set by the operator", "z", now=T0)


def test_initial_admin_only_when_there_is_none(db):
    password = admins.ensure_initial_admin(db)
    assert password and len(password) >= 12
    admins.login(db, "admin", password, "x", now=T0)
    assert admins.ensure_initial_admin(db) is None


def test_the_operator_can_supply_the_first_admins_password(db):
    assert admins.ensure_initial_admin(db, "supplied by the operator") == "supplied by the operator"
    admins.login(db, "admin", "supplied by the operator", "x", now=T0)
