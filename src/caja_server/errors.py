"""One table from domain errors to HTTP, and one JSON error body for everything.

Every error answer is ``{"error": <code>, "detail": <message>, ...extra}``: domain errors,
FastAPI's own request validation (422 with ``errors``), malformed JSON (400), unknown routes
(404), wrong methods (405), too-large bodies (413) and an unreachable database (503).
"""

from __future__ import annotations

import math
from http import HTTPStatus
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict
from sqlalchemy.exc import DataError, DBAPIError, IntegrityError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from caja_core import errors as domain
from caja_core.i18n import Message, negotiate
from caja_server.middleware import REQUEST_ID_SCOPE_KEY, answer_errors

log = structlog.get_logger(__name__)


class FieldError(BaseModel):
    """One field-level problem, like pydantic's: where, what, and a machine type."""

    loc: list[str | int]
    msg: str
    type: str


class ErrorBody(BaseModel):
    """The body of every error answer."""

    model_config = ConfigDict(extra="allow")

    error: str
    """A stable machine code: ``not_found``, ``validation_failed``, ``conflict``, ..."""
    detail: str
    """A human message saying what was wrong."""
    errors: list[FieldError] | None = None
    """Field-level problems, for validation errors."""
    code: str | None = None
    """This one situation, for a client to show in its reader's language (``nickname_taken``,
    ``time_up``): the web app's catalogs have a message for every code the host sends."""
    params: dict[str, Any] | None = None
    """The values the message of ``code`` names (``{"nickname": ..., "suggestion": ...}``)."""


# Domain error class -> HTTP status. The most specific class wins (looked up along the MRO).
STATUS_BY_ERROR: dict[type[domain.CajaError], int] = {
    domain.NotFound: 404,
    domain.Conflict: 409,
    domain.InvalidState: 409,
    domain.ValidationFailed: 422,
    domain.ConfigInvalid: 422,
    domain.AnswerRejected: 422,
    domain.ActionRejected: 409,  # 422 when it carries field errors (a bad body)
    domain.AuthenticationFailed: 401,
    domain.Forbidden: 403,
    domain.RateLimited: 429,
    domain.PluginError: 500,
}


def status_for(exc: domain.CajaError) -> int:
    """The HTTP status of a domain error."""
    if isinstance(exc, domain.ActionRejected) and exc.extra.get("errors"):
        return 422
    for cls in type(exc).__mro__:
        if cls in STATUS_BY_ERROR:
            return STATUS_BY_ERROR[cls]
    return 400


def error_response(
    status: int, error: str, detail: str, headers: dict[str, str] | None = None, **extra: Any
) -> JSONResponse:
    """A JSON error answer with the common body (``extra`` may hold the situation's ``code``
    and ``params``)."""
    body: dict[str, Any] = {"error": error, "detail": detail}
    body.update({k: v for k, v in extra.items() if v is not None})
    return JSONResponse(body, status_code=status, headers=headers)


def _clean_errors(raw: Any) -> list[dict[str, Any]]:
    out = []
    for err in raw or []:
        loc = [p if isinstance(p, int) else str(p) for p in err.get("loc", [])]
        out.append({"loc": loc, "msg": str(err.get("msg", "")), "type": str(err.get("type", ""))})
    return out


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, domain.CajaError)
    status = status_for(exc)
    headers: dict[str, str] = {}
    extra = dict(exc.extra)
    if isinstance(exc, domain.RateLimited):
        retry = extra.get("retry_after")
        seconds = max(1, math.ceil(float(retry))) if isinstance(retry, int | float) else 60
        headers["Retry-After"] = str(seconds)
        extra["retry_after"] = seconds
    if isinstance(exc, domain.AuthenticationFailed):
        headers["WWW-Authenticate"] = "Bearer"
    if "errors" in extra:
        extra["errors"] = _clean_errors(extra["errors"])
    if isinstance(exc.detail, Message):
        extra.update(_translated(request, exc.detail))
    if status >= 500:
        log.error("domain_error", error=exc.code, detail=exc.detail)
    return error_response(status, exc.code, exc.detail, headers=headers, **extra)


def _translated(request: Request, message: Message) -> dict[str, Any]:
    """An activity type's translatable error in the caller's language (``message``), with
    its parameters; ``detail`` stays English."""
    extra: dict[str, Any] = {"params": {k: _jsonable(v) for k, v in message.params.items()}}
    language = negotiate(request.query_params.get("lang"), request.headers.get("accept-language"))
    host = getattr(request.app.state, "host", None)
    if message.domain and host is not None and message.domain in host:
        extra["message"] = message.translated(host.get(message.domain).translator(language))
        extra["language"] = language
    return extra


def _jsonable(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    raw = list(exc.errors())
    if any(err.get("type") == "json_invalid" for err in raw):
        err = next(e for e in raw if e.get("type") == "json_invalid")
        reason = (err.get("ctx") or {}).get("error", "malformed JSON")
        return error_response(400, "invalid_json", f"The request body is not valid JSON: {reason}")
    errors = _clean_errors(raw)
    parts = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in errors[:5]]
    detail = "Invalid request: " + "; ".join(parts) if parts else "Invalid request"
    return error_response(422, "validation_failed", detail, errors=errors)


_HTTP_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}


_FASTAPI_UNPARSABLE = "There was an error parsing the body"


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "http_error")
    detail = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
    if exc.status_code == 400 and detail == _FASTAPI_UNPARSABLE:
        # FastAPI's answer when parsing raised something other than a JSON error: in
        # practice nesting deeper than the decoder's recursion limit.
        code, detail = "invalid_json", "The request body is not valid JSON (or nests too deeply)"
    if exc.status_code == 404 and detail == "Not Found":
        detail = f"No such resource: {request.url.path}"
    elif exc.status_code == 405:
        detail = f"Method {request.method} is not allowed on {request.url.path}"
    return error_response(exc.status_code, code, detail, headers=dict(exc.headers or {}))


async def _integrity_error(request: Request, exc: Exception) -> JSONResponse:
    # A race the services could not see coming (two requests inserting the same row).
    log.warning("integrity_conflict", error=str(exc.__class__.__name__))
    return error_response(409, "conflict", "The request conflicts with a concurrent change")


async def _data_error(request: Request, exc: Exception) -> JSONResponse:
    # A value the database refuses (out of range, bad encoding): the caller's input.
    log.warning("data_error", error=type(getattr(exc, "orig", exc)).__name__)
    return error_response(422, "invalid_value", "A value in the request can't be stored")


async def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    log.error("database_unavailable", error=str(exc).splitlines()[0] if str(exc) else "")
    return error_response(
        503,
        "database_unavailable",
        "The database is unavailable; try again shortly",
        headers={"Retry-After": "5"},
    )


async def _dbapi_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DBAPIError)
    if exc.connection_invalidated:
        return await _database_unavailable(request, exc)
    return await _internal_error(request, exc)


async def _internal_error(request: Request, exc: Exception) -> JSONResponse:
    request_id = request.scope.get(REQUEST_ID_SCOPE_KEY)
    log.error("unhandled_error", request_id=request_id, exc_info=exc)
    return error_response(
        500,
        "internal_error",
        "Internal server error; the request id helps the operator find it in the logs",
        headers={"X-Request-ID": request_id} if request_id else None,
        request_id=request_id,
    )


class InternalErrorMiddleware:
    """Answer an unexpected exception (a plugin bug, say) with the JSON 500 here, inside
    the app, instead of letting it reach Starlette's outermost error layer. That layer sends
    the same 500 but re-raises, and the server then drops the keep-alive connection, so the
    client's next request on it fails with a reset."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def internal_error(exc: Exception) -> Response:
            return await _internal_error(Request(scope), exc)

        await answer_errors(self.app, scope, receive, send, Exception, internal_error)


def install_error_handlers(app: FastAPI) -> None:
    """Register the one mapping on ``app``."""
    app.add_exception_handler(domain.CajaError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(IntegrityError, _integrity_error)
    app.add_exception_handler(DataError, _data_error)
    app.add_exception_handler(OperationalError, _database_unavailable)
    app.add_exception_handler(DBAPIError, _dbapi_error)
    app.add_exception_handler(Exception, _internal_error)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries declaring the error body for these statuses (and the
    503 every database-backed route can answer)."""
    return {
        status: {"model": ErrorBody, "description": HTTPStatus(status).phrase}
        for status in (*statuses, 503)
    }
