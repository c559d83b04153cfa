"""Activities: add, edit, reorder, delete, activate, close, admin actions, results."""

from __future__ import annotations

import datetime as dt
import uuid
from copy import deepcopy
from typing import Any

import structlog
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session as DB

from caja_core.activity import ActionContext, ActionOutcome, ActivityType, bind_answers
from caja_core.errors import Conflict, InvalidState, ValidationFailed
from caja_core.plugins import PluginHost
from caja_core.services._common import (
    activity_in_session,
    bump_version,
    now_or,
    participants_of,
    session_for_admin,
    stored_answers,
)
from caja_core.services.items import load_items
from caja_core.storage.models import Activity, Admin, Response, Session

log = structlog.get_logger(__name__)

MAX_TITLE_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 2000
MAX_TIMEOUT_SECONDS = 24 * 3600
EDITABLE_FIELDS = frozenset({"title", "description", "config", "timeout_seconds"})


def _clean_title(raw: Any) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise ValidationFailed.for_field("title", "must not be empty")
    title = " ".join(raw.split())
    if len(title) > MAX_TITLE_LENGTH:
        raise ValidationFailed.for_field("title", f"at most {MAX_TITLE_LENGTH} characters")
    return title


def _clean_description(description: Any) -> str | None:
    if description is None:
        return None
    if not isinstance(description, str):
        raise ValidationFailed.for_field("description", "must be text")
    description = description.strip()
    if len(description) > MAX_DESCRIPTION_LENGTH:
        raise ValidationFailed.for_field(
            "description", f"at most {MAX_DESCRIPTION_LENGTH} characters"
        )
    return description or None


def _clean_timeout(timeout: Any) -> int | None:
    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, int):
        raise ValidationFailed.for_field("timeout_seconds", "must be a whole number of seconds")
    if not 1 <= timeout <= MAX_TIMEOUT_SECONDS:
        raise ValidationFailed.for_field("timeout_seconds", f"between 1 and {MAX_TIMEOUT_SECONDS}")
    return timeout


def _editable_session(db: DB, admin: Admin, session_id: Any) -> Session:
    session = session_for_admin(db, admin, session_id, lock=True)
    if session.status == "completed":
        raise InvalidState(
            "This session is completed and read-only: its activities can't change "
            "(duplicate it to run it again)",
            reason="session_completed",
        )
    return session


def add_activity(
    db: DB,
    host: PluginHost,
    admin: Admin,
    session_id: Any,
    *,
    type: str,
    title: str,
    config: dict[str, Any],
    description: str | None = None,
    timeout_seconds: int | None = None,
) -> Activity:
    """Append an activity of an installed type. Its config is validated by the type
    (ConfigInvalid with field errors)."""
    session = _editable_session(db, admin, session_id)
    activity_type = host.get(type)
    parsed = activity_type.parse_config(config)
    position = db.scalar(
        select(func.coalesce(func.max(Activity.position), -1)).where(
            Activity.session_id == session.id
        )
    )
    activity = Activity(
        session_id=session.id,
        type=type,
        title=_clean_title(title),
        description=_clean_description(description),
        config=parsed.model_dump(mode="json"),
        state=activity_type.initial_state(parsed),
        position=(position if position is not None else -1) + 1,
        status="draft",
        timeout_seconds=_clean_timeout(timeout_seconds),
    )
    db.add(activity)
    bump_version(db, session)
    log.info("activity_added", session_id=str(session.id), activity_id=str(activity.id), type=type)
    return activity


def answer_count(db: DB, activity_id: uuid.UUID) -> int:
    """How many answers an activity has."""
    return (
        db.scalar(
            select(func.count()).select_from(Response).where(Response.activity_id == activity_id)
        )
        or 0
    )


def update_activity(
    db: DB,
    host: PluginHost,
    admin: Admin,
    session_id: Any,
    activity_id: Any,
    *,
    changes: dict[str, Any],
    reset_answers: bool = False,
    now: dt.datetime | None = None,
) -> Activity:
    """Edit title, description, config or timeout.

    Changing the config of an activity that already has answers would silently change what
    those answers mean, so it is refused (Conflict) unless ``reset_answers`` is True, which
    deletes the answers and restarts the activity's runtime state.
    """
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationFailed(
            "Unknown fields: " + ", ".join(sorted(unknown)),
            [
                {"loc": [k], "msg": "unknown field", "type": "extra_forbidden"}
                for k in sorted(unknown)
            ],
        )
    session = _editable_session(db, admin, session_id)
    activity = activity_in_session(db, session, activity_id)
    activity_type = host.get(activity.type)
    if "title" in changes:
        activity.title = _clean_title(changes["title"])
    if "description" in changes:
        activity.description = _clean_description(changes["description"])
    if "timeout_seconds" in changes:
        activity.timeout_seconds = _clean_timeout(changes["timeout_seconds"])
    if "config" in changes:
        if not isinstance(changes["config"], dict):
            raise ValidationFailed.for_field("config", "must be an object")
        parsed = activity_type.parse_config(changes["config"])
        new_config = parsed.model_dump(mode="json")
        if new_config != activity.config:
            count = answer_count(db, activity.id)
            if count and not reset_answers:
                raise Conflict(
                    f"This activity already has {count} answer(s); changing its config would "
                    "change what they mean. Retry with reset_answers=true to delete them.",
                    reason="activity_has_answers",
                    params={"answers": count},
                    answers=count,
                )
            db.execute(delete(Response).where(Response.activity_id == activity.id))
            activity.config = new_config
            state = activity_type.initial_state(parsed)
            if activity.status == "active":
                state = activity_type.on_activate(parsed, state, now_or(now))
            activity.state = state
    bump_version(db, session)
    return activity


def delete_activity(db: DB, admin: Admin, session_id: Any, activity_id: Any) -> None:
    """Delete an activity and its answers; the others close ranks."""
    session = _editable_session(db, admin, session_id)
    activity = activity_in_session(db, session, activity_id)
    if session.current_activity_id == activity.id:
        session.current_activity_id = None
    if session.side_activity_id == activity.id:
        session.side_activity_id = None
    db.delete(activity)
    db.flush()
    for position, other in enumerate(_ordered(db, session)):
        other.position = position
    bump_version(db, session)


def _ordered(db: DB, session: Session) -> list[Activity]:
    return list(
        db.scalars(
            select(Activity)
            .where(Activity.session_id == session.id)
            .order_by(Activity.position, Activity.created_at)
        )
    )


def list_activities(db: DB, admin: Admin, session_id: Any) -> list[Activity]:
    """The session's activities in order."""
    return _ordered(db, session_for_admin(db, admin, session_id))


def reorder_activities(
    db: DB, admin: Admin, session_id: Any, activity_ids: list[Any]
) -> list[Activity]:
    """Put the activities in the given order; the list must name each activity once."""
    session = _editable_session(db, admin, session_id)
    activities = {a.id: a for a in _ordered(db, session)}
    try:
        wanted = [uuid.UUID(str(i)) for i in activity_ids]
    except ValueError:
        raise ValidationFailed.for_field("activity_ids", "not a list of activity ids") from None
    if len(wanted) != len(set(wanted)) or set(wanted) != set(activities):
        raise ValidationFailed.for_field(
            "activity_ids", "must list every activity of the session exactly once"
        )
    for position, aid in enumerate(wanted):
        activities[aid].position = position
    bump_version(db, session)
    return [activities[aid] for aid in wanted]


def close_running(activity: Activity, host: PluginHost | None, now: dt.datetime) -> None:
    """Expire an active activity and let its type react (no version bump: callers do)."""
    if activity.status != "active":
        return
    if host is not None and activity.type in host:
        activity_type = host.get(activity.type)
        config = activity_type.parse_config(activity.config)
        activity.state = activity_type.on_close(config, deepcopy(activity.state), now)
    activity.status = "expired"
    activity.closed_at = now


def open_running(
    activity: Activity, activity_type: ActivityType[Any, Any], now: dt.datetime
) -> None:
    """Open an activity for answers and let its type react (no version bump: callers do);
    one already open is left as it is."""
    if activity.status == "active":
        return
    config = activity_type.parse_config(activity.config)
    activity.state = activity_type.on_activate(config, deepcopy(activity.state), now)
    activity.status = "active"
    activity.activated_at = now
    activity.closed_at = None


def activate_activity(
    db: DB,
    host: PluginHost,
    admin: Admin,
    session_id: Any,
    activity_id: Any,
    now: dt.datetime | None = None,
) -> Activity:
    """Make an activity current and open it for answers; the one before expires.
    Re-activating an expired activity opens it again with its answers kept."""
    now = now_or(now)
    session = _editable_session(db, admin, session_id)
    if session.status != "active":
        raise InvalidState(
            "Start the session before activating an activity", reason="session_not_started"
        )
    activity = activity_in_session(db, session, activity_id)
    activity_type = host.get(activity.type)
    for other in db.scalars(
        select(Activity).where(
            Activity.session_id == session.id,
            Activity.status == "active",
            Activity.id != activity.id,
        )
    ):
        if other.id != session.side_activity_id:  # the one beside stays open
            close_running(other, host, now)
    if session.side_activity_id == activity.id:  # brought to the front
        session.side_activity_id = None
    open_running(activity, activity_type, now)
    session.current_activity_id = activity.id
    bump_version(db, session)
    log.info("activity_activated", session_id=str(session.id), activity_id=str(activity.id))
    return activity


def open_beside(
    db: DB,
    host: PluginHost,
    admin: Admin,
    session_id: Any,
    activity_id: Any,
    now: dt.datetime | None = None,
) -> Activity:
    """Open an activity beside the current one for the rest of the session (a Q&A that
    phones show as a second tab) without changing the current one. The one beside before
    closes; closing this one takes it away."""
    now = now_or(now)
    session = _editable_session(db, admin, session_id)
    if session.status != "active":
        raise InvalidState(
            "Start the session before opening an activity", reason="session_not_started"
        )
    activity = activity_in_session(db, session, activity_id)
    if activity.id == session.current_activity_id:
        raise InvalidState("This activity is the current one already")
    activity_type = host.get(activity.type)
    if session.side_activity_id not in (None, activity.id):
        previous = db.get(Activity, session.side_activity_id)
        if previous is not None:
            close_running(previous, host, now)
    open_running(activity, activity_type, now)
    session.side_activity_id = activity.id
    bump_version(db, session)
    log.info("activity_opened_beside", session_id=str(session.id), activity_id=str(activity.id))
    return activity


def close_activity(
    db: DB,
    host: PluginHost,
    admin: Admin,
    session_id: Any,
    activity_id: Any,
    now: dt.datetime | None = None,
) -> Activity:
    """Stop accepting answers. The activity stays on the big screen with its results."""
    session = _editable_session(db, admin, session_id)
    activity = activity_in_session(db, session, activity_id)
    if activity.status != "active":
        raise InvalidState("Only an active activity can be closed", reason="activity_not_active")
    close_running(activity, host, now_or(now))
    if session.side_activity_id == activity.id:  # the tab beside goes away
        session.side_activity_id = None
    bump_version(db, session)
    return activity


def run_action(
    db: DB,
    host: PluginHost,
    admin: Admin,
    session_id: Any,
    activity_id: Any,
    action: str,
    body: Any,
    now: dt.datetime | None = None,
) -> ActionOutcome:
    """Apply one of the activity type's admin actions (reveal, revote, next, hide, ...)."""
    now = now_or(now)
    session = _editable_session(db, admin, session_id)
    activity = activity_in_session(db, session, activity_id)
    activity_type = host.get(activity.type)
    parsed_body = activity_type.parse_action(action, body)
    config = activity_type.parse_config(activity.config)
    names, connected = participants_of(db, session.id, now)
    answers = stored_answers(db, activity.id)
    bind_answers(activity_type, answers)
    items = load_items(db, activity.id) if activity_type.item_model is not None else []
    ctx = ActionContext(
        now=now, answers=answers, participants=names, connected=connected, items=items
    )
    outcome = activity_type.apply_action(action, parsed_body, config, deepcopy(activity.state), ctx)
    if outcome.clear_slots:
        stmt = delete(Response).where(Response.activity_id == activity.id)
        if "*" not in outcome.clear_slots:
            stmt = stmt.where(Response.slot.in_(outcome.clear_slots))
        db.execute(stmt)
    if outcome.state is not None:
        activity.state = outcome.state
    if outcome.close:
        close_running(activity, host, now)
    bump_version(db, session)
    log.info(
        "activity_action",
        session_id=str(session.id),
        activity_id=str(activity.id),
        action=action,
    )
    return outcome


def activity_results(
    db: DB,
    host: PluginHost,
    admin: Admin,
    session_id: Any,
    activity_id: Any,
    now: dt.datetime | None = None,
) -> dict[str, Any]:
    """The results of an activity as the presenter sees them: the type's aggregate cut by
    its presenter view (no poker card before its reveal; None while the view hides them),
    its display blocks and the answer count."""
    from caja_core.services.reports import presenter_view

    now = now_or(now)
    session = session_for_admin(db, admin, session_id)
    activity = activity_in_session(db, session, activity_id)
    host.get(activity.type)  # NotFound for a type that is not installed
    names, connected = participants_of(db, session.id, now)
    answers = stored_answers(db, activity.id, nicknames=names)
    view = presenter_view(host, activity, answers, names, connected, now)
    return {
        "activity_id": str(activity.id),
        "type": activity.type,
        "status": activity.status,
        "answer_count": len(answers),
        "results": view.results,
        "display": [block.model_dump(mode="json") for block in view.display],
        "phase": view.phase,
    }
