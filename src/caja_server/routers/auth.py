"""Presenter login, logout and identity."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from caja_core.errors import AuthenticationFailed
from caja_core.services import accounts, admins
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
from caja_server.login_devices import remember_device, trusted_device
from caja_server.schemas import AdminOut, LoginRequest, PasswordChange, TokenOut
from caja_server.throttle import PasswordGuard

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
    Failed attempts slow the next ones down per username and per client, with growing
    delays (429 with Retry-After); a browser that has logged in to the account before is
    slowed down by its own failures only."""
    client_key = request.client.host if request.client else "unknown"
    device = trusted_device(request, settings, body.username)
    database: Database = request.app.state.db
    failure: AuthenticationFailed | None = None
    # Not the usual request transaction: a failed attempt must be committed (it is what
    # the delays count), so the failure is raised only after the commit.
    with database.transaction() as db:
        try:
            _, token = admins.login(db, body.username, body.password, client_key, device=device)
        except AuthenticationFailed as exc:
            failure = exc
    if failure is not None:
        raise failure
    if device is None:
        remember_device(response, settings, body.username)
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


@router.post(
    "/password",
    summary="Change one's own password",
    status_code=status.HTTP_204_NO_CONTENT,
    response_class=Response,
    responses=error_responses(401, 403, 422, 429),
)
def change_password(
    body: PasswordChange, request: Request, db: Db, admin: CurrentAdmin, token: Token
) -> None:
    """Needs the current password. Every other login of the account ends (polls this
    process answers from memory within 30 s); this one stays. After 5 wrong current
    passwords, one try a minute (429 with ``Retry-After``): a stolen login token is no
    licence to guess the password behind it."""
    assert token is not None  # CurrentAdmin has checked it
    guard: PasswordGuard = request.app.state.throttles.passwords
    guard.check(admin.id)
    try:
        accounts.change_own_password(db, admin, body.current_password, body.new_password, token)
    except AuthenticationFailed:
        guard.wrong(admin.id)
        raise
