"""Versions reach pollers without a database read, on one process and across replicas."""

from __future__ import annotations

import time
import uuid

import pytest
from sqlalchemy import text

from caja_core.live import (
    VersionBoard,
    connect_board,
    decode_versions,
    encode_versions,
)
from caja_core.services import admins, participants, sessions
from caja_core.storage.db import Database


def wait_until(predicate, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()


def test_board_never_goes_backwards():
    board = VersionBoard()
    sid = uuid.uuid4()
    board.update({sid: 5})
    board.update({sid: 3})
    assert board.get(sid) == 5
    board.enabled = False
    assert board.get(sid) is None


def test_payloads_round_trip_and_fit_the_notify_limit():
    versions = {uuid.uuid4(): i for i in range(1, 600)}
    payloads = encode_versions(versions)
    assert len(payloads) > 1
    assert all(len(p) < 8000 for p in payloads)
    merged = {}
    for p in payloads:
        merged.update(decode_versions(p))
    assert merged == versions
    assert decode_versions("garbage,zz:1") == {}


def test_local_commits_reach_the_board(database: Database):
    board, relay = connect_board(database)
    try:
        with database.transaction() as db:
            admin = admins.create_admin(db, "alice", "correct horse battery")
            s = sessions.create_session(db, admin, "x")
            sessions.start_session(db, admin, s.id)
            assert board.get(s.id) is None  # not before the commit
        assert board.get(s.id) == 2 or relay is not None
        with database.transaction() as db:
            participants.join_session(db, s.join_code, "Ana")
        assert wait_until(lambda: board.get(s.id) == 3)
        # a rolled-back change never reaches the board
        with pytest.raises(RuntimeError), database.transaction() as db:
            participants.join_session(db, s.join_code, "Bo")
            raise RuntimeError("abort")
        assert board.get(s.id) == 3
    finally:
        if relay:
            relay.stop()


def test_replicas_learn_each_others_versions_through_notify(database: Database, database_url):
    if database.dialect != "postgresql":
        pytest.skip("cross-replica relay is PostgreSQL's")
    other = Database(database_url)
    _board_a, relay_a = connect_board(database, tick=0.05)
    board_b, relay_b = connect_board(other, tick=0.05)
    try:
        assert relay_a.wait_listening() and relay_b.wait_listening()
        with database.transaction() as db:
            admin = admins.create_admin(db, "alice", "correct horse battery")
            s = sessions.create_session(db, admin, "x")
        sessions_seen = relay_b.received
        for name in ("Ana", "Bo", "Cy", "Di", "Ed"):
            with database.transaction() as db:
                sessions.start_session(db, admin, s.id)
                participants.join_session(db, s.join_code, name)
        with database.read() as db:
            version = db.scalar(text("select version from sessions"))
        assert wait_until(lambda: board_b.get(s.id) == version)
        # batched: far fewer notifications than commits
        assert relay_b.received - sessions_seen <= 6
        # the listener's connection drops: the board is distrusted, then recovers
        with other.engine.connect() as conn:
            conn.execute(
                text(
                    "select pg_terminate_backend(pid) from pg_stat_activity "
                    "where query like 'LISTEN%' and pid <> pg_backend_pid()"
                )
            )
        assert wait_until(lambda: board_b.get(s.id) is None or not relay_b.wait_listening(0))
        assert relay_b.wait_listening(10)
        with database.transaction() as db:
            participants.join_session(db, s.join_code, "Fay")
        assert wait_until(lambda: board_b.get(s.id) == version + 1)
    finally:
        relay_a.stop()
        relay_b.stop()
        other.dispose()
