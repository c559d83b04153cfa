"""The poll path's memory of checked tokens, revalidated against the database in batches."""

from __future__ import annotations

import uuid

from caja_core.services import admins, participants, sessions
from caja_core.storage.db import Database
from caja_server.live import RecentAuth, Viewer


def test_used_entries_are_kept_while_valid_and_dropped_once_kicked(database: Database) -> None:
    with database.transaction() as db:
        admin = admins.create_admin(db, "alice", "correct horse battery")
        session = sessions.create_session(db, admin, "Retro")
        sessions.start_session(db, admin, session.id)
        ann, ann_token, _ = participants.join_session(db, session.join_code, "Ann")
        bob, bob_token, _ = participants.join_session(db, session.join_code, "Bob")
        cat, cat_token, _ = participants.join_session(db, session.join_code, "Cat")
    recent = RecentAuth(ttl_seconds=60)
    for person, token in ((ann, ann_token), (bob, bob_token), (cat, cat_token)):
        viewer = Viewer(f"participant-{person.id}", "participant", person.id, person.nickname)
        recent.put(token, session.id, viewer)
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
    with database.transaction() as db:
        admin = admins.create_admin(db, "alice", "correct horse battery")
        session = sessions.create_session(db, admin, "Retro")
        sessions.start_session(db, admin, session.id)
        ann, token, _ = participants.join_session(db, session.join_code, "Ann")
    recent = RecentAuth(ttl_seconds=0.5)
    recent.put(token, session.id, Viewer(f"participant-{ann.id}", "participant", ann.id, "Ann"))
    first_expiry = recent._entries[recent._key(token, session.id)][0]
    assert recent.get(token, session.id) is not None
    recent.revalidate(database)
    assert recent._entries[recent._key(token, session.id)][0] > first_expiry
