"""Export: every answer of a session with nickname, activity and time, in readable columns."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session as DB

from caja_core.activity import ActivityType, StoredItem, bind_answers
from caja_core.plugins import PluginHost
from caja_core.services._common import now_or, session_for_admin, stored_answers
from caja_core.services.items import load_items
from caja_core.services.sealed import sealed_slots
from caja_core.storage.models import Activity, Admin

BASE_COLUMNS = [
    "session",
    "activity_position",
    "activity_title",
    "activity_type",
    "participant_id",
    "nickname",
    "slot",
    "submitted_at",
]


def export_session(
    db: DB, host: PluginHost, admin: Admin, session_id: Any, now: dt.datetime | None = None
) -> tuple[list[str], list[dict[str, str]]]:
    """Columns and rows of every answer in the session, activity by activity.

    Each activity type adds its own readable columns (``export_columns``/``export_row``);
    the column list is the host's columns followed by every type's, in order of first use.
    An answer the presenter may not see yet (a poker card before its reveal,
    :mod:`caja_core.services.sealed`) keeps its row, with the type's columns empty.
    """
    now = now_or(now)
    session = session_for_admin(db, admin, session_id)
    columns = list(BASE_COLUMNS)
    rows: list[dict[str, str]] = []
    activities = db.scalars(
        select(Activity).where(Activity.session_id == session.id).order_by(Activity.position)
    )
    for activity in activities:
        activity_type = host.get(activity.type) if activity.type in host else None
        config = activity_type.parse_config(activity.config) if activity_type else None
        type_columns = activity_type.export_columns(config) if activity_type else ["answer"]
        for column in type_columns:
            if column not in columns:
                columns.append(column)
        is_sealed = (
            sealed_slots(activity_type, config, activity.state, now)
            if activity_type is not None
            else (lambda slot: False)
        )
        answers = stored_answers(db, activity.id)
        if activity_type is not None:
            bind_answers(activity_type, answers)
        for answer in answers:
            row = {
                "session": session.name,
                "activity_position": str(activity.position + 1),
                "activity_title": activity.title,
                "activity_type": activity.type,
                "participant_id": str(answer.participant_id),
                "nickname": answer.nickname,
                "slot": answer.slot,
                "submitted_at": answer.submitted_at.isoformat(),
            }
            if is_sealed(answer.slot):
                extra = {}
            elif activity_type is not None:
                extra = activity_type.export_row(config, activity.state, answer)
            else:
                extra = {"answer": str(answer.data)}
            row.update({k: str(v) for k, v in extra.items()})
            rows.append(row)
        if activity_type is not None and activity_type.item_model is not None:
            for column in ("votes", "status"):
                if column not in columns:
                    columns.append(column)
            for item in load_items(db, activity.id):
                rows.append(_item_row(session.name, activity, activity_type, config, item))
    return columns, [{c: row.get(c, "") for c in columns} for row in rows]


def _item_row(
    session_name: str,
    activity: Activity,
    activity_type: ActivityType[Any, Any],
    config: Any,
    item: StoredItem,
) -> dict[str, str]:
    """An item (a question, an open-text answer) as an export row: its author, or
    "anonymous", its votes, moderation status and times, and the type's own cells."""
    row = {
        "session": session_name,
        "activity_position": str(activity.position + 1),
        "activity_title": activity.title,
        "activity_type": activity.type,
        "participant_id": "" if item.anonymous else str(item.author_id),
        "nickname": "anonymous" if item.anonymous else (item.nickname or ""),
        "slot": "entry",
        "submitted_at": item.created_at.isoformat(),
        "votes": str(item.votes),
        "status": item.status,
    }
    row.update({k: str(v) for k, v in activity_type.export_item(config, item).items()})
    return row
