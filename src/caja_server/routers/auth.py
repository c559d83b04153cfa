"""Presenter login, logout and identity."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from caja_core.errors import AuthenticationFailed
from caja_core.services import admins
from caja_core.storage.db import Database
from caja_server.deps import (
    ADMIN_COOKIE,
    ADMIN_TOKEN_PREFIX,
    AppSettings,
    CurrentAdmin,
    Db,
    Token,
)
from caja_server.errors import error_responses
from caja_server.schemas import AdminOut, LoginRequest, TokenOut

router = APIRouter(prefix="/api/auth", tags=["auth"])


@router.post(
    "/login",
    summary="Log in as a presenter",
    response_model=TokenOut,
    responses=error_responses(400, 401, 422, 429),
)
def login(
    body: LoginRequest, request: Request, response: Response, settings: AppSettings
) -> TokenOut:
    """Check the credentials; answer a bearer token and set it as an HttpOnly cookie.
    Failed attempts are rate-limited per username and per client (429 with Retry-After)."""
    client_key = request.client.host if request.client else "unknown"
    database: Database = request.app.state.db
    failure: AuthenticationFailed | None = None
    # Not the usual request transaction: a failed attempt must be committed (it is what
    # the rate limit counts), so the failure is raised only after the commit.
    with database.transaction() as db:
        try:
            _, token = admins.login(db, body.username, body.password, client_key)
        except AuthenticationFailed as exc:
            failure = exc
    if failure is not None:
        raise failure
    response.set_cookie(
        ADMIN_COOKIE,
        token,
        max_age=int(admins.TOKEN_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=settings.secure_cookies,
        path="/",
    )
    return TokenOut(access_token=token)


@router.post(
    "/logout",
    summary="Log out",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
)
def logout(
    request: Request, response: Response, db: Db, token: Token, settings: AppSettings
) -> None:
    """Revoke the admin token (header or cookie) and clear the cookie. Always succeeds."""
    if token is not None and token.startswith(ADMIN_TOKEN_PREFIX):
        admins.logout(db, token)
        request.app.state.live.recent_auth.forget(token=token)
    response.delete_cookie(
        ADMIN_COOKIE, path="/", httponly=True, samesite="lax", secure=settings.secure_cookies
    )


@router.get(
    "/me",
    summary="The logged-in presenter",
    response_model=AdminOut,
    responses=error_responses(401, 403),
)
def me(admin: CurrentAdmin) -> AdminOut:
    """Who the token belongs to."""
    return AdminOut(id=admin.id, username=admin.username, created_at=admin.created_at)
