"""The activities of a session: add, edit, reorder, delete, run, actions and results."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Response, status

from caja_core.errors import ValidationFailed
from caja_core.services import activities as activity_service
from caja_server.deps import CurrentAdmin, Db, Host
from caja_server.errors import error_responses
from caja_server.schemas import (
    ActionResult,
    ActivityCreate,
    ActivityOrder,
    ActivityOut,
    ActivityUpdate,
    ResultsOut,
)
from caja_server.shaping import activity_out

router = APIRouter(prefix="/api/sessions/{sid}/activities", tags=["activities"])

_READ_ERRORS = (401, 403, 404, 422)
_WRITE_ERRORS = (400, 401, 403, 404, 409, 413, 422)


@router.post(
    "",
    summary="Add an activity",
    status_code=status.HTTP_201_CREATED,
    response_model=ActivityOut,
    responses=error_responses(*_WRITE_ERRORS),
)
def add_activity(
    sid: uuid.UUID, body: ActivityCreate, admin: CurrentAdmin, db: Db, host: Host
) -> ActivityOut:
    """Append an activity of an installed type; its config is checked by the type
    (422 with field errors)."""
    if body.type not in host:
        known = ", ".join(sorted(t.name for t, _ in host.activity_types())) or "none"
        message = f"Unknown activity type '{body.type}' (installed: {known})"
        raise ValidationFailed(
            message, [{"loc": ["body", "type"], "msg": message, "type": "unknown_activity_type"}]
        )
    activity = activity_service.add_activity(
        db,
        host,
        admin,
        sid,
        type=body.type,
        title=body.title,
        description=body.description,
        config=body.config,
        timeout_seconds=body.timeout_seconds,
    )
    return activity_out(activity)


@router.put(
    "/order",
    summary="Reorder the activities",
    response_model=list[ActivityOut],
    responses=error_responses(*_WRITE_ERRORS),
)
def reorder_activities(
    sid: uuid.UUID, body: ActivityOrder, admin: CurrentAdmin, db: Db
) -> list[ActivityOut]:
    """Put the activities in this order; the list names every activity exactly once."""
    ordered = activity_service.reorder_activities(db, admin, sid, list(body.activity_ids))
    return [activity_out(a) for a in ordered]


@router.patch(
    "/{aid}",
    summary="Edit an activity",
    response_model=ActivityOut,
    responses=error_responses(*_WRITE_ERRORS),
)
def update_activity(
    sid: uuid.UUID,
    aid: uuid.UUID,
    body: ActivityUpdate,
    admin: CurrentAdmin,
    db: Db,
    host: Host,
    reset_answers: Annotated[
        bool,
        Query(
            description="Allow a config change on an activity that has answers by deleting "
            "them. Without it such a change is refused with 409."
        ),
    ] = False,
) -> ActivityOut:
    """Change the fields given; the others stay."""
    activity = activity_service.update_activity(
        db,
        host,
        admin,
        sid,
        aid,
        changes=body.model_dump(exclude_unset=True),
        reset_answers=reset_answers,
    )
    return activity_out(activity)


@router.delete(
    "/{aid}",
    summary="Delete an activity",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(*_WRITE_ERRORS),
)
def delete_activity(sid: uuid.UUID, aid: uuid.UUID, admin: CurrentAdmin, db: Db) -> None:
    """Delete the activity and its answers."""
    activity_service.delete_activity(db, admin, sid, aid)


@router.post(
    "/{aid}/activate",
    summary="Activate an activity",
    response_model=ActivityOut,
    responses=error_responses(*_WRITE_ERRORS),
)
def activate_activity(
    sid: uuid.UUID, aid: uuid.UUID, admin: CurrentAdmin, db: Db, host: Host
) -> ActivityOut:
    """Make it current and open for answers; the one before expires."""
    return activity_out(activity_service.activate_activity(db, host, admin, sid, aid))


@router.post(
    "/{aid}/open-beside",
    summary="Open an activity beside the current one",
    response_model=ActivityOut,
    responses=error_responses(*_WRITE_ERRORS),
)
def open_beside(
    sid: uuid.UUID, aid: uuid.UUID, admin: CurrentAdmin, db: Db, host: Host
) -> ActivityOut:
    """Keep it open for the rest of the session beside whichever activity is current (a
    Q&A: phones show it as a second tab). Closing it takes it away."""
    return activity_out(activity_service.open_beside(db, host, admin, sid, aid))


@router.post(
    "/{aid}/close",
    summary="Close an activity",
    response_model=ActivityOut,
    responses=error_responses(*_WRITE_ERRORS),
)
def close_activity(
    sid: uuid.UUID, aid: uuid.UUID, admin: CurrentAdmin, db: Db, host: Host
) -> ActivityOut:
    """Stop accepting answers; the results stay on screen."""
    return activity_out(activity_service.close_activity(db, host, admin, sid, aid))


@router.post(
    "/{aid}/actions/{action}",
    summary="Run an admin action of the activity type",
    response_model=ActionResult,
    responses=error_responses(*_WRITE_ERRORS),
)
def run_action(
    sid: uuid.UUID,
    aid: uuid.UUID,
    action: Annotated[str, Path(min_length=1, max_length=64)],
    admin: CurrentAdmin,
    db: Db,
    host: Host,
    body: Annotated[
        dict[str, Any] | None,
        Body(description="The action's body; see the activity type's action schemas"),
    ] = None,
) -> ActionResult:
    """Apply one of the type's actions (poker ``reveal``, quiz ``next``, ...). A body the
    action refuses is a 422 with field errors; an action that can't apply now is a 409."""
    outcome = activity_service.run_action(db, host, admin, sid, aid, action, body)
    return ActionResult(action=action, message=outcome.message, closed=outcome.close)


@router.get(
    "/{aid}/results",
    summary="Results of an activity",
    response_model=ResultsOut,
    responses=error_responses(*_READ_ERRORS),
)
def activity_results(
    sid: uuid.UUID, aid: uuid.UUID, admin: CurrentAdmin, db: Db, host: Host
) -> ResultsOut:
    """The full aggregate, its display blocks and the answer count (presenter view)."""
    return ResultsOut.model_validate(activity_service.activity_results(db, host, admin, sid, aid))
