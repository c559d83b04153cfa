"""The poll path's memory of checked tokens, revalidated against the database in batches."""

from __future__ import annotations

import uuid

from caja_core.services import admins, participants, sessions
from caja_core.storage.db import Database
from caja_core.storage.models import Admin, Participant, Session
from caja_server.live import RecentAuth, Viewer

Joined = list[tuple[Participant, str]]


def room(database: Database, *nicknames: str) -> tuple[Admin, Session, Joined]:
    """A started session of alice's and its participants, each with their token."""
    with database.transaction() as db:
        admin = admins.create_admin(db, "alice", "correct horse battery")
        session = sessions.create_session(db, admin, "Retro")
        sessions.start_session(db, admin, session.id)
        joined = [participants.join_session(db, session.join_code, n)[:2] for n in nicknames]
    return admin, session, joined


def viewer(person: Participant) -> Viewer:
    return Viewer(f"participant-{person.id}", "participant", person.id, person.nickname)


def test_used_entries_are_kept_while_valid_and_dropped_once_kicked(database: Database) -> None:
    admin, session, joined = room(database, "Ann", "Bob", "Cat")
    (_, ann_token), (bob, bob_token), (_, cat_token) = joined
    recent = RecentAuth(ttl_seconds=60)
    for person, token in joined:
        recent.put(token, session.id, viewer(person))
    presenter = Viewer("presenter", "presenter")
    recent.put("caja_a_presenter", session.id, presenter)
    assert recent.revalidate(database) == (3, 0)  # a fresh entry counts as used once
    assert recent.revalidate(database) == (0, 0)  # nothing was used since

    for token in (ann_token, bob_token, "caja_a_presenter"):
        assert recent.get(token, session.id) is not None
    assert recent.revalidate(database) == (2, 0)  # the presenter's entry simply expires

    with database.transaction() as db:  # kicked, e.g. through another replica
        participants.kick_participant(db, admin, session.id, bob.id)
    assert recent.get(ann_token, session.id) is not None
    assert recent.get(bob_token, session.id) is not None  # still remembered here...
    assert recent.revalidate(database) == (1, 1)
    assert recent.get(bob_token, session.id) is None  # ...until the next round
    assert recent.get(ann_token, session.id) is not None
    assert recent.get(cat_token, session.id) is not None  # never used: not checked yet
    assert recent.get(ann_token, uuid.uuid4()) is None  # remembered per session


def test_a_revalidated_entry_outlives_its_first_ttl(database: Database) -> None:
    _, session, [(ann, token)] = room(database, "Ann")
    recent = RecentAuth(ttl_seconds=0.5)
    recent.put(token, session.id, viewer(ann))
    first_expiry = recent._entries[recent._key(token, session.id)][0]
    assert recent.get(token, session.id) is not None
    recent.revalidate(database)
    assert recent._entries[recent._key(token, session.id)][0] > first_expiry
