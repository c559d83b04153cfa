"""What phones poll: the session's shared live document and their personal one.

The shared document is served by :class:`~caja_server.live_front.LiveDocumentFront`
before routing; its route here declares it (OpenAPI, validation: a malformed id or key is a
422 from here) and answers with the same :func:`~caja_server.live_front.answer_shared`.
Both are answered from the process's :class:`~caja_server.live.LiveDocuments` (no database
work) whenever the session's snapshot is current; otherwise the request computes it in a
worker thread, holding one of the database slots, while concurrent requests get the
previous snapshot. Not gated by the database slots otherwise: a poll answered from memory
never waits behind a burst.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from caja_core.services.snapshots import Snapshot
from caja_server.deps import ParticipantToken
from caja_server.errors import error_response, error_responses
from caja_server.live import LiveDocuments
from caja_server.live_front import (
    KEY_LENGTH,
    KEY_PATTERN,
    LANG_MAX_LENGTH,
    LANG_PATTERN,
    NOT_FOUND_DETAIL,
    answer_personal,
    answer_shared,
    not_found_headers,
)
from caja_server.schemas import PersonalLiveOut, SharedLiveOut

router = APIRouter(prefix="/api", tags=["state"])

KEY = Path(
    min_length=KEY_LENGTH[0],
    max_length=KEY_LENGTH[1],
    pattern=KEY_PATTERN,
    description="The key from the personal document's ``live.path``",
    openapi_examples={"key": {"value": "p.3q2-7wQ1mY6mYr8c9Yxqv7m5k1Dq4s5T"}},
)
LANG = Query(
    max_length=LANG_MAX_LENGTH,
    pattern=LANG_PATTERN,
    description="The phone's language: part of the cache key (the documents are the same for "
    "every language today)",
)


async def snapshot_for(request: Request, session_id: uuid.UUID) -> Snapshot:
    """The session's snapshot from memory, else computed in a worker thread within one of
    the database slots (NotFound for an unknown session)."""
    live: LiveDocuments = request.app.state.live
    snap = live.ready(session_id)
    if snap is not None:
        return snap
    async with request.app.state.db_slots:
        return await run_in_threadpool(live.snapshot, session_id)


@router.get(
    "/live/{sid}/{key}",
    summary="A session's shared live document",
    response_model=SharedLiveOut,
    responses={
        304: {"description": "Not modified: the caller's ETag is current"},
        **error_responses(404, 422),
    },
)
async def get_live_document(
    sid: uuid.UUID,
    request: Request,
    key: Annotated[str, KEY],
    lang: Annotated[str | None, LANG] = None,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """What every phone entitled to this key sees now: the same bytes for all of them,
    cacheable by any HTTP cache for a second (``Cache-Control: public``, strong ``ETag``).
    The key (in the personal document) is tied to the session, its current activity and
    the caller's visibility variant; any other key, or one from before the activity changed
    or a participant was kicked, is a 404: fetch the personal document again."""
    live: LiveDocuments = request.app.state.live
    answer = await answer_shared(live, request.app.state.db_slots, sid, key, if_none_match)
    if answer.status == 404:
        caching = not_found_headers(answer, live.tuning.shared_max_age)
        return error_response(404, "not_found", NOT_FOUND_DETAIL, headers=caching)
    headers = {
        "ETag": answer.etag,
        "Cache-Control": f"public, max-age={live.tuning.shared_max_age}",
    }
    if answer.body is None:
        return Response(status_code=304, headers=headers)
    return Response(answer.body, media_type="application/json", headers=headers)


@router.get(
    "/sessions/{sid}/me",
    summary="A participant's personal live document",
    response_model=PersonalLiveOut,
    responses={
        304: {"description": "Not modified: the caller's ETag is current"},
        **error_responses(401, 403, 404, 422),
    },
)
async def get_personal_document(
    sid: uuid.UUID,
    request: Request,
    token: ParticipantToken,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    """The caller's own part of the live state: who they are, their answers, what of the
    view is theirs (their quiz score, their poker card) and where to poll the shared
    document (``live.path``). Never cached (``private, no-store``); fetch it when the
    shared document's ``epoch`` (or, when ``renew`` says so, its ``version``) moves."""
    live: LiveDocuments = request.app.state.live
    snap = await snapshot_for(request, sid)
    pid = live.participant_in(snap, token)
    if pid is not None:
        doc = live.personal(snap, pid)
    else:  # joined since the snapshot, or not a participant of this session at all
        async with request.app.state.db_slots:
            doc = await run_in_threadpool(live.personal_from_database, sid, token)
    answer = answer_personal(doc, if_none_match)
    headers = {"ETag": answer.etag, "Cache-Control": "private, no-store"}
    if answer.body is None:
        return Response(status_code=304, headers=headers)
    return Response(answer.body, media_type="application/json", headers=headers)
