from __future__ import annotations

from caja_core.services import export, participants, responses

from .conftest import T0, open_pick


def test_export_has_every_answer_in_readable_columns(db, host, admin, live_session):
    a = open_pick(db, host, admin, live_session)
    for name, choice in [("Ana", 0), ("Bo", 1)]:
        p, _, _ = participants.join_session(db, live_session.join_code, name, now=T0)
        responses.submit_answer(db, host, p, live_session.id, a.id, {"choice": choice}, now=T0)
    columns, rows = export.export_session(db, host, admin, live_session.id)
    assert columns[:6] == [
        "session",
        "activity_position",
        "activity_title",
        "activity_type",
        "participant_id",
        "nickname",
    ]
    assert "choice" in columns and "submitted_at" in columns
    assert sorted((r["nickname"], r["choice"]) for r in rows) == [("Ana", "red"), ("Bo", "blue")]
    assert all(r["activity_title"] == "Color?" and r["session"] == "Friday retro" for r in rows)
    assert all(r["submitted_at"].startswith("2026-01-01T12:00:00") for r in rows)
