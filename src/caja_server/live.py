"""Wiring the live version board into an app: where the poll path learns versions."""

from __future__ import annotations

import uuid
from typing import Any

from caja_core.live import PostgresVersionRelay, VersionBoard, connect_board
from caja_core.services import state as state_service
from caja_core.storage.db import Database


class BoardVersions:
    """The poll path's version source: the in-memory board first, the database when the
    board does not know (the answer then goes on the board for the next polls)."""

    def __init__(self, board: VersionBoard, database: Database) -> None:
        self.board = board
        self.database = database

    def current(self, session_id: uuid.UUID) -> int:
        """The session's version; raises NotFound for an unknown session."""
        known = self.board.get(session_id)
        if known is not None:
            return known
        generation = self.board.generation
        with self.database.read() as db:
            version = state_service.session_version(db, session_id)
        self.board.update_if(generation, {session_id: version})
        return version


def attach_live_versions(app: Any, database: Database) -> PostgresVersionRelay | None:
    """Give ``app.state`` a version board fed by ``database``'s commits (and, on
    PostgreSQL, a relay to share them with other replicas; start it in the lifespan).
    Returns the relay, or None on SQLite."""
    board, relay = connect_board(database, start=False)
    app.state.board = board
    app.state.versions = BoardVersions(board, database)
    app.state.relay = relay
    return relay
