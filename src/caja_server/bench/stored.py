"""The answers stored, counted in the server's database itself (not through its API)."""

from __future__ import annotations

import uuid

from sqlalchemy import create_engine, func, select

from caja_core.storage.models import Response


def stored_answers(database_url: str, activity_ids: list[str]) -> dict[str, tuple[int, int]]:
    """Per activity id: (rows in ``responses``, distinct (participant, slot) among them)."""
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            ids = [uuid.UUID(a) for a in activity_ids]
            rows = conn.execute(
                select(Response.activity_id, func.count())
                .where(Response.activity_id.in_(ids))
                .group_by(Response.activity_id)
            ).all()
            pairs = (
                select(Response.activity_id, Response.participant_id, Response.slot)
                .where(Response.activity_id.in_(ids))
                .distinct()
                .subquery()
            )
            unique = conn.execute(
                select(pairs.c.activity_id, func.count()).group_by(pairs.c.activity_id)
            ).all()
    finally:
        engine.dispose()
    counted = {str(a): n for a, n in rows}
    distinct = {str(a): n for a, n in unique}
    return {a: (counted.get(a, 0), distinct.get(a, 0)) for a in activity_ids}
