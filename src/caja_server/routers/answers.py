"""Answering an activity: the busiest write, stored in batches by the answer writer."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request, Response, status

from caja_server.answers import AnswerWriter
from caja_server.deps import ParticipantToken
from caja_server.errors import error_responses
from caja_server.schemas import AnswerSubmit, ResponseOut

router = APIRouter(prefix="/api", tags=["participants"])


@router.post(
    "/sessions/{sid}/activities/{aid}/responses",
    summary="Answer an activity",
    status_code=status.HTTP_201_CREATED,
    response_model=ResponseOut,
    responses={
        200: {"model": ResponseOut, "description": "An identical retry: the stored answer"},
        **error_responses(400, 401, 403, 404, 409, 413, 422),
    },
)
async def submit_answer(
    sid: uuid.UUID,
    aid: uuid.UUID,
    body: AnswerSubmit,
    request: Request,
    token: ParticipantToken,
    response: Response,
) -> ResponseOut:
    """Store the participant's answer (201). Sending the very same answer again answers
    200 with the stored one; a different second answer is a 409 unless the type allows
    changes. A closed activity or a passed deadline is a 422 with a readable reason."""
    # Not gated by the database slots: the writer stores answers in batches of its own,
    # one transaction at a time, and a request waits for it without holding a thread.
    writer: AnswerWriter = request.app.state.answers
    out, changed = await writer.submit(token, sid, aid, body.data)
    if not changed:
        response.status_code = status.HTTP_200_OK
    return out
