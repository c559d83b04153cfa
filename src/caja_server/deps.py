"""Request dependencies: the unit of work, the plugin host, and who is calling.

The database dependency owns the transaction: it opens one per request (read-only for
GET/HEAD), the route calls one service inside it, and it commits when the route returns,
before the answer is sent (``scope="function"``), so a client never sees a 2xx for a
change that did not commit.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session as OrmSession

from caja_core.errors import AuthenticationFailed, Forbidden, ValidationFailed
from caja_core.i18n import negotiate
from caja_core.plugins import PluginHost
from caja_core.services import admins, participants
from caja_core.storage.db import Database
from caja_core.storage.models import Admin, Participant
from caja_server import json_guard
from caja_server.settings import Settings

ADMIN_COOKIE = "caja_admin"
ADMIN_TOKEN_PREFIX = "caja_a_"  # noqa: S105 (a prefix, not a secret)
PARTICIPANT_TOKEN_PREFIX = "caja_p_"  # noqa: S105
CSRF_HEADER = "X-Caja-CSRF"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# Declared for the OpenAPI document (and the docs' "Authorize" button); checked below.
_bearer = HTTPBearer(auto_error=False, description="An admin or participant token")
_cookie = APIKeyCookie(name=ADMIN_COOKIE, auto_error=False, description="Set by login")


async def database_slot(request: Request) -> AsyncIterator[None]:
    """Wait, without holding a worker thread, for one of ``settings.db_concurrency`` slots
    before the request touches the database; give it back when the request is done.

    A request's unit of work spans several threadpool hops (dependencies, the endpoint, the
    commit). Unbounded, a burst fills every worker thread with requests waiting for a
    connection or a row lock, and the one request holding the lock never gets a thread to
    commit: everything stops. With fewer slots than threads and connections, the holder
    always gets a thread and a connection."""
    slots: asyncio.Semaphore = request.app.state.db_slots
    async with slots:
        yield


async def check_json_body(request: Request) -> None:
    """Refuse JSON bodies whose strings contain NUL (U+0000): PostgreSQL can't store it in
    text or JSONB, and no legitimate input needs it; and refuse bodies nested deeper than
    :data:`~caja_server.json_guard.MAX_DEPTH` (400 ``invalid_json``), which the routes
    would otherwise hand on to code that recurses. The body is read once (Starlette caches
    it for the route) and parsed here only when it could hold either, or when the route
    has no body model (so malformed JSON is a 400 there too)."""
    if request.method in ("GET", "HEAD", "DELETE", "OPTIONS"):
        return
    body = await request.body()
    if not body or not _is_json(request.headers.get("content-type")):
        return  # not JSON (an image upload, a YAML file): its route reads it
    # Routes that read their own body declare it in ``openapi_extra`` and say what is
    # wrong; one that takes no JSON at all (an image upload without a Content-Type) is theirs.
    route = request.scope.get("route")
    own_body = (getattr(route, "openapi_extra", None) or {}).get("requestBody")
    if own_body and not any(_is_json(t) for t in own_body.get("content", {})):
        return
    has_nul = b"\\u0000" in body or b"\x00" in body
    # A route that takes no body would never look at it: checked here in full.
    bodiless = getattr(route, "body_field", None) is None and own_body is None
    if not (has_nul or bodiless or json_guard.could_be_deep(body)):
        return
    parsed = json_guard.loads(body)
    path = _nul_path(parsed, ["body"]) if has_nul else None
    if path is not None:
        raise ValidationFailed(
            "Text must not contain NUL characters (\\u0000)",
            [{"loc": path, "msg": "must not contain NUL characters", "type": "string_nul"}],
        )


def _is_json(content_type: str | None) -> bool:
    media_type = (content_type or "application/json").split(";")[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")


def _nul_path(value: Any, loc: list[str | int]) -> list[str | int] | None:
    if isinstance(value, str):
        return loc if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            if "\x00" in key:
                return [*loc, key]
            if (found := _nul_path(item, [*loc, key])) is not None:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            if (found := _nul_path(item, [*loc, index])) is not None:
                return found
    return None


def _database(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_db(request: Request) -> Iterator[OrmSession]:
    """One unit of work per request: read-only for GET/HEAD, a transaction otherwise."""
    database = _database(request)
    unit = database.read() if request.method in ("GET", "HEAD") else database.transaction()
    with unit as db:
        yield db


Db = Annotated[OrmSession, Depends(get_db, scope="function")]


def get_host(request: Request) -> PluginHost:
    """The app's plugin host."""
    host: PluginHost = request.app.state.host
    return host


def get_settings(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


Host = Annotated[PluginHost, Depends(get_host)]
AppSettings = Annotated[Settings, Depends(get_settings)]


def request_token(
    request: Request,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    cookie: Annotated[str | None, Depends(_cookie)],
) -> str | None:
    """The caller's token: the ``Authorization: Bearer`` header, else the admin cookie.

    The cookie is what a browser sends by itself, also for a form another site (or
    another port of this host) submits; so a request that changes anything is accepted
    on the cookie only with the ``X-Caja-CSRF: 1`` header, which such a form can't send
    and a cross-origin script can't either without a CORS preflight this server never
    grants (403 otherwise). The web app sends it on every call."""
    if bearer is not None and bearer.credentials:
        return bearer.credentials
    if not cookie:
        return None
    if request.method not in SAFE_METHODS and request.headers.get(CSRF_HEADER) != "1":
        raise Forbidden(
            f"A change made with the login cookie needs the {CSRF_HEADER}: 1 header "
            "(a form on another site can't send it)"
        )
    return cookie


Token = Annotated[str | None, Depends(request_token)]


def current_admin(db: Db, token: Token) -> Admin:
    """The logged-in presenter. 401 without a valid admin token, 403 for a participant."""
    if token is None:
        raise AuthenticationFailed("Log in first: this needs an admin token")
    if token.startswith(PARTICIPANT_TOKEN_PREFIX):
        raise Forbidden("Participants can't use admin routes")
    return admins.admin_for_token(db, token)


def participant_token(token: Token) -> str:
    """The bearer token of a participant route, before any database work: 401 without
    one, 403 for an admin token. Routes that do their whole unit of work in one thread
    check it against the database themselves (``participant_for_token``)."""
    if token is None:
        raise AuthenticationFailed("Join the session first: this needs a participant token")
    if token.startswith(ADMIN_TOKEN_PREFIX):
        raise Forbidden("This route is for participants; admins use the admin routes")
    return token


ParticipantToken = Annotated[str, Depends(participant_token)]


def current_participant(request: Request, db: Db, token: ParticipantToken) -> Participant:
    """The participant of a bearer token, checked against the session in the path."""
    return participants.participant_for_token(db, token, request.path_params.get("sid"))


CurrentAdmin = Annotated[Admin, Depends(current_admin)]
CurrentParticipant = Annotated[Participant, Depends(current_participant)]


def request_language(
    request: Request,
    lang: Annotated[
        str | None,
        Query(
            description="The language to answer in (en, es, de, fr, ar; anything else: "
            "English); default: the Accept-Language header's, else English",
        ),
    ] = None,
) -> str:
    """The language of this request's texts (``caja_core.i18n.negotiate``)."""
    return negotiate(lang, request.headers.get("accept-language"))


Language = Annotated[str, Depends(request_language)]
