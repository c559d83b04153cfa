"""Answering an activity: the busiest write, stored in batches by the answer writer.

This route is the one entry point for answers. The reply carries the participant's new
personal document (cut from the session's snapshot in memory, with the stored answer in
it), so the phone shows its answer, and learns the shared document it is now entitled to,
without another request.
"""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Depends, Request, Response, status

from caja_core.activity import StoredAnswer
from caja_server.answers import AnswerWriter, Stored
from caja_server.deps import ParticipantToken
from caja_server.errors import error_responses
from caja_server.live import LiveDocuments, with_answer
from caja_server.routers.live import snapshot_for
from caja_server.schemas import AnswerOut, AnswerSubmit
from caja_server.shaping import response_out
from caja_server.throttle import participant_write_limit

router = APIRouter(prefix="/api", tags=["participants"])


@router.post(
    "/sessions/{sid}/activities/{aid}/responses",
    summary="Answer an activity",
    status_code=status.HTTP_201_CREATED,
    response_model=AnswerOut,
    responses={
        200: {"model": AnswerOut, "description": "An identical retry: the stored answer"},
        **error_responses(400, 401, 403, 404, 409, 413, 422, 429),
    },
    dependencies=[Depends(participant_write_limit)],
)
async def submit_answer(
    sid: uuid.UUID,
    aid: uuid.UUID,
    body: AnswerSubmit,
    request: Request,
    token: ParticipantToken,
    response: Response,
) -> AnswerOut:
    """Store the participant's answer (201). Sending the very same answer again answers
        200 with the stored one; a different second answer is a 409 unless the type allows
        changes. A closed activity or a passed deadline is a 422 with a readable reason; answers
    sent faster than ``participant_write_*`` allows, a 429 with ``Retry-After``. The
        reply's ``personal`` is the participant's personal document after the answer."""
    # Not gated by the database slots: the writer stores answers in batches of its own,
    # one transaction at a time, and a request waits for it without holding a thread.
    writer: AnswerWriter = request.app.state.answers
    stored = await writer.submit(token, sid, aid, body.data)
    if not stored.changed:
        response.status_code = status.HTTP_200_OK
    personal = await _personal_after(request, sid, aid, stored)
    return AnswerOut(**response_out(stored.row).model_dump(), personal=personal)


async def _personal_after(
    request: Request, sid: uuid.UUID, aid: uuid.UUID, stored: Stored
) -> dict[str, Any]:
    live: LiveDocuments = request.app.state.live
    snap = await snapshot_for(request, sid)
    row = stored.row
    own = None
    if snap.activity is not None and snap.activity.id == aid:
        answer = StoredAnswer(
            row.participant_id, stored.nickname, row.slot, row.data, row.meta, row.submitted_at
        )
        own = with_answer(snap, answer)
    # The commit has reached this process's board: its version is at least the answer's.
    version = live.board.get(sid)
    return live.personal(
        snap, row.participant_id, nickname=stored.nickname, own_answers=own, version=version
    )
