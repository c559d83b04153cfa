from __future__ import annotations

import datetime as dt

import pytest

from caja_core.errors import AuthenticationFailed, Conflict, Forbidden, NotFound, ValidationFailed
from caja_core.services import participants, sessions
from caja_core.services._common import hash_token
from caja_core.storage.models import Participant

from .conftest import T0


def join(db, s, nickname, now=T0):
    return participants.join_session(db, s.join_code, nickname, now=now)


def test_nicknames_are_trimmed_and_checked(db, live_session):
    p, _, _ = join(db, live_session, "  Ana   María \t")
    assert p.nickname == "Ana María"
    for bad, why in [
        ("   ", "empty"),
        ("x" * 33, "at most 32"),
        ("bad\x00name", "control"),
        ("zero\u200bwidth", "control"),
        ("bell\x07", "control"),
    ]:
        with pytest.raises(ValidationFailed, match=why):
            join(db, live_session, bad)
    p32, _, _ = join(db, live_session, "y" * 32)
    assert len(p32.nickname) == 32


def test_nicknames_are_unique_ignoring_case_with_a_free_suggestion(db, live_session):
    join(db, live_session, "Ana")
    join(db, live_session, "Ana 2")
    with pytest.raises(Conflict) as err:
        join(db, live_session, "ANA")
    assert err.value.extra["suggestion"] == "ANA 3"
    p, _, _ = join(db, live_session, err.value.extra["suggestion"])
    assert p.nickname == "ANA 3"
    long_name = "L" * 32
    join(db, live_session, long_name)
    with pytest.raises(Conflict) as err:
        join(db, live_session, long_name.lower())
    assert len(err.value.extra["suggestion"]) <= 32


def test_join_codes_are_forgiving_and_completed_sessions_closed(db, admin, live_session):
    code = live_session.join_code
    _p, _, s = participants.join_session(db, f" {code[:3].lower()}-{code[3:]} ", "Bo", now=T0)
    assert s.id == live_session.id
    with pytest.raises(NotFound):
        participants.join_session(db, "ZZZZZZ9", "Cy")
    sessions.complete_session(db, admin, live_session.id)
    with pytest.raises(NotFound):
        participants.join_session(db, code, "Cy")


def test_tokens_are_random_hashed_and_scoped_to_one_session(db, admin, live_session):
    p, token, _ = join(db, live_session, "Ana")
    assert token.startswith("caja_p_") and len(token) - len("caja_p_") >= 32
    assert p.token_hash == hash_token(token) and token not in p.token_hash
    assert participants.participant_for_token(db, token, live_session.id).id == p.id
    other = sessions.create_session(db, admin, "other")
    with pytest.raises(AuthenticationFailed):
        participants.participant_for_token(db, token, other.id)
    with pytest.raises(AuthenticationFailed):
        participants.participant_for_token(db, "caja_p_forged")
    with pytest.raises(AuthenticationFailed):
        participants.participant_for_token(db, "caja_a_admin-ish")


def test_kicked_participants_lose_their_token(db, admin, live_session):
    p, token, _ = join(db, live_session, "Troll")
    participants.kick_participant(db, admin, live_session.id, p.id)
    with pytest.raises(AuthenticationFailed):
        participants.participant_for_token(db, token)
    with pytest.raises(NotFound):
        participants.kick_participant(db, admin, live_session.id, p.id)
    # The name (and its look-alikes) stays out of this session; another name is fine.
    for again in ("Troll", "TR0LL", "Tro\u200bll"):
        with pytest.raises((Forbidden, ValidationFailed)):
            join(db, live_session, again)
    join(db, live_session, "Friendly")


def test_visually_blank_look_alike_and_profane_nicknames_are_refused(db, live_session):
    for blank in ("\u3164", "\u2800\u2800", "\u115f"):
        with pytest.raises(ValidationFailed, match=r"empty|invisible"):
            join(db, live_session, blank)
    join(db, live_session, "Bob")
    for look_alike in ("B\u03bfb", "B0B", "b\u00f3b"):
        with pytest.raises(Conflict):
            join(db, live_session, look_alike)
    with pytest.raises(ValidationFailed, match="can't be shown"):
        participants.join_session(db, live_session.join_code, "sh1thead", profanity_filter=True)
    participants.join_session(db, live_session.join_code, "sh1thead", profanity_filter=False)


def test_draft_sessions_take_no_one(db, admin):
    draft = sessions.create_session(db, admin, "Not yet")
    with pytest.raises(NotFound, match="No running session"):
        participants.join_session(db, draft.join_code, "Early")


def test_connection_status_follows_recent_activity(db, live_session):
    p, _, _ = join(db, live_session, "Ana")
    assert participants.connection_status(p, T0 + dt.timedelta(seconds=20)) == "connected"
    assert participants.connection_status(p, T0 + dt.timedelta(seconds=31)) == "disconnected"
    assert not participants.touch_participant(db, p, T0 + dt.timedelta(seconds=5))
    assert participants.touch_participant(db, p, T0 + dt.timedelta(seconds=40))
    assert participants.connection_status(p, T0 + dt.timedelta(seconds=60)) == "connected"
    assert db.get(Participant, p.id).last_seen_at == T0 + dt.timedelta(seconds=40)
