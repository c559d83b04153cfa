"""Pure ASGI middleware: request ids and access lines, body size limit, security headers."""

from __future__ import annotations

import itertools
import re
import secrets
import time
from collections.abc import Awaitable, Callable, Mapping

import structlog
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = structlog.get_logger("caja_server.access")

MAX_BODY_BYTES = 64 * 1024
REQUEST_ID_SCOPE_KEY = "caja.request_id"
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


_PROCESS_TAG = secrets.token_hex(12)
_REQUEST_NUMBERS = itertools.count(1)


def request_id_for(headers: Headers) -> str:
    """The request's id: the caller's ``X-Request-ID`` when it is sane enough to keep (and
    log), else a new one."""
    incoming = headers.get("x-request-id", "")
    return incoming if _REQUEST_ID_RE.match(incoming) else new_request_id()


def bearer_token(authorization: str | None) -> str | None:
    """The credentials of an ``Authorization: Bearer ...`` header, or None."""
    scheme, _, credentials = (authorization or "").partition(" ")
    credentials = credentials.strip()
    return credentials if scheme.lower() == "bearer" and credentials else None


def new_request_id() -> str:
    """A request id unique across processes and replicas: a random tag drawn once per
    process plus a counter. (A fresh ``uuid4`` per request asked the kernel for randomness
    on the event loop's thread, which then waited to get the GIL back from busy threads.)"""
    return f"{_PROCESS_TAG}{next(_REQUEST_NUMBERS):08x}"


class RequestContextMiddleware:
    """Give every request an id (``X-Request-ID``, kept from the caller when it looks sane),
    bind it for every log line of the request, and log one ``request`` line at the end."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_for(Headers(scope=scope))
        # For the 500 handler, which runs outside this middleware (and its contextvars).
        scope[REQUEST_ID_SCOPE_KEY] = request_id
        tokens = structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["X-Request-ID"] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            log.info(
                "request",
                method=scope["method"],
                path=scope["path"],
                client=scope["client"][0] if scope.get("client") else None,
                status=status,
                duration_ms=round((time.perf_counter() - started) * 1000, 1),
            )
            structlog.contextvars.reset_contextvars(**tokens)


async def answer_errors(
    app: ASGIApp,
    scope: Scope,
    receive: Receive,
    send: Send,
    catch: type[Exception],
    respond: Callable[[Exception], Awaitable[Response]],
) -> None:
    """Run ``app``; when it raises ``catch`` before its response started, send
    ``respond(exc)`` instead (after that, re-raise: the server closes the connection)."""
    started = False

    async def tracking_send(message: Message) -> None:
        nonlocal started
        if message["type"] == "http.response.start":
            started = True
        await send(message)

    try:
        await app(scope, receive, tracking_send)
    except catch as exc:
        if started:
            raise
        await (await respond(exc))(scope, receive, send)


class BodyTooLarge(HTTPException):
    """Raised while reading a body that grows past the limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than {limit} bytes")


class BodySizeLimitMiddleware:
    """Refuse bodies over ``limit`` bytes with 413: at once from ``Content-Length``, and
    while streaming for chunked bodies (or a lying ``Content-Length``)."""

    def __init__(
        self,
        app: ASGIApp,
        limit: int = MAX_BODY_BYTES,
        overrides: Mapping[str, int] | None = None,
    ) -> None:
        """``overrides``: larger limits for exact paths (image uploads)."""
        self.app = app
        self.default_limit = limit
        self.overrides = dict(overrides or {})

    def _too_large(self, limit: int) -> JSONResponse:
        return JSONResponse(
            {
                "error": "payload_too_large",
                "detail": f"The request body is larger than {limit} bytes",
            },
            status_code=413,
            headers={"Connection": "close"},
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.overrides.get(scope["path"], self.default_limit)
        length = Headers(scope=scope).get("content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                declared = -1
            if declared < 0:
                await JSONResponse(
                    {"error": "bad_request", "detail": "Invalid Content-Length header"},
                    status_code=400,
                )(scope, receive, send)
                return
            if declared > limit:
                await self._too_large(limit)(scope, receive, send)
                return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def too_large(_: Exception) -> Response:
            return self._too_large(limit)

        await answer_errors(self.app, scope, limited_receive, send, BodyTooLarge, too_large)


def _authenticated(scope: Scope) -> bool:
    """Whether the request carries credentials (a bearer token or the login cookie)."""
    for name, value in scope.get("headers", []):
        if name == b"authorization" or (name == b"cookie" and b"caja_admin=" in value):
            return True
    return False


class SecurityHeadersMiddleware:
    """Add the security headers (CSP, nosniff, referrer policy, frame-ancestors, HSTS in
    production) to every answer, and ``Cache-Control: no-store`` to answers to
    authenticated requests that set no cache policy of their own (the state documents do:
    ``no-cache`` with an ETag). A route may set its own ``Content-Security-Policy`` (the
    API docs page does)."""

    def __init__(self, app: ASGIApp, headers: Mapping[str, str]) -> None:
        self.app = app
        self.headers = dict(headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        authenticated = _authenticated(scope)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    if name not in headers:
                        headers[name] = value
                if authenticated and "cache-control" not in headers:
                    # A caller's own data: no browser or proxy cache keeps it.
                    headers["Cache-Control"] = "no-store"
            await send(message)

        await self.app(scope, receive, send_with_headers)


def content_security_policy(static_origin: str | None = None) -> str:
    """The CSP of every answer: same-origin scripts only (no inline script), no framing.
    ``static_origin`` (a CDN serving the UI's assets) is allowed for assets. Images may come
    from any https origin: poll options can show a picture by URL."""
    extra = f" {static_origin}" if static_origin else ""
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src 'self'{extra}",
            f"style-src 'self'{extra} 'unsafe-inline'",
            f"img-src 'self'{extra} data: blob: https:",
            f"font-src 'self'{extra} data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def security_headers(static_origin: str | None = None, *, hsts: bool = False) -> dict[str, str]:
    """The security headers added to every answer; with ``hsts`` (production, which is
    served over HTTPS), ``Strict-Transport-Security`` for two years."""
    headers = {
        "Content-Security-Policy": content_security_policy(static_origin),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "strict-origin-when-cross-origin",
        "X-Frame-Options": "DENY",
    }
    if hsts:
        headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
    return headers
