from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from caja_core.errors import InvalidState, NotFound, ValidationFailed
from caja_core.services import sessions
from caja_core.services.sessions import JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH
from caja_core.storage.models import Session

from .conftest import T0, make_admin


def test_join_codes_are_short_and_unambiguous(db, admin):
    codes = {sessions.create_session(db, admin, f"s{i}").join_code for i in range(40)}
    assert len(codes) == 40
    for code in codes:
        assert len(code) == JOIN_CODE_LENGTH
        assert set(code) <= set(JOIN_CODE_ALPHABET)
    assert not set("0O1I") & set(JOIN_CODE_ALPHABET)


def test_join_code_unique_among_open_sessions_but_reusable_after_completion(db, admin):
    first = sessions.create_session(db, admin, "one")
    clash = Session(name="two", admin_id=admin.id, join_code=first.join_code)
    with pytest.raises(IntegrityError), db.begin_nested():
        db.add(clash)
        db.flush()
    sessions.complete_session(db, admin, first.id, now=T0)
    reuse = Session(name="three", admin_id=admin.id, join_code=first.join_code)
    db.add(reuse)
    db.flush()
    assert reuse.join_code == first.join_code


def test_lifecycle_draft_active_completed_never_back(db, admin):
    s = sessions.create_session(db, admin, "  Weekly   sync ")
    assert (s.status, s.name, s.version) == ("draft", "Weekly sync", 1)
    sessions.start_session(db, admin, s.id, now=T0)
    assert s.status == "active" and s.started_at == T0
    sessions.start_session(db, admin, s.id)  # idempotent
    sessions.complete_session(db, admin, s.id, now=T0)
    assert s.status == "completed" and s.completed_at == T0
    with pytest.raises(InvalidState):
        sessions.start_session(db, admin, s.id)
    assert s.status == "completed"


def test_other_admins_sessions_are_not_found(db, admin):
    s = sessions.create_session(db, admin, "mine")
    bob = make_admin(db, "bob")
    for call in (
        lambda: sessions.get_session(db, bob, s.id),
        lambda: sessions.rename_session(db, bob, s.id, "x"),
        lambda: sessions.delete_session(db, bob, s.id),
        lambda: sessions.start_session(db, bob, s.id),
    ):
        with pytest.raises(NotFound):
            call()
    assert sessions.list_sessions(db, bob) == []
    assert [x.id for x in sessions.list_sessions(db, admin)] == [s.id]


def test_names_are_validated(db, admin):
    with pytest.raises(ValidationFailed) as err:
        sessions.create_session(db, admin, "   ")
    assert err.value.errors[0]["loc"] == ["name"]
    with pytest.raises(ValidationFailed):
        sessions.create_session(db, admin, "x" * 201)


def test_rename_and_delete_bump_or_remove(db, admin):
    s = sessions.create_session(db, admin, "old")
    v = s.version
    sessions.rename_session(db, admin, s.id, "new")
    assert s.name == "new" and s.version == v + 1
    sessions.delete_session(db, admin, s.id)
    with pytest.raises(NotFound):
        sessions.get_session(db, admin, s.id)


def test_unparsable_ids_are_not_found(db, admin):
    with pytest.raises(NotFound):
        sessions.get_session(db, admin, "not-a-uuid")
